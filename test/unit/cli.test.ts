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
    for (const k of ['step', 'loss', 'regLoss', 'trainAcc', 'valLoss', 'valAcc', 'seconds']) assert.equal(typeof e[k], 'number', k);
    // The example has l2: 0.001, reported apart from the data loss.
    assert.ok((e.regLoss as number) > 0 && (e.regLoss as number) < (e.loss as number));
  }
  const done = lines[lines.length - 1];
  assert.equal(done.type, 'done');
  for (const k of ['loss', 'regLoss', 'trainAcc', 'valAcc', 'steps', 'samplesPerSec', 'seconds']) assert.equal(typeof done[k], 'number', k);
  assert.ok(['relaxed-simd', 'simd', 'typescript'].includes(done.kernels as string), String(done.kernels));
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

/** train --json under one kernel build, forced as the tests force it (relaxed SIMD needs the flag on Node 20). */
function trainWith(build: 'relaxed' | 'simd' | 'ts'): Array<Record<string, unknown>> {
  const flags = build === 'relaxed' ? ['--experimental-wasm-relaxed-simd'] : [];
  const r = spawnSync(process.execPath, [...flags, cli, 'train', example, '--json', '--epochs', '3'], { encoding: 'utf8', env: { ...process.env, TRAINLENS_KERNELS: build } });
  assert.equal(r.status, 0, r.stderr);
  return jsonLines(r.stdout);
}

test('train --json names the kernel build in its done line; one seed repeats bit for bit within a build, and the builds round differently', () => {
  const names = { relaxed: 'relaxed-simd', simd: 'simd', ts: 'typescript' } as const;
  const losses: Record<string, number[]> = {};
  for (const build of ['relaxed', 'simd', 'ts'] as const) {
    const [a, b] = [trainWith(build), trainWith(build)];
    assert.equal(a.at(-1)!.kernels, names[build], build);
    // Every epoch's loss and the final one, bit for bit (JSON numbers print every bit of a float64).
    assert.deepEqual(a.filter((l) => l.type !== 'done').map((l) => l.loss), b.filter((l) => l.type !== 'done').map((l) => l.loss), build);
    assert.equal(a.at(-1)!.loss, b.at(-1)!.loss, build);
    losses[build] = a.map((l) => l.loss as number);
  }
  // Fused multiply-add (relaxed SIMD), SIMD and scalar TypeScript sum in different orders: same seed, different last bits.
  assert.notDeepEqual(losses.relaxed, losses.simd);
  assert.notDeepEqual(losses.simd, losses.ts);
  // Without a forced build the CLI names the one this Node picked.
  assert.ok(['relaxed-simd', 'simd'].includes(jsonLines(run('train', example, '--json', '--epochs', '1').stdout).at(-1)!.kernels as string));
});

test('without a TTY, train prints one summary line', () => {
  const r = run('train', example, '--epochs', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^spiral\.nn\.yaml: loss [\d.]+ · train acc [\d.]+% · val acc [\d.]+% · 16 steps in [\d.]+ s · [\d,]+ samples\/s · \d+ threads?( \(.+\))?\n$/);
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
    // A stack frame: "    at fn (file:line:col)" or "    at file:line:col" (the usage text has lines that begin with "at").
    assert.doesNotMatch(r.stderr, /^\s+at .*:\d+:\d+\)?$/m, 'no stack trace');
  }
});

test('gradcheck: every parameter of every example passes in float64, under 1e-6', () => {
  for (const [file, extra] of [['spiral.nn.yaml', []], ['init-experiment.nn.yaml', ['--entries', '4', '--batch', '2']]] as const) {
    const r = run('gradcheck', path.join(root, 'examples', file), '--json', ...extra);
    assert.equal(r.code, 0, r.stderr);
    const last = jsonLines(r.stdout).at(-1)!;
    assert.equal(last.type, 'gradcheck');
    const params = last.params as Array<{ name: string; relError: number; verdict: string; checked: number }>;
    assert.ok((last.maxRelError as number) < 1e-6, `${file}: ${last.maxRelError}`);
    assert.ok(params.length >= 4 && params.every((p) => typeof p.name === 'string' && p.relError < 1e-6 && p.checked > 0), file);
    assert.equal(last.maxRelError, Math.max(...params.map((p) => p.relError)));
  }
  const text = run('gradcheck', example);
  assert.match(text.stdout, /^layers\[0\]\.W\s+[\d.]+e-\d+\s+good/m);
  assert.match(text.stdout, /max relative error [\d.]+e-\d+ over a batch of 8 \(float64\)/);
});

test('gradcheck steps around kinks: an SVM + ReLU + L1 model still checks exactly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-cli-'));
  const file = path.join(dir, 'svm.nn.yaml');
  writeFileSync(file, 'data: { dataset: spiral }\nlayers:\n  - dense: 20\n    activation: relu\n  - dense: 3\nloss: svm\ntrain: { l1: 0.001 }\n');
  const r = run('gradcheck', file, '--json');
  const last = jsonLines(r.stdout).at(-1)!;
  // ReLU, hinge and |w| kinks are stepped around, so what is compared is still exact.
  assert.ok((last.maxRelError as number) < 1e-6, String(last.maxRelError));
  assert.equal(r.code, 0);
  // Per parameter: cs231n's per-entry figure, the norm-wise one beside it, kinks in total and by kind.
  for (const p of last.params as Array<{ relError: number; normRelError: number; kinks: number; kinksByKind: Record<string, number> }>) {
    assert.ok(p.relError < 1e-6 && p.normRelError < 1e-6, JSON.stringify(p));
    assert.deepEqual(Object.keys(p.kinksByKind), ['relu', 'maxpool', 'maxout', 'hinge', 'l1']);
    assert.ok(Object.values(p.kinksByKind).reduce((a, b) => a + b, 0) >= p.kinks, JSON.stringify(p));
  }
});

test('gradcheck on digits: a conv bias at 0 puts blank pixels on ReLU\'s kink, so it is skipped, counted by kind, and shown unchecked', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-cli-'));
  const file = path.join(dir, 'cnn.nn.yaml');
  writeFileSync(file, 'data: { dataset: mnist, samples: 200 }\nlayers:\n  - conv: { filters: 4, size: 3, stride: 1, pad: 1 }\n    activation: relu\n'
    + '  - pool: { size: 2, stride: 2, type: max }\n  - dense: 10\nloss: softmax\n');
  const last = jsonLines(run('gradcheck', file, '--json').stdout).at(-1)!;
  const b = (last.params as Array<{ name: string; checked: number; kinks: number; kinksByKind: Record<string, number> }>).find((p) => p.name === 'layers[0].b')!;
  // Biases start at 0 and blank pixels are 0: every ± step of a bias moves those ReLU inputs across 0.
  assert.deepEqual([b.checked, b.kinks, b.kinksByKind.relu], [0, 4, 4]);
  assert.match(run('gradcheck', file).stdout, /^layers\[0\]\.b\s+–\s+not checked\s+\(norm-wise –; 0 of 4 entries, 4 at kinks skipped: relu 4/m);
});

test('train --stats-every: stats lines from step 0, one entry per layer, with the fields scripts rely on', () => {
  const r = run('train', example, '--json', '--epochs', '2', '--stats-every', '5');
  assert.equal(r.code, 0, r.stderr);
  const stats = jsonLines(r.stdout).filter((l) => l.type === 'stats');
  assert.deepEqual(stats.map((s) => s.step), [0, 5, 10, 15]);
  for (const s of stats) {
    assert.equal(typeof s.loss, 'number');
    const layers = s.layers as Array<Record<string, unknown>>;
    assert.equal(layers.length, 2);
    for (const l of layers) {
      for (const k of ['name', 'kind', 'mean', 'std', 'hist', 'dead', 'saturated', 'gradNorm', 'updateRatio']) assert.ok(k in l, k);
      const hist = l.hist as { edges: number[]; counts: number[] };
      assert.equal(hist.edges.length, hist.counts.length + 1);
      // The activations are the probe set's at every point, the epochs' short last batches included:
      // 64 training samples (a batch of 32, at least 64).
      assert.equal(hist.counts.reduce((a, b) => a + b), 64 * ((l.name as string).includes('relu') ? 100 : 3));
    }
    assert.equal(typeof layers[0].dead, 'number');
    assert.equal(layers[1].dead, null);
  }
  assert.ok(run('train', example, '--stats-every', '5').stderr.includes('use it with --json'));
});

test('bench: times the model\'s training steps; JSON with the rounds, their median, the FLOPs per sample and the kernels', () => {
  const r = run('bench', example, '--json', '--seconds', '1');
  assert.equal(r.code, 0, r.stderr);
  const [b] = jsonLines(r.stdout);
  assert.equal(b.type, 'bench');
  assert.ok(['relaxed-simd', 'simd'].includes(b.kernels as string), String(b.kernels));
  assert.equal(b.batch, 32);
  assert.equal(b.parameters, 603);
  // 2-100-3: forward 200 + 300 multiply-adds, backward to the weights of both, to the input of the second only.
  assert.equal(b.flopsPerSample, 2 * (200 * 2 + 300 * 3));
  const rounds = b.rounds as number[];
  assert.equal(rounds.length, 5);
  assert.ok(rounds.every((x) => x > 0));
  assert.equal(b.samplesPerSec, [...rounds].sort((x, y) => x - y)[2], 'the median round');
  assert.ok(Math.abs((b.gflops as number) - (b.samplesPerSec as number) * 2600 / 1e9) < 1e-9);
  assert.ok(Math.abs((b.msPerStep as number) * (b.stepsPerSec as number) - 1000) < 1e-6);
  // The TypeScript path when asked for, and a readable line without --json.
  const ts = spawnSync(process.execPath, [cli, 'bench', example, '--seconds', '1'], { encoding: 'utf8', env: { ...process.env, TRAINLENS_KERNELS: 'ts' } });
  assert.equal(ts.status, 0, ts.stderr);
  assert.match(ts.stdout, /^spiral\.nn\.yaml: 603 parameters, batch 32, typescript kernels on 1 thread \(no WebAssembly kernels \(TypeScript path\)\)\n {2}[\d,]+ samples\/s \([\d,]+–[\d,]+ over 5 rounds\) · [\d,]+ steps\/s · [\d.]+ ms\/step · [\d.]+ GFLOP\/s\n$/);
  // A model with errors is not timed.
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-bench-'));
  const bad = path.join(dir, 'bad.nn.yaml');
  writeFileSync(bad, 'layers:\n  - dense: 3\n    activation: rellu\n');
  const e = run('bench', bad);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /has errors; nothing was timed\.\n$/);
});
