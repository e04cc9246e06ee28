import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { compileSurface } from '../../../src/engine/surface/surface';
import { SurfaceRun } from '../../../src/engine/surface/run';
import type { SurfacePoint } from '../../../src/engine/surface/types';
import { OPTIMIZER_DEFAULTS, SURFACE_PRESETS, type OptimizerName, type OptimizerSpec, type SurfacePreset, type SurfaceSetup } from '../../../src/model/spec';

/**
 * Each surface example shows its lesson: the file's own surface, start, steps, noise, seed and
 * compared rules (each at the file's learning rate with its own defaults, as compare runs them),
 * run through the engine and measured. The YAML is read here directly, so the lesson is tested
 * whatever the model reader does with it.
 */

const root = path.resolve(__dirname, '../../../..');

interface Lesson { setup: SurfaceSetup; optimizer: OptimizerSpec; seed: number; compare: OptimizerName[] }

function lesson(name: string): Lesson {
  const doc = parse(readFileSync(path.join(root, 'examples', name), 'utf8')) as {
    surface: string; start: [number, number]; optimizer: { type: OptimizerName; lr: number };
    train: { steps: number; noise: number; seed: number }; compare?: { optimizer: OptimizerName[] };
  };
  const preset = (SURFACE_PRESETS as readonly string[]).includes(doc.surface) ? doc.surface as SurfacePreset : null;
  const optimizer = { ...OPTIMIZER_DEFAULTS[doc.optimizer.type], ...doc.optimizer } as OptimizerSpec;
  return {
    setup: { preset, expression: preset ? '' : doc.surface, start: doc.start, steps: doc.train.steps, noise: doc.train.noise },
    optimizer, seed: doc.train.seed, compare: doc.compare?.optimizer ?? [],
  };
}

/** The path (start included) of one rule of the lesson, at the file's learning rate. */
function pathOf(l: Lesson, rule: OptimizerName): SurfacePoint[] {
  const spec = rule === l.optimizer.type ? l.optimizer : { ...OPTIMIZER_DEFAULTS[rule], lr: l.optimizer.lr };
  const run = new SurfaceRun(compileSurface(l.setup), l.setup, spec, l.seed);
  const out = [{ ...run.point }];
  while (!run.done) {
    const p = run.advance();
    if ('diverged' in p) assert.fail(`${rule}: ${p.diverged}`);
    out.push({ ...p });
  }
  return out;
}

const stepLength = (p: SurfacePoint[], k: number): number => Math.hypot(p[k + 1].x - p[k].x, p[k + 1].y - p[k].y);

test('surface-ravine: SGD zig-zags across the ravine (y changes sign at almost every step)', (t) => {
  const l = lesson('surface-ravine.nn.yaml');
  assert.deepEqual(l.compare, ['sgd', 'momentum', 'adam']);
  const sgd = pathOf(l, 'sgd');
  let flips = 0;
  for (let k = 1; k <= 20; k++) if (Math.sign(sgd[k].y) !== Math.sign(sgd[k - 1].y)) flips++;
  t.diagnostic(`sign changes of y in SGD's first 20 steps: ${flips}; x after 20 steps ${sgd[20].x.toFixed(3)}`);
  assert.ok(flips >= 15, `${flips} sign changes`);
  // Meanwhile x only creeps along the floor: still more than halfway from the minimum after 20 steps.
  assert.ok(Math.abs(sgd[20].x) > 0.5 * Math.abs(l.setup.start[0]));
});

test('surface-momentum: momentum passes the minimum and comes back; SGD never passes it', (t) => {
  const l = lesson('surface-momentum.nn.yaml');
  assert.equal(l.optimizer.type, 'momentum');
  const momentum = pathOf(l, 'momentum');
  const sgd = pathOf(l, 'sgd');
  const x0 = l.setup.start[0];
  const farthest = Math.max(...momentum.map((p) => -Math.sign(x0) * p.x));
  const end = momentum[momentum.length - 1];
  t.diagnostic(`momentum's farthest x past the minimum ${farthest.toFixed(3)}, its end (${end.x.toExponential(1)}, ${end.y.toExponential(1)}); SGD's farthest ${Math.max(...sgd.map((p) => -Math.sign(x0) * p.x)).toFixed(3)}`);
  assert.ok(farthest > 0.1 * Math.abs(x0), `momentum overshoots by ${farthest}`);
  assert.ok(Math.abs(end.x) < 0.1 * farthest, 'and comes back');
  assert.ok(sgd.every((p) => Math.sign(p.x) === Math.sign(x0)), 'SGD stays on the start side');
});

test('surface-saddle: SGD creeps near the saddle while Adam escapes', (t) => {
  const l = lesson('surface-saddle.nn.yaml');
  const sgd = pathOf(l, 'sgd');
  const adam = pathOf(l, 'adam');
  const n = 100;
  t.diagnostic(`|y| after ${n} steps: SGD ${Math.abs(sgd[n].y).toExponential(2)}, Adam ${Math.abs(adam[n].y).toExponential(2)}`);
  assert.ok(Math.abs(sgd[n].y) < 0.01, 'SGD is still on the ridge');
  assert.ok(Math.abs(adam[n].y) >= 100 * Math.abs(sgd[n].y));
});

test('surface-rosenbrock: AdaGrad stalls, RMSProp goes on', (t) => {
  const l = lesson('surface-rosenbrock.nn.yaml');
  assert.deepEqual(l.compare, ['adagrad', 'rmsprop']);
  const adagrad = pathOf(l, 'adagrad');
  const rmsprop = pathOf(l, 'rmsprop');
  const last = adagrad.length - 2;
  const ratio = adagrad[last + 1].f / rmsprop[rmsprop.length - 1].f;
  const shrink = stepLength(adagrad, last) / stepLength(adagrad, 0);
  t.diagnostic(`final f: AdaGrad ${adagrad[last + 1].f.toFixed(3)}, RMSProp ${rmsprop[rmsprop.length - 1].f.toFixed(4)} (ratio ${ratio.toFixed(0)}); AdaGrad's last step / first ${shrink.toExponential(1)}; RMSProp's ${(stepLength(rmsprop, rmsprop.length - 2) / stepLength(rmsprop, 0)).toExponential(1)}`);
  assert.ok(ratio >= 10);
  assert.ok(shrink < 0.02, 'AdaGrad\'s steps shrank to almost nothing');
  assert.ok(stepLength(rmsprop, rmsprop.length - 2) > 0.1 * l.optimizer.lr, 'RMSProp still steps about lr');
});

test('surface: the race of all six rules, each ending somewhere of its own', (t) => {
  const l = lesson('surface.nn.yaml');
  assert.deepEqual(l.compare, ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']);
  const ends = Object.fromEntries(l.compare.map((rule) => [rule, pathOf(l, rule).pop()!]));
  t.diagnostic(Object.entries(ends).map(([r, p]) => `${r} (${p.x.toFixed(2)}, ${p.y.toFixed(2)}) f ${p.f.toExponential(1)}`).join('; '));
  const near = (p: SurfacePoint, x: number, y: number): boolean => Math.hypot(p.x - x, p.y - y) < 0.05;
  assert.ok(near(ends.sgd, 3, 2) && near(ends.nesterov, 3, 2), 'SGD and Nesterov reach the nearest minimum');
  assert.ok(near(ends.momentum, 3.584428, -1.848126), 'momentum overshoots into another minimum');
  assert.ok(ends.adagrad.f > 100, 'AdaGrad stalls on the slope');
  assert.ok(ends.rmsprop.f < 1 && ends.adam.f < 1, 'RMSProp and Adam arrive');
});
