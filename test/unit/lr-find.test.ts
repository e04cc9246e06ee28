import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Trainer } from '../../src/engine/trainer';
import { parseModel } from '../../src/model/parse';
import type { ModelSpec } from '../../src/model/spec';
import { BLOW_UP_FACTOR, lrAt, lrFind, skipStart, steepestDescent, suggestLr, zeroPhase, type LrPoint } from '../../src/training/lr-find';
import { Ema } from '../../src/training/history';
import { SPIRAL } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const example = path.join(root, 'examples/spiral.nn.yaml');
const SPIRAL_FILE: ModelSpec = parseModel(readFileSync(example, 'utf8')).spec!;

test('the learning rate grows exactly exponentially: lr_k = lrMin·(lrMax/lrMin)^(k/(N−1))', () => {
  const [lrMin, lrMax, n] = [1e-6, 1e-1, 25];
  const r = lrFind(SPIRAL, { lrMin, lrMax, steps: n });
  assert.equal(r.stoppedAt, null, 'this range does not blow up');
  assert.equal(r.points.length, n);
  r.points.forEach((p, k) => {
    assert.equal(p.step, k);
    assert.equal(p.lr, lrMin * Math.pow(lrMax / lrMin, k / (n - 1)), `step ${k}`);
  });
  assert.equal(r.points[0].lr, lrMin);
  assert.ok(Math.abs(r.points[n - 1].lr / lrMax - 1) < 1e-12);
  // A constant ratio between neighbours: 5 decades over 24 steps.
  for (let k = 1; k < n; k++) assert.ok(Math.abs(Math.log10(r.points[k].lr / r.points[k - 1].lr) - 5 / 24) < 1e-12);
});

test("an lr override keeps the optimizer's state: bit for bit a normal run at that lr, and not a run whose moments restart", () => {
  const lr = 0.003;
  const normal = new Trainer({ ...SPIRAL, optimizer: { ...SPIRAL.optimizer, lr } });
  const overridden = new Trainer({ ...SPIRAL, optimizer: { ...SPIRAL.optimizer, lr: 0.5 } });
  for (let i = 0; i < 20; i++) assert.equal(overridden.trainStep(false, lr).loss, normal.trainStep().loss, `step ${i}`);

  // The range test equals a hand-driven run that overrides each step's lr, and differs from one
  // that re-creates its Adam each step (setOptimizer: fresh moments and step count).
  const n = 30;
  const r = lrFind(SPIRAL, { lrMin: 1e-4, lrMax: 1e-1, steps: n });
  const hand = new Trainer(SPIRAL);
  const reset = new Trainer(SPIRAL);
  let differs = 0;
  for (let k = 0; k < n; k++) {
    const lrK = lrAt(k, 1e-4, 1e-1, n);
    assert.equal(r.points[k].loss, hand.trainStep(false, lrK).loss, `step ${k}`);
    reset.setOptimizer({ ...SPIRAL.optimizer, lr: lrK });
    if (reset.trainStep().loss !== r.points[k].loss) differs++;
  }
  assert.ok(differs >= n - 2, `moments restarting each step changes the losses (${differs} of ${n} differ)`);
});

test('stops once the smoothed loss passes 4× its lowest, and the suggestion comes from before the stop', () => {
  const r = lrFind(SPIRAL_FILE);
  assert.equal(r.stopReason, 'blow-up');
  assert.equal(r.stoppedAt, r.points.length - 1);
  let best = Infinity;
  r.points.forEach((p, k) => {
    best = Math.min(best, p.smoothed);
    if (k < r.stoppedAt!) assert.ok(p.smoothed <= BLOW_UP_FACTOR * best, `step ${k} did not stop`);
  });
  const last = r.points[r.stoppedAt!];
  assert.ok(last.smoothed > BLOW_UP_FACTOR * Math.min(...r.points.map((p) => p.smoothed)));
  assert.ok(r.suggestion !== null && r.suggestion.step < r.stoppedAt! - 1);
});

test('stops at a step that goes non-finite', () => {
  // Plain SGD, then lr = √(1e-3·1e300) ≈ 3e148: the update would overflow float32, and is declined.
  const r = lrFind({ ...SPIRAL, optimizer: { type: 'sgd', lr: 0.1 } }, { lrMin: 1e-3, lrMax: 1e300, steps: 3 });
  assert.equal(r.stopReason, 'non-finite');
  assert.equal(r.stoppedAt, 1);
  assert.equal(r.points.length, 2);
  assert.equal(r.suggestion, null);
});

/** Points on an exponential lr grid whose smoothed loss is f(log10 lr). */
function synthetic(n: number, f: (x: number) => number): LrPoint[] {
  return Array.from({ length: n }, (_, k) => {
    const lr = lrAt(k, 1e-6, 1, n);
    return { step: k, lr, loss: f(Math.log10(lr)), smoothed: f(Math.log10(lr)) };
  });
}

test('the suggestion is the steepest descent against log10 lr, after the skipped start', () => {
  // A drop centred at lr = 1e-3 (x = −3, on the grid: 61 points, 0.1 decade apart).
  const points = synthetic(61, (x) => 2 - Math.tanh(2 * (x + 3)));
  const s = steepestDescent(points, points.map((p) => p.smoothed), skipStart(61));
  assert.ok(s !== null);
  assert.equal(s.step, 30);
  assert.ok(Math.abs(s.lr / 1e-3 - 1) < 1e-12);
  assert.equal(s.loss, points[30].smoothed);
  // The centred difference at the drop's centre.
  assert.ok(Math.abs(s.slope + Math.tanh(0.2) / 0.1) < 1e-9, String(s.slope));

  // A steeper drop inside the first ⌊N/10⌋ = 6 steps is ignored (the EMA settles there).
  const early = synthetic(61, (x) => (x < -5.65 ? 10 : 2) - Math.tanh(2 * (x + 3)));
  const earlyValues = early.map((p) => p.smoothed);
  assert.equal(steepestDescent(early, earlyValues, skipStart(61))!.step, 30);
  assert.ok(steepestDescent(early, earlyValues, 1)!.step <= 4);
  // A loss that never falls gives no suggestion.
  const rising = synthetic(61, (x) => x);
  assert.equal(steepestDescent(rising, rising.map((p) => p.smoothed), 6), null);
});

test('the suggestion looks no further than the lowest centred loss: a steeper dip after it (noise at a high lr) is passed over', () => {
  // A drop centred at 1e-3 to its lowest at x = −1.5, then a climb with a sharp dip at x = −0.5.
  const points = synthetic(61, (x) => (x < -1.5 ? 2 - Math.tanh(2 * (x + 3)) : 2 - Math.tanh(3) + (x + 1.5) - (Math.abs(x + 0.5) < 0.15 ? 0.8 : 0)));
  const values = points.map((p) => p.smoothed);
  assert.ok(steepestDescent(points, values, 6)!.step > 40, 'the dip is the steepest point overall');
  assert.equal(suggestLr(points, values, 6)!.step, 30);
  // A curve that only falls keeps its steepest point.
  const falling = synthetic(61, (x) => 2 - Math.tanh(2 * (x + 3)));
  assert.equal(suggestLr(falling, falling.map((p) => p.smoothed), 6)!.step, 30);
});

test('zeroPhase: constants stay, and a drop stays where the raw values have it, where the one-way EMA lags it', () => {
  assert.deepEqual(zeroPhase([2, 2, 2, 2], 0.9).map((v) => Number(v.toFixed(12))), [2, 2, 2, 2]);
  // A symmetric drop centred at point 50 of 101: its centred smoothing is steepest at 50.
  const raw = Array.from({ length: 101 }, (_, k) => 2 - Math.tanh((k - 50) / 15));
  const steepest = (v: number[]): number => {
    let best = 1;
    for (let k = 1; k < v.length - 1; k++) if (v[k + 1] - v[k - 1] < v[best + 1] - v[best - 1]) best = k;
    return best;
  };
  assert.equal(steepest(zeroPhase(raw, 0.9)), 50);
  const ema = new Ema(0.9);
  const oneWay = raw.map((v) => ema.push(v));
  assert.ok(steepest(oneWay) >= 55, String(steepest(oneWay)));
});

function trainedLoss(lr: number, epochs: number): number {
  const spec = { ...SPIRAL_FILE, optimizer: { ...SPIRAL_FILE.optimizer, lr }, train: { ...SPIRAL_FILE.train, epochs } };
  const t = new Trainer(spec);
  while (!t.done) t.trainStep();
  return t.trainAccuracy().loss;
}

test('on the spiral example the suggested lr is sensible, and a few epochs at it beat a few at lrMin', () => {
  const r = lrFind(SPIRAL_FILE);
  const s = r.suggestion!;
  // Adam on the spiral: the file trains with 0.01; a suggestion outside 1e-4…1 would be no use.
  assert.ok(s.lr > 1e-4 && s.lr < 1, String(s.lr));
  const atSuggested = trainedLoss(s.lr, 5);
  const atMin = trainedLoss(r.lrMin, 5);
  assert.ok(atSuggested < 0.8 * atMin, `5 epochs: loss ${atSuggested} at ${s.lr}, ${atMin} at ${r.lrMin}`);
  // The file's data set was not touched: its own run is as before.
  assert.deepEqual(lrFind(SPIRAL_FILE).points, r.points);
});

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lr-find --json: one lr line per step, then the suggestion line; the same figures as the module', () => {
  const r = run('lr-find', example, '--json', '--min', '1e-5', '--max=1', '--steps', '40');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const expected = lrFind(SPIRAL_FILE, { lrMin: 1e-5, lrMax: 1, steps: 40 });
  const lr = lines.filter((l) => l.type === 'lr');
  assert.equal(lr.length, expected.points.length);
  lr.forEach((l, k) => assert.deepEqual(l, { type: 'lr', ...expected.points[k], centred: k < expected.centred.length ? expected.centred[k] : null }));
  assert.equal(expected.centred.length, expected.stoppedAt ?? expected.points.length);
  const last = lines[lines.length - 1];
  assert.equal(lines.length, lr.length + 1);
  const s = expected.suggestion!;
  assert.deepEqual(last, {
    type: 'suggestion', lr: s.lr, loss: s.loss, step: s.step, slope: s.slope, stoppedAt: expected.stoppedAt, stopReason: expected.stopReason,
  });
});

test('lr-find text mode names the suggestion and how to use it; help and bad flags', () => {
  const r = run('lr-find', example, '--steps', '60');
  assert.equal(r.code, 0, r.stderr);
  const s = lrFind(SPIRAL_FILE, { steps: 60 }).suggestion!;
  assert.match(r.stdout, new RegExp(`suggested lr ${s.lr.toExponential(2).replace('+', '\\+')}`));
  assert.match(r.stdout, /set the optimizer's lr in the model file: lr: /);
  assert.match(r.stdout, /smoothed loss: [▁▂▃▄▅▆▇█↑]+/);
  const help = run('--help');
  assert.match(help.stdout, /trainlens lr-find FILE \[--json\] \[--min LR\] \[--max LR\] \[--steps N\]/);
  assert.match(help.stdout, /"type":"suggestion"/);
  for (const bad of [['--min', '0'], ['--max', 'abc'], ['--steps', '2'], ['--min', '1', '--max', '0.1']]) {
    const e = run('lr-find', example, ...bad);
    assert.equal(e.code, 2, bad.join(' '));
    assert.match(e.stderr, /^trainlens: --(min|max|steps)/);
  }
});
