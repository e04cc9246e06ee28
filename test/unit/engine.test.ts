import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { softmaxLoss } from '../../src/engine/loss';
import { makeSpiral } from '../../src/engine/data/spiral';
import { splitValidation } from '../../src/engine/data/dataset';
import { initStd, initWeights } from '../../src/engine/init';
import { Trainer } from '../../src/engine/trainer';
import { SPIRAL } from './fixtures';


test('the same seed gives the same numbers; another seed does not', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 100 }, () => a.uniform());
  const sb = Array.from({ length: 100 }, () => b.uniform());
  const sc = Array.from({ length: 100 }, () => c.uniform());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((u) => u >= 0 && u < 1));
});

test('normals have mean 0 and variance 1', () => {
  const rng = new Rng(1);
  const n = 200_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const z = rng.normal(); s += z; s2 += z * z; }
  const mean = s / n;
  const variance = s2 / n - mean * mean;
  // 5 standard errors: a wrong transform is off by far more.
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
});

test('softmax loss: hand-computed value, and no overflow at huge scores', () => {
  const scores = new Float64Array([1, 2, 3]);
  const { loss, correct } = softmaxLoss(scores, Int32Array.from([2]), 0, 1, 3, undefined);
  const expected = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
  assert.ok(Math.abs(loss - expected) < 1e-14);
  assert.equal(correct, 1);
  const huge = new Float64Array([1000, 1001, 1002]);
  const d = new Float64Array(3);
  const r = softmaxLoss(huge, Int32Array.from([0]), 0, 1, 3, d);
  assert.ok(Math.abs(r.loss - (-Math.log(Math.exp(-2) / (Math.exp(-2) + Math.exp(-1) + 1)))) < 1e-12);
  assert.ok(d.every(Number.isFinite));
  // At initialization with tiny scores, the loss is log(C): cs231n's first sanity check.
  const small = softmaxLoss(new Float64Array(30).fill(0.0001), new Int32Array(10), 0, 10, 3, undefined);
  assert.ok(Math.abs(small.loss - Math.log(3)) < 1e-6);
});

test('spiral: samples split evenly into arms of radius 0 to 1', () => {
  const d = makeSpiral(300, 3, 0.2, new Rng(1));
  assert.equal(d.n, 300);
  assert.equal(d.features, 2);
  for (let k = 0; k < 3; k++) assert.equal(d.y.filter((y) => y === k).length, 100);
  for (let i = 0; i < d.n; i++) {
    const r = Math.hypot(d.x[2 * i], d.x[2 * i + 1]);
    assert.ok(r <= 1 + 1e-6);
  }
  // The last point of arm 0 sits at radius 1.
  assert.ok(Math.abs(Math.hypot(d.x[198], d.x[199]) - 1) < 1e-6);
});

test('validation split keeps every sample exactly once', () => {
  const d = makeSpiral(100, 2, 0.1, new Rng(2));
  const { train, validation } = splitValidation(d, 0.2, new Rng(3));
  assert.equal(train.n, 80);
  assert.equal(validation.n, 20);
  // The same multiset of (x, y, label) rows: spiral arms share their centre point, so count.
  const rows = (x: Float32Array, y: Int32Array, n: number): string[] =>
    Array.from({ length: n }, (_, i) => `${x[2 * i]},${x[2 * i + 1]},${y[i]}`);
  const original = rows(d.x, d.y, d.n).sort();
  const split = [...rows(train.x, train.y, train.n), ...rows(validation.x, validation.y, validation.n)].sort();
  assert.deepEqual(split, original);
});

test('init schemes have cs231n\'s standard deviations', () => {
  assert.equal(initStd({ type: 'zeros' }, 100), 0);
  assert.equal(initStd({ type: 'small' }, 100), 0.01);
  assert.equal(initStd({ type: 'xavier' }, 100), 0.1);
  assert.ok(Math.abs(initStd({ type: 'he' }, 50) - 0.2) < 1e-15);
  assert.equal(initStd({ type: 'normal', std: 0.05 }, 100), 0.05);
  const w = new Float64Array(100_000);
  initWeights(w, 50, { type: 'he' }, new Rng(9));
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(std - 0.2) < 0.002, `he std ${std}`);
  initWeights(w, 50, { type: 'zeros' }, new Rng(9));
  assert.ok(w.every((v) => v === 0));
});

test('training is bit-identical for the same seed, and the loss falls', () => {
  const run = (seed: number): number[] => {
    const t = new Trainer({ ...SPIRAL, train: { ...SPIRAL.train, seed } });
    const losses: number[] = [];
    while (!t.done) losses.push(t.trainStep().loss);
    return losses;
  };
  const a = run(1);
  const b = run(1);
  const c = run(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const first = a.slice(0, 8).reduce((s, x) => s + x) / 8;
  const last = a.slice(-8).reduce((s, x) => s + x) / 8;
  assert.ok(last < first / 2, `loss fell from ${first} to ${last}`);
});

test('an epoch covers every training sample once; a short last batch is kept', () => {
  const t = new Trainer({ ...SPIRAL, train: { ...SPIRAL.train, batch: 100, epochs: 2 } });
  assert.equal(t.trainSet.n, 240);
  assert.equal(t.stepsPerEpoch, 3);
  const sizes: number[] = [];
  const ends: boolean[] = [];
  while (!t.done) { const r = t.trainStep(); sizes.push(r.batchSize); ends.push(r.epochEnded); }
  assert.deepEqual(sizes, [100, 100, 40, 100, 100, 40]);
  assert.deepEqual(ends, [false, false, true, false, false, true]);
  assert.equal(t.epoch, 2);
});

test('batch: full trains on the whole training set at each step', () => {
  const t = new Trainer({ ...SPIRAL, train: { ...SPIRAL.train, batch: 'full', epochs: 3 } });
  assert.equal(t.batchSize, 240);
  assert.equal(t.totalSteps, 3);
});

test('evaluate reports accuracy and loss including the L2 term', () => {
  const t = new Trainer({ ...SPIRAL, init: { type: 'zeros' } });
  // All-zero weights: every score is 0, so data loss is log(3) and the L2 term is 0.
  const e = t.evaluate(t.trainSet);
  assert.ok(Math.abs(e.loss - Math.log(3)) < 1e-6);
  assert.ok(e.accuracy >= 0 && e.accuracy <= 1);
});
