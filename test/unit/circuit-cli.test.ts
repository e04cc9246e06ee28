import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const example = (name: string): string => path.join(root, 'examples', name);

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'trainlens-circuit-')), 'c.nn.yaml');
  writeFileSync(f, text);
  return f;
}

test('circuit --json: exactly one line, the graph with type, value, grads and every node (id, op, inputs, value, grad)', () => {
  const r = run('circuit', example('circuit.nn.yaml'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.split('\n').length, 2);
  assert.ok(r.stdout.endsWith('\n'));
  const g = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(g.type, 'circuit');
  assert.equal(g.value, -12);
  assert.deepEqual(g.grads, { x: -4, y: -4, z: 3 });
  const nodes = g.nodes as Array<Record<string, unknown>>;
  assert.deepEqual(nodes.map((n) => [n.id, n.op, n.inputs, n.value, n.grad]), [
    ['x', 'input', [], -2, -4], ['y', 'input', [], 5, -4], ['z', 'input', [], -4, 3],
    ['n1', 'add', ['x', 'y'], 3, -4], ['n2', 'mul', ['n1', 'z'], -12, 1],
  ]);
});

test('circuit FILE: the value, each gradient, and a forward/backward table of the gates', () => {
  const r = run('circuit', example('circuit-neuron.nn.yaml'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}f = 0\.731059$/m);
  assert.match(r.stdout, /^ {2}∂f\/∂w0 = -0\.196612$/m);
  assert.match(r.stdout, /^ {2}∂f\/∂x1 = -0\.589836$/m);
  assert.match(r.stdout, /^node +op +gate +inputs +value +grad +local$/m);
  assert.match(r.stdout, /^n10 +div +÷ +n1, n9 +0\.731059 +1 +0\.731059, -0\.534447$/m);
});

test('circuit on a file with errors: file:line:col diagnostics on stderr, exit 1, nothing on stdout', () => {
  const f = file('# a circuit\ncircuit: "exp(x) + foo(y)"\ninputs: { x: 1, y: 2 }\n');
  const r = run('circuit', f, '--json');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:20: error: Unknown function 'foo'`, 'm'));
  assert.match(r.stderr, /has errors; the circuit was not evaluated/);
  const g = file('circuit: x\ninputs: { x: 1 }\nlayers: []\n');
  const l = run('circuit', g);
  assert.equal(l.code, 1);
  assert.match(l.stderr, /:3:1: error: A circuit file holds circuit: and inputs: only/);
});

test('circuit: warnings are printed and the circuit is still evaluated; check takes circuit files too', () => {
  const f = file('circuit: log(x) * 2\ninputs: { x: -2, unused: 1 }\n');
  const r = run('circuit', f, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /:1:10: warning: log\(−2\) is not a number/);
  assert.match(r.stderr, /:2:18: warning: The input 'unused' is not used/);
  assert.equal((JSON.parse(r.stdout) as { value: unknown }).value, null); // NaN in JSON
  const ok = run('check', example('circuit.nn.yaml'), example('circuit-staged.nn.yaml'));
  assert.deepEqual([ok.code, ok.stdout], [0, '']);
  const bad = run('check', file('circuit: "x +"\ninputs: { x: 1 }\n'));
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /:1:14: error: The expression ends too soon/);
});

test('circuit: usage errors exit 2 (no file, two files, unknown flag, a network file is not a circuit)', () => {
  for (const args of [[], ['a.nn.yaml', 'b.nn.yaml'], [example('circuit.nn.yaml'), '--sample', '3']]) {
    const r = run('circuit', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /Usage: trainlens circuit FILE \[--json\]/);
  }
  assert.equal(run('circuit', path.join(root, 'no-such.nn.yaml')).code, 2);
  const net = run('circuit', example('spiral.nn.yaml'));
  assert.equal(net.code, 1);
  assert.match(net.stderr, /is not a circuit file/);
});

test('train, gradcheck and sanity on a circuit file say it is a circuit and point to `trainlens circuit` (exit 1)', () => {
  for (const command of ['train', 'gradcheck', 'sanity']) {
    const r = run(command, example('circuit.nn.yaml'));
    assert.equal(r.code, 1, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /circuit\.nn\.yaml is a circuit \(an expression, not a network\); nothing was .*Try: trainlens circuit /);
    assert.equal(r.stdout, '');
  }
});
