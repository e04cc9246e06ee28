import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModel } from '../../../src/model/parse';
import { isSurfaceSpec, SURFACE_NETWORK, SURFACE_PRESETS, OPTIMIZER_DEFAULTS } from '../../../src/model/spec';
import { PRESET_EXPRESSIONS } from '../../../src/engine/surface/presets';
import type { ModelDiagnostic } from '../../../src/model/diagnostics';

/** Every diagnostic of a severity, each with the text it covers. */
function all(text: string, severity: ModelDiagnostic['severity'] = 'error'): Array<{ message: string; covers: string; start: number; end: number }> {
  return parseModel(text).diagnostics.filter((d) => d.severity === severity)
    .map((d) => ({ message: d.message, covers: text.slice(d.start, d.end), start: d.start, end: d.end }));
}

/** The one diagnostic of a severity. */
function only(text: string, severity: ModelDiagnostic['severity'] = 'error'): { message: string; covers: string; start: number; end: number } {
  const ds = all(text, severity);
  assert.equal(ds.length, 1, JSON.stringify(ds));
  return ds[0];
}

/** The offsets of the n-th (0-based) occurrence of `what` in `text`. */
function at(text: string, what: string, n = 0): [number, number] {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(what, i + 1);
  assert.ok(i >= 0, `${what} not in ${text}`);
  return [i, i + what.length];
}

const START = 'start: [-1.5, 2]\n';

test("the design notes' example: a preset, its formula, the optimizer, steps, noise, seed and compare", () => {
  const text = 'surface: rosenbrock\nstart: [-1.5, 2]\noptimizer: { type: adam, lr: 0.02 }\ntrain: { steps: 250, noise: 0.1, seed: 7 }\n'
    + 'compare: { optimizer: [sgd, momentum, nesterov, adagrad, rmsprop, adam] }\n';
  const s = parseModel(text);
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.spec, {
    ...SURFACE_NETWORK,
    optimizer: { type: 'adam', lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 1, batch: 'full', l2: 0, l1: 0, seed: 7 },
    compare: { optimizer: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] },
    surface: { preset: 'rosenbrock', expression: '(1 - x)^2 + 100 * (y - x^2)^2', start: [-1.5, 2], steps: 250, noise: 0.1 },
  });
  assert.ok(s.spec && isSurfaceSpec(s.spec));
  assert.deepEqual(s.surface, { expression: '(1 - x)^2 + 100 * (y - x^2)^2', preset: 'rosenbrock' });
  assert.equal(s.circuit, undefined);
  assert.deepEqual(s.ranges.surface, at(text, 'surface'));
  assert.deepEqual(s.ranges.optimizer, at(text, 'optimizer'));
  assert.deepEqual(s.ranges.firstKey, at(text, 'surface'));
  assert.deepEqual(s.ranges.layers, []);
});

test('every preset is its formula from presets.ts, quoted or plain', () => {
  for (const preset of SURFACE_PRESETS) {
    for (const written of [preset, `"${preset}"`, `'${preset}'`]) {
      const s = parseModel(`surface: ${written}\nstart: [0.5, 0.5]\n`);
      assert.deepEqual(s.diagnostics, [], written);
      assert.equal(s.spec?.surface?.preset, preset);
      assert.equal(s.spec?.surface?.expression, PRESET_EXPRESSIONS[preset]);
      assert.deepEqual(s.surface, { expression: PRESET_EXPRESSIONS[preset], preset });
    }
  }
});

test('defaults: sgd at its defaults, 300 steps, no noise, seed 1; the placeholders are copies', () => {
  const s = parseModel(`surface: ravine\n${START}`);
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.spec?.optimizer, OPTIMIZER_DEFAULTS.sgd);
  assert.notEqual(s.spec?.optimizer, OPTIMIZER_DEFAULTS.sgd);
  assert.deepEqual(s.spec?.train, { epochs: 1, batch: 'full', l2: 0, l1: 0, seed: 1 });
  assert.equal(s.spec?.surface?.steps, 300);
  assert.equal(s.spec?.surface?.noise, 0);
  assert.equal(s.spec?.compare, undefined);
  assert.equal(s.ranges.optimizer, undefined);
  assert.notEqual(s.spec?.data, SURFACE_NETWORK.data);
  assert.notEqual(s.spec?.layers, SURFACE_NETWORK.layers);
  // The seed of the noise is train.seed.
  assert.equal(parseModel(`surface: ravine\n${START}train: { seed: 42 }\n`).spec?.train.seed, 42);
  assert.equal(parseModel(`surface: ravine\n${START}optimizer: momentum\n`).spec?.optimizer.type, 'momentum');
});

test('an expression of x and y: kept as written, preset null; a lone x or y is an expression, not a preset', () => {
  const s = parseModel(`surface: "x^2 + 10 * y^2"\n${START}`);
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.spec?.surface, { preset: null, expression: 'x^2 + 10 * y^2', start: [-1.5, 2], steps: 300, noise: 0 });
  assert.deepEqual(s.surface, { expression: 'x^2 + 10 * y^2', preset: null });
  for (const lone of ['x', 'y', ' x ']) {
    const t = parseModel(`surface: "${lone}"\n${START}`);
    assert.deepEqual(t.diagnostics, [], lone);
    assert.equal(t.spec?.surface?.expression, lone);
    assert.equal(t.spec?.surface?.preset, null);
  }
  // Plain, with functions; block style.
  const plain = parseModel('surface: sqrt(x^2 + y^2 + 1) - exp(-x)\nstart:\n  - 1\n  - -2\n');
  assert.deepEqual(plain.diagnostics, []);
  assert.deepEqual(plain.spec?.surface?.start, [1, -2]);
});

test('a constant surface parses, with a warning on its value that nothing will move', () => {
  const text = `surface: 3\n${START}`;
  const w = only(text, 'warning');
  assert.equal(w.covers, '3');
  assert.equal(w.message, 'This surface does not depend on x or y: its gradient is 0 everywhere, so no optimizer moves.');
  assert.equal(parseModel(text).spec?.surface?.expression, '3');
});

test("a syntax error is on the expression's exact character, plain or quoted", () => {
  const plain = 'surface: x^2 + * y\nstart: [1, 2]\n';
  const e = only(plain);
  assert.deepEqual([e.start, e.end], at(plain, '*'));
  assert.match(e.message, /'\*'/);
  assert.equal(parseModel(plain).spec, undefined);
  const quoted = "start: [1, 2]\nsurface: '(x + y'\n";
  const q = only(quoted);
  // "ended too soon": an empty range at the expression's end, before the closing quote.
  assert.equal(q.start, quoted.indexOf("'\n"));
  assert.equal(q.end, q.start);
  const doubled = 'surface: "x + y)"\nstart: [1, 2]\n';
  assert.deepEqual([only(doubled).start, only(doubled).end], at(doubled, ')'));
});

test("names other than x and y: an error on each name's first use, the spec withheld", () => {
  const text = 'surface: "x^2 + z*y + w + z"\nstart: [1, 2]\n';
  const ds = all(text);
  assert.deepEqual(ds.map((d) => [d.covers, d.start]), [['z', at(text, 'z')[0]], ['w', at(text, 'w')[0]]]);
  assert.equal(ds[0].message, "A surface is a function of x and y; 'z' is not one of them.");
  assert.equal(ds[1].message, "A surface is a function of x and y; 'w' is not one of them.");
  assert.equal(parseModel(text).spec, undefined);
});

test('a lone unknown word is a mistyped preset: "did you mean", on the word', () => {
  const text = 'surface: rosenbrok   # typo\nstart: [1, 2]\n';
  const e = only(text);
  assert.deepEqual([e.start, e.end], at(text, 'rosenbrok'));
  assert.equal(e.message, "Unknown surface 'rosenbrok'. Did you mean 'rosenbrock'? A surface is a preset (rosenbrock, beale, himmelblau, saddle, ravine) or an expression of x and y.");
  assert.match(only('surface: Beale\nstart: [1, 2]\n').message, /Did you mean 'beale'\?/);
  assert.doesNotMatch(only('surface: banana\nstart: [1, 2]\n').message, /Did you mean/);
  assert.equal(parseModel(text).surface?.preset, null);
});

test("'surface' that holds no expression: an error on the key (nothing) or on the value (a list)", () => {
  const empty = 'surface:\nstart: [1, 2]\n';
  const e = only(empty);
  assert.deepEqual([e.start, e.end], at(empty, 'surface'));
  assert.equal(e.message, "'surface' is a preset (rosenbrock, beale, himmelblau, saddle, ravine) or an expression of x and y such as \"x^2 + 10 * y^2\", not nothing.");
  const list = 'surface: [x, y]\nstart: [1, 2]\n';
  assert.equal(only(list).covers, '[x, y]');
  assert.equal(only('surface: ""\nstart: [1, 2]\n').covers, 'surface');
  assert.deepEqual(parseModel(empty).surface, { expression: '', preset: null });
});

test("'start': required, two finite numbers, each error where it is", () => {
  const missing = 'surface: saddle\n';
  const m = only(missing);
  assert.deepEqual([m.start, m.end], at(missing, 'surface'));
  assert.equal(m.message, "A surface file needs 'start: [x, y]', the point the optimizer starts from, e.g. 'start: [-1.5, 2]'.");
  const three = 'surface: saddle\nstart: [1, 2, 3]\n';
  assert.equal(only(three).covers, '[1, 2, 3]');
  assert.equal(only(three).message, "'start' is the point [x, y] the optimizer starts from, e.g. [-1.5, 2]; not a list of 3.");
  assert.equal(only('surface: saddle\nstart: 1\n').covers, '1');
  const word = 'surface: saddle\nstart: [1, up]\n';
  assert.equal(only(word).covers, 'up');
  assert.equal(only(word).message, "'y' must be a number, not 'up'.");
  const inf = 'surface: saddle\nstart: [.inf, 0]\n';
  assert.equal(only(inf).covers, '.inf');
  assert.equal(parseModel(inf).spec, undefined);
});

test('f or ∇f not finite at the start: an error on start; not finite nearby is fine', () => {
  const log = 'surface: log(x) + y^2\nstart: [-1, 2]\n';
  const e = only(log);
  assert.deepEqual([e.start, e.end], at(log, '[-1, 2]'));
  assert.equal(e.message, 'The surface is NaN at the start (\u22121, 2): start where f is a finite number.');
  const inf = 'surface: 1 / x\nstart: [0, 1]\n';
  assert.equal(only(inf).message, 'The surface is Infinity at the start (0, 1): start where f is a finite number.');
  const cone = 'surface: sqrt(x^2 + y^2)\nstart: [0, 0]\n';
  assert.equal(only(cone).covers, '[0, 0]');
  assert.match(only(cone).message, /^The gradient of the surface at the start \(0, 0\) is \(NaN, NaN\)/);
  // log(x) is NaN for x < 0, a step away from x = 0.001: the start is what must be finite.
  const near = parseModel('surface: log(x) + y^2\nstart: [0.001, 0]\n');
  assert.deepEqual(near.diagnostics, []);
  assert.ok(near.spec);
});

test("train: steps 1..1,000,000 whole, noise ≥ 0, seed whole; each error on its value", () => {
  const cases: Array<[string, string, string]> = [
    ['steps: 0', '0', "'steps' must be at least 1, got 0."],
    ['steps: 1.5', '1.5', "'steps' must be a whole number, got 1.5."],
    ['steps: 1000001', '1000001', "'steps' must be at most 1000000, got 1000001."],
    ['steps: many', 'many', "'steps' must be a whole number, not 'many'."],
    ['noise: -0.1', '-0.1', "'noise' must be at least 0, got -0.1."],
    ['seed: 1.5', '1.5', "'seed' must be a whole number, got 1.5."],
  ];
  for (const [entry, covers, message] of cases) {
    const text = `surface: beale\n${START}train: { ${entry} }\n`;
    const e = only(text);
    assert.equal(e.covers, covers, entry);
    assert.equal(e.message, message, entry);
    assert.equal(parseModel(text).spec, undefined);
  }
  assert.equal(parseModel(`surface: beale\n${START}train: { steps: 1000000 }\n`).spec?.surface?.steps, 1_000_000);
  assert.equal(parseModel(`surface: beale\n${START}train: { steps: 1 }\n`).spec?.surface?.steps, 1);
  const notMap = `surface: beale\n${START}train: 100\n`;
  assert.equal(only(notMap).covers, '100');
  assert.match(only(notMap).message, /^A surface's 'train' is a mapping such as '\{ steps: 300, noise: 0, seed: 1 \}', not 100\.$/);
  assert.match(only(`surface: beale\n${START}train: { stepz: 3 }\n`).message, /Unknown key 'stepz' in 'train'\. Did you mean 'steps'\?/);
});

test("a network's train keys in a surface file: an error on each key saying where it belongs", () => {
  for (const key of ['epochs: 10', 'batch: 64', 'l2: 0.1', 'l1: 0.1', 'schedule: { type: exp, gamma: 0.9 }']) {
    const name = key.split(':')[0];
    const text = `surface: himmelblau\n${START}train:\n  ${key}\n`;
    const e = only(text);
    assert.deepEqual([e.start, e.end], at(text, name), key);
    assert.equal(e.message, `'${name}' belongs to a network's train; a surface trains for 'steps' optimizer steps, with 'noise' and 'seed'.`);
  }
});

test("a network's or a circuit's keys in a surface file: an error on each key", () => {
  for (const key of ['data', 'layers', 'loss', 'init', 'tune']) {
    const text = `surface: saddle\n${START}${key}: x\n`;
    const e = only(text);
    assert.deepEqual([e.start, e.end], at(text, `${key}:`).map((v, i) => (i === 1 ? v - 1 : v)), key);
    assert.equal(e.message, `'${key}' belongs to a network's model file; a surface file holds surface:, start:, optimizer:, train: and compare:.`);
  }
  for (const key of ['circuit', 'inputs']) {
    const text = `${key}: x\nsurface: saddle\n${START}`;
    const e = only(text);
    assert.deepEqual([e.start, e.end], [0, key.length], key);
    assert.equal(e.message, `'${key}' belongs to a circuit file; a surface file holds surface:, start:, optimizer:, train: and compare:.`);
    assert.equal(parseModel(text).circuit, undefined);
  }
  assert.match(only(`surface: saddle\n${START}strat: 1\n`).message, /Unknown key 'strat' in the surface file\. Did you mean 'start'\?/);
});

test('optimizer: read as in a network file (names, mappings, did-you-mean, bounds)', () => {
  const typo = `surface: saddle\n${START}optimizer: adamm\n`;
  assert.equal(only(typo).covers, 'adamm');
  assert.match(only(typo).message, /Did you mean 'adam'\?/);
  const lr = `surface: saddle\n${START}optimizer: { type: rmsprop, lr: -1 }\n`;
  assert.equal(only(lr).covers, '-1');
  const s = parseModel(`surface: saddle\n${START}optimizer: { type: nesterov, lr: 0.001, momentum: 0.5 }\n`);
  assert.deepEqual(s.spec?.optimizer, { type: 'nesterov', lr: 0.001, momentum: 0.5 });
});

test('compare: optimizer or lr lists, with seeds; a network dimension is an error on its key', () => {
  const opt = parseModel(`surface: saddle\n${START}compare: { optimizer: [sgd, adam], seeds: 3 }\n`);
  assert.deepEqual(opt.diagnostics, []);
  assert.deepEqual(opt.spec?.compare, { optimizer: ['sgd', 'adam'], seeds: 3 });
  const lr = parseModel(`surface: saddle\n${START}compare:\n  lr: [0.1, 0.01]\n`);
  assert.deepEqual(lr.spec?.compare, { lr: [0.1, 0.01] });
  assert.deepEqual(parseModel(`surface: saddle\n${START}compare: { seeds: 2 }\n`).spec?.compare, { seeds: 2 });
  for (const dim of ['init', 'activation', 'loss']) {
    const text = `surface: saddle\n${START}compare: { ${dim}: [a, b] }\n`;
    const e = only(text);
    assert.deepEqual([e.start, e.end], at(text, dim), dim);
    assert.equal(e.message, `A surface has no '${dim}' to compare: a surface compares optimizer or lr.`);
    assert.equal(parseModel(text).spec, undefined);
  }
  const none = `surface: saddle\n${START}compare: {}\n`;
  assert.equal(only(none).covers, 'compare');
  assert.equal(only(none).message, "'compare' needs one of optimizer, lr with a list of values.");
  const both = `surface: saddle\n${START}compare: { optimizer: [sgd, adam], lr: [0.1, 0.2] }\n`;
  assert.equal(only(both).message, "'compare' sweeps one dimension at a time; it has optimizer and lr.");
  const short = `surface: saddle\n${START}compare: { lr: [0.1] }\n`;
  assert.equal(only(short).covers, '[0.1]');
  assert.equal(parseModel(short).spec, undefined);
  assert.match(only(`surface: saddle\n${START}compare: { optimizer: [sgd, adamm] }\n`).message, /Did you mean 'adam'\?/);
});

test("a network file: surface keys explained, everything else as before", () => {
  const net = 'data: { dataset: xor }\nlayers: [{ dense: 2 }]\n';
  const start = `${net}start: [1, 2]\n`;
  const e = only(start);
  assert.deepEqual([e.start, e.end], at(start, 'start'));
  assert.equal(e.message, "'start' belongs to a surface file, with 'surface:' (a preset such as rosenbrock, or an expression of x and y).");
  for (const key of ['steps', 'noise']) {
    const text = `${net}train: { epochs: 3, ${key}: 1 }\n`;
    const k = only(text);
    assert.deepEqual([k.start, k.end], at(text, key));
    assert.equal(k.message, "'steps' and 'noise' belong to a surface file's train (with 'surface:'); a network trains for 'epochs'.");
  }
  const ok = parseModel(`${net}compare: { init: [small, he] }\n`);
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.spec?.surface, undefined);
  assert.equal(ok.surface, undefined);
  assert.equal(ok.ranges.surface, undefined);
  assert.deepEqual(ok.spec?.compare, { init: ['small', 'he'] });
  assert.match(only(`${net}compare: { optimizer: [sgd] }\n`).message, /takes a list of at least two values to compare, e.g. \[sgd, adam\]/);
  assert.equal(only(`${net}compare: {}\n`).message, "'compare' needs one of optimizer, init, lr, activation, loss with a list of values.");
});
