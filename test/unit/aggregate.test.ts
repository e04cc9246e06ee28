import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSeries, finalSpread, groupRuns, spread } from '../../src/training/aggregate';
import type { FinalMetrics } from '../../src/training/protocol';

const pts = (...ys: Array<[number, number]>): Array<{ x: number; y: number }> => ys.map(([x, y]) => ({ x, y }));

test('aggregateSeries: mean, min and max per x over the seeds, by hand', () => {
  const out = aggregateSeries([
    pts([1, 2], [2, 4], [3, 1]),
    pts([1, 4], [2, 1], [3, 1]),
    pts([1, 6], [2, 7], [3, 4]),
  ]);
  assert.deepEqual(out, [
    { x: 1, mean: 4, min: 2, max: 6 },
    { x: 2, mean: 4, min: 1, max: 7 },
    { x: 3, mean: 2, min: 1, max: 4 },
  ]);
});

test('aggregateSeries: only the x every seed has a finite point at; gaps stay gaps, x in order', () => {
  const out = aggregateSeries([
    pts([4, 1], [1, 1], [2, 1], [3, 1]),
    // x = 2 missing (a coarser stride, or a run not that far yet), x = 3 not finite
    pts([1, 3], [3, NaN], [4, 5]),
    [{ x: 1, y: 5 }, { x: 2, y: 2 }, { x: 3, y: 3 }, { x: 4, y: null }, { x: null, y: 9 }],
  ]);
  assert.deepEqual(out, [{ x: 1, mean: 3, min: 1, max: 5 }]);
  // A run that has not reached x = 3 yet: the mean stops at x = 2 rather than averaging fewer seeds.
  assert.deepEqual(aggregateSeries([pts([1, 1], [2, 2], [3, 3]), pts([1, 3], [2, 4])]).map((p) => p.x), [1, 2]);
  assert.deepEqual(aggregateSeries([pts([1, 1]), []]), []);
  assert.deepEqual(aggregateSeries([]), []);
});

test('aggregateSeries: one seed is the series itself', () => {
  const s = pts([1, 0.9], [3, 0.5], [5, 0.25]);
  assert.deepEqual(aggregateSeries([s]), s.map(({ x, y }) => ({ x, mean: y, min: y, max: y })));
});

test('spread: mean and the sample standard deviation (n − 1), by hand', () => {
  const s = spread([1, 2, 3, 4])!;
  assert.equal(s.n, 4);
  assert.equal(s.mean, 2.5);
  // Σ(x − 2.5)² = 5; 5 / 3, not 5 / 4 (that would be 1.1180…)
  assert.ok(Math.abs(s.std! - Math.sqrt(5 / 3)) < 1e-15, String(s.std));
  assert.equal(s.min, 1);
  assert.equal(s.max, 4);
  // Large values with a small spread: E[x²] − E[x]² would cancel to noise here.
  assert.equal(spread([1e9 + 1, 1e9 + 2, 1e9 + 3])!.std, 1);
  assert.deepEqual(spread([0.7]), { n: 1, mean: 0.7, std: null, min: 0.7, max: 0.7 });
  assert.deepEqual(spread([null, 2, undefined, NaN, 4]), { n: 2, mean: 3, std: Math.SQRT2, min: 2, max: 4 });
  assert.equal(spread([null, NaN]), null);
});

function final(loss: number, valAcc: number | null): FinalMetrics {
  return { loss, regLoss: 0, trainAcc: 0.9, valLoss: valAcc === null ? null : loss + 0.1, valAcc, steps: 10, epochs: 1, samplesPerSec: 1, seconds: 1 };
}

test('finalSpread: each final figure over the runs that ended with one', () => {
  const f = finalSpread([final(0.5, 0.8), null, final(0.7, 0.9)]);
  assert.equal(f.loss!.n, 2);
  assert.ok(Math.abs(f.loss!.mean - 0.6) < 1e-15);
  assert.ok(Math.abs(f.loss!.std! - Math.sqrt(0.02)) < 1e-15);
  assert.ok(Math.abs(f.valAcc!.mean - 0.85) < 1e-15);
  assert.equal(f.trainAcc!.std, 0);
  assert.equal(f.valR2, null, 'classification: no R²');
  assert.equal(finalSpread([final(0.5, null)]).valAcc, null);
});

test('groupRuns: a variant\'s seeds together, variants in the order they first appear; no group: its own', () => {
  const g = groupRuns([
    { label: 'sgd · seed 1', group: 'sgd' }, { label: 'adam · seed 1', group: 'adam' }, { label: 'sgd · seed 2', group: 'sgd' }, { label: 'kept' },
  ]);
  assert.deepEqual(g.map((x) => [x.label, x.runs.map((r) => r.label)]), [
    ['sgd', ['sgd · seed 1', 'sgd · seed 2']], ['adam', ['adam · seed 1']], ['kept', ['kept']],
  ]);
});
