import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseModel } from '../../../src/model/parse';
import { isSurfaceSpec } from '../../../src/model/spec';
import { enginePath } from './loop-oracle';
import type { SurfacePoint } from '../../../src/engine/surface/types';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // Up to 10,001 step lines of about 90 bytes: past spawnSync's 1 MB default.
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'trainlens-surface-')), 'race.nn.yaml');
  writeFileSync(f, text);
  return f;
}

const surfaceFile = (steps: number, extra = '', optimizer = '{ type: adam, lr: 0.02 }', surface = 'rosenbrock', noise = 0): string => file(
  `surface: ${surface}\nstart: [-1.5, 2]\noptimizer: ${optimizer}\ntrain: { steps: ${steps}, noise: ${noise}, seed: 1 }\n${extra}`,
);

type Line = Record<string, unknown>;
const jsonLines = (stdout: string): Line[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);

/** The path SurfaceRun takes on the file (seed: --seed's): what the step lines must hold. */
function filePath(f: string, seed?: number): SurfacePoint[] {
  const spec = parseModel(readFileSync(f, 'utf8')).spec;
  assert.ok(spec && isSurfaceSpec(spec));
  return enginePath(spec, seed);
}

const asLine = (p: SurfacePoint): Line => ({ type: 'step', step: p.step, position: [p.x, p.y], value: p.f });

test('train --json on a surface: a step line per step from 0 to n with exactly type, step, position, value; then done equal to the last step', () => {
  const f = surfaceFile(300);
  const r = run('train', f, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 302);
  const steps = lines.slice(0, -1);
  for (const l of steps) assert.deepEqual(Object.keys(l), ['type', 'step', 'position', 'value']);
  // Every bit of the engine's float64 path (JSON prints the shortest text that reads back the same double).
  assert.deepEqual(steps, filePath(f).map(asLine));
  const done = lines.at(-1)!;
  assert.deepEqual(Object.keys(done), ['type', 'position', 'value', 'steps']);
  assert.deepEqual(done, { type: 'done', position: steps.at(-1)!.position, value: steps.at(-1)!.value, steps: 300 });
});

test('train --json past 10,000 steps: every ⌈n/10000⌉-th step and the last; at 10,000 every step', () => {
  const at = (n: number): Line[] => {
    const r = run('train', surfaceFile(n, '', '{ type: sgd, lr: 0.0001 }'), '--json');
    assert.equal(r.code, 0, r.stderr);
    return jsonLines(r.stdout);
  };
  const full = at(10_000).filter((l) => l.type === 'step');
  assert.equal(full.length, 10_001);
  assert.deepEqual(full.map((l) => l.step), Array.from({ length: 10_001 }, (_, i) => i));

  const f = surfaceFile(25_000, '', '{ type: sgd, lr: 0.0001 }');
  const r = run('train', f, '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const steps = lines.filter((l) => l.type === 'step');
  assert.ok(steps.length <= 10_001, String(steps.length));
  const expected = [...Array.from({ length: 8334 }, (_, i) => 3 * i), 25_000];
  assert.deepEqual(steps.map((l) => l.step), expected);
  const engine = filePath(f);
  assert.deepEqual(steps, expected.map((k) => asLine(engine[k])));
  assert.deepEqual(lines.at(-1), { type: 'done', position: steps.at(-1)!.position, value: steps.at(-1)!.value, steps: 25_000 });

  const odd = at(10_001).filter((l) => l.type === 'step').map((l) => l.step as number);
  assert.deepEqual(odd, [...Array.from({ length: 5001 }, (_, i) => 2 * i), 10_001]);
});

test('--seed overrides train.seed (the gradient noise); compare: in the file does not change what train trains', () => {
  const noisy = surfaceFile(200, '', '{ type: adam, lr: 0.02 }', 'himmelblau', 0.5);
  const a = jsonLines(run('train', noisy, '--json', '--seed', '2').stdout);
  const b = jsonLines(run('train', noisy, '--json', '--seed', '3').stdout);
  assert.deepEqual(a.slice(0, -1), filePath(noisy, 2).map(asLine));
  assert.deepEqual(b.slice(0, -1), filePath(noisy, 3).map(asLine));
  assert.notDeepEqual(a.at(-1), b.at(-1));

  const plain = run('train', surfaceFile(200), '--json');
  const raced = run('train', surfaceFile(200, 'compare: { optimizer: [sgd, momentum, adam] }\n'), '--json');
  assert.equal(raced.code, 0, raced.stderr);
  assert.equal(raced.stdout, plain.stdout);
});

test('train on a surface, text: a header (surface, start, optimizer) and a summary (position, f, ‖∇f‖, distance to the nearest minimum, steps)', () => {
  const f = surfaceFile(300);
  const r = run('train', f);
  assert.equal(r.code, 0, r.stderr);
  const [head, summary, ...rest] = r.stdout.split('\n');
  assert.deepEqual(rest, ['']);
  assert.equal(head, 'rosenbrock f = (1 - x)^2 + 100 * (y - x^2)^2 · start (-1.5, 2) · adam lr 0.02 · 300 steps');
  const last = filePath(f).at(-1)!;
  const six = (v: number): string => String(Number(v.toPrecision(6)));
  const dist = Math.hypot(last.x - 1, last.y - 1);
  assert.match(summary, new RegExp(`^race\\.nn\\.yaml: \\(${six(last.x)}, ${six(last.y)}\\) · f ${six(last.f)} · ‖∇f‖ ${six(last.grad)} · ${six(dist)} from the minimum \\(1, 1\\) · 300 steps in \\d+\\.\\d\\d s$`));
});

test('train on a surface: --epochs and --stats-every are refused (exit 2); a diverging run prints its step lines, then the error, exit 1', () => {
  const f = surfaceFile(300);
  const epochs = run('train', f, '--epochs', '3');
  assert.equal(epochs.code, 2);
  assert.match(epochs.stderr, /is a surface: it trains train\.steps steps \(300\), not epochs; --epochs does not apply/);
  assert.equal(epochs.stdout, '');
  const stats = run('train', f, '--json', '--stats-every', '10');
  assert.equal(stats.code, 2);
  assert.match(stats.stderr, /--stats-every does not apply/);

  // Ravine 0.5x² + 50y², SGD at lr 1: y grows ×99 a step until it overflows.
  const wild = file('surface: ravine\nstart: [1, 1]\noptimizer: { type: sgd, lr: 1 }\ntrain: { steps: 1000 }\n');
  const r = run('train', wild, '--json');
  assert.equal(r.code, 1);
  const lines = jsonLines(r.stdout);
  assert.ok(lines.every((l) => l.type === 'step'));
  const n = lines.length - 1;
  assert.deepEqual(lines, filePath(wild).map(asLine));
  assert.ok(n > 10 && n < 1000, String(n));
  assert.match(r.stderr, new RegExp(`^trainlens: ${wild.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Diverged: Step ${n + 1}\\b.*smaller learning rate \\(now 1\\)\\.\\n$`));
  const text = run('train', wild);
  assert.equal(text.code, 1);
  assert.equal(text.stderr, r.stderr);
});

test('commands that need a network refuse a surface in one line naming the file, exit 1, and point to train', () => {
  const f = surfaceFile(10);
  const commands: string[][] = [['gradcheck'], ['sanity'], ['lr-find'], ['bench'], ['export', '--pytorch', path.join(path.dirname(f), 'out')], ['inspect', '--sample', '0'], ['landscape'], ['tune']];
  for (const [command, ...flags] of commands) {
    const r = run(command, f, ...flags);
    assert.equal(r.code, 1, `${command}: exit ${r.code} (${r.stderr})`);
    assert.equal(r.stdout, '', command);
    assert.match(r.stderr, /^trainlens: .*race\.nn\.yaml is a surface \(a function of x and y, not a network\); nothing was \w+\. Try: trainlens train .*race\.nn\.yaml\n$/, command);
  }
});
