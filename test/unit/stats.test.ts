import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadFraction, saturatedFraction, summarize } from '../../src/engine/stats';
import { Trainer } from '../../src/engine/trainer';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

test('summarize: mean, std and a histogram whose counts add up', () => {
  const a = new Float64Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const s = summarize(a, 10, undefined, 5);
  assert.equal(s.mean, 4.5);
  assert.ok(Math.abs(s.std - Math.sqrt(8.25)) < 1e-12);
  assert.deepEqual(s.hist.edges, [0, 1.8, 3.6, 5.4, 7.2, 9]);
  assert.deepEqual(s.hist.counts, [2, 2, 2, 2, 2]);
  const fixed = summarize(new Float64Array([-1, -0.995, 0, 0.5, 1]), 5, [-1, 1], 4);
  assert.deepEqual(fixed.hist.counts, [2, 0, 1, 2]);
  const constant = summarize(new Float64Array([3, 3, 3]), 3, undefined, 3);
  assert.equal(constant.hist.counts.reduce((x, y) => x + y), 3);
});

test('dead ReLU units are zero for every sample; saturation counts outputs near the limits', () => {
  // 3 samples × 4 units: unit 1 and unit 3 never fire.
  const out = new Float64Array([0.5, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0]);
  assert.equal(deadFraction(out, 3, 4), 0.5);
  assert.equal(saturatedFraction(new Float64Array([0.995, -0.999, 0.5, 0]), 4, 'tanh'), 0.5);
  assert.equal(saturatedFraction(new Float64Array([0.995, 0.005, 0.5, 0.2]), 4, 'sigmoid'), 0.5);
});

test('step statistics: one entry per model-file layer, and the update ratio is ‖ΔW‖/‖W‖', () => {
  const spec: ModelSpec = { ...SPIRAL, optimizer: { type: 'sgd', lr: 0.5 } };
  const t = new Trainer(spec, 'float64');
  const w0 = Float64Array.from(t.network.params[0].value);
  const r = t.trainStep(true);
  const s = r.stats!;
  assert.equal(s.step, 0);
  assert.equal(s.loss, r.dataLoss);
  assert.deepEqual(s.layers.map((l) => l.name), ['layers[0] dense 100 · relu', 'layers[1] dense 3']);
  const [hidden, scores] = s.layers;
  assert.equal(hidden.kind, 'dense');
  assert.ok(hidden.dead !== null && hidden.dead >= 0 && hidden.dead <= 1);
  assert.equal(hidden.saturated, null);
  assert.equal(scores.dead, null);
  assert.equal(hidden.hist.counts.reduce((a, b) => a + b), 100 * 32);
  // sgd: ΔW = −lr·dW, so ‖ΔW‖/‖W‖ = lr·‖dW‖/‖W‖ with the norms before the update.
  const w1 = t.network.params[0].value;
  let dw = 0, w = 0;
  for (let i = 0; i < w0.length; i++) { dw += (w1[i] - w0[i]) ** 2; w += w0[i] ** 2; }
  assert.ok(Math.abs(hidden.updateRatio! - Math.sqrt(dw) / Math.sqrt(w)) < 1e-12);
  assert.ok(Math.abs(hidden.updateRatio! - (0.5 * hidden.gradNorm!) / s.params[0].norm) < 1e-9);
  assert.equal(s.params.length, 4);
  assert.equal(t.trainStep(false).stats, undefined);
});

test('cs231n\'s weight-init experiment: tanh activations collapse with small init, not with Xavier', () => {
  const layers = Array.from({ length: 6 }, () => ({ kind: 'dense' as const, units: 200, activation: { type: 'tanh' as const } }));
  const experiment = (init: 'small' | 'xavier'): number[] => {
    const spec: ModelSpec = {
      data: { dataset: 'gaussian', samples: 200, features: 200, classes: 10, noise: 0, validation: 0 },
      layers: [...layers, { kind: 'dense', units: 10, activation: { type: 'linear' } }],
      loss: 'softmax', init: { type: init }, optimizer: { type: 'sgd', lr: 1e-3 },
      train: { epochs: 1, batch: 'full', l2: 0, l1: 0, seed: 1 },
    };
    return new Trainer(spec).trainStep(true).stats!.layers.slice(0, 6).map((l) => l.std);
  };
  const small = experiment('small');
  const xavier = experiment('xavier');
  assert.ok(small[5] < 1e-4, `small init: last tanh std ${small[5]}`);
  assert.ok(xavier[5] > 0.1 && xavier[5] < 1, `xavier: last tanh std ${xavier[5]}`);
  // Each layer multiplies the std by about 0.01·√200 ≈ 0.14.
  for (let i = 1; i < 6; i++) assert.ok(small[i] < small[i - 1] / 4, 'each small-init layer shrinks the signal');
});
