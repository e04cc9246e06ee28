import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourSegments, drawContours, gridToBox, type ContourGrid } from '../../../webview/surface/contour';
import { appendPath, indexAtStep, lastStep, pickPoint } from '../../../webview/surface/path-data';
import { fromPixel, plotBox, surfaceAt, toPixel } from '../../../webview/surface/geometry';
import { contourColor, logTone, mutedRamp, tonePosition, viridis } from '../../../webview/surface/scale';
import { legendText, markText, pointText, sliderText, surfaceText } from '../../../webview/surface/text';
import { mix, parseColor } from '../../../webview/theme';
import type { SurfaceFrame, SurfacePoint } from '../../../src/engine/surface/types';

/** f sampled on an n × n grid over [lo, hi]², as SurfaceFrame lays it out (row 0 at yMin). */
function frameOf(f: (x: number, y: number) => number, lo: number, hi: number, n: number, levels: number[] = []): SurfaceFrame {
  const values: number[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values.push(f(lo + (i * (hi - lo)) / (n - 1), lo + (j * (hi - lo)) / (n - 1)));
  return { preset: null, expression: 'test', xMin: lo, xMax: hi, yMin: lo, yMax: hi, resolution: n, values, levels, critical: [], start: [lo, hi] };
}

const gridOf = (f: SurfaceFrame): ContourGrid => ({ values: f.values, nx: f.resolution, ny: f.resolution });
const paraboloid = frameOf((x, y) => x * x + y * y, -2, 2, 81);
/** Grid coordinates to (x, y) on [-2, 2]² with 81 points a side. */
const toXY = (i: number): number => -2 + (i * 4) / 80;

test('marching squares: the paraboloid x² + y² crosses level r² on the circle of radius r', () => {
  for (const r of [0.5, 1, 1.7]) {
    const segs = contourSegments(gridOf(paraboloid), r * r);
    assert.ok(segs.length > 20, `level ${r * r}: ${segs.length} segments`);
    let length = 0;
    for (const [i0, j0, i1, j1] of segs) {
      for (const [i, j] of [[i0, j0], [i1, j1]]) {
        // Linear interpolation between grid points 0.05 apart: within a hundredth of the circle.
        assert.ok(Math.abs(Math.hypot(toXY(i), toXY(j)) - r) < 0.01, `point (${toXY(i)}, ${toXY(j)}) is not on the circle of radius ${r}`);
      }
      length += Math.hypot(toXY(i1) - toXY(i0), toXY(j1) - toXY(j0));
    }
    // The chords add up to the circle's circumference (a closed curve, no piece missing or doubled).
    assert.ok(Math.abs(length - 2 * Math.PI * r) / (2 * Math.PI * r) < 0.01, `level ${r * r}: length ${length} vs ${2 * Math.PI * r}`);
  }
  assert.deepEqual(contourSegments(gridOf(paraboloid), -1), [], 'no line below the minimum');
  assert.deepEqual(contourSegments(gridOf(paraboloid), 100), [], 'none above the maximum');
});

test('marching squares: a saddle cell is resolved by its centre; a cell with a non-finite corner has no line', () => {
  // Corners bottom-left 1, bottom-right 0, top-right 1, top-left 0 (two opposite corners above 0.5).
  const above = contourSegments({ values: [1, 0, 0, 1], nx: 2, ny: 2 }, 0.5);
  // Centre mean 0.5 ≥ 0.5: the low corners are cut off, bottom-right (bottom–right edges) and top-left (top–left edges).
  assert.deepEqual(above, [[0.5, 0, 1, 0.5], [0.5, 1, 0, 0.5]]);
  const below = contourSegments({ values: [1, 0, 0, 1], nx: 2, ny: 2 }, 0.6);
  // Centre below: the high corners are cut off, bottom-left (left–bottom) and top-right (right–top).
  assert.equal(below.length, 2);
  assert.deepEqual(below[0], [0, 0.4, 0.4, 0]);
  assert.deepEqual(below[1], [1, 0.6, 0.6, 1]);
  assert.deepEqual(contourSegments({ values: [1, 0, NaN, 1], nx: 2, ny: 2 }, 0.5), []);
  assert.deepEqual(contourSegments({ values: [0, 1, Infinity, 1], nx: 2, ny: 2 }, 0.5), []);
});

test('drawContours: row 0 at the bottom of the box, one stroked path per level, its stroke from the level', () => {
  const calls: string[] = [];
  const strokes: Array<{ color: string; width: number }> = [];
  const ctx = {
    beginPath: () => calls.push('begin'), moveTo: (x: number, y: number) => calls.push(`M${x},${y}`), lineTo: (x: number, y: number) => calls.push(`L${x},${y}`),
    stroke(this: { strokeStyle: string; lineWidth: number }) {
      strokes.push({ color: this.strokeStyle, width: this.lineWidth });
    },
    setLineDash: () => undefined, strokeStyle: '', lineWidth: 0,
  } as unknown as CanvasRenderingContext2D;
  const grid = { values: [0, 1, 0, 1], nx: 2, ny: 2 }; // f = column: a vertical line at i = 0.5
  const box = { left: 10, top: 20, width: 100, height: 50 };
  assert.deepEqual(gridToBox(grid, box, 0, 0), [10, 70]);
  assert.deepEqual(gridToBox(grid, box, 1, 1), [110, 20]);
  const n = drawContours(ctx, grid, [0.5, 0.25, 7], box, (k) => ({ color: `c${k}`, width: k + 1 }));
  assert.equal(n, 2);
  assert.deepEqual(strokes, [{ color: 'c0', width: 1 }, { color: 'c1', width: 2 }]);
  assert.deepEqual(calls.slice(0, 3), ['begin', 'M60,70', 'L60,20']);
});

const pt = (step: number, x = step, y = 0): SurfacePoint => ({ step, x, y, f: x * x + y * y, grad: 2 * Math.hypot(x, y) });

test('the path: appended in step order, thinned to every other point at the cap; the slider finds the kept point at or before its step', () => {
  const path: SurfacePoint[] = [];
  assert.equal(appendPath(path, [pt(0), pt(1), pt(2)], 8), false);
  appendPath(path, [pt(2), pt(1)], 8); // already held: ignored
  assert.deepEqual(path.map((p) => p.step), [0, 1, 2]);
  assert.equal(appendPath(path, [3, 4, 5, 6, 7].map((s) => pt(s)), 8), true);
  assert.deepEqual(path.map((p) => p.step), [0, 2, 4, 6]);
  // The host, thinned too, sends the points its stride keeps.
  appendPath(path, [pt(8), pt(10)], 8);
  assert.deepEqual(path.map((p) => p.step), [0, 2, 4, 6, 8, 10]);
  assert.equal(indexAtStep(path, 5), 2, 'step 5 was thinned away: the kept step 4');
  assert.equal(path[indexAtStep(path, 6)].step, 6);
  assert.equal(indexAtStep(path, 0), 0);
  assert.equal(indexAtStep(path, -1), -1);
  assert.equal(indexAtStep(path, 1e9), path.length - 1);
  assert.equal(indexAtStep([], 3), -1);
  assert.equal(lastStep([path, [pt(0), pt(30)], []]), 30);
  assert.equal(lastStep([]), 0);
});

test('hover picking: the nearest drawn point within the radius, only up to the slider, ties to the later step', () => {
  const identity = (x: number, y: number): [number, number] => [x * 10, y * 10];
  const a = [pt(0, 0, 0), pt(1, 1, 0), pt(2, 2, 0), pt(3, 3, 0)];
  const b = [pt(0, 0, 1), pt(1, 1, 1), pt(2, 1, 1)];
  const picked = pickPoint([a, b], [3, 2], identity, 19, 1, 5);
  assert.equal(picked?.path, 0);
  assert.equal(picked?.point.step, 2);
  // With the slider at step 1, point 2 of a is not drawn: nothing within 5 px of (29, 0).
  assert.equal(pickPoint([a, b], [1, 1], identity, 29, 0, 5), null);
  // b's steps 1 and 2 sit on the same pixel: the later one.
  assert.equal(pickPoint([a, b], [3, 2], identity, 10, 10, 5)?.point.step, 2);
  assert.equal(pickPoint([a, b], [3, 1], identity, 10, 10, 5)?.point.step, 1);
  assert.equal(pickPoint([a, b], [3, 2], identity, 100, 100, 5), null);
});

test('geometry: x and y at one scale for a square frame; pixels and positions are inverse; f between grid points is bilinear', () => {
  const { box, width, height } = plotBox(paraboloid, 400);
  assert.equal(width, 400);
  assert.equal(box.width, box.height);
  assert.ok(height > box.height);
  assert.deepEqual(toPixel(box, -2, 2), [box.left, box.top]);
  assert.deepEqual(toPixel(box, 2, -2), [box.left + box.width, box.top + box.height]);
  const [x, y] = fromPixel(box, ...toPixel(box, 0.3, -1.1));
  assert.ok(Math.abs(x - 0.3) < 1e-12 && Math.abs(y + 1.1) < 1e-12);
  const wide = plotBox({ xMin: 0, xMax: 10, yMin: 0, yMax: 1 }, 400).box;
  assert.equal(wide.height, Math.round(wide.width * 0.5), 'a flat frame is kept readable: at least half as tall as wide');
  const plane = frameOf((u, v) => 2 * u + 3 * v, -1, 1, 5);
  assert.ok(Math.abs(surfaceAt(plane, 0.3, -0.7) - (0.6 - 2.1)) < 1e-12);
  assert.equal(surfaceAt(plane, -1, -1), -5);
  assert.equal(surfaceAt(plane, 1, 1), 5);
  assert.ok(Number.isNaN(surfaceAt(plane, 1.01, 0)));
  assert.ok(Math.abs(surfaceAt(paraboloid, 0.5, 0.5) - 0.5) < 0.01);
});

test('colours: log(f − fmin + ε) from 0 at the minimum to 1 at the maximum; ε is the first level above it', () => {
  const levels = [0.01, 0.1, 1, 8];
  const f = frameOf((x, y) => x * x + y * y + 3, -2, 2, 21, levels.map((l) => l + 3));
  const tone = logTone(f);
  assert.equal(tone.min, 3);
  assert.equal(tone.max, 11);
  assert.ok(Math.abs(tone.eps - 0.01) < 1e-12);
  assert.equal(tonePosition(tone, 3), 0);
  assert.equal(tonePosition(tone, 11), 1);
  assert.equal(tonePosition(tone, 100), 1);
  assert.equal(tonePosition(tone, 2), 0);
  // Log-spaced: each decade above the minimum is an equal step in tone (up to ε).
  const lo = Math.log(0.01);
  const span = Math.log(8.01) - lo;
  assert.ok(Math.abs(tonePosition(tone, 3.99) - (Math.log(1) - lo) / span) < 1e-12);
  const ts = [3.001, 3.01, 3.1, 4, 7, 11].map((v) => tonePosition(tone, v));
  ts.slice(1).forEach((t, i) => assert.ok(t > ts[i], 'increasing with f'));
  // No level above the minimum: a thousandth of the range.
  assert.ok(Math.abs(logTone(frameOf((x) => x, 0, 10, 3)).eps - 0.01) < 1e-12);
  assert.deepEqual(viridis(0), parseColor('#440154'));
  assert.deepEqual(viridis(1), parseColor('#fde725'));
  assert.deepEqual(viridis(0.5), parseColor('#21918c'));
  const dark = { background: '#1f1f1f', dark: true, highContrast: false };
  const ramp = mutedRamp(dark);
  assert.equal(ramp.length, 256);
  assert.deepEqual(ramp[0], parseColor(mix('#1f1f1f', 'rgb(68, 1, 84)', 0.45)));
  assert.deepEqual(ramp[255], parseColor(mix('#1f1f1f', 'rgb(253, 231, 37)', 0.45)));
  assert.equal(contourColor({ foreground: '#cccccc', highContrast: false }, 0, 5), 'rgba(204, 204, 204, 0.42)');
  assert.equal(contourColor({ foreground: '#ffffff', highContrast: true }, 4, 5), 'rgba(255, 255, 255, 0.6)');
});

test('text: the hover names step, position, f and ‖∇f‖ (and the run when several are drawn); the slider and legend', () => {
  const p: SurfacePoint = { step: 1200, x: 0.95123, y: -0.00090461, f: 0.0023414, grad: 12.5 };
  assert.equal(pointText(p, null), 'step 1,200 · (x, y) = (0.9512, -9.05e-4) · f = 0.002341 · ‖∇f‖ = 12.50');
  assert.equal(pointText(p, 'adam'), 'adam · step 1,200 · (x, y) = (0.9512, -9.05e-4) · f = 0.002341 · ‖∇f‖ = 12.50');
  assert.equal(surfaceText(1, 2, 3.5), '(x, y) = (1.000, 2.000) · f ≈ 3.500');
  assert.equal(sliderText(12, 2000), 'step 12 of 2,000');
  assert.equal(legendText('sgd', p, false), 'sgd: final f = 0.002341');
  assert.equal(legendText('sgd', p, true), 'sgd: f = 0.002341 at step 1,200');
  assert.equal(legendText('sgd', undefined, true), 'sgd');
  assert.equal(markText({ kind: 'saddle', x: 0, y: -0.5, f: 1e-40 }), 'saddle point (x, y) = (0, -0.5000) · f = 1.00e-40');
});
