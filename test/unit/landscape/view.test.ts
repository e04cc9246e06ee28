import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alphaMarks, axisNames, captionText, lossScale, LOG_RATIO, markText, pathPoints, planeFrame, scalePlace, statusText,
} from '../../../webview/landscape/data';
import { ticksOf } from '../../../webview/surface/axes';
import { contourSegments } from '../../../webview/surface/contour';
import { plotBox, toPixel } from '../../../webview/surface/geometry';
import { lineAlphas } from '../../../src/engine/landscape/grid';
import type { LandscapeResult, LandscapeSurface } from '../../../src/engine/landscape/types';
import type { LandscapeState } from '../../../src/training/protocol';

test('lossScale: linear for losses within a decade (padded, ticks inside); log from a decade up, decade ticks', () => {
  const lin = lossScale([0.3, 0.5, 1.1, 2.9]);
  assert.equal(lin.log, false);
  assert.ok(lin.lo <= 0.3 && lin.lo >= 0, `lo ${lin.lo}: below the smallest, not below 0 for positive losses`);
  assert.ok(lin.hi > 2.9);
  assert.ok(lin.ticks.length >= 3 && lin.ticks.every((t) => t >= lin.lo - 1e-12 && t <= lin.hi + 1e-12), `ticks ${lin.ticks}`);
  // Just under and at the ratio.
  assert.equal(lossScale([0.1, 0.1 * LOG_RATIO * 0.999]).log, false);
  const log = lossScale([0.01, 0.5, 3.2]);
  assert.equal(log.log, true);
  assert.ok(log.lo < 0.01 && log.hi > 3.2);
  assert.deepEqual(log.ticks, [0.01, 0.1, 1], 'the decades inside the range');
  assert.equal(lossScale([-1, 0.5, 40]).log, false, 'a loss at or below 0 has no log axis');
  assert.equal(lossScale([0.2, Infinity, NaN, 0.4]).log, false, 'non-finite losses are left out of the range');
  assert.ok(lossScale([0.2, Infinity, 0.4]).hi < 1);
});

test('scalePlace: 0 at lo, 1 at hi, linear or log; the geometric mean in the middle of a log axis; non-finite above the top', () => {
  const lin = { log: false, lo: 1, hi: 3, ticks: [] };
  assert.equal(scalePlace(lin, 1), 0);
  assert.equal(scalePlace(lin, 2), 0.5);
  assert.equal(scalePlace(lin, 3), 1);
  const log = { log: true, lo: 0.01, hi: 1, ticks: [] };
  assert.ok(Math.abs(scalePlace(log, 0.1) - 0.5) < 1e-12);
  assert.ok(scalePlace(log, Infinity) > 1);
  assert.ok(scalePlace(log, 0) < 0);
});

test('alphaMarks: α = 0 (initial) and α = 1 (trained) found in the engine\'s α values for even and odd resolutions, with their losses', () => {
  for (const r of [3, 4, 21, 22]) {
    const alphas = lineAlphas(r);
    const losses = alphas.map((a) => 1 + (a - 0.8) ** 2);
    const marks = alphaMarks({ alphas, losses });
    assert.deepEqual(marks.map((m) => [m.alpha, m.name]), [[0, 'initial'], [1, 'trained']]);
    assert.equal(alphas[marks[0].index], 0);
    assert.equal(alphas[marks[1].index], 1);
    assert.equal(marks[0].loss, 1 + 0.64);
    assert.equal(marks[1].loss, losses[marks[1].index]);
  }
  assert.deepEqual(alphaMarks({ alphas: [0.5], losses: [1] }), [], 'a line without them marks nothing');
  assert.equal(markText({ alpha: 0, name: 'initial', loss: 1.0986123, index: 3 }), 'α = 0 (initial): loss 1.099');
  assert.equal(markText({ alpha: 1, name: 'trained', loss: 0.000123456, index: 9 }), 'α = 1 (trained): loss 1.23e-4');
});

const SURFACE: LandscapeSurface = {
  plane: 'random', resolution: 3, aMin: -1, aMax: 1, bMin: -2, bMax: 2,
  values: [5, 4, 5, 2, 1, 2, 5, 4, 5], levels: [1.5, 3], path: [[0.6, -1.2], [0.3, -0.4], [0, 0]], pathSteps: [0, 50, 100], explained: null,
};

test('axisNames: d₁ and d₂ for random directions; PC1 and PC2 with the variance each explains', () => {
  assert.deepEqual(axisNames(SURFACE), ['d₁', 'd₂']);
  assert.deepEqual(axisNames({ plane: 'pca', explained: [0.873, 0.0912] }), ['PC1 (87.3% of the path\'s variance)', 'PC2 (9.1%)']);
  assert.deepEqual(axisNames({ plane: 'pca', explained: null }), ['PC1', 'PC2']);
});

test('planeFrame and pathPoints: the plane as the surface renderer reads it (a across, b up), its contours where the values cross, the path in plane coordinates', () => {
  const f = planeFrame(SURFACE);
  assert.deepEqual([f.xMin, f.xMax, f.yMin, f.yMax, f.resolution], [-1, 1, -2, 2, 3]);
  assert.equal(f.values, SURFACE.values);
  assert.deepEqual(f.critical, []);
  // The level 1.5 rings the centre (1) inside the middle row's 2s and the 4s: four crossings.
  assert.equal(contourSegments({ values: f.values, nx: 3, ny: 3 }, 1.5).length, 4);
  const pts = pathPoints(SURFACE);
  assert.deepEqual(pts.map((p) => [p.step, p.x, p.y]), [[0, 0.6, -1.2], [50, 0.3, -0.4], [100, 0, 0]]);
  // The trained point (0, 0) is drawn at the centre of the plot.
  const { box } = plotBox(f, 400);
  const [px, py] = toPixel(box, 0, 0);
  assert.ok(Math.abs(px - (box.left + box.width / 2)) < 1e-9 && Math.abs(py - (box.top + box.height / 2)) < 1e-9);
});

test('ticksOf: labels at their places; ticks outside the range are dropped', () => {
  const t = ticksOf([-1, 0, 1, 2], (v) => (v + 1) / 2);
  assert.deepEqual(t, [{ at: 0, label: '-1' }, { at: 0.5, label: '0' }, { at: 1, label: '1' }]);
});

function result(over: Partial<LandscapeResult> = {}, surface: Partial<LandscapeSurface> = {}): LandscapeResult {
  return {
    line: { alphas: [0, 1], losses: [1.1, 0.2] }, surface: { ...SURFACE, ...surface },
    initialLoss: 1.1, trainedLoss: 0.2, evaluations: 1234, samples: 300, seconds: 2.5, ...over,
  };
}

test('captionText: the number of parameters, the samples, evaluations, resolution and time, the seed of a random plane, the variance of a PCA plane, a lowered resolution', () => {
  const random = captionText(result(), { seed: 7 }, 1603).join('\n');
  assert.match(random, /a 2-D slice through a space of 1,603 parameters, centred on the trained weights/);
  assert.match(random, /one draw \(seed 7\)/);
  assert.match(random, /3 weight snapshots/);
  assert.match(random, /\(300 samples, .*\): 1,234 evaluations, 3 × 3 on the plane, in 2\.50 s/);
  assert.match(random, /cannot show/);
  assert.doesNotMatch(random, /lowered/);
  const pca = captionText(result({ requestedResolution: 101 }, { plane: 'pca', explained: [0.8, 0.15], centre: 'initial' }), { seed: 1 }, null).join('\n');
  assert.match(pca, /all of the network's parameters, centred on the initial weights/);
  assert.match(pca, /hold 95\.0% of the path's variance/);
  assert.match(pca, /3 × 3 on the plane \(lowered from 101 × 101 to keep the work bounded\)/);
});

test('statusText: none yet, computing with its progress, failed with the reason, nothing when done (unless the panel shows a newer run)', () => {
  assert.match(statusText(null), /No loss landscape yet: train the model/);
  const s: LandscapeState = { runId: 'r', state: 'running', done: 120, total: 1000, options: { resolution: 21, plane: 'random', seed: 1 }, result: null, error: null };
  assert.equal(statusText(s), 'Computing the loss landscape: 120 of 1,000 loss evaluations…');
  assert.equal(statusText({ ...s, state: 'failed', error: 'The weights do not fit the model: x' }), 'The weights do not fit the model: x');
  assert.equal(statusText({ ...s, state: 'done', result: result() }), '');
  assert.match(statusText({ ...s, state: 'done', result: result() }, true), /landscape of an earlier run of the file/);
});
