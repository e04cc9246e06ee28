import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const example = path.join(root, 'examples/spiral.nn.yaml');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('train --json: one epoch line per epoch, then a done line with the fields scripts rely on', () => {
  const r = run('train', example, '--json', '--epochs', '7');
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const epochs = lines.filter((l) => l.type === 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4, 5, 6, 7]);
  for (const e of epochs) {
    for (const k of ['step', 'loss', 'trainAcc', 'valLoss', 'valAcc', 'seconds']) assert.equal(typeof e[k], 'number', k);
  }
  const done = lines[lines.length - 1];
  assert.equal(done.type, 'done');
  for (const k of ['loss', 'trainAcc', 'valAcc', 'steps', 'samplesPerSec', 'seconds']) assert.equal(typeof done[k], 'number', k);
  assert.equal(done.steps, 7 * 8); // 240 training samples in batches of 32
});

test('the spiral example reaches at least 95% training accuracy with its own settings', () => {
  const r = run('train', example, '--json');
  assert.equal(r.code, 0, r.stderr);
  const done = jsonLines(r.stdout).at(-1)!;
  assert.ok((done.trainAcc as number) >= 0.95, `train accuracy ${done.trainAcc}`);
  assert.equal(done.steps, 300 * 8);
});

test('--seed changes the run; the same seed repeats it exactly', () => {
  const a = jsonLines(run('train', example, '--json', '--epochs', '3', '--seed', '5').stdout).at(-1)!;
  const b = jsonLines(run('train', example, '--json', '--epochs', '3', '--seed', '5').stdout).at(-1)!;
  const c = jsonLines(run('train', example, '--json', '--epochs', '3', '--seed', '6').stdout).at(-1)!;
  assert.equal(a.loss, b.loss);
  assert.notEqual(a.loss, c.loss);
});

test('without a TTY, train prints one summary line', () => {
  const r = run('train', example, '--epochs', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^spiral\.nn\.yaml: loss [\d.]+ · train acc [\d.]+% · val acc [\d.]+% · 16 steps in [\d.]+ s · [\d,]+ samples\/s\n$/);
});

test('a broken model: file:line:col diagnostics on stderr, exit 1, nothing trained', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-cli-'));
  const file = path.join(dir, 'bad.nn.yaml');
  writeFileSync(file, 'data:\n  dataset: spiral\nlayers:\n  - dense: 3\n    activation: rellu\n');
  const r = run('train', file, '--json');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:17: error: Unknown activation 'rellu'`));
  const check = run('check', file, example);
  assert.equal(check.code, 1);
  assert.equal(check.stdout.trim().split('\n').length, 1);
  assert.equal(run('check', example).code, 0);
});

test('usage errors are one line with exit 2, never a stack trace', () => {
  for (const args of [['train'], ['train', '/no/such/file.nn.yaml'], ['train', example, '--epochs', 'x'], ['train', example, '--bogus'], ['frobnicate'], ['train', root]]) {
    const r = run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^trainlens: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
