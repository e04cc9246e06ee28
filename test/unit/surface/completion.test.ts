/**
 * Completion and hover docs in a surface file. completion.ts and docs.ts are extension code (they
 * import vscode); this test loads them over a minimal stand-in for the vscode module: l10n.t
 * formats as VS Code does in English, everything else is an inert placeholder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';

/** A value that stands for any property, call or construction of the vscode API. */
function inert(): unknown {
  const f = function placeholder(): void { /* inert */ };
  return new Proxy(f, {
    get: (_t, key) => (key === Symbol.toPrimitive ? () => 'vscode' : key === 'then' ? undefined : inert()),
    apply: () => inert(),
    construct: () => inert() as object,
  });
}
const format = (message: string, ...args: unknown[]): string => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
const vscodeStub = new Proxy({ l10n: { t: format, bundle: undefined } } as Record<string | symbol, unknown>, {
  get: (t, key) => (key in t ? t[key] : inert()),
});
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = (request, ...rest) => (request === 'vscode' ? vscodeStub : load(request, ...rest));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const completion = require('../../../src/editor/language/completion') as typeof import('../../../src/editor/language/completion');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const docs = require('../../../src/editor/language/docs') as typeof import('../../../src/editor/language/docs');
loader._load = load;
const { suggestions, yamlContext, isSurfaceText } = completion;

/** Suggestions at the '|' in marked text, as the provider makes them (surface or not from the text). */
function at(marked: string): ReturnType<typeof suggestions> {
  const text = marked.replace('|', '');
  const ctx = yamlContext(text, marked.indexOf('|'));
  assert.ok(ctx, marked);
  return suggestions(ctx, isSurfaceText(text));
}
const labels = (marked: string): string[] => at(marked).map((s) => s.label);

test('a surface file is one with a top-level surface: key', () => {
  assert.equal(isSurfaceText('surface: rosenbrock\n'), true);
  assert.equal(isSurfaceText('# a race\nstart: [0, 0]\nsurface: x^2\n'), true);
  assert.equal(isSurfaceText('"surface": "x"\n'), true);
  assert.equal(isSurfaceText('data: { dataset: xor }\nlayers: [{ dense: 2 }]\n'), false);
  assert.equal(isSurfaceText('train:\n  surface: 1\n'), false);
  assert.equal(isSurfaceText('# surface: rosenbrock\n'), false);
});

test("the top level of a surface file offers its five keys, those not yet written, each documented", () => {
  assert.deepEqual(labels('surface: rosenbrock\n|'), ['start', 'optimizer', 'train', 'compare']);
  assert.deepEqual(labels('surface: beale\nstart: [1, 1]\noptimizer: adam\n|'), ['train', 'compare']);
  const all = at('surface: x\n|\n');
  for (const s of all) assert.ok(s.doc, s.label);
  const start = all.find((s) => s.label === 'start')!;
  assert.equal(start.insert, 'start: [${1:-1.5}, ${2:2}]');
  assert.match(start.doc!, /^The point \[x, y\] every optimizer starts from/);
  assert.equal(all.find((s) => s.label === 'train')!.insert, 'train:\n  steps: ${1:300}\n  noise: ${2:0}\n  seed: ${3:1}');
  // A network file's top level is as before: no surface keys.
  const net = labels('data: { dataset: xor }\n|');
  assert.ok(net.includes('layers') && !net.includes('start') && !net.includes('surface'));
});

test("train: in a surface file offers steps, noise and seed, with the surface's meaning of each", () => {
  const s = at('surface: saddle\ntrain:\n  |\n');
  assert.deepEqual(s.map((x) => x.label), ['steps', 'noise', 'seed']);
  assert.equal(s[1].doc, docs.SURFACE_KEY_DOCS['train.noise']);
  assert.match(s[2].doc!, /gradient noise/);
  assert.deepEqual(labels('surface: saddle\ntrain: { steps: 10, |'), ['noise', 'seed']);
  // In a network file train: keys are the network's.
  assert.deepEqual(labels('data: { dataset: xor }\ntrain:\n  |\n'), ['epochs', 'batch', 'l2', 'l1', 'seed', 'schedule']);
});

test('compare: in a surface file offers optimizer, lr and seeds', () => {
  assert.deepEqual(labels('surface: saddle\ncompare:\n  |\n'), ['optimizer', 'lr', 'seeds']);
  assert.deepEqual(labels('surface: saddle\ncompare: { lr: [0.1, 0.2], |'), ['optimizer', 'seeds']);
});

test("the value of surface: offers the five presets with their formulas; optimizer: still offers the rules", () => {
  const s = at('surface: |\n');
  assert.deepEqual(s.map((x) => x.label), ['rosenbrock', 'beale', 'himmelblau', 'saddle', 'ravine']);
  assert.ok(s.every((x) => x.kind === 'value'));
  assert.equal(s[0].doc, docs.SURFACE_PRESET_DOCS.rosenbrock);
  assert.match(s[0].doc!, /^\(1 − x\)² \+ 100·\(y − x²\)²: .*minimum 0 at \(1, 1\)/);
  assert.match(s[2].doc!, /\(3, 2\), \(−2\.805, 3\.131\), \(−3\.779, −3\.283\) and \(3\.584, −1\.848\)/);
  assert.deepEqual(labels('surface: ravine\noptimizer: |\n'), ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw']);
});

test('hover docs: surface:, start:, steps, noise and each preset; a network keeps its own meaning of noise and seed', () => {
  assert.equal(docs.keyDoc('top', 'surface', true), docs.SURFACE_KEY_DOCS['top.surface']);
  assert.match(docs.keyDoc('top', 'start', true)!, /starts from/);
  assert.match(docs.keyDoc('train', 'steps', true)!, /^Optimizer steps from the start \(300\)/);
  assert.match(docs.keyDoc('train', 'noise', true)!, /^σ of the Gaussian noise/);
  assert.match(docs.keyDoc('data', 'noise', false)!, /^How noisy the generated points are/);
  assert.match(docs.keyDoc('train', 'seed', false)!, /^Seed of the data/);
  assert.match(docs.keyDoc('train', 'seed', true)!, /^Seed of the gradient noise/);
  assert.equal(docs.keyDoc('top', 'optimizer', false), docs.KEY_DOCS['top.optimizer']);
  for (const preset of ['rosenbrock', 'beale', 'himmelblau', 'saddle', 'ravine'] as const) {
    assert.equal(docs.valueDoc('top', 'surface', preset), docs.SURFACE_PRESET_DOCS[preset]);
  }
  assert.equal(docs.valueDoc('top', 'surface', 'x^2'), undefined);
  assert.match(docs.SURFACE_PRESET_DOCS.beale, /minimum 0 at \(3, 0\.5\)/);
  assert.match(docs.SURFACE_PRESET_DOCS.saddle, /^x² − y²: a saddle point at \(0, 0\)/);
  assert.match(docs.SURFACE_PRESET_DOCS.ravine, /^0\.5·x² \+ 50·y²: .*minimum 0 at \(0, 0\)/);
});
