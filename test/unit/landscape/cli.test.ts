import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LandscapeResult } from '../../../src/engine/landscape/types';
import { linePoints } from '../../../src/engine/landscape/grid';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const spiral = path.join(root, 'examples/spiral.nn.yaml');
const circuit = path.join(root, 'examples/circuit.nn.yaml');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

test('landscape --json: one line of the result, whose α = 0 and 1 are train --json\'s initialLoss and loss', () => {
  const r = run('landscape', spiral, '--json', '--epochs', '3', '--resolution', '5', '--plane', 'pca');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]) as LandscapeResult & { type: string };
  assert.equal(j.type, 'landscape');
  assert.ok(numbers(j.line.alphas) && j.line.alphas.length === linePoints(5) && numbers(j.line.losses));
  const s = j.surface;
  assert.equal(s.plane, 'pca');
  assert.equal(s.resolution, 5);
  assert.ok(numbers(s.values) && s.values.length === 25 && numbers(s.levels) && numbers(s.pathSteps));
  assert.ok(Array.isArray(s.path) && s.path.every((p) => numbers(p) && p.length === 2));
  assert.ok(numbers(s.explained) && s.explained.length === 2);
  assert.ok(numbers([s.aMin, s.aMax, s.bMin, s.bMax, j.initialLoss, j.trainedLoss, j.evaluations, j.samples, j.seconds]));
  assert.ok(s.aMin < s.aMax && s.bMin < s.bMax);
  assert.equal(j.evaluations, linePoints(5) + 25);
  const done = JSON.parse(run('train', spiral, '--json', '--epochs', '3').stdout.trimEnd().split('\n').at(-1)!) as Record<string, number>;
  assert.equal(done.type as unknown, 'done');
  assert.equal(typeof done.initialLoss, 'number');
  assert.equal(j.initialLoss, done.initialLoss);
  assert.equal(j.trainedLoss, done.loss);
  assert.equal(j.line.losses[j.line.alphas.indexOf(0)], done.initialLoss);
  assert.equal(j.line.losses[j.line.alphas.indexOf(1)], done.loss);
});

test('landscape text: the line as a table, the plane\'s minimum and the path\'s ends', () => {
  const r = run('landscape', spiral, '--epochs', '2', '--resolution', '4', '--weights', 'initial');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {3}0\.000 {2}\d+\.\d{4} {2}initial$/m);
  assert.match(r.stdout, /^ {3}1\.000 {2}\d+\.\d{4} {2}trained$/m);
  assert.match(r.stdout, /around the initial weights/);
  assert.match(r.stdout, /path: step 0 at \(0\.000, 0\.000\) → step 16 at/);
});

test('landscape refuses a surface file and a circuit file with one line naming it (exit 1), and bad flags (exit 2)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-landscape-'));
  const surface = path.join(dir, 'bowl.nn.yaml');
  writeFileSync(surface, 'surface: rosenbrock\nstart: [-1, 1]\noptimizer: { type: sgd, lr: 0.001 }\ntrain: { steps: 10 }\n');
  const s = run('landscape', surface);
  assert.equal(s.code, 1);
  assert.equal(s.stdout, '');
  assert.equal(s.stderr.trimEnd().split('\n').length, 1);
  assert.ok(s.stderr.includes(surface) && /is a surface \(a function of x and y, not a network\)/.test(s.stderr), s.stderr);
  const c = run('landscape', circuit);
  assert.equal(c.code, 1);
  assert.ok(c.stderr.includes(circuit) && /circuit/.test(c.stderr), c.stderr);
  const bad = run('landscape', spiral, '--plane', 'hessian');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--plane is 'random' or 'pca', got 'hessian'/);
  assert.equal(run('landscape', spiral, '--resolution', '2').code, 2);
});
