import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { principalDirections, projectOnPlane } from '../../../src/engine/landscape/directions';
import { symmetricEigen } from '../../../src/engine/landscape/eigen';
import { Rng } from '../../../src/engine/rng';
import { runPython } from '../python';

/** A hand-made trajectory: 7 snapshots of 6 weights drifting mostly along two directions, with noise. */
function trajectory(): Float32Array[] {
  const rng = new Rng(3);
  const out: Float32Array[] = [];
  for (let i = 0; i < 7; i++) {
    const t = i / 6;
    out.push(Float32Array.from({ length: 6 }, (_, p) => (p === 0 ? 3 * t : 0) + (p === 1 ? Math.sin(3 * t) : 0) + 0.05 * rng.normal() + p));
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

test('pca: d₁, d₂ orthonormal; explained ratios in order, summing to at most 1', () => {
  const { d1, d2, explained } = principalDirections(trajectory(), 1);
  assert.ok(Math.abs(dot(d1, d1) - 1) < 1e-6 && Math.abs(dot(d2, d2) - 1) < 1e-6);
  assert.ok(Math.abs(dot(d1, d2)) < 1e-6);
  assert.ok(explained[0] >= explained[1] && explained[1] > 0 && explained[0] + explained[1] <= 1 + 1e-12);
});

test('pca: directions and explained ratios match numpy\'s SVD of the centred snapshots (s_i − s_last)', async () => {
  const snaps = trajectory();
  const { d1, d2, explained } = principalDirections(snaps, 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-pca-'));
  const file = path.join(dir, 'pca.py');
  writeFileSync(file, [
    'import json, sys, numpy as np',
    'x = np.array(json.loads(sys.argv[1]), dtype=np.float64)',
    'x = x - x[-1]',
    'x = x - x.mean(axis=0)',
    '_, s, vt = np.linalg.svd(x, full_matrices=False)',
    'print(json.dumps({"v": vt[:2].tolist(), "ratio": (s[:2] ** 2 / (s ** 2).sum()).tolist()}))',
  ].join('\n'));
  const r = JSON.parse(await runPython([file, JSON.stringify(snaps.map((s) => Array.from(s)))])) as { v: number[][]; ratio: number[] };
  [d1, d2].forEach((d, k) => {
    const sign = Math.sign(dot(d, r.v[k]));
    for (let p = 0; p < d.length; p++) assert.ok(Math.abs(d[p] - sign * r.v[k][p]) < 1e-5, `d${k + 1}[${p}]: ${d[p]} vs ${sign * r.v[k][p]}`);
    assert.ok(Math.abs(explained[k] - r.ratio[k]) < 1e-9, `explained ${k}: ${explained[k]} vs ${r.ratio[k]}`);
  });
});

test('symmetricEigen: A·v = λ·v for each pair, vectors orthonormal', () => {
  const k = 5;
  const rng = new Rng(9);
  const b = Float64Array.from({ length: k * k }, () => rng.normal());
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let m = 0; m < k; m++) a[i * k + j] += b[i * k + m] * b[j * k + m];
  const { values, vectors } = symmetricEigen(a, k);
  for (let e = 0; e < k; e++) {
    for (let i = 0; i < k; i++) {
      let av = 0;
      for (let j = 0; j < k; j++) av += a[i * k + j] * vectors[j * k + e];
      assert.ok(Math.abs(av - values[e] * vectors[i * k + e]) < 1e-9);
    }
    for (let f = 0; f < k; f++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += vectors[i * k + e] * vectors[i * k + f];
      assert.ok(Math.abs(s - (e === f ? 1 : 0)) < 1e-12);
    }
  }
});

test('the path on a plane: least squares on non-orthogonal directions recovers the coordinates; the centre is (0, 0)', () => {
  const centre = Float32Array.from([1, 2, 3, 4]);
  const d1 = Float32Array.from([1, 0, 1, 0]);
  const d2 = Float32Array.from([1, 1, 0, 0]);
  const at = (a: number, b: number): Float32Array => centre.map((c, p) => c + a * d1[p] + b * d2[p]);
  const [p, q, o] = projectOnPlane([at(0.5, -2), at(-1, 0.25), centre], centre, d1, d2);
  assert.ok(Math.abs(p[0] - 0.5) < 1e-6 && Math.abs(p[1] + 2) < 1e-6);
  assert.ok(Math.abs(q[0] + 1) < 1e-6 && Math.abs(q[1] - 0.25) < 1e-6);
  assert.deepEqual(o, [0, 0]);
});

test('pca with two snapshots: d₁ along their difference, d₂ a seeded orthogonal unit direction, explained [1, 0]', () => {
  const a = Float32Array.from([0, 0, 0]);
  const b = Float32Array.from([3, 4, 0]);
  const { d1, d2, explained } = principalDirections([a, b], 5);
  assert.ok(Math.abs(Math.abs(d1[0]) - 0.6) < 1e-7 && Math.abs(Math.abs(d1[1]) - 0.8) < 1e-7);
  assert.ok(Math.abs(dot(d1, d2)) < 1e-6 && Math.abs(dot(d2, d2) - 1) < 1e-6);
  assert.ok(Math.abs(explained[0] - 1) < 1e-12);
  assert.equal(explained[1], 0);
  assert.throws(() => principalDirections([a, a], 1), /did not move/);
});
