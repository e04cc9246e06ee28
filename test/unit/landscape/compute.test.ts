import { test } from 'node:test';
import assert from 'node:assert/strict';
import { landscapeOnce, LandscapeError } from '../../../src/training/landscape-task';
import { filterNormalizedDirection } from '../../../src/engine/landscape/directions';
import { WeightVector } from '../../../src/engine/landscape/weights';
import { boundedResolution, evaluationCount, MIN_RESOLUTION } from '../../../src/engine/landscape/compute';
import { lineAlphas, linePoints } from '../../../src/engine/landscape/grid';
import { networkArrays } from '../../../src/export/arrays';
import { Trainer } from '../../../src/engine/trainer';
import { Rng } from '../../../src/engine/rng';
import type { LandscapeOptions } from '../../../src/engine/landscape/types';
import type { ModelSpec } from '../../../src/model/spec';
import { SPIRAL } from '../fixtures';
import { SPIRAL_BN, trainToEnd } from './helpers';

const short = (spec: ModelSpec, epochs = 3): ModelSpec => ({ ...spec, train: { ...spec.train, epochs } });
const OPTIONS: LandscapeOptions = { resolution: 5, plane: 'random', seed: 1 };

function landscapeAfterRun(spec: ModelSpec, options: LandscapeOptions = OPTIONS) {
  const { done } = trainToEnd(spec);
  const result = landscapeOnce({ spec, weights: done.weights, trajectory: done.trajectory!, options }, undefined);
  return { done, result };
}

test('lineAlphas: evenly spaced from −0.5 to 1.5 holding 0 and 1 exactly; 2r + 1 values for even r, 2r + 3 for odd r', () => {
  for (const r of [3, 4, 5, 21, 22]) {
    const a = lineAlphas(r);
    assert.equal(a.length, r % 2 === 0 ? 2 * r + 1 : 2 * r + 3);
    assert.equal(a.length, linePoints(r));
    assert.equal(a[0], -0.5);
    assert.equal(a.at(-1), 1.5);
    assert.ok(a.includes(0) && a.includes(1), `r ${r}`);
    const step = 2 / (a.length - 1);
    for (let i = 1; i < a.length; i++) assert.ok(Math.abs(a[i] - a[i - 1] - step) < 1e-12, `r ${r}: step ${a[i] - a[i - 1]} at ${i}`);
  }
});

test('the line at α = 0 and α = 1 is the run\'s initialLoss and final loss, bit for bit (spiral; batchnorm + dropout)', () => {
  for (const spec of [short(SPIRAL), short(SPIRAL_BN)]) {
    const { done, result } = landscapeAfterRun(spec);
    const at = (alpha: number): number => result.line.losses[result.line.alphas.indexOf(alpha)];
    assert.equal(at(0), done.final.initialLoss);
    assert.equal(at(1), done.final.loss);
    assert.equal(result.initialLoss, done.final.initialLoss);
    assert.equal(result.trainedLoss, done.final.loss);
    assert.equal(result.evaluations, evaluationCount(5));
    assert.equal(result.samples, 240);
  }
});

test('random plane: the grid\'s centre is the trained loss, the path ends at (0, 0), a and b in [−1, 1]; seeded', () => {
  const { done, result } = landscapeAfterRun(short(SPIRAL_BN));
  const s = result.surface;
  assert.deepEqual([s.aMin, s.aMax, s.bMin, s.bMax], [-1, 1, -1, 1]);
  assert.equal(s.values.length, 25);
  assert.equal(s.values[2 * 5 + 2], done.final.loss);
  assert.deepEqual(s.path.at(-1), [0, 0]);
  assert.deepEqual(s.pathSteps, done.trajectory!.steps);
  assert.equal(s.explained, null);
  assert.ok(s.levels.length === 20 && s.levels.every((l, i) => i === 0 || l > s.levels[i - 1]));
  assert.ok(s.levels[0] > Math.min(...s.values));
  const again = landscapeOnce({ spec: short(SPIRAL_BN), weights: done.weights, trajectory: done.trajectory!, options: OPTIONS }, undefined);
  assert.deepEqual(again.surface.values, s.values);
  const other = landscapeOnce({ spec: short(SPIRAL_BN), weights: done.weights, trajectory: done.trajectory!, options: { ...OPTIONS, seed: 2 } }, undefined);
  assert.notDeepEqual(other.surface.values, s.values);
  assert.deepEqual(other.line, again.line, 'the line does not depend on the seed');
});

test('centre initial: the plane goes through the initial weights, the path starts at (0, 0)', () => {
  const { done, result } = landscapeAfterRun(short(SPIRAL), { ...OPTIONS, centre: 'initial' });
  assert.equal(result.surface.values[12], done.final.initialLoss);
  assert.deepEqual(result.surface.path[0], [0, 0]);
  assert.equal(result.surface.centre, 'initial');
});

test('filter normalization: each filter of d has the norm of θ\'s filter; biases and batchnorm get 0', () => {
  const spec = short(SPIRAL_BN);
  const t = new Trainer(spec);
  const entries = networkArrays(t.network, spec.layers);
  const v = new WeightVector(t.network, entries);
  const theta = new Float32Array(v.length);
  v.read(theta);
  const d = filterNormalizedDirection(theta, v.filters(), new Rng(7));
  let offset = 0;
  for (const e of entries) {
    const n = e.data.length;
    if (e.name.endsWith('.W')) {
      const [rows, cols] = e.shape;
      for (let u = 0; u < cols; u++) {
        let dn = 0;
        let tn = 0;
        for (let r = 0; r < rows; r++) {
          dn += d[offset + r * cols + u] ** 2;
          tn += theta[offset + r * cols + u] ** 2;
        }
        assert.ok(Math.abs(Math.sqrt(dn) - Math.sqrt(tn)) <= 1e-5 * Math.sqrt(tn), `${e.name} column ${u}`);
      }
    } else {
      for (let k = 0; k < n; k++) assert.equal(d[offset + k], 0, `${e.name}[${k}]`);
    }
    offset += n;
  }
  assert.equal(offset, v.length);
});

test('boundedResolution: the work stays within the budget, never below MIN_RESOLUTION', () => {
  assert.equal(boundedResolution(21, 1), 21);
  const r = boundedResolution(21, 1e9, 1e11);
  assert.ok(evaluationCount(r) * 1e9 <= 1e11 && evaluationCount(r + 1) * 1e9 > 1e11);
  assert.equal(boundedResolution(21, 1e12, 1e11), MIN_RESOLUTION);
});

test('a surface spec, and a trajectory or weights that do not fit, are refused with a reason', () => {
  const { done } = trainToEnd(short(SPIRAL, 1));
  const surface = { ...SPIRAL, surface: { preset: 'rosenbrock', expression: '', start: [0, 0] } } as unknown as ModelSpec;
  assert.throws(() => landscapeOnce({ spec: surface, weights: done.weights, trajectory: done.trajectory!, options: OPTIONS }, undefined), LandscapeError);
  const wider = { ...SPIRAL, layers: [{ ...SPIRAL.layers[0], units: 50 }, SPIRAL.layers[1]] } as ModelSpec;
  assert.throws(() => landscapeOnce({ spec: wider, weights: done.weights, trajectory: done.trajectory!, options: OPTIONS }, undefined), /do not fit/);
  const one = { steps: [0], snapshots: [done.trajectory!.snapshots[0]] };
  assert.throws(() => landscapeOnce({ spec: SPIRAL, weights: done.weights, trajectory: one, options: OPTIONS }, undefined), /no steps/);
});
