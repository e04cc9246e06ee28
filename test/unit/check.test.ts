import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheckModel, gradcheckNetwork, type ParamCheck } from '../../src/engine/check';
import { DenseLayer } from '../../src/engine/layers/dense';
import { ActivationLayer } from '../../src/engine/layers/activation';
import { Network, type Regularization } from '../../src/engine/network';
import { KINK_KINDS, type KinkKind } from '../../src/engine/kinks';
import { allocate } from '../../src/engine/tensor';
import { kernels } from '../../src/engine/wasm/kernels';
import { Rng } from '../../src/engine/rng';
import type { LayerSpec, LossName } from '../../src/model/spec';
import { kinkBreakdown } from '../../webview/gradcheck';
import { SPIRAL } from './fixtures';

test('the model gradient check passes a correct model and catches a backward pass 1% off', () => {
  const good = gradcheckModel(SPIRAL);
  assert.ok(good.maxRelError < 1e-7, String(good.maxRelError));
  assert.deepEqual(good.params.map((p) => p.verdict), ['good', 'good', 'good', 'good']);
  assert.equal(good.maxRelError, Math.max(...good.params.map((p) => p.relError)));

  // Break dense backward on purpose: dW 1% too large.
  const original = DenseLayer.prototype.backward;
  DenseLayer.prototype.backward = function (this: DenseLayer, dout, n) {
    const dx = original.call(this, dout, n);
    const w = this.params[0].grad;
    for (let i = 0; i < w.length; i++) w[i] *= 1.01;
    return dx;
  };
  try {
    const bad = gradcheckModel(SPIRAL);
    const w0 = bad.params.find((p) => p.name === 'layers[0].W')!;
    // Norm-wise about 0.01/1.01: a bit less, since the L2 term l2·W added after backward is not scaled.
    assert.ok(w0.normRelError > 0.009 && w0.normRelError < 0.0101, String(w0.normRelError));
    // Per entry at least 0.01/2.01 (see below); more where the data gradient d nearly cancels the
    // L2 term r: |0.01·d| / |2.01·d + 2r| grows as d + r → 0.
    assert.ok(w0.relError > 0.01 / 2.01 - 1e-7, String(w0.relError));
    assert.ok(w0.verdict === 'uncomfortable' || w0.verdict === 'wrong', w0.verdict);
    const b0 = bad.params.find((p) => p.name === 'layers[0].b')!;
    assert.equal(b0.verdict, 'good', 'the bias gradient was left alone');

    // Without L2, every nonzero entry of dW is exactly 1.01× the true one: per entry
    // |1.01g − g| / (|1.01g| + |g|) = 0.01/2.01, and that is the parameter's figure.
    const noL2 = gradcheckModel({ ...SPIRAL, train: { ...SPIRAL.train, l2: 0 } });
    const w = noL2.params.find((p) => p.name === 'layers[0].W')!;
    assert.ok(Math.abs(w.relError - 0.01 / 2.01) < 1e-7, String(w.relError));
    assert.ok(Math.abs(w.normRelError - 0.01 / 1.01) < 1e-7, String(w.normRelError));
    assert.equal(w.verdict, 'uncomfortable');
  } finally {
    DenseLayer.prototype.backward = original;
  }
});

test('entries are sampled from large parameters, all of small ones', () => {
  const r = gradcheckModel(SPIRAL, { entries: 10, batch: 4 });
  assert.equal(r.batch, 4);
  assert.deepEqual(r.params.map((p) => [p.name, p.size, p.checked + p.kinks]), [
    ['layers[0].W', 200, 10], ['layers[0].b', 100, 10], ['layers[1].W', 300, 10], ['layers[1].b', 3, 3],
  ]);
});

// ─── kinks, one kind at a time, each on a case built to cross it ─────────────────

const NO_REG: Regularization = { l2: 0, l1: 0 };

function net64(inputShape: number[], layers: LayerSpec[], loss: LossName = 'softmax'): Network {
  return new Network({ inputShape, layers, init: { type: 'normal', std: 0.5 }, loss, initSeed: 3, trainSeed: 4, dtype: 'float64' });
}

function param(net: Network, name: string): Float64Array {
  return net.params.find((p) => p.name === name)!.value as Float64Array;
}

function byName(params: ParamCheck[], name: string): ParamCheck {
  return params.find((p) => p.name === name)!;
}

/** Every parameter's kinks, by kind, as [name, kinks, {kind: count} of the nonzero kinds]. */
function kinkTable(params: ParamCheck[]): Array<[string, number, Partial<Record<KinkKind, number>>]> {
  return params.map((p) => [p.name, p.kinks, Object.fromEntries(Object.entries(p.kinksByKind).filter(([, v]) => v > 0))]);
}

/** Every entry not skipped agrees to cs231n's "good" (≤ 1e-7), and every count has all five kinds. */
function assertRestGood(params: ParamCheck[]): void {
  for (const p of params) {
    assert.deepEqual(Object.keys(p.kinksByKind), [...KINK_KINDS], p.name);
    assert.equal(p.checked + p.kinks, p.size, p.name);
    assert.ok(p.relError <= 1e-7, `${p.name}: ${p.relError}`);
    assert.equal(p.verdict, 'good', p.name);
  }
}

test('kinks: a max-pool window whose two largest values nearly tie is skipped as maxpool', () => {
  // Two input channels, a 1×1 conv (weights w0, w1), one 2×2 max-pool window. Sample 0: pixel A is
  // (1, 0), pixel B (0, 1), so A = w0 + b, B = w1 + b, and w1 = w0 + 3e-8: B wins by less than the
  // smallest step (1e-7) moves either weight. Sample 1 has a clear winner.
  const net = net64([2, 2, 2], [
    { kind: 'conv', filters: 1, size: 1, stride: 1, pad: 0, activation: { type: 'linear' } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'dense', units: 2, activation: { type: 'linear' } },
  ]);
  param(net, 'layers[0].W').set([0.5, 0.5 + 3e-8]);
  const x = Float64Array.from([1, 0, -1, -1, 0, 1, -1, -1, 0.2, 0.9, -0.3, 0.1, 0.4, -0.6, 0.8, 0.05]);
  const r = gradcheckNetwork(net, x, Int32Array.from([0, 1]), 2, NO_REG);
  assert.deepEqual(kinkTable(r.params), [
    ['layers[0].W', 2, { maxpool: 2 }], ['layers[0].b', 0, {}], ['layers[2].W', 0, {}], ['layers[2].b', 0, {}],
  ]);
  assertRestGood(r.params);
});

test('kinks: a maxout unit whose two pieces nearly tie is skipped as maxout', () => {
  // One unit of two pieces z_k = w_k·x + b_k. At x = 1: z = (0.5, 0.5 + 3e-8), a near-tie; at x = −2
  // piece 1 wins by 0.75.
  const net = net64([1], [{ kind: 'maxout', units: 1, pieces: 2 }, { kind: 'dense', units: 2, activation: { type: 'linear' } }]);
  param(net, 'layers[0].W').set([0.5, 0.25]);
  param(net, 'layers[0].b').set([0, 0.25 + 3e-8]);
  const r = gradcheckNetwork(net, Float64Array.from([1, -2]), Int32Array.from([0, 1]), 2, NO_REG);
  assert.deepEqual(kinkTable(r.params), [
    ['layers[0].W', 2, { maxout: 2 }], ['layers[0].b', 2, { maxout: 2 }], ['layers[1].W', 0, {}], ['layers[1].b', 0, {}],
  ]);
  assertRestGood(r.params);
});

test('kinks: an SVM hinge term exactly at its margin is skipped as hinge', () => {
  // Scores s = x·W + b with W = 0, b = (1, 0, 0.5), label 0: s1 − s0 + 1 = 0 exactly (the kink),
  // s2 − s0 + 1 = 0.5 (active). Any step of a parameter of s0 or s1 crosses; those of s2 do not.
  const net = net64([2], [{ kind: 'dense', units: 3, activation: { type: 'linear' } }], 'svm');
  param(net, 'layers[0].W').fill(0);
  param(net, 'layers[0].b').set([1, 0, 0.5]);
  const r = gradcheckNetwork(net, Float64Array.from([1, 0.5]), Int32Array.from([0]), 1, NO_REG);
  // W is (2, 3): columns 0 and 1 of both rows cross; b0 and b1 cross.
  assert.deepEqual(kinkTable(r.params), [['layers[0].W', 4, { hinge: 4 }], ['layers[0].b', 2, { hinge: 2 }]]);
  assertRestGood(r.params);
  assert.ok(byName(r.params, 'layers[0].W').checked === 2 && byName(r.params, 'layers[0].b').checked === 1);
});

test('kinks: the hinge is detected at the margin in effect (loss: { type: svm, margin: 2 })', () => {
  // b = (2, 0, 1.5): with Δ = 2, s1 − s0 + Δ = 0 exactly (a kink); with Δ = 1 it is −1 (no kink).
  const build = (svmMargin?: number): Network => {
    const net = new Network({
      inputShape: [2], layers: [{ kind: 'dense', units: 3, activation: { type: 'linear' } }],
      init: { type: 'normal', std: 0.5 }, loss: 'svm', initSeed: 3, trainSeed: 4, dtype: 'float64', svmMargin,
    });
    param(net, 'layers[0].W').fill(0);
    param(net, 'layers[0].b').set([2, 0, 1.5]);
    return net;
  };
  const x = Float64Array.from([1, 0.5]);
  const y = Int32Array.from([0]);
  // The loss itself uses the same Δ: max(0, 0 − 2 + Δ) + max(0, 1.5 − 2 + Δ).
  assert.equal(build(2).loss(x, y, 0, 1, NO_REG, false).dataLoss, 1.5);
  assert.equal(build().loss(x, y, 0, 1, NO_REG, false).dataLoss, 0.5);
  const wide = gradcheckNetwork(build(2), x, y, 1, NO_REG);
  assert.deepEqual(kinkTable(wide.params), [['layers[0].W', 4, { hinge: 4 }], ['layers[0].b', 2, { hinge: 2 }]]);
  assertRestGood(wide.params);
  const plain = gradcheckNetwork(build(), x, y, 1, NO_REG);
  assert.deepEqual(kinkTable(plain.params), [['layers[0].W', 0, {}], ['layers[0].b', 0, {}]]);
  assertRestGood(plain.params);
});

test('kinks: an L1 weight at 0 is skipped as l1; one a little off 0 is checked with a smaller step', () => {
  const net = net64([2], [{ kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  // 0 and 3e-8: every step (down to 1e-7) crosses 0. 5e-7: the steps 1e-5 and 1e-6 cross, 1e-7 does not.
  param(net, 'layers[0].W').set([0, 3e-8, 5e-7, 0.4, -0.3, 0.7]);
  const x = Float64Array.from([0.3, -1.2, 1.1, 0.4, -0.5, 0.9]);
  const r = gradcheckNetwork(net, x, Int32Array.from([0, 1, 2]), 3, { l2: 0, l1: 0.01 });
  assert.deepEqual(kinkTable(r.params), [['layers[0].W', 2, { l1: 2 }], ['layers[0].b', 0, {}]]);
  assertRestGood(r.params);
  // Without L1 the same weights are smooth points.
  const plain = gradcheckNetwork(net, x, Int32Array.from([0, 1, 2]), 3, NO_REG);
  assert.deepEqual(kinkTable(plain.params), [['layers[0].W', 0, {}], ['layers[0].b', 0, {}]]);
});

for (const fn of ['relu', 'leaky_relu'] as const) {
  test(`kinks: ${fn} after batchnorm with a pre-activation at exactly 0 is skipped as relu`, () => {
    const net = net64([3], [
      { kind: 'dense', units: 4, activation: { type: 'linear' } },
      { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'activation', activation: { type: fn } },
      { kind: 'dense', units: 3, activation: { type: 'linear' } },
    ]);
    const x = Float64Array.from([0.3, -1.2, 1.1, 0.4, -0.5, 0.9, -0.7, 0.2, 0.6, 1.3, 0.8, -0.1]);
    const y = Int32Array.from([0, 1, 2, 1]);
    // β₀ = −(γ₀·x̂ of sample 0, feature 0): that batchnorm output, the ReLU's input, becomes exactly 0.
    net.loss(x, y, 0, 4, NO_REG, false, true);
    param(net, 'layers[1].beta')[0] = -net.outputs[1][0];
    net.loss(x, y, 0, 4, NO_REG, false, true);
    assert.equal(net.outputs[1][0], 0);
    const r = gradcheckNetwork(net, x, y, 4, NO_REG);
    // γ₀ and β₀ move that output by h·x̂ and h: they cross. The other features' γ, β do not.
    for (const name of ['layers[1].gamma', 'layers[1].beta']) {
      const p = byName(r.params, name);
      assert.deepEqual([p.kinks, p.kinksByKind], [1, { relu: 1, maxpool: 0, maxout: 0, hinge: 0, l1: 0 }], name);
    }
    for (const p of r.params) assert.equal(p.kinks, p.kinksByKind.relu, `${p.name}: every kink here is the ${fn}'s`);
    assertRestGood(r.params);
  });
}

test('a model without kinks reports all five kinds at 0', () => {
  const r = gradcheckModel({ ...SPIRAL, layers: [{ kind: 'dense', units: 8, activation: { type: 'tanh' } }, SPIRAL.layers[1]] });
  for (const p of r.params) assert.deepEqual(p.kinksByKind, { relu: 0, maxpool: 0, maxout: 0, hinge: 0, l1: 0 });
  assertRestGood(r.params);
});

test('a ReLU fused with its dense layer (float32 kernels) records the same decisions as one run alone', () => {
  assert.ok(kernels(), 'kernels loaded');
  const make = (): ActivationLayer => new ActivationLayer({ type: 'relu' }, [4], {
    dtype: 'float32', rng: new Rng(1), init: { type: 'he' }, sourceIndex: 0, seed: 1,
  });
  const pre = [0.5, -0.2, 0.1, -3, 0.05, 2, -0.01, 0.3];
  const bias = allocate('float32', 4);
  bias.set([-0.1, 0.3, 0, 0.02]);
  const fused = make();
  const preFused = allocate('float32', 8);
  preFused.set(pre);
  assert.ok(fused.forwardWithBias(preFused, bias, 2), 'the fused kernel ran');
  const alone = make();
  const withBias = allocate('float32', 8);
  for (let i = 0; i < 8; i++) withBias[i] = pre[i] + bias[i % 4];
  alone.forward(withBias, 2);
  assert.equal(fused.decisionChecksum(2), alone.decisionChecksum(2));
  // …and it is the sign pattern: flipping one input's side of 0 changes it.
  withBias[6] = 0.01;
  alone.forward(withBias, 2);
  assert.notEqual(fused.decisionChecksum(2), alone.decisionChecksum(2));
  assert.equal(fused.kink, 'relu');
});

test('the panel\'s card names the skipped entries by kind, and reads kept results without the counts', () => {
  assert.equal(kinkBreakdown({ relu: 2, maxpool: 0, maxout: 0, hinge: 1, l1: 0 }), 'ReLU 2 · hinge 1');
  assert.equal(kinkBreakdown({ relu: 0, maxpool: 3, maxout: 0, hinge: 0, l1: 0 }, true), 'ReLU 0 · max pool 3 · maxout 0 · hinge 0 · L1 0');
  assert.equal(kinkBreakdown(undefined), '', 'a result kept from before per-kind counts');
});
