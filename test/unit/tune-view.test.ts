import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextSort, scaleScores, scatterAxes, scatterPoints, scoreCell, scoreScale, sortTrials } from '../../webview/tune-data';
import { scaleColor } from '../../webview/colorscale';
import type { TrialResult } from '../../src/model/tune';

const trial = (index: number, o: Partial<TrialResult>): TrialResult => ({ index, round: 1, params: {}, status: 'done', epochs: 5, ...o });

const TRIALS: TrialResult[] = [
  trial(0, { params: { lr: 1e-3, l2: 1e-4 }, valAcc: 0.8, valLoss: 0.6 }),
  trial(1, { params: { lr: 1e-1, l2: 1e-2 }, status: 'diverged', epochs: 1 }),
  trial(2, { params: { lr: 1e-2, l2: 1e-5 }, valAcc: 0.95, valLoss: 0.2, round: 2 }),
  trial(3, { params: { lr: 3e-4, l2: 1e-3 }, valAcc: 0.6, valLoss: 0.9, status: 'stopped', epochs: 2 }),
  trial(4, { params: { lr: 5e-3, l2: 0 }, valAcc: 0.8, valLoss: 0.5 }),
];

test('the table sorts by any column, either way; ties by trial number; trials without the figure last', () => {
  const ids = (key: Parameters<typeof sortTrials>[1]['key'], descending: boolean): number[] => sortTrials(TRIALS, { key, descending }, 'valAcc').map((t) => t.index);
  assert.deepEqual(ids('score', true), [2, 0, 4, 3, 1]);
  assert.deepEqual(ids('score', false), [3, 0, 4, 2, 1]);
  assert.deepEqual(ids('lr', false), [3, 0, 4, 2, 1]);
  assert.deepEqual(ids('valLoss', false), [2, 4, 0, 3, 1]);
  assert.deepEqual(ids('#', true), [4, 3, 2, 1, 0]);
  assert.deepEqual(ids('round', true), [2, 0, 1, 3, 4]);
  assert.deepEqual(ids('status', false), [0, 2, 4, 3, 1]);
  // A header click: the same column flips; another starts descending for the score, ascending otherwise.
  assert.deepEqual(nextSort({ key: 'score', descending: true }, 'score'), { key: 'score', descending: false });
  assert.deepEqual(nextSort({ key: 'score', descending: true }, 'lr'), { key: 'lr', descending: false });
  assert.deepEqual(nextSort({ key: 'lr', descending: false }, 'score'), { key: 'score', descending: true });
});

test('the scatter places log10 lr against log10 l2 (or l1), and counts the trials a log axis cannot hold', () => {
  assert.deepEqual(scatterAxes(['lr', 'l2', 'batch']), { x: 'lr', y: 'l2' });
  assert.deepEqual(scatterAxes(['lr', 'l1']), { x: 'lr', y: 'l1' });
  assert.deepEqual(scatterAxes(['l2']), { x: null, y: 'l2' });
  const { points, unplaced } = scatterPoints(TRIALS, { x: 'lr', y: 'l2' }, 'valAcc');
  assert.equal(unplaced, 1, 'l2 = 0 has no logarithm');
  assert.deepEqual(points.map((p) => [p.index, p.x, p.y, p.score]), [[0, -3, -4, 0.8], [1, -1, -2, undefined], [2, -2, -5, 0.95], [3, Math.log10(3e-4), -3, 0.6]]);
  // Without a regularization searched, every point sits on one line.
  assert.deepEqual(scatterPoints(TRIALS, { x: 'lr', y: null }, 'valAcc').points.map((p) => p.y), [0, 0, 0, 0, 0]);
});

test('the colour scale runs from the worst score (orange) through grey to the best (blue)', () => {
  const c = { low: '#d18616', high: '#3794ff', foreground: '#cccccc', background: '#1e1e1e' };
  const s = scoreScale([0.6, 0.8, 0.95], c);
  assert.deepEqual([s.lo, s.hi], [0.6, 0.95]);
  assert.deepEqual(scaleColor(s, 0.6), [0xd1, 0x86, 0x16]);
  assert.deepEqual(scaleColor(s, 0.95), [0x37, 0x94, 0xff]);
  // Halfway: the grey between foreground and background.
  assert.deepEqual(scaleColor(s, 0.775), [Math.round((0xcc + 0x1e) / 2), Math.round((0xcc + 0x1e) / 2), Math.round((0xcc + 0x1e) / 2)]);
  // A better score is never coloured like a worse one: blue rises, orange falls along the scale.
  let last = -Infinity;
  for (let v = 0.6; v <= 0.95; v += 0.01) {
    const [r, , b] = scaleColor(s, v);
    assert.ok(b - r >= last, `at ${v}`);
    last = b - r;
  }
  const one = scoreScale([0.5], c);
  assert.deepEqual([one.lo, one.hi].map((x) => Number(x.toFixed(9))), [0.45, 0.55]);
});

test('the score cell: accuracy in percent, R² with three decimals, ± the std over seeds when there are several', () => {
  const t = trial(9, { valAcc: 0.8166666666666667, valAccStd: 0.02357, valR2: 0.98765, valR2Std: 0.0041 });
  assert.equal(scoreCell(t, 'valAcc', 1), '81.7%');
  assert.equal(scoreCell(t, 'valAcc', 3), '81.7% ± 2.4%');
  assert.equal(scoreCell(t, 'valR2', 3), '0.988 ± 0.004');
  assert.equal(scoreCell(trial(1, { status: 'diverged' }), 'valAcc', 3), '–');
  // Regression sorts by R² and leaves accuracy alone.
  const r = [trial(0, { valR2: 0.5 }), trial(1, { valR2: 0.9, valAcc: 0.1 }), trial(2, { valR2: -0.2 })];
  assert.deepEqual(sortTrials(r, { key: 'score', descending: true }, 'valR2').map((x) => x.index), [1, 0, 2]);
});

test('the colour scale spans the trials that trained their whole budget; before any has, all but the diverged', () => {
  assert.deepEqual(scaleScores(TRIALS, 'valAcc'), [0.8, 0.95, 0.8]);
  const early = [trial(0, { status: 'running' }), trial(1, { status: 'stopped', valAcc: 0.4 }), trial(2, { status: 'diverged', valAcc: 0.2 })];
  assert.deepEqual(scaleScores(early, 'valAcc'), [0.4]);
  assert.deepEqual(scaleScores([trial(0, { valR2: 0.7 }), trial(1, { status: 'stopped', valR2: -4 })], 'valR2'), [0.7]);
});
