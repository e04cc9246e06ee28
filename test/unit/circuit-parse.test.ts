import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseModel } from '../../src/model/parse';
import { circuitNodeAt } from '../../src/model/circuit-parse';
import type { ModelDiagnostic } from '../../src/model/diagnostics';

const root = path.resolve(__dirname, '../../..');
const example = (name: string): string => readFileSync(path.join(root, 'examples', name), 'utf8');

/** The one diagnostic of a severity, with the text it covers. */
function only(text: string, severity: ModelDiagnostic['severity'] = 'error'): { d: ModelDiagnostic; covers: string } {
  const ds = parseModel(text).diagnostics.filter((d) => d.severity === severity);
  assert.equal(ds.length, 1, JSON.stringify(ds));
  return { d: ds[0], covers: text.slice(ds[0].start, ds[0].end) };
}

function centered(f: (v: number[]) => number, at: number[], h = 1e-5): number[] {
  return at.map((_, i) => {
    const p = at.slice();
    const m = at.slice();
    p[i] += h;
    m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}

test("examples/circuit.nn.yaml: the seed's circuit gives f = −12, ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3, nothing to report", () => {
  const text = example('circuit.nn.yaml');
  const s = parseModel(text);
  assert.deepEqual(s.diagnostics, []);
  assert.equal(s.spec, undefined);
  assert.equal(s.circuit?.expression, '(x + y) * z');
  const g = s.circuit!.graph!;
  assert.equal(g.value, -12);
  assert.deepEqual(g.grads, { x: -4, y: -4, z: 3 });
  assert.equal(g.expression, '(x + y) * z');
  assert.equal(text.slice(...s.ranges.circuit!), 'circuit');
  // Every node's range is where it is written in the file.
  assert.deepEqual(g.nodes.map((n) => text.slice(...n.range!)), ['x', 'y', 'z', '(x + y)', '(x + y) * z']);
});

test('examples/circuit-neuron.nn.yaml: f ≈ 0.73, ∂f/∂w ≈ [−0.2, −0.39, 0.2], ∂f/∂x ≈ [0.39, −0.59]', () => {
  const s = parseModel(example('circuit-neuron.nn.yaml'));
  assert.deepEqual(s.diagnostics, []);
  const g = s.circuit!.graph!;
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  assert.equal(r2(g.value), 0.73);
  assert.deepEqual(['w0', 'w1', 'w2', 'x0', 'x1'].map((k) => r2(g.grads[k])), [-0.2, -0.39, 0.2, 0.39, -0.59]);
});

test('examples/circuit-staged.nn.yaml: the gradients match centered differences of the formula', () => {
  const s = parseModel(example('circuit-staged.nn.yaml'));
  assert.deepEqual(s.diagnostics, []);
  const g = s.circuit!.graph!;
  const sig = (a: number): number => 1 / (1 + Math.exp(-a));
  const f = ([x, y]: number[]): number => (x + sig(y)) / (sig(x) + (x + y) ** 2);
  assert.ok(Math.abs(g.value - f([3, -4])) < 1e-14);
  const [dx, dy] = centered(f, [3, -4]);
  assert.ok(Math.abs(g.grads.x - dx) < 1e-8 * Math.abs(dx), `${g.grads.x} vs ${dx}`);
  assert.ok(Math.abs(g.grads.y - dy) < 1e-8 * Math.abs(dy), `${g.grads.y} vs ${dy}`);
});

test('parse errors sit on the exact character of the file: plain, single- and double-quoted, with a doubled quote', () => {
  const cases: Array<[string, string]> = [
    ['circuit: (x + y) * $\ninputs: { x: 1, y: 2 }\n', '$'],
    ["circuit: '(x + y) * $'\ninputs: { x: 1, y: 2 }\n", '$'],
    ['circuit: "(x + y) * $"\ninputs: { x: 1, y: 2 }\n', '$'],
    ["# comment\ninputs: { x: 1 }\ncircuit:   'x + exp(x) + foo(x)'\n", 'foo'],
    ['circuit: "max(x)"  # a comment\ninputs: { x: 1 }\n', 'max(x)'],
  ];
  for (const [text, covers] of cases) {
    const e = only(text);
    assert.equal(e.covers, covers, `${text} → ${e.d.message}`);
  }
  const e = only('circuit: "x + )"\ninputs: { x: 1 }\n');
  assert.deepEqual([e.d.start, e.d.end], [14, 15]);
  // A doubled quote inside single quotes is one character of the expression: the error is on its first quote.
  const q = only("circuit: 'x + ''a'' $'\ninputs: { x: 1 }\n");
  assert.deepEqual([q.d.start, q.covers], [14, "'"]);
  const text = "circuit: 'x + ''a'' + foo(x)'\ninputs: { x: 1 }\n";
  assert.equal(only(text).d.start, text.indexOf("''"));
});

test('where the scalar does not hold the expression verbatim (escapes, block scalars), the error covers the whole scalar', () => {
  const escaped = 'circuit: "x\\u0020+ $"\ninputs: { x: 1 }\n';
  assert.equal(only(escaped).covers, '"x\\u0020+ $"');
  const block = 'circuit: |\n  x + $\ninputs: { x: 1 }\n';
  assert.match(only(block).covers, /^\|\n {2}x \+ \$\n$/);
});

test('a name not among the inputs: an error at its first use, naming the inputs given', () => {
  const text = 'circuit: "x * wgt + wgt"\ninputs: { x: 1, Wgt: 2 }\n';
  const ds = parseModel(text).diagnostics.filter((d) => d.severity === 'error');
  assert.equal(ds.length, 1, JSON.stringify(ds));
  const e = ds[0];
  assert.equal(text.slice(e.start, e.end), 'wgt');
  assert.equal(e.start, text.indexOf('wgt'));
  assert.match(e.message, /'wgt' is not among the inputs \(given: x, Wgt\); add it to 'inputs:'\. Did you mean 'Wgt'\?/);
  const short = only('circuit: "x * w"\ninputs: { x: 1 }\n');
  assert.equal(short.covers, 'w');
  assert.doesNotMatch(short.d.message, /Did you mean/);
  assert.equal(parseModel(text).circuit?.graph, undefined);
  const none = only('circuit: a + b\n');
  assert.equal(none.covers, 'circuit');
  assert.match(none.d.message, /uses a, b: give their values in 'inputs:'/);
});

test("an input given but unused is a warning at its key; the circuit still computes", () => {
  const text = 'circuit: x * 2\ninputs: { x: 3, spare: 1 }\n';
  const w = only(text, 'warning');
  assert.equal(w.covers, 'spare');
  assert.match(w.d.message, /'spare' is not used/);
  assert.equal(parseModel(text).circuit?.graph?.value, 6);
  assert.deepEqual(parseModel(text).circuit?.graph?.grads, { x: 2, spare: 0 });
});

test('inputs: not a number, infinite, named like a function or not a name, not a map — errors at the place', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['circuit: x\ninputs: { x: abc }\n', 'abc', /'x' must be a number, not 'abc'/],
    ['circuit: x\ninputs: { x: .inf }\n', '.inf', /'x' must be a number/],
    ['circuit: x\ninputs: { x: [1, 2] }\n', '[1, 2]', /'x' must be a number, not a list/],
    ['circuit: x\ninputs: { x: 1, exp: 2 }\n', 'exp', /'exp' is a function/],
    ['circuit: x\ninputs: { x: 1, "a b": 2 }\n', '"a b"', /letter or _/],
    ['circuit: x\ninputs: 3\n', '3', /'inputs' gives each input a value/],
    ['circuit: [x]\ninputs: { x: 1 }\n', '[x]', /'circuit' is an expression/],
    ['circuit:\ninputs: { x: 1 }\n', 'circuit', /empty/],
  ];
  for (const [text, covers, message] of cases) {
    const e = only(text);
    assert.equal(e.covers, covers, text);
    assert.match(e.d.message, message, text);
  }
});

test('a circuit file holds circuit: and inputs: only; network keys and unknown keys are errors naming them', () => {
  const e = only('circuit: x\ninputs: { x: 1 }\nlayers: [{ dense: 3 }]\n');
  assert.equal(e.covers, 'layers');
  assert.match(e.d.message, /circuit: and inputs: only; 'layers' belongs to a network's model file/);
  const text = 'circuit: x\ninput: { x: 1 }\n';
  const u = parseModel(text).diagnostics.find((d) => /Unknown key/.test(d.message))!;
  assert.equal(text.slice(u.start, u.end), 'input');
  assert.match(u.message, /Unknown key 'input' in the circuit file\. Did you mean 'inputs'\?/);
  // And a network file with inputs: says where inputs: belongs.
  const n = parseModel('data: { dataset: spiral }\nlayers: [{ dense: 3 }]\ninputs: { x: 1 }\n');
  assert.ok(n.diagnostics.some((d) => d.severity === 'error' && /'inputs' belongs to a circuit file/.test(d.message)));
  assert.equal(n.circuit, undefined);
});

test("a gate whose value is not finite is a warning at that gate, saying what it computed", () => {
  const text = 'circuit: "log(x) * 2 + y / z"\ninputs: { x: -2, y: 1, z: 0 }\n';
  const ws = parseModel(text).diagnostics;
  assert.ok(ws.every((d) => d.severity === 'warning'), JSON.stringify(ws));
  assert.deepEqual(ws.map((d) => text.slice(d.start, d.end)), ['log(x)', 'y / z']);
  assert.match(ws[0].message, /^log\(−2\) is not a number: the forward value is NaN, and every gradient through it/);
  assert.match(ws[1].message, /^1 ÷ 0 is Infinity/);
  assert.ok(parseModel(text).circuit?.graph, 'warnings leave the graph');
  const sq = only('circuit: sqrt(x)\ninputs: { x: 0 }\n', 'warning');
  assert.equal(sq.covers, 'sqrt(x)');
  assert.match(sq.d.message, /At sqrt\(0\) the local gradient is Infinity/);
});

test('hostile expressions are errors, never crashes: 100,000 parentheses, deep nesting', () => {
  const huge = only(`circuit: "${'('.repeat(100_000)}"\ninputs: { x: 1 }\n`);
  assert.match(huge.d.message, /100000 characters long/);
  const deep = only(`circuit: ${'('.repeat(250)}x${')'.repeat(250)}\ninputs: { x: 1 }\n`);
  assert.match(deep.d.message, /nests deeper than 200/);
  assert.equal(deep.covers, '(');
  assert.equal(deep.d.start, 'circuit: '.length + 200);
});

test('an ordinary model file still parses as before: no circuit, its spec', () => {
  const s = parseModel(example('spiral.nn.yaml'));
  assert.deepEqual(s.diagnostics, []);
  assert.ok(s.spec);
  assert.equal(s.circuit, undefined);
  assert.equal(s.ranges.circuit, undefined);
});

test('the JSON Schema accepts circuit files and rejects what the reader rejects in them', () => {
  const schema = JSON.parse(readFileSync(path.join(root, 'schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('markdownEnumDescriptions');
  const validate = ajv.compile(schema);
  for (const f of ['circuit.nn.yaml', 'circuit-neuron.nn.yaml', 'circuit-staged.nn.yaml']) assert.ok(validate(parse(example(f))), f);
  for (const text of [
    'circuit: x\ninputs: { x: 1 }\nlayers: [{ dense: 3 }]\n',
    'circuit: x\ninputs: { exp: 1 }\n',
    'circuit: x\ninputs: { x: abc }\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\ninputs: { x: 1 }\n',
  ]) {
    assert.equal(validate(parse(text)), false, text);
    assert.ok(parseModel(text).diagnostics.some((d) => d.severity === 'error'), text);
  }
});

test('the node under an offset, for the hover: an input by its name anywhere, else the smallest gate around it', () => {
  const text = example('circuit.nn.yaml');
  const g = parseModel(text).circuit!.graph!;
  const at = (needle: string, k = 0): string | undefined => circuitNodeAt(g, text, text.indexOf(needle) + k)?.id;
  assert.equal(at('(x + y) * z', 1), 'x');
  assert.equal(at('(x + y) * z', 3), 'n1'); // the '+'
  assert.equal(at('(x + y) * z', 0), 'n1'); // its parenthesis
  assert.equal(at('(x + y) * z', 8), 'n2'); // the '*'
  assert.equal(at('z: -4'), 'z'); // the key under inputs:
  assert.equal(at('z: -4', 3), undefined); // its value is not a node
  const n = parseModel('circuit: 1 / exp(w)\ninputs: { w: 0 }\n').circuit!.graph!;
  assert.equal(circuitNodeAt(n, 'circuit: 1 / exp(w)', 13)?.op, 'exp'); // on the function's name
  assert.equal(circuitNodeAt(n, 'circuit: 1 / exp(w)', 9)?.op, 'const');
});
