import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIAN_RULE, bestTrial, byScore, meanStd, median, medianVerdict, narrowAround, savingsOf, type Peer } from '../../src/training/tune-rule';
import type { TrialResult, TuneSpec } from '../../src/model/tune';

const peer = (curve: number[], ended = true): Peer => ({ curve, ended });

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('median rule on synthetic curves: a trial below the median of 5 earlier ones at epoch 2 stops; at or above goes on', () => {
  assert.deepEqual(MEDIAN_RULE, { fromEpoch: 2, minPeers: 5 });
  const earlier = [[0.4, 0.6, 0.7], [0.4, 0.5, 0.6], [0.3, 0.55, 0.8], [0.5, 0.7, 0.9], [0.2, 0.3, 0.35]].map((c) => peer(c));
  // Epoch-2 scores 0.6, 0.5, 0.55, 0.7, 0.3: median 0.55.
  assert.deepEqual(medianVerdict(0.54, 2, 10, earlier), { verdict: 'stop', median: 0.55, peers: 5 });
  assert.deepEqual(medianVerdict(0.55, 2, 10, earlier), { verdict: 'continue' });
  // Epoch 1 is never judged (a slow start is not hopeless yet).
  assert.deepEqual(medianVerdict(0.0, 1, 10, earlier), { verdict: 'continue' });
  // The last epoch of the budget is not judged: stopping there saves nothing.
  assert.deepEqual(medianVerdict(0.0, 3, 3, earlier), { verdict: 'continue' });
  // Epoch 3: median of 0.7, 0.6, 0.8, 0.9, 0.35 = 0.7.
  assert.equal(medianVerdict(0.69, 3, 10, earlier).verdict, 'stop');
  // No score (nothing held out) is never judged, and a peer without one does not count.
  assert.equal(medianVerdict(NaN, 2, 10, earlier).verdict, 'continue');
  assert.equal(medianVerdict(0.1, 2, 10, [...earlier.slice(0, 4), peer([NaN, NaN])]).verdict, 'continue');
});

test('median rule: fewer than 5 peers at that epoch never stops; ended trials that did not reach it do not count', () => {
  const four = [[0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9]].map((c) => peer(c));
  assert.equal(medianVerdict(0.1, 2, 10, four).verdict, 'continue');
  // A fifth that stopped (or diverged) at epoch 1 does not make five.
  assert.equal(medianVerdict(0.1, 2, 10, [...four, peer([0.1])]).verdict, 'continue');
  assert.equal(medianVerdict(0.1, 2, 10, [...four, peer([0.1, 0.2])]).verdict, 'stop');
});

test('median rule: an earlier trial still training toward that epoch is waited for, unless it cannot matter', () => {
  const five = Array.from({ length: 5 }, () => peer([0.5, 0.5]));
  assert.equal(medianVerdict(0.1, 2, 10, [...five, peer([0.4], false)]).verdict, 'wait');
  assert.equal(medianVerdict(0.1, 2, 10, [...five, peer([0.4, 0.45], false)]).verdict, 'stop');
  // Three reached it, one still running: even with it, four < 5, so no verdict to wait for.
  assert.equal(medianVerdict(0.1, 2, 10, [peer([0.5, 0.5]), peer([0.5, 0.5]), peer([0.5, 0.5]), peer([0.4], false)]).verdict, 'continue');
});

const trial = (index: number, status: TrialResult['status'], valAcc: number | undefined, params: TrialResult['params'], epochs = 5): TrialResult =>
  ({ index, round: 1, status, params, epochs, ...(valAcc !== undefined ? { valAcc } : {}) });

test('best: the done trial with the highest score; stopped and diverged trials never are', () => {
  const trials = [trial(0, 'done', 0.7, {}), trial(1, 'stopped', 0.9, {}), trial(2, 'done', 0.8, {}), trial(3, 'diverged', 0.95, {}), trial(4, 'done', 0.8, {})];
  assert.equal(bestTrial(trials)?.index, 2);
  assert.deepEqual(byScore(trials).map((t) => t.index), [3, 1, 2, 4, 0]);
  assert.equal(bestTrial([trial(0, 'stopped', 0.9, {})]), undefined);
  assert.equal(bestTrial([{ index: 0, round: 1, status: 'done', params: {}, epochs: 5, valR2: 0.4 }, { index: 1, round: 1, status: 'done', params: {}, epochs: 5, valR2: 0.6 }])?.index, 1);
});

test('mean and sample standard deviation', () => {
  assert.deepEqual(meanStd([1]), { mean: 1, std: 0 });
  const r = meanStd([1, 2, 3, 4]);
  assert.equal(r.mean, 2.5);
  assert.ok(Math.abs(r.std - Math.sqrt(5 / 3)) < 1e-15);
});

test('savings: epochs budgeted and not trained, split by the rule and by divergence', () => {
  const trials = [trial(0, 'done', 0.7, {}), trial(1, 'stopped', 0.3, {}, 2), trial(2, 'diverged', undefined, {}, 0), trial(3, 'running', undefined, {})];
  // 2 seeds × 5 epochs each; trained: 10, 4 (2 + 2), 1 (one seed reached epoch 1 before the other diverged).
  const s = savingsOf(trials, [10, 4, 1, 3], 5, 2);
  assert.deepEqual(s, { budgetEpochs: 30, trainedEpochs: 15, savedEpochs: 15, savedByRule: 6, savedByDivergence: 9, fraction: 0.5 });
});

test('narrow around the best: log ranges ±0.5 decade (clipped), ranges and ints ± a quarter, the best 3 choices', () => {
  const tune: TuneSpec = {
    trials: 10, epochs: 5, seeds: 1,
    ranges: {
      lr: { kind: 'log', min: 1e-6, max: 1 },
      l2: { kind: 'log', min: 1e-5, max: 1e-4 },
      dropout: { kind: 'range', min: 0, max: 0.8 },
      hidden: { kind: 'int', min: 10, max: 90 },
      batch: { kind: 'log', min: 16, max: 256 },
      optimizer: { kind: 'choice', values: ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] },
    },
  };
  const trials = [
    trial(0, 'done', 0.6, { lr: 1e-3, l2: 2e-5, dropout: 0.1, hidden: 85, batch: 64, optimizer: 'adam' }),
    trial(1, 'done', 0.9, { lr: 0.5, l2: 5e-5, dropout: 0.3, hidden: 50, batch: 100, optimizer: 'sgd' }),
    trial(2, 'done', 0.7, { lr: 1e-4, l2: 3e-5, dropout: 0.2, hidden: 20, batch: 32, optimizer: 'nesterov' }),
    trial(3, 'stopped', 0.95, { lr: 1e-5, l2: 1e-5, dropout: 0.7, hidden: 11, batch: 16, optimizer: 'rmsprop' }),
    trial(4, 'done', 0.5, { lr: 1e-2, l2: 1e-5, dropout: 0.7, hidden: 11, batch: 16, optimizer: 'momentum' }),
  ];
  const n = narrowAround(tune, trials)!;
  const lr = n.ranges.lr as { min: number; max: number };
  assert.ok(Math.abs(lr.min - 0.5 / 10 ** 0.5) < 1e-12);
  assert.equal(lr.max, 1); // clipped at the old top
  // l2's old range is one decade: ± a quarter of it (0.25 decade) around 5e-5.
  const l2 = n.ranges.l2 as { min: number; max: number };
  assert.ok(Math.abs(l2.min - 5e-5 / 10 ** 0.25) < 1e-18 && Math.abs(l2.max - 5e-5 * 10 ** 0.25) < 1e-18);
  assert.deepEqual(n.ranges.dropout, { kind: 'range', min: 0.09999999999999998, max: 0.5 });
  assert.deepEqual(n.ranges.hidden, { kind: 'int', min: 30, max: 70 });
  // A log range of whole numbers (batch): whole bounds.
  const batch = n.ranges.batch as { min: number; max: number };
  assert.ok(Number.isInteger(batch.min) && Number.isInteger(batch.max) && batch.min <= 100 && batch.max >= 100);
  // The best 3 done trials used sgd, nesterov, adam: kept in the old order; the stopped trial's rmsprop is not.
  assert.deepEqual(n.ranges.optimizer, { kind: 'choice', values: ['sgd', 'nesterov', 'adam'] });
  assert.equal(n.trials, 10);
  assert.equal(narrowAround(tune, [trial(0, 'stopped', 0.9, {})]), undefined);
});
