/**
 * Independent oracle: small random networks of every layer type, the engine against the same
 * network written with TensorFlow.js ops (test/unit/oracle-tf.ts), forward and backward.
 *
 * Each case is run with the engine in float32 and in float64; tfjs is float32 throughout.
 * Tolerance, per compared tensor (scores, each parameter's gradient, running statistics):
 *   max_i |engine_i − tf_i| ≤ ATOL + RTOL · max_i |tf_i|
 * and for the loss |engine − tf| ≤ ATOL + RTOL · |tf|. RTOL = 1e-4: float32 rounds at ~6e-8, and
 * the longest chains here (sums of a few hundred terms over a few layers, summed in different
 * orders by the two implementations) stay below ~1e-5 of a tensor's scale, while a wrong layout,
 * index or formula errs by percent. The error is measured against the tensor's largest magnitude,
 * not elementwise, because float32 sums that cancel to near zero carry absolute, not relative,
 * error. ATOL = 1e-6 is a floor for tensors that are exactly zero in exact arithmetic (e.g. γ's
 * gradient for a flat batchnorm over a batch of one).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Network, type Regularization } from '../../src/engine/network';
import type { Dtype, FloatArray } from '../../src/engine/tensor';
import type { BatchNormLayer } from '../../src/engine/layers/batchnorm';
import type { InitSpec, LayerSpec, LossName } from '../../src/model/spec';
import { TestRandom, describe, initTf, initialRunning, oracle, type Shape } from './oracle-tf';

const RTOL = 1e-4;
const ATOL = 1e-6;

interface Case {
  name: string;
  inputShape: Shape;
  layers: LayerSpec[];
  loss: LossName;
  batches: number[];
  init?: InitSpec;
  reg?: Regularization;
  /** Rows of the targets start here (the engine's `offset`). */
  offset?: number;
  /** Also compare evaluation mode (running batchnorm statistics, dropout as the identity). */
  evaluation?: boolean;
  /** Size of the first, warm-up batch (default 5). */
  warmup?: number;
}

const lin = { type: 'linear' } as const;
const relu = { type: 'relu' } as const;
const bn = { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 } as const;
const NO_REG: Regularization = { l2: 0, l1: 0 };

const ACTIVATIONS = [
  { label: 'tanh', a: { type: 'tanh' } },
  { label: 'sigmoid', a: { type: 'sigmoid' } },
  { label: 'relu', a: { type: 'relu' } },
  { label: 'leaky_relu (default 0.01)', a: { type: 'leaky_relu' } },
  { label: 'leaky_relu 0.1', a: { type: 'leaky_relu', alpha: 0.1 } },
  { label: 'elu (default 1)', a: { type: 'elu' } },
  { label: 'elu 1', a: { type: 'elu', alpha: 1 } },
  { label: 'elu 0.5', a: { type: 'elu', alpha: 0.5 } },
  { label: 'gelu', a: { type: 'gelu' } },
] as const;

const CASES: Case[] = [
  {
    name: 'MLP dense+relu, dense, softmax',
    inputShape: [5],
    layers: [{ kind: 'dense', units: 8, activation: relu }, { kind: 'dense', units: 3, activation: lin }],
    loss: 'softmax', batches: [1, 4],
  },
  ...ACTIVATIONS.map((x): Case => ({
    name: `dense+${x.label}, dense, softmax`,
    inputShape: [4],
    layers: [{ kind: 'dense', units: 7, activation: x.a }, { kind: 'dense', units: 3, activation: lin }],
    loss: 'softmax', batches: [1, 4],
  })),
  {
    name: 'standalone activation layers (relu, gelu) between linear denses',
    inputShape: [4],
    layers: [
      { kind: 'dense', units: 6, activation: lin }, { kind: 'activation', activation: relu },
      { kind: 'dense', units: 5, activation: lin }, { kind: 'activation', activation: { type: 'gelu' } },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4],
  },
  {
    name: 'maxout 5×3, dense, svm',
    inputShape: [4],
    layers: [{ kind: 'maxout', units: 5, pieces: 3 }, { kind: 'dense', units: 4, activation: lin }],
    loss: 'svm', batches: [1, 4],
  },
  {
    name: 'dense, maxout 3×2 as the score layer, softmax',
    inputShape: [5],
    layers: [{ kind: 'dense', units: 6, activation: { type: 'tanh' } }, { kind: 'maxout', units: 3, pieces: 2 }],
    loss: 'softmax', batches: [1, 4],
  },
  {
    name: 'flat batchnorm (training) in an MLP, softmax',
    inputShape: [4],
    layers: [
      { kind: 'dense', units: 6, activation: lin }, bn, { kind: 'activation', activation: relu },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4, 7], evaluation: true,
  },
  {
    name: 'CNN conv3 p1 relu, max pool 2, conv3 s2 p1 relu, avg pool 2/1, spatial batchnorm, flatten, dense',
    inputShape: [2, 10, 10],
    layers: [
      { kind: 'conv', filters: 3, size: 3, stride: 1, pad: 1, activation: relu },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      { kind: 'conv', filters: 4, size: 3, stride: 2, pad: 1, activation: relu },
      { kind: 'pool', size: 2, stride: 1, type: 'avg' },
      bn,
      { kind: 'flatten' },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4], evaluation: true,
  },
  {
    // conv forward is gemmNN(13 filters, 324 pixels, 144 = 16·3·3): two column panels (256 + 68),
    // two depth panels (128 + 16), rows 8 + 4 + 1; its backward gemmTN has 144 rows; the 1×1 conv
    // takes the pointwise path with 9 = 8 + 1 rows.
    name: 'wide convs (GEMM blocks and leftover rows): 16×18×18, conv 13@3×3 p1 relu, avg pool 3/3, conv 9@1×1 tanh, dense',
    inputShape: [16, 18, 18],
    layers: [
      { kind: 'conv', filters: 13, size: 3, stride: 1, pad: 1, activation: relu },
      { kind: 'pool', size: 3, stride: 3, type: 'avg' },
      { kind: 'conv', filters: 9, size: 1, stride: 1, pad: 0, activation: { type: 'tanh' } },
      { kind: 'flatten' },
      { kind: 'dense', units: 3, activation: lin },
    ],
    // tfjs's CPU convolutions take ~100 ms per sample here: one batch of 1 after a warm-up of 2.
    loss: 'softmax', batches: [1], warmup: 2,
  },
  {
    name: 'overlapping max pool 3/2 on 7×7, svm',
    inputShape: [2, 7, 7],
    layers: [
      { kind: 'conv', filters: 3, size: 3, stride: 1, pad: 1, activation: { type: 'tanh' } },
      { kind: 'pool', size: 3, stride: 2, type: 'max' },
      { kind: 'flatten' },
      { kind: 'dense', units: 4, activation: lin },
    ],
    loss: 'svm', batches: [1, 4],
  },
  {
    name: 'non-square 6×8: conv p1 leaky_relu, max pool 2, conv 2×2 sigmoid, spatial batchnorm, dense on the image, mse',
    inputShape: [2, 6, 8],
    layers: [
      { kind: 'conv', filters: 3, size: 3, stride: 1, pad: 1, activation: { type: 'leaky_relu', alpha: 0.1 } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      { kind: 'conv', filters: 2, size: 2, stride: 1, pad: 0, activation: { type: 'sigmoid' } },
      bn,
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'mse', batches: [1, 4], evaluation: true,
  },
  {
    name: 'pointwise conv 1×1 tanh, avg pool 2/1 on 4×5, flatten, maxout',
    inputShape: [3, 4, 5],
    layers: [
      { kind: 'conv', filters: 4, size: 1, stride: 1, pad: 0, activation: { type: 'tanh' } },
      { kind: 'pool', size: 2, stride: 1, type: 'avg' },
      { kind: 'flatten' },
      { kind: 'maxout', units: 3, pieces: 2 },
    ],
    loss: 'softmax', batches: [1, 4],
  },
  {
    name: 'conv 3×3 stride 2 no pad, elu 0.5, avg pool 2/2, dense',
    inputShape: [1, 9, 9],
    layers: [
      { kind: 'conv', filters: 2, size: 3, stride: 2, pad: 0, activation: { type: 'elu', alpha: 0.5 } },
      { kind: 'pool', size: 2, stride: 2, type: 'avg' },
      { kind: 'flatten' },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'svm', batches: [1, 4],
  },
  {
    name: 'conv 5×5 pad 2 gelu, max pool 2, dense',
    inputShape: [1, 6, 6],
    layers: [
      { kind: 'conv', filters: 2, size: 5, stride: 1, pad: 2, activation: { type: 'gelu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4],
  },
  ...(['softmax', 'svm', 'mse'] as const).map((loss): Case => ({
    name: `${loss} loss on an MLP`,
    inputShape: [3],
    layers: [{ kind: 'dense', units: 6, activation: { type: 'tanh' } }, { kind: 'dense', units: 4, activation: lin }],
    loss, batches: [1, 4],
  })),
  ...(['softmax', 'svm', 'mse'] as const).map((loss): Case => ({
    name: `${loss} loss with targets at offset 3`,
    inputShape: [3],
    layers: [{ kind: 'dense', units: 5, activation: relu }, { kind: 'dense', units: 4, activation: lin }],
    loss, batches: [1, 4], offset: 3,
  })),
  {
    name: 'L2 0.1 + L1 0.02 over conv, maxout and dense weights (not biases, not γ/β)',
    inputShape: [2, 6, 6],
    layers: [
      { kind: 'conv', filters: 3, size: 3, stride: 1, pad: 1, activation: relu },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      bn,
      { kind: 'flatten' },
      { kind: 'maxout', units: 4, pieces: 2 },
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4], reg: { l2: 0.1, l1: 0.02 },
  },
  {
    name: 'L2 + L1 on an MLP with mse',
    inputShape: [4],
    layers: [{ kind: 'dense', units: 5, activation: { type: 'sigmoid' } }, { kind: 'dense', units: 2, activation: lin }],
    loss: 'mse', batches: [1, 4], reg: { l2: 0.05, l1: 0.01 },
  },
  {
    name: 'dropout 0.3 and 0.5 (mask read back from the engine), batchnorm after it',
    inputShape: [5],
    layers: [
      { kind: 'dense', units: 8, activation: { type: 'tanh' } },
      { kind: 'dropout', p: 0.3 },
      { kind: 'dense', units: 6, activation: { type: 'sigmoid' } },
      { kind: 'dropout', p: 0.5 },
      bn,
      { kind: 'dense', units: 3, activation: lin },
    ],
    loss: 'softmax', batches: [1, 4], evaluation: true,
  },
];

/** One comparison: the largest difference, and what share of its tolerance that is. */
interface Diff { what: string; diff: number; scale: number; share: number }

/** Asserts max |engine − tf| ≤ ATOL + RTOL·max|tf| and returns the observed difference. */
function compare(what: string, engine: ArrayLike<number>, ref: ArrayLike<number>): Diff {
  assert.equal(engine.length, ref.length, `${what}: engine has ${engine.length} values, tf ${ref.length}`);
  let diff = 0;
  let at = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(engine[i] - ref[i]);
    if (!(d <= diff)) { // NaN counts as the worst
      diff = d;
      at = i;
    }
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  const tol = ATOL + RTOL * scale;
  assert.ok(
    diff <= tol,
    `${what}: max |engine − tf| = ${diff.toExponential(3)} at [${at}] (engine ${engine[at]}, tf ${ref[at]}), `
    + `largest |tf| ${scale.toExponential(3)}, tolerance ${tol.toExponential(3)}`,
  );
  return { what, diff, scale, share: diff / tol };
}

/** Each dropout layer's mask in the engine's last training pass: out/in is 0 or 1/(1 − p). */
function readMasks(net: Network, c: Case, x: FloatArray, n: number): Map<number, Float32Array> {
  const masks = new Map<number, Float32Array>();
  net.layers.forEach((layer, j) => {
    if (layer.kind !== 'dropout') return;
    const spec = c.layers[layer.sourceIndex];
    assert.equal(spec.kind, 'dropout');
    const p = spec.kind === 'dropout' ? spec.p : 0;
    const len = n * layer.inSize;
    const input = j === 0 ? x : net.outputs[j - 1];
    const out = net.outputs[j];
    const scale = 1 / (1 - p);
    const mask = new Float32Array(len);
    for (let i = 0; i < len; i++) {
      // Inputs here come out of tanh/sigmoid, so they are never 0 and the ratio is defined.
      assert.notEqual(input[i], 0, `dropout ${layer.sourceIndex}: zero input at ${i}, mask unreadable`);
      const ratio = out[i] / input[i];
      assert.ok(ratio === 0 || Math.abs(ratio - scale) <= 1e-6 * scale,
        `dropout ${layer.sourceIndex}: out/in = ${ratio} at ${i}, expected 0 or 1/(1 − ${p}) = ${scale}`);
      mask[i] = ratio === 0 ? 0 : scale;
    }
    masks.set(layer.sourceIndex, mask);
  });
  return masks;
}

interface Run {
  x: FloatArray;
  n: number;
  targets: Int32Array | Float32Array;
  offset: number;
}

function makeBatch(c: Case, rng: TestRandom, dtype: Dtype, n: number, classes: number): Run {
  const offset = c.offset ?? 0;
  const xs = rng.normals(n * c.inputShape.reduce((a, b) => a * b, 1));
  const x = dtype === 'float64' ? Float64Array.from(xs) : xs;
  const targets = c.loss === 'mse' ? rng.normals((offset + n + 2) * classes) : rng.labels(offset + n + 2, classes);
  return { x, n, targets, offset };
}

/** One engine loss call against the oracle: scores, loss and every gradient. */
function check(
  label: string, net: Network, c: Case, run: Run, reg: Regularization, training: boolean,
  running: ReturnType<typeof initialRunning>, diffs: Diff[],
): number {
  const { x, n, targets, offset } = run;
  const r = net.loss(x, targets, offset, n, reg, true, training);
  // A training pass stages batchnorm's running statistics; the step keeps them, as the trainer does for a finite step.
  if (training) net.endStep(true);
  const last = net.outputs[net.layers.length - 1];
  const scores = Float64Array.from(last.subarray(0, n * net.outputSize));
  const masks = training ? readMasks(net, c, x, n) : undefined;
  const ref = oracle({
    inputShape: c.inputShape, layers: c.layers, loss: c.loss, params: net.params.map((p) => p.value),
    x, n, targets, offset, reg, training, masks, running,
  });
  diffs.push(compare(`${label} scores`, scores, ref.scores));
  for (const [what, e, t] of [['loss', r.loss, ref.loss], ['data loss', r.dataLoss, ref.dataLoss], ['reg loss', r.regLoss, ref.regLoss]] as const) {
    const d = Math.abs(e - t);
    const tol = ATOL + RTOL * Math.abs(t);
    assert.ok(d <= tol, `${label} ${what}: engine ${e}, tf ${t}, difference ${d.toExponential(3)}, tolerance ${tol.toExponential(3)}`);
    diffs.push({ what: `${label} ${what}`, diff: d, scale: Math.abs(t), share: d / tol });
  }
  assert.equal(r.correct, ref.correct, `${label} correct count`);
  net.params.forEach((p, i) => diffs.push(compare(`${label} ∂loss/∂${p.name}`, p.grad, ref.grads[i])));
  return r.loss;
}

before(async () => {
  await initTf();
});

let seed = 1000;
for (const c of CASES) {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const n of c.batches) {
      const caseSeed = seed++;
      test(`oracle: ${c.name}, N=${n}, engine ${dtype}`, (t) => {
        const net = new Network({
          inputShape: c.inputShape, layers: c.layers, init: c.init ?? { type: 'xavier' }, loss: c.loss,
          initSeed: caseSeed, trainSeed: caseSeed + 1, dtype,
        });
        // The parameter list, names, sizes and regularization flags, as the layouts say.
        const expected = describe(c.inputShape, c.layers).params;
        assert.deepEqual(
          net.params.map((p) => [p.name, p.value.length, p.regularize]),
          expected.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1), p.regularize]),
        );
        const rng = new TestRandom(caseSeed);
        // Biases start at 0 and γ at 1: give them random values so their layouts show in the forward pass.
        for (const p of net.params) {
          if (p.role === 'W') continue;
          const v = rng.normals(p.value.length, 0.3, p.role === 'gamma' ? 1 : 0);
          p.value.set(v);
        }
        const reg = c.reg ?? NO_REG;
        const running = initialRunning(c.inputShape, c.layers);
        const diffs: Diff[] = [];
        // A first training batch of another size, so buffers are reused and running statistics move.
        const warm = makeBatch(c, rng, dtype, c.warmup ?? 5, net.outputSize);
        check(`warm-up N=${warm.n}`, net, c, warm, reg, true, running, []);
        const run = makeBatch(c, rng, dtype, n, net.outputSize);
        const first = check('training', net, c, run, reg, true, running, diffs);
        if (net.layers.some((l) => l.kind === 'dropout')) {
          // Frozen, the engine reuses the mask: the same loss and gradients again (and still the oracle's).
          const grads = net.params.map((p) => Float64Array.from(p.grad));
          net.setFrozen(true);
          const again = check('frozen dropout, same batch', net, c, run, reg, true, running, diffs);
          assert.equal(again, first, 'frozen dropout: the same loss again');
          net.params.forEach((p, i) => assert.deepEqual(Float64Array.from(p.grad), grads[i], `frozen dropout: ${p.name}`));
          net.setFrozen(false);
        }
        // The running statistics after every training pass so far, tracked by the oracle from its own batch moments.
        net.layers.forEach((layer) => {
          if (layer.kind !== 'batchnorm') return;
          const stats = running.get(layer.sourceIndex)!;
          const bnl = layer as BatchNormLayer;
          diffs.push(compare(`running mean of layers[${layer.sourceIndex}]`, bnl.runningMean, stats.mean));
          diffs.push(compare(`running variance of layers[${layer.sourceIndex}]`, bnl.runningVar, stats.variance));
        });
        if (c.evaluation) {
          const evalRun = makeBatch(c, rng, dtype, n, net.outputSize);
          check('evaluation', net, c, evalRun, reg, false, running, diffs);
        }
        const largest = diffs.reduce((a, b) => (b.diff > a.diff ? b : a));
        const closest = diffs.reduce((a, b) => (b.share > a.share ? b : a));
        t.diagnostic(
          `${diffs.length} comparisons; max |Δ| ${largest.diff.toExponential(2)} (${largest.what}, largest |tf| ${largest.scale.toExponential(2)}); `
          + `closest to tolerance: ${(100 * closest.share).toFixed(2)}% (${closest.what})`,
        );
      });
    }
  }
}
