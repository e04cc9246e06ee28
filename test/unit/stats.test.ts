import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadFraction, saturatedFraction, summarize, probeSize } from '../../src/engine/stats';
import { Trainer, streamSeed } from '../../src/engine/trainer';
import { Rng } from '../../src/engine/rng';
import { seededRows } from '../../src/engine/data/subset';
import { runTraining, type LoopMessage } from '../../src/training/loop';
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
  // The activations are the probe set's: 64 training samples (a batch of 32, at least 64), not the batch.
  assert.equal(hidden.hist.counts.reduce((a, b) => a + b), 100 * 64);
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

// ─── the probe set ───────────────────────────────────────────────────────────────────────────────

/** A dropout + batchnorm MLP on 600 spiral points (480 for training: more than the probe's 256). */
const PROBED: ModelSpec = {
  ...SPIRAL,
  data: { ...SPIRAL.data, samples: 600 },
  layers: [
    { kind: 'dense', units: 40, activation: { type: 'linear' } },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'activation', activation: { type: 'relu' } },
    { kind: 'dropout', p: 0.5 },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ],
};

test('activation statistics are an eval-mode pass over a batch\'s worth of training samples drawn once from the seed, with the weights the step starts from', () => {
  assert.deepEqual([probeSize(32, 1000), probeSize(100, 1000), probeSize(1000, 1000), probeSize(1000, 200), probeSize(8, 40)], [64, 100, 256, 200, 40]);
  const t = new Trainer({ ...PROBED, train: { ...PROBED.train, batch: 300 } }, 'float64');
  for (let i = 0; i < 5; i++) t.trainStep();
  // The same probe by hand: the seeded rows, forward in eval mode (dropout off, running statistics).
  const rows = seededRows(t.trainSet.n, probeSize(300, 480), new Rng(streamSeed(PROBED.train.seed, 'probe')));
  assert.equal(rows.length, 256);
  const f = t.trainSet.features;
  const x = new Float64Array(256 * f);
  rows.forEach((r, i) => { for (let j = 0; j < f; j++) x[i * f + j] = t.trainSet.x[r * f + j]; });
  t.network.forward(x, 256, false);
  const relu = Float64Array.from(t.network.outputs[2].subarray(0, 256 * 40));
  const s = t.trainStep(true).stats!;
  assert.equal(s.step, 5);
  const layer = s.layers.find((l) => l.name === 'layers[2] relu')!;
  assert.equal(layer.hist.counts.reduce((a, b) => a + b), 256 * 40);
  const mean = relu.reduce((a, b) => a + b) / relu.length;
  assert.ok(Math.abs(layer.mean - mean) < 1e-12, `mean ${layer.mean} vs ${mean}`);
  assert.equal(layer.dead, deadFraction(relu, 256, 40));
  // The dropout layer's figures are its input's in eval mode (no mask): the same as the ReLU's.
  const dropout = s.layers.find((l) => l.kind === 'dropout')!;
  assert.equal(dropout.mean, layer.mean);
  assert.deepEqual(dropout.hist.counts, layer.hist.counts);
});

test('the probe is deterministic: the same spec gives the same statistics, step for step', () => {
  const run = (): string => {
    const t = new Trainer(PROBED);
    const out: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      const r = t.trainStep(i % 4 === 0);
      if (r.stats) out.push(r.stats);
    }
    return JSON.stringify(out);
  };
  assert.equal(run(), run());
});

test('the spiral\'s statistics are comparable from point to point: every point over the same samples, no jump at the epoch\'s short last batch', () => {
  // 240 training samples in batches of 32: the last step of every epoch has 16, and the run's last step is one.
  const posted: LoopMessage[] = [];
  runTraining(SPIRAL, { runId: 's', progressIntervalMs: 0, statsEvery: 30, post: (m) => posted.push(m) });
  const stats = posted.flatMap((m) => (m.type === 'progress' ? m.stats : []));
  assert.deepEqual(stats.map((s) => s.step), [0, 30, 60, 90, 120, 150, 159]);
  const hidden = stats.map((s) => s.layers[0]);
  for (const h of hidden) assert.equal(h.hist.counts.reduce((a, b) => a + b), 100 * 64, 'the same 64 samples at every point (a batch of 32, at least 64)');
  const dead = hidden.map((h) => h.dead!);
  const last = dead.at(-1)!;
  const previous = dead.at(-2)!;
  assert.ok(Math.abs(last - previous) <= 0.02, `dead fraction ${previous} then ${last} at the last point`);
});
