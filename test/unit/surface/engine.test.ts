import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSurface, type Surface } from '../../../src/engine/surface/surface';
import { noiseSequence, SurfaceRun } from '../../../src/engine/surface/run';
import { Rng } from '../../../src/engine/rng';
import { OPTIMIZER_DEFAULTS, type OptimizerSpec, type SurfacePreset, type SurfaceSetup } from '../../../src/model/spec';

/** Each preset's f and ∇f written out by hand. */
const HAND: Record<SurfacePreset, (x: number, y: number) => [number, number, number]> = {
  rosenbrock: (x, y) => [(1 - x) ** 2 + 100 * (y - x * x) ** 2, -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  beale(x, y) {
    const t1 = 1.5 - x + x * y;
    const t2 = 2.25 - x + x * y * y;
    const t3 = 2.625 - x + x * y ** 3;
    return [t1 ** 2 + t2 ** 2 + t3 ** 2, 2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (y ** 3 - 1), 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y * y];
  },
  himmelblau(x, y) {
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return [a * a + b * b, 4 * x * a + 2 * b, 2 * a + 4 * y * b];
  },
  saddle: (x, y) => [x * x - y * y, 2 * x, -2 * y],
  ravine: (x, y) => [0.5 * x * x + 50 * y * y, x, 100 * y],
};

const close = (a: number, b: number, rel = 1e-12): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

test('every preset: f and its exact gradient equal the hand formulas', () => {
  const g = new Float64Array(2);
  for (const [preset, hand] of Object.entries(HAND)) {
    const s = compileSurface({ preset: preset as SurfacePreset, expression: 'ignored for a preset' });
    assert.equal(s.preset, preset);
    for (const [x, y] of [[-1.5, 2], [0.3, -0.7], [2.5, 1.2], [0, 0]]) {
      const [f, fx, fy] = hand(x, y);
      assert.ok(close(s.value(x, y), f), `${preset} f(${x}, ${y})`);
      assert.ok(close(s.valueAndGrad(x, y, g), f));
      assert.ok(close(g[0], fx) && close(g[1], fy), `${preset} ∇f(${x}, ${y}) = ${[...g]}, by hand ${[fx, fy]}`);
    }
  }
});

test('an expression of x and y compiles; one that does not parse or names another input throws a clear error', () => {
  const s = compileSurface({ preset: null, expression: 'x*exp(y) - y' });
  const g = new Float64Array(2);
  assert.ok(close(s.valueAndGrad(2, 0.5, g), 2 * Math.exp(0.5) - 0.5));
  assert.ok(close(g[0], Math.exp(0.5)) && close(g[1], 2 * Math.exp(0.5) - 1));
  // An expression of x alone: ∂f/∂y is 0.
  compileSurface({ preset: null, expression: 'x^2' }).valueAndGrad(3, 7, g);
  assert.deepEqual([...g], [6, 0]);
  assert.throws(() => compileSurface({ preset: null, expression: 'x +' }), /does not parse/);
  assert.throws(() => compileSurface({ preset: null, expression: 'x + z' }), /uses z; a surface is a function of x and y only/);
});

const setup = (preset: SurfacePreset, start: [number, number], steps: number, noise = 0): SurfaceSetup => ({ preset, expression: '', start, steps, noise });
const surfaceOf = (preset: SurfacePreset): Surface => compileSurface({ preset, expression: '' });

function pathOf(run: SurfaceRun): number[] {
  const out: number[] = [];
  while (!run.done) {
    const p = run.advance();
    if ('diverged' in p) assert.fail(p.diverged);
    out.push(p.x, p.y, p.f, p.grad);
  }
  return out;
}

test('a run: step 0 is the start; each step is one update of the rule (SGD: w −= lr·∇f), f and ‖∇f‖ without noise', () => {
  const run = new SurfaceRun(surfaceOf('himmelblau'), setup('himmelblau', [0.5, -1], 3), { type: 'sgd', lr: 0.01 }, 1);
  const [f0, fx, fy] = HAND.himmelblau(0.5, -1);
  assert.deepEqual({ ...run.point }, { step: 0, x: 0.5, y: -1, f: f0, grad: Math.hypot(fx, fy) });
  const p = run.advance();
  assert.ok(!('diverged' in p));
  const [x1, y1] = [0.5 - 0.01 * fx, -1 - 0.01 * fy];
  const [f1, gx1, gy1] = HAND.himmelblau(x1, y1);
  assert.ok(close(p.x, x1) && close(p.y, y1) && close(p.f, f1) && close(p.grad, Math.hypot(gx1, gy1)));
  assert.equal(p.step, 1);
  assert.equal(run.step, 1);
  assert.ok(!run.done);
  run.advance();
  run.advance();
  assert.ok(run.done);
});

test('a run is a function of its seed: same seed, same path; noise moves it; its noise is noiseSequence(seed)', () => {
  const s = surfaceOf('rosenbrock');
  const adam: OptimizerSpec = { ...OPTIMIZER_DEFAULTS.adam, lr: 0.02 };
  const noisy = setup('rosenbrock', [-1.5, 2], 50, 0.5);
  const a = pathOf(new SurfaceRun(s, noisy, adam, 4));
  assert.deepEqual(pathOf(new SurfaceRun(s, noisy, adam, 4)), a);
  assert.notDeepEqual(pathOf(new SurfaceRun(s, noisy, adam, 5)), a);
  const quiet = pathOf(new SurfaceRun(s, setup('rosenbrock', [-1.5, 2], 50), adam, 4));
  assert.notDeepEqual(quiet, a);
  // Without noise the seed does not matter.
  assert.deepEqual(pathOf(new SurfaceRun(s, setup('rosenbrock', [-1.5, 2], 50), adam, 9)), quiet);
  // SGD's first noisy step, by hand from the seed's first two normals.
  const rng = new Rng(4);
  const n = noiseSequence(4, 2);
  assert.deepEqual([...n], [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  const run = new SurfaceRun(surfaceOf('saddle'), setup('saddle', [1, 2], 5, 0.3), { type: 'sgd', lr: 0.1 }, 4);
  const p = run.advance();
  assert.ok(!('diverged' in p));
  assert.ok(close(p.x, 1 - 0.1 * (2 + 0.3 * n[0])) && close(p.y, 2 - 0.1 * (-4 + 0.3 * n[1])));
});

test('setOptimizer continues from the current point with a fresh rule', () => {
  const s = surfaceOf('ravine');
  const momentum: OptimizerSpec = { ...OPTIMIZER_DEFAULTS.momentum, lr: 0.01 };
  const swapped = new SurfaceRun(s, setup('ravine', [-4, 0.5], 20), momentum, 1);
  for (let k = 0; k < 10; k++) swapped.advance();
  const at = { ...swapped.point };
  swapped.setOptimizer({ type: 'sgd', lr: 0.01 });
  assert.equal(swapped.optimizerSpec.type, 'sgd');
  const p = swapped.advance();
  assert.ok(!('diverged' in p));
  // A fresh SGD step from where momentum left it (no velocity carried over): w −= lr·∇f = (x, 100y).
  assert.ok(close(p.x, at.x - 0.01 * at.x) && close(p.y, at.y - 0.01 * 100 * at.y));
  assert.equal(p.step, 11);
});

test('divergence stops the run with the step and the place, and no non-finite point is emitted', () => {
  const run = new SurfaceRun(surfaceOf('rosenbrock'), setup('rosenbrock', [-1.5, 2], 1000), { type: 'sgd', lr: 10 }, 1);
  let last = { ...run.point };
  let stop: { diverged: string; step: number } | undefined;
  while (!run.done) {
    const p = run.advance();
    if ('diverged' in p) { stop = p; break; }
    assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.f) && Number.isFinite(p.grad));
    last = { ...p };
  }
  assert.ok(stop, 'SGD with lr 10 on Rosenbrock diverges');
  assert.equal(stop.step, last.step + 1);
  assert.match(stop.diverged, new RegExp(`^Step ${stop.step}: `));
  assert.ok(run.done);
  assert.deepEqual({ ...run.point }, last, 'the point stays the last finite one');
  assert.equal(run.advance(), stop, 'advancing again gives the same reason');
});

test('advance() allocates no point: it returns the one SurfacePoint the run updates in place (copy it to keep it)', () => {
  const run = new SurfaceRun(surfaceOf('beale'), setup('beale', [1, 1.5], 100), { ...OPTIMIZER_DEFAULTS.adam, lr: 0.01 }, 1);
  const first = run.advance();
  for (let k = 0; k < 98; k++) assert.equal(run.advance(), first);
  assert.equal(run.point, first);
  assert.equal(run.point.step, 99);
});
