import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSurface, type Surface } from '../../../src/engine/surface/surface';
import { criticalPoints, type Box } from '../../../src/engine/surface/critical';
import { contourLevels, LEVELS, LOWEST_LEVEL, surfaceFrame } from '../../../src/engine/surface/frame';
import type { CriticalPoint } from '../../../src/engine/surface/types';
import type { SurfacePreset } from '../../../src/model/spec';

const preset = (p: SurfacePreset): Surface => compileSurface({ preset: p, expression: '' });
const square = (h: number): Box => ({ xMin: -h, xMax: h, yMin: -h, yMax: h });
const at = (c: CriticalPoint, x: number, y: number, tol = 1e-5): boolean => Math.abs(c.x - x) < tol && Math.abs(c.y - y) < tol;

function gradNorm(s: Surface, c: CriticalPoint): number {
  const g = new Float64Array(2);
  s.valueAndGrad(c.x, c.y, g);
  return Math.hypot(g[0], g[1]);
}

test('critical points: Rosenbrock has one, the minimum at (1, 1)', () => {
  const found = criticalPoints(preset('rosenbrock'), { xMin: -2, xMax: 2, yMin: -1, yMax: 3 });
  assert.equal(found.length, 1);
  assert.equal(found[0].kind, 'minimum');
  assert.ok(at(found[0], 1, 1, 1e-9));
});

test('critical points: Himmelblau has four minima, one maximum and four saddles', () => {
  const s = preset('himmelblau');
  const found = criticalPoints(s, square(5));
  const minima = found.filter((c) => c.kind === 'minimum');
  const known = [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]];
  assert.equal(minima.length, 4);
  for (const [x, y] of known) assert.ok(minima.some((c) => at(c, x, y) && Math.abs(c.f) < 1e-12), `minimum near (${x}, ${y})`);
  const maxima = found.filter((c) => c.kind === 'maximum');
  assert.equal(maxima.length, 1);
  assert.ok(at(maxima[0], -0.270845, -0.923039));
  const saddles = found.filter((c) => c.kind === 'saddle');
  assert.equal(saddles.length, 4);
  for (const c of found) assert.ok(gradNorm(s, c) < 1e-9, `|∇f| at (${c.x}, ${c.y})`);
  // Ordered: minima, saddles, maxima; each by f.
  assert.deepEqual(found.map((c) => c.kind), ['minimum', 'minimum', 'minimum', 'minimum', 'saddle', 'saddle', 'saddle', 'saddle', 'maximum']);
});

test('critical points: the saddle preset\'s saddle, the ravine\'s minimum, Beale\'s minimum (and only true critical points)', () => {
  const saddle = criticalPoints(preset('saddle'), square(2));
  assert.equal(saddle.length, 1);
  assert.ok(saddle[0].kind === 'saddle' && at(saddle[0], 0, 0, 1e-12));
  const ravine = criticalPoints(preset('ravine'), square(3));
  assert.equal(ravine.length, 1);
  assert.ok(ravine[0].kind === 'minimum' && at(ravine[0], 0, 0, 1e-12));
  const beale = preset('beale');
  const found = criticalPoints(beale, square(4.5));
  const minima = found.filter((c) => c.kind === 'minimum');
  assert.equal(minima.length, 1);
  assert.ok(at(minima[0], 3, 0.5, 1e-8));
  // (0, 1) is a saddle: f_xx = f_yy = 0 there and f_xy = 27.75.
  assert.ok(found.some((c) => c.kind === 'saddle' && at(c, 0, 1, 1e-8)));
  for (const c of found) assert.ok(gradNorm(beale, c) < 1e-9, `|∇f| at (${c.x}, ${c.y}) is ${gradNorm(beale, c)}`);
});

test('critical points: degenerate ones (a line of minima, a flat surface) are not marked; points outside the box are left out', () => {
  assert.deepEqual(criticalPoints(compileSurface({ preset: null, expression: 'x^2' }), square(2)), []);
  assert.deepEqual(criticalPoints(compileSurface({ preset: null, expression: '3' }), square(2)), []);
  assert.deepEqual(criticalPoints(preset('rosenbrock'), { xMin: -2, xMax: 0, yMin: -1, yMax: 3 }), []);
});

test('levels: ascending, log-spaced above the grid\'s minimum; negative values fine; a flat or non-finite grid has none', () => {
  const levels = contourLevels([0, 1, 10, 100, 1000]);
  assert.equal(levels.length, LEVELS);
  assert.ok(levels.every((v, i) => v > 0 && v < 1000 && (i === 0 || v > levels[i - 1])));
  // Geometric above the minimum: equal ratios.
  const ratio = levels[1] / levels[0];
  assert.ok(levels.every((v, i) => i === 0 || Math.abs(v / levels[i - 1] - ratio) < 1e-9));
  const shifted = contourLevels([-4, 4]);
  assert.equal(shifted.length, LEVELS);
  assert.ok(shifted[0] > -4 && shifted[0] < -3.99 && shifted[LEVELS - 1] < 4);
  assert.deepEqual(contourLevels([2, 2, 2]), []);
  assert.deepEqual(contourLevels([NaN, NaN]), []);
  // Non-finite values are left out.
  assert.deepEqual(contourLevels([NaN, 0, 1000, NaN]), contourLevels([0, 1000]));
});

test('frame: presets\' default boxes, the start and include points widen it, critical points inside', () => {
  const rosen = surfaceFrame(preset('rosenbrock'), { preset: 'rosenbrock', expression: '', start: [-1.5, 2] });
  assert.deepEqual([rosen.xMin, rosen.xMax, rosen.yMin, rosen.yMax], [-2, 2, -1, 3]);
  assert.equal(rosen.resolution, 120);
  assert.equal(rosen.values.length, 120 * 120);
  assert.equal(rosen.values[0], preset('rosenbrock').value(-2, -1));
  assert.equal(rosen.values[119 * 120 + 119], preset('rosenbrock').value(2, 3));
  assert.ok(Math.abs(rosen.values[1] - preset('rosenbrock').value(-2 + 4 / 119, -1)) < 1e-9);
  assert.equal(rosen.levels.length, LEVELS);
  assert.equal(rosen.critical.length, 1);
  assert.deepEqual(rosen.start, [-1.5, 2]);
  assert.equal(rosen.expression, '(1 - x)^2 + 100 * (y - x^2)^2');
  const beale = surfaceFrame(preset('beale'), { preset: 'beale', expression: '', start: [1, 1.5] }, { resolution: 30 });
  assert.deepEqual([beale.xMin, beale.xMax, beale.yMin, beale.yMax], [-4.5, 4.5, -4.5, 4.5]);
  assert.equal(beale.values.length, 900);
  // A start outside and a path's extent widen the box (with a margin) and keep the saddle's critical point.
  const saddle = surfaceFrame(preset('saddle'), { preset: 'saddle', expression: '', start: [-1, 0.001] }, { include: [[0.2, 3]] });
  assert.ok(saddle.xMin < -1 && saddle.xMax > 0.2 && saddle.yMin < 0 && saddle.yMax > 3);
  assert.equal(saddle.critical.length, 1);
  assert.ok(saddle.levels.length === LEVELS && saddle.levels[0] < 0, 'levels of a surface that is negative');
  // No minimum in the box: the levels spread over the range instead of crowding into its corners.
  const lo = Math.min(...saddle.values);
  const span = Math.max(...saddle.values) - lo;
  assert.ok(Math.abs(saddle.levels[0] - (lo + span * LOWEST_LEVEL.open)) < 1e-9 * span);
  assert.ok(saddle.levels[LEVELS - 1] > lo + 0.5 * span);
  // With a minimum inside, the lowest level is deep in the basin.
  assert.ok(rosen.levels[0] < 0.01);
  // A diverged path's far point does not blow the box up past bounded growth.
  const far = surfaceFrame(preset('ravine'), { preset: 'ravine', expression: '', start: [-4, 1] }, { include: [[1e30, Infinity]] });
  assert.ok(far.xMax < 1000 && Number.isFinite(far.yMax));
});

test('frame of an expression: a box around the start that also shows the minima near it; non-finite f is NaN and levels survive', () => {
  const s = compileSurface({ preset: null, expression: '(x - 3)^2 + (y + 1)^2' });
  const frame = surfaceFrame(s, { preset: null, expression: '(x - 3)^2 + (y + 1)^2', start: [0, 0] });
  // The minimum (3, −1) is shown with a margin, not on the border.
  assert.ok(frame.xMin <= 0 && frame.xMax > 3.1 && frame.yMin < -1.1 && frame.yMax >= 0);
  assert.equal(frame.critical.length, 1);
  assert.ok(at(frame.critical[0], 3, -1, 1e-9));
  // A minimum whose Newton basin is small (tanh² bends the other way past |y| ≈ 0.66) is still found.
  const bent = 'log(1 + x^2) + 2*tanh(y)^2 + 0.1*x*y';
  const curved = surfaceFrame(compileSurface({ preset: null, expression: bent }), { preset: null, expression: bent, start: [2, 1] }, { resolution: 20 });
  assert.ok(curved.xMin < 0 && curved.yMin < 0, 'the box shows the minimum at (0, 0) with a margin');
  assert.ok(curved.critical.some((c) => c.kind === 'minimum' && at(c, 0, 0, 1e-9)));
  const logs = compileSurface({ preset: null, expression: 'log(x) + y^2' });
  const holes = surfaceFrame(logs, { preset: null, expression: 'log(x) + y^2', start: [1, 0] }, { resolution: 20 });
  assert.ok(holes.values.some((v) => Number.isNaN(v)), 'log of x ≤ 0 is NaN on the grid');
  assert.ok(holes.values.every((v) => Number.isNaN(v) || Number.isFinite(v)));
  assert.equal(holes.levels.length, LEVELS);
  assert.ok(holes.levels.every(Number.isFinite));
  const flat = surfaceFrame(compileSurface({ preset: null, expression: '2' }), { preset: null, expression: '2', start: [0, 0] }, { resolution: 10 });
  assert.deepEqual(flat.levels, []);
  assert.deepEqual(flat.critical, []);
});
