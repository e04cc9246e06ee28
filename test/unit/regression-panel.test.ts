import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaleColor, scalePosition, scaleTicks, valueScale } from '../../webview/colorscale';
import { fitCurve, fitPoints, fitYRange, gridFits, isClassesFrame, r2AxisMin } from '../../webview/fit-data';
import { r2 } from '../../webview/format';
import { RunStore } from '../../webview/store';
import { fitGridX, type BoundaryFrame, type EpochMetrics, type PanelProgress, type RunSnapshot } from '../../src/training/protocol';
import { Decimated, MAX_EPOCH_POINTS } from '../../src/training/history';

const COLORS = { negative: '#3794ff', positive: '#d18616', background: '#1e1e1e' };

test('values of both signs get a diverging scale, symmetric around 0: the background at 0, blue at −m, orange at m', () => {
  const s = valueScale(-0.4, 1.2, COLORS);
  assert.equal(s.kind, 'diverging');
  assert.deepEqual([s.lo, s.hi], [-1.2, 1.2]);
  assert.deepEqual(scaleColor(s, 0), [0x1e, 0x1e, 0x1e]);
  assert.deepEqual(scaleColor(s, 1.2), [0xd1, 0x86, 0x16]);
  assert.deepEqual(scaleColor(s, -1.2), [0x37, 0x94, 0xff]);
  // Halfway to m: halfway from the background to orange, per channel.
  assert.deepEqual(scaleColor(s, 0.6), [Math.round(0x1e + (0xd1 - 0x1e) / 2), Math.round(0x1e + (0x86 - 0x1e) / 2), Math.round(0x1e + (0x16 - 0x1e) / 2)]);
  // Beyond the ends: the end's colour.
  assert.deepEqual(scaleColor(s, 7), scaleColor(s, 1.2));
  assert.deepEqual(scaleColor(s, -7), scaleColor(s, -1.2));
  assert.equal(scalePosition(s, 0), 0.5);
});

test('values of one sign get a sequential scale over their range, from near the background to blue', () => {
  const s = valueScale(2, 10, COLORS);
  assert.equal(s.kind, 'sequential');
  assert.deepEqual([s.lo, s.hi], [2, 10]);
  assert.deepEqual(scaleColor(s, 10), [0x37, 0x94, 0xff]);
  assert.equal(scalePosition(s, 4), 0.25);
  // The low end is the background moved 12 % toward blue.
  assert.deepEqual(scaleColor(s, 2), [0x1e, 0x1e, 0x1e].map((b, i) => Math.round(b + ([0x37, 0x94, 0xff][i] - b) * 0.12)));
  // A single value sits mid-scale.
  const one = valueScale(3, 3, COLORS);
  assert.deepEqual([one.lo, one.hi], [2.5, 3.5]);
  assert.equal(scalePosition(one, 3), 0.5);
});

test('the colour bar is labelled at round values inside the scale, 0 among them when it crosses 0', () => {
  assert.deepEqual(scaleTicks({ lo: -1.2, hi: 1.2 }), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(scaleTicks({ lo: 2, hi: 10 }), [2, 4, 6, 8, 10]);
  assert.deepEqual(scaleTicks({ lo: 0.013, hi: 0.052 }), [0.02, 0.03, 0.04, 0.05]);
  for (const [lo, hi] of [[-3.7, 3.7], [1e-4, 9e-4], [-250, 1300], [0.5, 0.5000001]]) {
    const ticks = scaleTicks({ lo, hi });
    assert.ok(ticks.length >= 2 && ticks.length <= 7, `${lo}…${hi}: ${ticks}`);
    for (const v of ticks) assert.ok(v >= lo - 1e-12 && v <= hi + 1e-12, `${v} in ${lo}…${hi}`);
    if (lo < 0 && hi > 0) assert.ok(ticks.includes(0));
  }
});

function frame1d(over: Partial<BoundaryFrame> = {}): BoundaryFrame {
  return {
    kind: 'regression1d', xMin: -3, xMax: 3, yMin: -1, yMax: 1, resolution: 5, classes: 0, labels: [],
    points: [-2, 0, 2], targets: [-0.9, 0.1, 0.95], valPoints: [1], valTargets: [0.8], valueMin: -1, valueMax: 1, outputs: 1, ...over,
  };
}

test('the 1-D fit: one point per grid x from xMin to xMax (both included), at the value predicted there', () => {
  const f = frame1d();
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => fitGridX(f, i)), [-3, -1.5, 0, 1.5, 3]);
  const curve = fitCurve(f, { step: 7, classes: [], values: [1, 2, NaN, 4, 5] });
  // A non-finite prediction is left out, not drawn at 0.
  assert.deepEqual(curve, [{ x: -3, y: 1 }, { x: -1.5, y: 2 }, { x: 1.5, y: 4 }, { x: 3, y: 5 }]);
  assert.deepEqual(fitCurve(f, { step: 7, classes: [], values: [1, 2] }), [], 'a grid of another size is not drawn');
  assert.deepEqual(fitCurve(f, null), []);
  assert.deepEqual(fitPoints(f.points, f.targets), [{ x: -2, y: -0.9 }, { x: 0, y: 0.1 }, { x: 2, y: 0.95 }]);
  assert.deepEqual(fitPoints(f.valPoints, f.valTargets), [{ x: 1, y: 0.8 }]);
});

test('the 1-D fit\'s y axis holds the targets, follows a prediction one more range out at most, with 6 % room', () => {
  const f = frame1d();
  const near = fitYRange(f, [{ x: 0, y: 0.5 }]);
  assert.ok(Math.abs(near.min - -1.12) < 1e-12 && Math.abs(near.max - 1.12) < 1e-12, JSON.stringify(near));
  const out = fitYRange(f, [{ x: 0, y: 1.5 }]);
  assert.ok(Math.abs(out.max - (1.5 + 2.5 * 0.06)) < 1e-12, JSON.stringify(out));
  const wild = fitYRange(f, [{ x: 0, y: -1e6 }]);
  assert.ok(Math.abs(wild.min - (-3 - 4 * 0.06)) < 1e-12, JSON.stringify(wild));
});

test('a 2-D grid fits a frame when it has one value per cell; frames without a kind are decision boundaries', () => {
  const f: BoundaryFrame = { ...frame1d(), kind: 'regression2d', resolution: 3 };
  assert.equal(gridFits(f, { step: 1, classes: [], values: new Array(9).fill(0) }), true);
  assert.equal(gridFits(f, { step: 1, classes: [], values: new Array(3).fill(0) }), false);
  assert.equal(gridFits(f, { step: 1, classes: new Array(9).fill(0) }), false);
  assert.equal(isClassesFrame(f), false);
  assert.equal(isClassesFrame(frame1d()), false);
  assert.equal(isClassesFrame({ ...f, kind: 'classes' }), true);
  const saved = { ...f } as Partial<BoundaryFrame>;
  delete saved.kind;
  assert.equal(isClassesFrame(saved as BoundaryFrame), true);
  assert.equal(isClassesFrame(null), false);
});

test('R² reads with three decimals, four when three would round it up to a perfect 1; its axis goes down by halves to −1 at most', () => {
  assert.equal(r2(0.98765), '0.988');
  assert.equal(r2(0.99962), '0.9996');
  assert.equal(r2(1), '1.000');
  assert.equal(r2(-0.25), '-0.250');
  assert.equal(r2(null), '–');
  assert.equal(r2AxisMin(0.93), 0);
  assert.equal(r2AxisMin(-0.23), -0.5);
  assert.equal(r2AxisMin(-0.5), -0.5);
  assert.equal(r2AxisMin(-40), -1);
  assert.equal(r2AxisMin(NaN), 0);
});

function regressionEpoch(epoch: number): EpochMetrics {
  return {
    epoch, step: epoch * 10, loss: 1 / epoch, regLoss: 0, trainAcc: null, valLoss: 1.1 / epoch, valAcc: null,
    trainR2: 1 - 0.5 / epoch, valR2: 1 - 0.6 / epoch, valRmse: 0.3 / epoch, seconds: epoch,
  };
}

function regressionSnapshot(epochs: Decimated<EpochMetrics>): RunSnapshot {
  return {
    info: {
      runId: 'r', source: 's', title: 'sine.nn.yaml', parameters: 0, trainSize: 160, validationSize: 40, batchSize: 32, stepsPerEpoch: 10,
      totalSteps: 100, layers: [], boundary: frame1d(), regression: true, epochs: 10, optimizer: 'adam', init: 'xavier',
    },
    status: 'running', paused: false, loss: { count: 0, stride: 1, items: [] }, lastLoss: null, epochs: epochs.state(),
    stats: { count: 0, stride: 1, items: [] }, latestStats: null, markers: [], boundary: null, filters: null,
    step: 0, samplesPerSec: 0, final: null, error: null, previous: null, gradcheck: null,
  };
}

test('the store draws a regression run\'s R² and RMSE per epoch, and no accuracy points for its null accuracies', () => {
  const epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  epochs.push(regressionEpoch(1));
  epochs.push(regressionEpoch(2));
  const store = new RunStore();
  store.load(regressionSnapshot(epochs));
  assert.equal(store.regression, true);
  assert.deepEqual(store.trainR2, [{ x: 1, y: 0.5 }, { x: 2, y: 0.75 }]);
  assert.deepEqual(store.valR2, [{ x: 1, y: 0.4 }, { x: 2, y: 0.7 }]);
  assert.deepEqual(store.valRmse, [{ x: 1, y: 0.3 }, { x: 2, y: 0.15 }]);
  assert.deepEqual(store.trainAcc, []);
  assert.deepEqual(store.valAcc, []);

  // A progress message appends the next epoch's figures.
  const e3 = regressionEpoch(3);
  const progress: PanelProgress = {
    type: 'progress', runId: 'r', loss: { from: 0, items: [], count: 0 }, epochs: { from: 2, items: [e3], count: 3 },
    stats: { from: 0, items: [], count: 0 }, latestStats: null, lastLoss: null, markers: [],
    boundary: { step: 30, classes: [], values: [0, 0, 0, 0, 0] }, filters: null, step: 30, paused: false, samplesPerSec: 1,
  };
  assert.equal(store.addProgress(progress), true);
  assert.deepEqual(store.valR2.at(-1), { x: 3, y: e3.valR2 });
  assert.deepEqual(store.valRmse.at(-1), { x: 3, y: e3.valRmse });
  assert.equal(store.trainR2.length, 3);
  assert.equal(store.run?.boundary?.step, 30);
  assert.equal(fitCurve(store.run!.info.boundary!, store.run!.boundary).length, 5);
});

test('a classification run is no regression, and its accuracies are drawn as before', () => {
  const epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  epochs.push({ epoch: 1, step: 10, loss: 1, regLoss: 0, trainAcc: 0.6, valLoss: 1.2, valAcc: 0.55, seconds: 1 });
  const snap = regressionSnapshot(epochs);
  delete snap.info.regression;
  snap.info.boundary = null;
  const store = new RunStore();
  store.load(snap);
  assert.equal(store.regression, false);
  assert.deepEqual(store.trainAcc, [{ x: 1, y: 0.6 }]);
  assert.deepEqual(store.valAcc, [{ x: 1, y: 0.55 }]);
  assert.deepEqual([store.trainR2, store.valR2, store.valRmse], [[], [], []]);
});

test('overlaid regression variants (Compare, kept runs) bring their R² and RMSE series, and R² stands where accuracy would', () => {
  const epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  epochs.push(regressionEpoch(1));
  epochs.push(regressionEpoch(4));
  const store = new RunStore();
  assert.equal(store.regression, false);
  store.setOverlays({
    title: 'optimizer: 2 variants from identical weights',
    runs: ['sgd', 'adam'].map((label) => ({
      id: label, label, status: 'finished', markers: [], error: null,
      loss: { count: 0, stride: 1, items: [] }, epochs: epochs.state(), stats: { count: 0, stride: 1, items: [] },
      final: {
        loss: 0.1, regLoss: 0, trainAcc: null, valLoss: 0.1, valAcc: null, trainR2: 0.9, trainRmse: 0.3, valR2: 0.85, valRmse: 0.35,
        steps: 40, epochs: 4, samplesPerSec: 1, seconds: 1,
      },
    })),
  });
  assert.equal(store.regression, true);
  const [sgd] = store.overlays;
  assert.deepEqual(sgd.valR2, [{ x: 1, y: 0.4 }, { x: 4, y: 0.85 }]);
  assert.deepEqual(sgd.trainR2, [{ x: 1, y: 0.5 }, { x: 4, y: 0.875 }]);
  assert.deepEqual(sgd.valRmse, [{ x: 1, y: 0.3 }, { x: 4, y: 0.075 }]);
  assert.deepEqual(sgd.trainAcc, []);
});
