import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';

// `--threads N` of the built CLI (dist/cli.js): the kernels on N threads give the same losses as on
// one, the count used is reported, and a bad N is refused in one line naming the flag.

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const spiral = path.join(root, 'examples/spiral.nn.yaml');

/** An MLP whose products (64×512×512 multiply-adds and more) are far above the threshold that spreads a GEMM over threads. */
const MLP = `data:
  dataset: spiral
  samples: 600
  classes: 3
  validation: 0.2
layers:
  - dense: 512
    activation: relu
  - dense: 512
    activation: tanh
  - dense: 3
loss: softmax
init: he
optimizer: { type: adam, lr: 0.003 }
train:
  epochs: 3
  batch: 64
  l2: 0.0001
  seed: 4
`;

const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-cli-threads-'));
const mlp = path.join(dir, 'mlp.nn.yaml');
writeFileSync(mlp, MLP);

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function trainJson(threads: string): Array<Record<string, unknown>> {
  const r = run('train', mlp, '--json', '--threads', threads);
  assert.equal(r.code, 0, r.stderr);
  return jsonLines(r.stdout);
}

test('train --threads 2 and --threads 1: the same losses and accuracies, bit for bit; done says the threads used', () => {
  const one = trainJson('1');
  const two = trainJson('2');
  const figures = (lines: Array<Record<string, unknown>>): unknown[] => lines
    .filter((l) => l.type === 'epoch' || l.type === 'done')
    .map((l) => [l.type, l.loss, l.regLoss, l.trainAcc, l.valLoss, l.valAcc, l.steps]);
  assert.equal(one.filter((l) => l.type === 'epoch').length, 3);
  assert.deepEqual(figures(two), figures(one));
  const d1 = one.at(-1)!;
  const d2 = two.at(-1)!;
  assert.equal(d1.type, 'done');
  assert.equal(d1.threads, 1);
  // Node has SharedArrayBuffer: the helper thread starts and takes part.
  assert.equal(d2.threads, 2);
  assert.equal(d2.kernels, d1.kernels);
  assert.ok(typeof d2.loss === 'number' && Number.isFinite(d2.loss));
  // The existing fields stay.
  for (const k of ['loss', 'regLoss', 'trainAcc', 'valAcc', 'valLoss', 'steps', 'epochs', 'samplesPerSec', 'seconds', 'kernels']) assert.ok(k in d2, k);
});

test('train without --threads uses one thread per core (at most 16), and the text summary says so', () => {
  const cores = Math.min(16, availableParallelism());
  const done = jsonLines(run('train', mlp, '--json', '--epochs', '1').stdout).at(-1)!;
  assert.equal(done.threads, cores);
  const text = run('train', mlp, '--epochs', '1', '--threads', '1');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^mlp\.nn\.yaml: loss .* · 1 thread\n$/);
  const two = run('train', mlp, '--epochs', '1', '--threads=2');
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /^mlp\.nn\.yaml: loss .* · 2 threads\n$/);
});

test('without a shared memory the single-threaded build runs, and the summary says so', () => {
  const r = spawnSync(process.execPath, [cli, 'train', mlp, '--epochs', '1', '--threads', '2'], { encoding: 'utf8', env: { ...process.env, TRAINLENS_SHARED_MEMORY: '0' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, / · 1 thread \(single-threaded build: TRAINLENS_SHARED_MEMORY=0\)\n$/);
});

test('bench --threads N prints the count used, in text and in --json', () => {
  const json = run('bench', mlp, '--json', '--seconds', '1', '--threads', '2');
  assert.equal(json.code, 0, json.stderr);
  const r = jsonLines(json.stdout)[0];
  assert.equal(r.type, 'bench');
  assert.equal(r.threads, 2);
  assert.deepEqual({ ...(r.threadsInfo as object), variant: undefined }, { threads: 2, requested: 2, shared: true, variant: undefined });
  const text = run('bench', mlp, '--seconds', '1', '--threads', '1');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout.split('\n')[0], / kernels on 1 thread$/);
});

test('tune --threads N: the trials divide N threads; the same trials and scores for 1 and 2', () => {
  const tune = (n: string): unknown[] => {
    const r = run('tune', path.join(root, 'examples/spiral-tune.nn.yaml'), '--json', '--trials', '3', '--threads', n);
    assert.equal(r.code, 0, r.stderr);
    return jsonLines(r.stdout).map((l) => ({ ...l, seconds: undefined }));
  };
  const one = tune('1');
  assert.equal(one.filter((l) => (l as { type: string }).type === 'trial').length, 3);
  assert.deepEqual(tune('2'), one);
});

test('a bad --threads is refused in one line naming the flag, exit 2 as for the other flags, nothing trained', () => {
  const bad = ['0', '17', '1.5', '-1', 'two', ''];
  for (const command of ['train', 'bench', 'tune']) {
    for (const v of bad) {
      const r = run(command, spiral, `--threads=${v}`);
      assert.equal(r.code, 2, `${command} --threads=${v}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${command} --threads=${v}`);
      // tune prints its usage under the line, as for its other flags.
      const first = r.stderr.split('\n')[0];
      assert.match(first, /^trainlens: --threads (must be a whole number from 1 to 16, got '.*'|needs a value)\.$/, `${command} --threads=${v}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /^\s+at .*:\d+:\d+\)?$/m, 'no stack trace');
    }
  }
  const missing = run('train', spiral, '--threads');
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'trainlens: --threads needs a value.\n');
  const tooMany = run('train', spiral, '--threads', '17');
  assert.equal(tooMany.stderr, "trainlens: --threads must be a whole number from 1 to 16, got '17'.\n");
});

test('--threads is in the help of train, bench and tune', () => {
  const help = run('--help').stdout;
  for (const command of ['train', 'bench', 'tune']) {
    const usage = help.split('\n').find((l) => l.startsWith(`  trainlens ${command} `));
    assert.ok(usage?.includes('[--threads N]'), `${command}: ${usage}`);
  }
});
