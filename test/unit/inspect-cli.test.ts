import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const spiral = path.join(root, 'examples/spiral.nn.yaml');
const xorCircuit = path.join(root, 'examples/xor-circuit.nn.yaml');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'inspect', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The one JSON line of inspect --json. */
function jsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'exactly one line');
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

const numbers = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

test('inspect --json: one line with the issue\'s fields (spiral: the held-out split by default, initial weights)', () => {
  const r = run(spiral, '--sample', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = jsonLine(r.stdout);
  assert.equal(j.type, 'inspect');
  assert.equal(j.sample, 3);
  assert.equal(j.split, 'val');
  assert.equal(j.weights, 'initial');
  assert.equal(j.step, 0);
  assert.equal(j.lossName, 'softmax');
  assert.ok(Number.isInteger(j.label) && (j.label as number) >= 0 && (j.label as number) < 3);
  assert.ok(Number.isInteger(j.predicted));
  for (const k of ['scores', 'probs', 'dscores']) assert.ok(numbers(j[k]) && (j[k] as number[]).length === 3, k);
  assert.ok(numbers(j.input) && numbers(j.dinput) && (j.dinput as number[]).length === 2);
  assert.deepEqual(j.inputShape, [2]);
  assert.equal(typeof j.loss, 'number');
  assert.ok(Math.abs(-Math.log((j.probs as number[])[j.label as number]) - (j.loss as number)) < 1e-12);
  assert.equal(j.margins, undefined);
  assert.equal(j.circuit, undefined, 'dense 100: too many weights for a circuit');
  const layers = j.layers as Array<Record<string, unknown>>;
  assert.deepEqual(layers.map((l) => l.name), ['layers[0] dense 100', 'layers[0] relu', 'layers[1] dense 3']);
  for (const l of layers) {
    assert.ok(numbers(l.shape) && numbers(l.out) && numbers(l.dout));
    assert.equal((l.out as number[]).length, (l.shape as number[]).reduce((a, b) => a * b, 1));
    assert.equal((l.dout as number[]).length, (l.out as number[]).length);
  }
  assert.deepEqual(layers[2].out, j.scores);
});

test('inspect: a sample out of range exits 1 with one line naming the split and its size', () => {
  const r = run(spiral, '--sample', '60');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /Sample 60 is out of range: the validation set has 60 samples \(0–59\)/);
  const t = run(spiral, '--sample', '240', '--split', 'train');
  assert.equal(t.code, 1);
  assert.match(t.stderr, /training set has 240 samples/);
});

test('inspect --split train --weights trained: the training row after training as the file says (--epochs 2)', () => {
  const initial = jsonLine(run(spiral, '--sample', '5', '--split', 'train', '--json').stdout);
  const r = run(spiral, '--sample', '5', '--split', 'train', '--weights', 'trained', '--epochs', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = jsonLine(r.stdout);
  assert.equal(j.split, 'train');
  assert.equal(j.weights, 'trained');
  assert.equal(j.step, 2 * 8, '240 training samples in batches of 32, two epochs');
  assert.deepEqual(j.input, initial.input, 'the same row of the same split');
  assert.equal(j.label, initial.label);
  assert.notDeepEqual(j.scores, initial.scores);
});

test('inspect: text output shows the label, the loss terms and every layer forward and backward', () => {
  const r = run(spiral, '--sample', '0');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /spiral\.nn\.yaml: validation sample 0 of 60 · initial weights/);
  assert.match(r.stdout, /^label {7}\d · predicted \d \((right|wrong)\)$/m);
  assert.match(r.stdout, /^probs /m);
  assert.match(r.stdout, /= −log p\[\d\]/);
  assert.match(r.stdout, /^layers\[0\] relu +100 /m);
  assert.match(r.stdout, /‖∂L\/∂input‖ \d/);
});

test('inspect: a small dense network (xor-circuit example) carries its circuit in the JSON line', () => {
  const r = run(xorCircuit, '--sample', '1', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = jsonLine(r.stdout);
  const c = j.circuit as { type: string; source: string; value: number; nodes: Array<{ id: string; op: string }>; grads: Record<string, number> };
  assert.equal(c.type, 'circuit');
  assert.equal(c.source, 'network');
  assert.equal(c.value, j.loss);
  assert.equal(c.nodes.at(-1)!.op, 'softmax_loss');
  assert.equal(c.nodes.filter((n) => n.op === 'weight').length, 17);
  assert.equal(c.nodes.filter((n) => n.op === 'tanh').length, 3);
  assert.equal(Object.keys(c.grads).length, 17 + 2);
  assert.match(run(xorCircuit, '--sample', '1').stdout, /circuit +small enough to draw/);
});

test('inspect: a conv network on the bundled MNIST digits: feature maps and a saliency map laid out as the image', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-inspect-'));
  const file = path.join(dir, 'digits.nn.yaml');
  writeFileSync(file, [
    'data: { dataset: mnist, samples: 50, validation: 0.2 }',
    'layers:',
    '  - conv: { filters: 2, size: 3, stride: 1, pad: 1 }',
    '    activation: relu',
    '  - pool: 2',
    '  - dense: 10',
    'loss: softmax',
    'train: { epochs: 1, batch: 10, seed: 1 }',
  ].join('\n') + '\n');
  const r = run(file, '--sample', '9', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = jsonLine(r.stdout);
  assert.equal(j.split, 'val');
  assert.deepEqual(j.inputShape, [1, 28, 28]);
  assert.equal((j.dinput as number[]).length, 784);
  const layers = j.layers as Array<{ name: string; kind: string; shape: number[]; out: number[] }>;
  assert.deepEqual(layers.map((l) => [l.kind, l.shape]), [['conv', [2, 28, 28]], ['activation', [2, 28, 28]], ['pool', [2, 14, 14]], ['dense', [10]]]);
  assert.equal(j.circuit, undefined);
  assert.match(run(file, '--sample', '10').stderr, /validation set has 10 samples/);
});

test('inspect: usage errors exit 2; a file with errors prints its diagnostics and exits 1; a circuit file is not inspected', () => {
  for (const args of [[spiral], [spiral, '--sample', 'x'], [spiral, '--sample', '1', '--split', 'test'], [spiral, '--sample', '1', '--weights', 'best'], [spiral, '--sample', '1', '--bogus']]) {
    const r = run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^trainlens: /);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-inspect-'));
  const bad = path.join(dir, 'bad.nn.yaml');
  writeFileSync(bad, readFileSync(spiral, 'utf8').replace('loss: softmax', 'loss: sofmax'));
  const b = run(bad, '--sample', '0');
  assert.equal(b.code, 1);
  assert.match(b.stderr, /bad\.nn\.yaml:\d+:\d+: error: /);
  assert.match(b.stderr, /has errors; nothing was inspected/);
  const circuit = path.join(dir, 'c.nn.yaml');
  writeFileSync(circuit, 'circuit: "(x + y) * z"\ninputs: { x: -2, y: 5, z: -4 }\n');
  const c = run(circuit, '--sample', '0');
  assert.equal(c.code, 1);
  assert.match(c.stderr, /is a circuit \(an expression, not a network\); nothing was inspected/);
});
