import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { affineBackward, affineForward } from '../../src/engine/layers/dense';
import { ACTIVATION_FUNCTIONS } from '../../src/engine/layers/activation';
import { buildLayer } from '../../src/engine/layers/index';
import type { Layer, Shape } from '../../src/engine/layers/layer';
import { LOSS_FUNCTIONS } from '../../src/engine/loss';
import { Network } from '../../src/engine/network';
import { entryRelativeError, maxRelativeError, numericGradient, relativeErrorOfNorms, verdict } from '../../src/engine/gradcheck';
import { ACTIVATIONS, ACTIVATION_ALPHA, type LayerSpec } from '../../src/model/spec';

/** All gradient checks run in float64, where a correct backward pass agrees to ~1e-8 or better. */
const TOL = 1e-7;

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Σ out ⊙ dout, whose gradient with respect to the inputs is the backward pass fed dout. */
function dot(a: Float64Array | Float32Array, b: Float64Array, len = b.length): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * b[i];
  return s;
}

/**
 * Checks a layer's dx and every parameter gradient against centered differences of
 * f = Σ forward(x) ⊙ dout, in training mode, with random x and dout.
 */
function checkLayer(spec: LayerSpec, inShape: Shape, n: number, seed: number, xScale = 1): void {
  const rng = new Rng(seed);
  const layers = buildLayer(spec, inShape, { dtype: 'float64', rng, init: { type: 'normal', std: 0.5 }, sourceIndex: 0, seed });
  const layer: Layer = layers[0];
  const inSize = layer.inSize;
  const x = randn(rng, n * inSize, xScale);
  const dout = randn(rng, n * layer.outSize);
  layer.setFrozen?.(false);
  layer.forward(x, n, true);
  layer.setFrozen?.(true);
  const f = (): number => dot(layer.forward(x, n, true), dout, n * layer.outSize);
  f();
  const dx = Float64Array.from(layer.backward(dout, n).subarray(0, n * inSize));
  const grads = layer.params.map((p) => Float64Array.from(p.grad));
  const errX = maxRelativeError(dx, numericGradient(f, x));
  assert.ok(errX < TOL, `${layer.label} dx: relative error ${errX}`);
  layer.params.forEach((p, i) => {
    const err = maxRelativeError(grads[i], numericGradient(f, p.value));
    assert.ok(err < TOL, `${layer.label} ${p.role}: relative error ${err}`);
  });
}

test('affine backward matches centered differences for x, W and b', () => {
  const rng = new Rng(7);
  const [n, d, m] = [4, 5, 3];
  const x = randn(rng, n * d);
  const w = randn(rng, d * m);
  const b = randn(rng, m);
  const dout = randn(rng, n * m);
  const out = new Float64Array(n * m);
  const f = (): number => { affineForward(x, w, b, out, n, d, m); return dot(out, dout); };
  const dx = new Float64Array(n * d);
  const dw = new Float64Array(d * m);
  const db = new Float64Array(m);
  affineForward(x, w, b, out, n, d, m);
  affineBackward(dout, x, w, dx, dw, db, n, d, m);
  assert.ok(maxRelativeError(dx, numericGradient(f, x)) < TOL, 'dx');
  assert.ok(maxRelativeError(dw, numericGradient(f, w)) < TOL, 'dW');
  assert.ok(maxRelativeError(db, numericGradient(f, b)) < TOL, 'db');
});

test('affine backward writes gradients; it does not keep the previous ones', () => {
  const x = new Float64Array([1, 2]);
  const w = new Float64Array([3, 4]);
  const dx = new Float64Array(2);
  const dw = new Float64Array([99, 99]);
  const db = new Float64Array([99]);
  affineBackward(new Float64Array([2]), x, w, dx, dw, db, 1, 2, 1);
  assert.deepEqual([...dw], [2, 4]);
  assert.deepEqual([...db], [2]);
  assert.deepEqual([...dx], [6, 8]);
});

for (const name of ACTIVATIONS) {
  for (const alpha of ACTIVATION_ALPHA[name] !== undefined ? [ACTIVATION_ALPHA[name]!, 0.3] : [0]) {
    test(`${name}${alpha ? ` (alpha ${alpha})` : ''} backward matches centered differences`, () => {
      const rng = new Rng(11);
      const len = 60;
      // Keep inputs away from the kink at 0, where ReLU-like derivatives are undefined.
      const x = randn(rng, len, 1.5).map((v) => (Math.abs(v) < 0.01 ? v + 0.05 : v));
      const dout = randn(rng, len);
      const out = new Float64Array(len);
      const fn = ACTIVATION_FUNCTIONS[name];
      fn.forward(x, out, len, alpha);
      const dx = new Float64Array(len);
      fn.backward(x, out, dout, dx, len, alpha);
      // Elementwise: check each element alone, so round-off of the others does not blur small slopes.
      const numeric = new Float64Array(len);
      const one = new Float64Array(1);
      const outOne = new Float64Array(1);
      for (let i = 0; i < len; i++) {
        one[0] = x[i];
        numeric[i] = numericGradient(() => { fn.forward(one, outOne, 1, alpha); return outOne[0] * dout[i]; }, one)[0];
      }
      const err = maxRelativeError(dx, numeric);
      assert.ok(err < TOL, `relative error ${err}`);
    });
  }
}

test('activation values: leaky_relu, elu and gelu at known points', () => {
  const x = new Float64Array([-2, -0.5, 0, 1.5]);
  const out = new Float64Array(4);
  ACTIVATION_FUNCTIONS.leaky_relu.forward(x, out, 4, 0.01);
  assert.deepEqual([...out], [-0.02, -0.005, 0, 1.5]);
  ACTIVATION_FUNCTIONS.elu.forward(x, out, 4, 1);
  assert.ok(Math.abs(out[0] - (Math.exp(-2) - 1)) < 1e-15 && out[3] === 1.5);
  ACTIVATION_FUNCTIONS.gelu.forward(x, out, 4, 0);
  // x·Φ(x): Φ(1.5) = 0.9331927987311419, Φ(−2) = 0.022750131948179195
  assert.ok(Math.abs(out[3] - 1.5 * 0.9331927987311419) < 1e-14, `gelu(1.5) = ${out[3]}`);
  assert.ok(Math.abs(out[0] - -2 * 0.022750131948179195) < 1e-14, `gelu(-2) = ${out[0]}`);
  assert.equal(out[2], 0);
});

const LAYER_CASES: Array<{ name: string; spec: LayerSpec; shape: Shape; n: number }> = [
  { name: 'dense on flat input', spec: { kind: 'dense', units: 4, activation: { type: 'linear' } }, shape: [5], n: 3 },
  { name: 'dense on image input (flattens)', spec: { kind: 'dense', units: 3, activation: { type: 'linear' } }, shape: [2, 3, 2], n: 2 },
  { name: 'maxout 3×2', spec: { kind: 'maxout', units: 3, pieces: 2 }, shape: [4], n: 3 },
  { name: 'maxout 2×4', spec: { kind: 'maxout', units: 2, pieces: 4 }, shape: [3], n: 2 },
  { name: 'batchnorm, flat', spec: { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 }, shape: [4], n: 5 },
  { name: 'batchnorm, per channel', spec: { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 }, shape: [3, 2, 3], n: 4 },
  { name: 'dropout p 0.5 (mask held fixed)', spec: { kind: 'dropout', p: 0.5 }, shape: [10], n: 4 },
  { name: 'flatten', spec: { kind: 'flatten' }, shape: [2, 2, 3], n: 2 },
];

for (const c of LAYER_CASES) {
  test(`${c.name}: backward matches centered differences`, () => checkLayer(c.spec, c.shape, c.n, 17));
}

for (const loss of ['softmax', 'svm', 'mse'] as const) {
  test(`${loss} loss gradient matches centered differences`, () => {
    const rng = new Rng(3);
    const [n, c] = [6, 4];
    const scores = randn(rng, n * c);
    const targets = loss === 'mse' ? Float32Array.from(randn(rng, n * c)) : Int32Array.from([0, 3, 1, 2, 3, 1]);
    const dscores = new Float64Array(n * c);
    const fn = LOSS_FUNCTIONS[loss];
    fn(scores, targets, 0, n, c, dscores);
    const f = (): number => fn(scores, targets, 0, n, c, undefined).loss;
    const err = maxRelativeError(dscores, numericGradient(f, scores));
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

test('a whole network with L2 and L1 matches centered differences for every parameter', () => {
  const net = new Network({
    inputShape: [3],
    layers: [
      { kind: 'dense', units: 6, activation: { type: 'tanh' } },
      { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'dense', units: 5, activation: { type: 'sigmoid' } },
      { kind: 'maxout', units: 4, pieces: 2 },
      { kind: 'dense', units: 4, activation: { type: 'gelu' } },
      { kind: 'dense', units: 3, activation: { type: 'linear' } },
    ],
    init: { type: 'xavier' }, loss: 'softmax', initSeed: 5, trainSeed: 6, dtype: 'float64',
  });
  const rng = new Rng(8);
  const n = 6;
  const x = randn(rng, n * 3);
  const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const reg = { l2: 0.05, l1: 0.01 };
  const f0 = net.loss(x, y, 0, n, reg, true).loss;
  const analytic = net.params.map((p) => Float64Array.from(p.grad));
  // Each loss value carries round-off of about ε·|f|, so a centered difference with step h is only
  // good to about ε·|f|/h in absolute terms (≈ 2.4e-11 here). One entry, layers[0].b[1], has a true
  // gradient of 7.8e-6 (the batchnorm after it cancels most of a bias's effect), where that floor
  // is 1.5e-6 of relative error: measured 2.9e-12 apart, 1.9e-7 relative, which is noise, not a
  // wrong backward pass. So per entry, the relative error must be under 1e-7 or the absolute one
  // under 4× that floor.
  const h = 1e-5;
  const floor = (4 * Number.EPSILON * Math.abs(f0)) / h;
  for (const [i, p] of net.params.entries()) {
    const numeric = numericGradient(() => net.loss(x, y, 0, n, reg, false, true).loss, p.value, h);
    // Entry by entry, cs231n's measure (the stricter one), not the norm-wise figure.
    for (let j = 0; j < numeric.length; j++) {
      const [a, num] = [analytic[i][j], numeric[j]];
      const err = entryRelativeError(a, num);
      assert.ok(err < 1e-7 || Math.abs(a - num) < floor, `${p.name}[${j}]: ${a} vs ${num}, relative error ${err}`);
    }
  }
});

test('relative errors are cs231n\'s, and so are the verdicts', () => {
  assert.equal(maxRelativeError([1], [1]), 0);
  assert.equal(maxRelativeError([0], [0]), 0);
  // |a − n| / max(1e-8, |a| + |n|): the sum of the magnitudes below, as cs231n's rel_error.
  assert.ok(Math.abs(entryRelativeError(2, 1) - 1 / 3) < 1e-15);
  assert.ok(Math.abs(entryRelativeError(-1, 1) - 1) < 1e-15);
  assert.ok(Math.abs(maxRelativeError([1e-12], [2e-12]) - 1e-4) < 1e-12, 'both ~0: divided by the 1e-8 floor');
  assert.ok(Math.abs(entryRelativeError(1e-9, 0) - 0.1) < 1e-12, 'an absolute disagreement of 1e-9 still shows');
  assert.ok(Math.abs(maxRelativeError([2, 1, 5], [1, 1, 5.01]) - 1 / 3) < 1e-15, 'the largest entry');
  assert.ok(Number.isNaN(maxRelativeError([1, NaN, 1], [1, 1, 2])), 'a NaN is not hidden by a later entry');
  assert.ok(Math.abs(relativeErrorOfNorms([3, 0], [0, 4]) - 5 / 4) < 1e-15);
  assert.equal(verdict(1e-9), 'good');
  assert.equal(verdict(1e-5), 'kinks only');
  assert.equal(verdict(1e-3), 'uncomfortable');
  assert.equal(verdict(0.5), 'wrong');
  assert.equal(verdict(NaN), 'wrong');
});
