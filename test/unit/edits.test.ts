import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { applyEdits, OPTIMIZER_PARAMS, swapInitEdits, swapOptimizerEdits, type TextEdit } from '../../src/model/edits';
import { parseModel } from '../../src/model/parse';
import { INIT_SCHEMES, OPTIMIZERS, OPTIMIZER_DEFAULTS, type InitScheme, type ModelSpec, type OptimizerName } from '../../src/model/spec';

const root = path.resolve(__dirname, '../../..');

const MINIMAL = `data:
  dataset: spiral
layers:
  - dense: 3
`;

/** Edits are sorted, inside the text, neither overlapping nor touching, and each one changes something. */
function assertWellFormed(text: string, edits: TextEdit[]): void {
  let at = -1;
  for (const e of edits) {
    assert.ok(e.start > at, `edits sorted and apart: ${JSON.stringify(edits)}`);
    assert.ok(e.start <= e.end && e.end <= text.length, `edit inside the text: ${JSON.stringify(e)}`);
    assert.notEqual(text.slice(e.start, e.end), e.text, `edit changes something: ${JSON.stringify(e)}`);
    at = e.end;
  }
}

function swapOptimizer(text: string, name: OptimizerName): string {
  const edits = swapOptimizerEdits(text, name);
  assert.ok(edits, `edits for ${name} in ${JSON.stringify(text)}`);
  assertWellFormed(text, edits);
  return applyEdits(text, edits);
}

function swapInit(text: string, scheme: InitScheme): string {
  const edits = swapInitEdits(text, scheme);
  assert.ok(edits, `edits for ${scheme} in ${JSON.stringify(text)}`);
  assertWellFormed(text, edits);
  return applyEdits(text, edits);
}

/** The spec of a file that must parse without errors. */
function specOf(text: string): ModelSpec {
  const r = parseModel(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], `errors in ${JSON.stringify(text)}`);
  assert.ok(r.spec);
  return r.spec;
}

/** The part of `before` that changed (after the common prefix, before the common suffix), and what replaced it. */
function changed(before: string, after: string): { start: number; end: number; old: string; now: string } {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { start: p, end: before.length - s, old: before.slice(p, before.length - s), now: after.slice(p, after.length - s) };
}

/** The [start, end) of the line that starts with `key:`. */
function lineOf(text: string, key: string): [number, number] {
  const m = new RegExp(`^${key}:.*$`, 'm').exec(text);
  assert.ok(m, `'${key}:' in the text`);
  return [m.index, m.index + m[0].length];
}

// ─── optimizer: scalars ───────────────────────────────────────────────────────

test('a scalar optimizer: only the name changes, comments stay', () => {
  const text = `# top comment\n${MINIMAL}\noptimizer: adam      # fast\n# after\ntrain: { epochs: 5 }\n`;
  const out = swapOptimizer(text, 'sgd');
  assert.equal(out, text.replace('optimizer: adam ', 'optimizer: sgd '));
  assert.deepEqual(specOf(out).optimizer, OPTIMIZER_DEFAULTS.sgd);
  assert.deepEqual(swapOptimizerEdits(text, 'sgd'), [{ start: text.indexOf('adam'), end: text.indexOf('adam') + 4, text: 'sgd' }]);
  for (const name of OPTIMIZERS.filter((o) => o !== 'sgd')) {
    const swapped = swapOptimizer(MINIMAL + 'optimizer: sgd\n', name);
    assert.equal(swapped, `${MINIMAL}optimizer: ${name}\n`);
    assert.deepEqual(specOf(swapped).optimizer, OPTIMIZER_DEFAULTS[name]);
  }
});

test('quoted names keep their quotes', () => {
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: "adam"  # q\n', 'momentum'), MINIMAL + 'optimizer: "momentum"  # q\n');
  assert.equal(swapOptimizer(MINIMAL + "optimizer: 'adam'\n", 'rmsprop'), MINIMAL + "optimizer: 'rmsprop'\n");
  const flow = swapOptimizer(MINIMAL + "optimizer: { type: 'adam', lr: 0.002 }\n", 'sgd');
  assert.equal(flow, MINIMAL + "optimizer: { type: 'sgd', lr: 0.002 }\n");
  const block = swapOptimizer(MINIMAL + 'optimizer:\n  type: "adam"\n  lr: 0.002\n', 'adagrad');
  assert.equal(block, MINIMAL + 'optimizer:\n  type: "adagrad"\n  lr: 0.002\n');
  assert.deepEqual(specOf(block).optimizer, { type: 'adagrad', lr: 0.002, eps: 1e-8 });
});

test('the same rule again changes nothing', () => {
  assert.deepEqual(swapOptimizerEdits(MINIMAL + 'optimizer: adam\n', 'adam'), []);
  assert.deepEqual(swapOptimizerEdits(MINIMAL + 'optimizer: { type: adam, lr: 0.1, beta1: 0.8 }\n', 'adam'), []);
  assert.deepEqual(swapOptimizerEdits(MINIMAL + 'optimizer:\n  type: adamw\n  weight_decay: 0.1\n', 'adamw'), []);
});

test('an empty optimizer value gets the name after the colon', () => {
  assert.equal(swapOptimizer(MINIMAL + 'optimizer:\ntrain: { epochs: 3 }\n', 'adam'), MINIMAL + 'optimizer: adam\ntrain: { epochs: 3 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer:    # pick one\n', 'sgd'), MINIMAL + 'optimizer: sgd    # pick one\n');
});

// ─── optimizer: flow mappings ─────────────────────────────────────────────────

test('flow map adam → sgd drops the betas with their commas', () => {
  const text = MINIMAL + 'optimizer: { type: adam, lr: 0.001, beta1: 0.8 }   # tuned by hand\ntrain: { epochs: 2 }\n';
  const out = swapOptimizer(text, 'sgd');
  assert.equal(out, MINIMAL + 'optimizer: { type: sgd, lr: 0.001 }   # tuned by hand\ntrain: { epochs: 2 }\n');
  assert.deepEqual(specOf(out).optimizer, { type: 'sgd', lr: 0.001 });
  // Dropped pairs first, in the middle, last, several in a row.
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { beta1: 0.8, type: adam, lr: 0.001 }\n', 'sgd'), MINIMAL + 'optimizer: { type: sgd, lr: 0.001 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { type: adam, beta1: 0.8, beta2: 0.9, lr: 0.001, eps: 1e-7 }\n', 'sgd'), MINIMAL + 'optimizer: { type: sgd, lr: 0.001 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: {type: adam,beta1: 0.8,lr: 0.001}\n', 'sgd'), MINIMAL + 'optimizer: {type: sgd,lr: 0.001}\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { type: adam, beta1: 0.8 }\n', 'sgd'), MINIMAL + 'optimizer: { type: sgd }\n');
});

test('flow map sgd → adam keeps lr and adds nothing', () => {
  const out = swapOptimizer(MINIMAL + 'optimizer: { type: sgd, lr: 0.05 }\n', 'adam');
  assert.equal(out, MINIMAL + 'optimizer: { type: adam, lr: 0.05 }\n');
  assert.deepEqual(specOf(out).optimizer, { ...OPTIMIZER_DEFAULTS.adam, lr: 0.05 });
});

test('flow map momentum → nesterov keeps momentum; adam → adagrad keeps eps', () => {
  const out = swapOptimizer(MINIMAL + 'optimizer: { type: momentum, lr: 0.1, momentum: 0.5 }\n', 'nesterov');
  assert.equal(out, MINIMAL + 'optimizer: { type: nesterov, lr: 0.1, momentum: 0.5 }\n');
  assert.deepEqual(specOf(out).optimizer, { type: 'nesterov', lr: 0.1, momentum: 0.5 });
  const eps = swapOptimizer(MINIMAL + 'optimizer: { type: adam, beta1: 0.8, eps: 1e-6, beta2: 0.9 }\n', 'adagrad');
  assert.equal(eps, MINIMAL + 'optimizer: { type: adagrad, eps: 1e-6 }\n');
  assert.deepEqual(specOf(eps).optimizer, { type: 'adagrad', lr: 0.01, eps: 1e-6 });
});

test('a multi-line flow map loses whole lines, keeps the other comments', () => {
  const text = MINIMAL + [
    'optimizer: {   # the rule',
    '  type: adamw,        # decoupled',
    '  # the step size',
    '  lr: 0.003,',
    '  weight_decay: 0.1,  # drop me',
    '  beta1: 0.85   # keep me',
    '}',
    'train: { epochs: 1 }',
    '',
  ].join('\n');
  const out = swapOptimizer(text, 'adam');
  assert.equal(out, text.replace('adamw,', 'adam,').replace('  weight_decay: 0.1,  # drop me\n', ''));
  assert.deepEqual(specOf(out).optimizer, { ...OPTIMIZER_DEFAULTS.adam, lr: 0.003, beta1: 0.85 });
  const sgd = swapOptimizer(text, 'sgd');
  assert.equal(sgd, MINIMAL + 'optimizer: {   # the rule\n  type: sgd,        # decoupled\n  # the step size\n  lr: 0.003,\n}\ntrain: { epochs: 1 }\n');
  assert.deepEqual(specOf(sgd).optimizer, { type: 'sgd', lr: 0.003 });
});

test('comments inside a flow map on one line with pairs stay', () => {
  const a = MINIMAL + 'optimizer: { type: adam, beta1: 0.8,   # note\n  lr: 0.002 }\n';
  const outA = swapOptimizer(a, 'sgd');
  assert.equal(outA, MINIMAL + 'optimizer: { type: sgd,   # note\n  lr: 0.002 }\n');
  assert.deepEqual(specOf(outA).optimizer, { type: 'sgd', lr: 0.002 });
  const b = MINIMAL + 'optimizer: { type: adam,   # note\n  beta1: 0.8, lr: 0.002 }\n';
  const outB = swapOptimizer(b, 'sgd');
  assert.equal(outB, MINIMAL + 'optimizer: { type: sgd,   # note\n  lr: 0.002 }\n');
  assert.deepEqual(specOf(outB).optimizer, { type: 'sgd', lr: 0.002 });
});

test('a flow map without type gets one first', () => {
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { lr: 0.001, beta1: 0.8 }\n', 'sgd'), MINIMAL + 'optimizer: { type: sgd, lr: 0.001 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: {lr: 0.001}\n', 'adam'), MINIMAL + 'optimizer: {type: adam, lr: 0.001}\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { beta1: 0.8, lr: 0.001 }\n', 'momentum'), MINIMAL + 'optimizer: { type: momentum, lr: 0.001 }\n');
  // Nothing left but the type: the bare name.
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { beta1: 0.8 }  # c\n', 'sgd'), MINIMAL + 'optimizer: sgd  # c\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: {}\n', 'adam'), MINIMAL + 'optimizer: adam\n');
  assert.deepEqual(specOf(swapOptimizer(MINIMAL + 'optimizer: { lr: 0.2 }\n', 'rmsprop')).optimizer, { ...OPTIMIZER_DEFAULTS.rmsprop, lr: 0.2 });
});

test('keys that no rule takes are left for the diagnostics', () => {
  const out = swapOptimizer(MINIMAL + 'optimizer: { type: adam, lrr: 0.1, beta1: 0.8 }\n', 'sgd');
  assert.equal(out, MINIMAL + 'optimizer: { type: sgd, lrr: 0.1 }\n');
  assert.match(parseModel(out).diagnostics[0].message, /Unknown key 'lrr'.*'lr'/);
});

// ─── optimizer: block mappings ────────────────────────────────────────────────

test('block map adamw → adam drops weight_decay and its line, with its comment', () => {
  const text = MINIMAL + [
    'optimizer:            # AdamW, as in the paper',
    '  type: adamw         # decoupled decay',
    '',
    '  # the step size',
    '  lr: 0.001',
    '  weight_decay: 0.05  # PyTorch uses 0.01',
    '  # momentum terms',
    '  beta1: 0.8          # note',
    '# the training section',
    'train:',
    '  epochs: 3',
    '',
  ].join('\n');
  const out = swapOptimizer(text, 'adam');
  assert.equal(out, text.replace('type: adamw ', 'type: adam ').replace('  weight_decay: 0.05  # PyTorch uses 0.01\n', ''));
  assert.deepEqual(specOf(out).optimizer, { ...OPTIMIZER_DEFAULTS.adam, lr: 0.001, beta1: 0.8 });
  const sgd = swapOptimizer(text, 'sgd');
  assert.equal(sgd, MINIMAL + [
    'optimizer:            # AdamW, as in the paper',
    '  type: sgd         # decoupled decay',
    '',
    '  # the step size',
    '  lr: 0.001',
    '  # momentum terms',
    '# the training section',
    'train:',
    '  epochs: 3',
    '',
  ].join('\n'));
  assert.deepEqual(specOf(sgd).optimizer, { type: 'sgd', lr: 0.001 });
});

test('block map at the end of a file without a final line break', () => {
  const text = MINIMAL + 'optimizer:\n  type: adam\n  lr: 0.02\n  beta2: 0.9';
  assert.equal(swapOptimizer(text, 'sgd'), MINIMAL + 'optimizer:\n  type: sgd\n  lr: 0.02\n');
  const last = MINIMAL + 'optimizer:\n  type: adam\n  beta2: 0.9\n  lr: 0.02';
  assert.equal(swapOptimizer(last, 'sgd'), MINIMAL + 'optimizer:\n  type: sgd\n  lr: 0.02');
});

test('block map: a value on its own line goes with its key', () => {
  const text = MINIMAL + 'optimizer:\n  type: adam\n  beta1:\n    0.8\n  lr: 0.02\n';
  assert.equal(swapOptimizer(text, 'sgd'), MINIMAL + 'optimizer:\n  type: sgd\n  lr: 0.02\n');
});

test('a block map without type gets one, indented like its pairs', () => {
  const text = MINIMAL + 'optimizer:   # no type yet\n    lr: 0.03\n    beta1: 0.8   # x\n';
  const out = swapOptimizer(text, 'sgd');
  assert.equal(out, MINIMAL + 'optimizer:   # no type yet\n    type: sgd\n    lr: 0.03\n');
  assert.deepEqual(specOf(out).optimizer, { type: 'sgd', lr: 0.03 });
  const first = MINIMAL + 'optimizer:\n  beta1: 0.8\n  lr: 0.03\n';
  assert.equal(swapOptimizer(first, 'sgd'), MINIMAL + 'optimizer:\n  type: sgd\n  lr: 0.03\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer:   # c\n  beta1: 0.8\n', 'sgd'), MINIMAL + 'optimizer: sgd   # c\n');
});

// ─── every rule to every rule ─────────────────────────────────────────────────

/** A value for each key, unlike the defaults, and the spec field it fills. */
const PARAM_VALUES: Record<string, [value: string, field: string, parsed: number]> = {
  lr: ['0.05', 'lr', 0.05],
  momentum: ['0.5', 'momentum', 0.5],
  eps: ['1e-6', 'eps', 1e-6],
  decay: ['0.9', 'decay', 0.9],
  beta1: ['0.8', 'beta1', 0.8],
  beta2: ['0.95', 'beta2', 0.95],
  weight_decay: ['0.05', 'weightDecay', 0.05],
};

function expectedAfterSwap(from: OptimizerName, to: OptimizerName): Record<string, unknown> {
  const want: Record<string, unknown> = { ...OPTIMIZER_DEFAULTS[to] };
  for (const key of OPTIMIZER_PARAMS[from]) {
    if (OPTIMIZER_PARAMS[to].includes(key)) want[PARAM_VALUES[key][1]] = PARAM_VALUES[key][2];
  }
  return want;
}

test('every rule to every rule, flow and block, LF and CRLF: shared values kept, the rest dropped', () => {
  let count = 0;
  for (const from of OPTIMIZERS) {
    const keys = OPTIMIZER_PARAMS[from];
    const flow = `${MINIMAL}optimizer: { type: ${from}, ${keys.map((k) => `${k}: ${PARAM_VALUES[k][0]}`).join(', ')} }  # end\ntrain: { epochs: 1 }\n`;
    const block = `${MINIMAL}# the rule\noptimizer:   # on the key\n  type: ${from}   # on type\n${keys.map((k) => `  # about ${k}\n  ${k}: ${PARAM_VALUES[k][0]}   # on ${k}\n`).join('')}# after\ntrain: { epochs: 1 }\n`;
    for (const text of [flow, block, block.replace(/\n/g, '\r\n'), flow.replace(/\n/g, '\r\n')]) {
      assert.deepEqual(specOf(text).optimizer, expectedAfterSwap(from, from));
      for (const to of OPTIMIZERS) {
        const out = swapOptimizer(text, to);
        assert.deepEqual(specOf(out).optimizer, expectedAfterSwap(from, to), `${from} → ${to} in ${JSON.stringify(text)}`);
        if (text.includes('\r\n')) assert.doesNotMatch(out, /[^\r]\n/, 'CRLF kept');
        // The comments of kept lines survive; those at the end of dropped pairs go with them.
        for (const c of ['# the rule', '# on the key', '# on type', '# after', '# end']) assert.equal(out.includes(c), text.includes(c));
        for (const k of keys) {
          if (text.includes(`# on ${k}`)) assert.equal(out.includes(`# on ${k}`), OPTIMIZER_PARAMS[to].includes(k), `comment of ${k}, ${from} → ${to}`);
          if (text.includes(`# about ${k}`)) assert.ok(out.includes(`# about ${k}`), 'full-line comments stay');
        }
        // Only the optimizer changed: everything before it and after it is byte-identical.
        const d = changed(text, out);
        assert.ok(out === text || d.start >= text.indexOf('optimizer:') && d.end <= text.indexOf('train:'), `${from} → ${to} changed ${JSON.stringify(d)}`);
        count++;
      }
    }
  }
  assert.equal(count, 7 * 7 * 4);
});

test('OPTIMIZER_PARAMS are the keys the parser takes for each rule', () => {
  for (const rule of OPTIMIZERS) {
    for (const key of Object.keys(PARAM_VALUES)) {
      const r = parseModel(`${MINIMAL}optimizer: { type: ${rule}, ${key}: ${PARAM_VALUES[key][0]} }\n`);
      const unknown = r.diagnostics.some((d) => /Unknown key/.test(d.message));
      assert.equal(!unknown, OPTIMIZER_PARAMS[rule].includes(key), `${rule} ${key}`);
    }
  }
});

// ─── optimizer: odd forms and absent ──────────────────────────────────────────

test('odd forms are replaced whole by the bare name', () => {
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: [adam]   # a list?\n', 'sgd'), MINIMAL + 'optimizer: sgd   # a list?\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: |\n  adam\ntrain: { epochs: 1 }\n', 'sgd'), MINIMAL + 'optimizer: sgd\ntrain: { epochs: 1 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer:   # c\n  - adam\n  - sgd\n# kept\n', 'adam'), MINIMAL + 'optimizer: adam   # c\n# kept\n');
  const alias = 'x: &rule adam\n' + MINIMAL + 'optimizer: *rule\n';
  assert.equal(swapOptimizer(alias, 'sgd'), 'x: &rule adam\n' + MINIMAL + 'optimizer: sgd\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: { type: [adam], lr: 0.1 }\n', 'sgd'), MINIMAL + 'optimizer: { type: sgd, lr: 0.1 }\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer:\n  ? type\n  : adam\n  beta1: 0.8\n', 'sgd'), MINIMAL + 'optimizer: sgd\n');
  assert.equal(swapOptimizer(MINIMAL + 'optimizer: 3\n', 'adam'), MINIMAL + 'optimizer: adam\n');
});

test('no optimizer: one is appended to the top-level mapping', () => {
  const out = swapOptimizer(MINIMAL, 'adam');
  assert.equal(out, MINIMAL + 'optimizer: adam\n');
  assert.deepEqual(specOf(out).optimizer, OPTIMIZER_DEFAULTS.adam);
  // A line break first when the file has none at its end, and the file's own line ending.
  assert.equal(swapOptimizer(MINIMAL + 'loss: softmax  # last', 'sgd'), MINIMAL + 'loss: softmax  # last\noptimizer: sgd\n');
  const crlf = MINIMAL.replace(/\n/g, '\r\n');
  assert.equal(swapOptimizer(crlf, 'adam'), crlf + 'optimizer: adam\r\n');
  assert.equal(swapOptimizer(crlf.slice(0, -2), 'adam'), crlf + 'optimizer: adam\r\n');
  // Indented like the top-level keys; before a document end; inside a top-level flow mapping; empty file.
  assert.equal(swapOptimizer('  a: 1\n  b: 2\n', 'sgd'), '  a: 1\n  b: 2\n  optimizer: sgd\n');
  assert.equal(swapOptimizer('a: 1\n...\n', 'sgd'), 'a: 1\noptimizer: sgd\n...\n');
  assert.equal(swapOptimizer('{ a: 1 }\n', 'sgd'), '{ a: 1, optimizer: sgd }\n');
  assert.equal(swapOptimizer('{}\n', 'sgd'), '{ optimizer: sgd }\n');
  assert.equal(swapOptimizer('', 'sgd'), 'optimizer: sgd\n');
  assert.equal(swapOptimizer('# only a comment\n', 'sgd'), '# only a comment\noptimizer: sgd\n');
  assert.equal(swapOptimizer('\ufeffa: 1\n', 'sgd'), '\ufeffa: 1\noptimizer: sgd\n');
  // A per-layer key of the same name does not count.
  const nested = MINIMAL + 'train:\n  optimizer: adam\n';
  assert.equal(swapOptimizer(nested, 'sgd'), nested + 'optimizer: sgd\n');
});

test('files that are not a YAML mapping give undefined', () => {
  for (const text of [
    MINIMAL + 'optimizer: { type: adam\n', // unclosed flow map
    MINIMAL + 'optimizer: adam\noptimizer: sgd\n', // duplicate key
    'data: [1, 2\nlayers: 3\n',
    "optimizer: 'adam\n",
    'a: 1\n---\nb: 2\n', // two documents
    '- dense: 3\n- dense: 4\n', // a list
    'adam\n', // a scalar
  ]) {
    assert.equal(swapOptimizerEdits(text, 'sgd'), undefined, JSON.stringify(text));
    assert.equal(swapInitEdits(text, 'he'), undefined, JSON.stringify(text));
  }
  assert.equal(swapOptimizerEdits(MINIMAL, 'sgdd' as OptimizerName), undefined);
  assert.equal(swapInitEdits(MINIMAL, 'normal' as InitScheme), undefined);
});

// ─── init ─────────────────────────────────────────────────────────────────────

test('a scalar init: only the name changes, in its quotes', () => {
  const text = MINIMAL + 'init: xavier   # try: small, he\noptimizer: adam\n';
  const out = swapInit(text, 'he');
  assert.equal(out, MINIMAL + 'init: he   # try: small, he\noptimizer: adam\n');
  assert.deepEqual(specOf(out).init, { type: 'he' });
  assert.equal(swapInit(MINIMAL + 'init: "xavier"\n', 'small'), MINIMAL + 'init: "small"\n');
  assert.equal(swapInit(MINIMAL + "init: 'xavier'\n", 'zeros'), MINIMAL + "init: 'zeros'\n");
  assert.deepEqual(swapInitEdits(text, 'xavier'), []);
  assert.equal(swapInit(MINIMAL + 'init:\n', 'he'), MINIMAL + 'init: he\n');
});

test('a custom flow init is replaced whole; the comment on its line stays', () => {
  const text = MINIMAL + 'init: { type: normal, std: 0.05 }   # custom\noptimizer: adam\n';
  const out = swapInit(text, 'xavier');
  assert.equal(out, MINIMAL + 'init: xavier   # custom\noptimizer: adam\n');
  assert.deepEqual(specOf(out).init, { type: 'xavier' });
  const multi = MINIMAL + 'init: {\n  type: uniform,  # flat\n  std: 0.1\n}\n# after\n';
  assert.equal(swapInit(multi, 'he'), MINIMAL + 'init: he\n# after\n');
});

test('a custom block init is replaced whole; comments on the init line and after it stay', () => {
  const text = MINIMAL + 'init:        # custom\n  type: normal\n  # small weights\n  std: 0.05  # per cs231n\n\n# optimizer next\noptimizer: adam\n';
  const out = swapInit(text, 'small');
  assert.equal(out, MINIMAL + 'init: small        # custom\n\n# optimizer next\noptimizer: adam\n');
  assert.deepEqual(specOf(out).init, { type: 'small' });
  assert.equal(swapInit(MINIMAL + 'init:\n  type: normal\n  std: 0.05\n', 'he'), MINIMAL + 'init: he\n');
  const crlf = text.replace(/\n/g, '\r\n');
  assert.equal(swapInit(crlf, 'small'), out.replace(/\n/g, '\r\n'));
});

test('no init: one is appended; per-layer init overrides are left alone', () => {
  const text = 'data:\n  dataset: spiral\nlayers:\n  - dense: 10\n    init: xavier   # layer override\n  - dense: 3\n';
  const out = swapInit(text, 'small');
  assert.equal(out, text + 'init: small\n');
  const spec = specOf(out);
  assert.deepEqual(spec.init, { type: 'small' });
  assert.deepEqual((spec.layers[0] as { init?: unknown }).init, { type: 'xavier' });
  const withTop = text + 'init: he\n';
  assert.equal(swapInit(withTop, 'zeros'), text + 'init: zeros\n');
  assert.equal(swapInit(MINIMAL.replace(/\n/g, '\r\n') + 'loss: svm', 'he'), MINIMAL.replace(/\n/g, '\r\n') + 'loss: svm\r\ninit: he\r\n');
});

// ─── the examples ─────────────────────────────────────────────────────────────

/** The network and surface examples (a circuit file has no optimizer or init to swap; a surface no init). */
const examples = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.nn.yaml'))
  .filter((f) => !parseModel(readFileSync(path.join(root, 'examples', f), 'utf8')).circuit);

test('the examples swap to every optimizer and every init (a surface: every optimizer), changing only that line', () => {
  assert.ok(examples.length >= 2);
  assert.ok(examples.includes('spiral.nn.yaml') && examples.includes('surface.nn.yaml') && !examples.includes('circuit.nn.yaml'));
  for (const file of examples) {
    for (const crlf of [false, true]) {
      const lf = readFileSync(path.join(root, 'examples', file), 'utf8');
      const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
      const before = specOf(text);
      for (const name of OPTIMIZERS) {
        const out = swapOptimizer(text, name);
        const after = specOf(out);
        assert.equal(after.optimizer.type, name);
        assert.equal(after.optimizer.lr, before.optimizer.lr, `${file}: lr kept going to ${name}`);
        assert.deepEqual({ ...after, optimizer: undefined }, { ...before, optimizer: undefined });
        const [ls, le] = lineOf(text, 'optimizer');
        const d = changed(text, out);
        assert.equal(out === text, name === before.optimizer.type);
        assert.ok(out === text || d.start >= ls && d.end <= le, `${file} → ${name}: only the optimizer line changed (${JSON.stringify(d)})`);
        assert.equal(out.split(/\r?\n/).length, text.split(/\r?\n/).length);
      }
      for (const scheme of before.surface ? [] : INIT_SCHEMES) {
        const out = swapInit(text, scheme);
        const after = specOf(out);
        assert.deepEqual(after.init, { type: scheme });
        assert.deepEqual({ ...after, init: undefined }, { ...before, init: undefined });
        const [ls, le] = lineOf(text, 'init');
        const d = changed(text, out);
        assert.equal(out === text, scheme === before.init.type);
        assert.ok(out === text || d.start >= ls && d.end <= le, `${file} → ${scheme}: only the init line changed (${JSON.stringify(d)})`);
        if (text.includes('# try: small, he')) assert.ok(out.includes('# try: small, he'));
      }
    }
  }
});

test('never throws: every prefix of the examples either gives undefined or a file with the new value', () => {
  let edited = 0;
  for (const file of examples) {
    const full = readFileSync(path.join(root, 'examples', file), 'utf8');
    for (let n = 0; n <= full.length; n += 3) {
      const text = full.slice(0, n);
      for (const name of OPTIMIZERS) {
        const edits = swapOptimizerEdits(text, name);
        if (!edits) continue;
        assertWellFormed(text, edits);
        const doc = parseDocument(applyEdits(text, edits));
        assert.deepEqual(doc.errors, []);
        const value = doc.toJS().optimizer as unknown;
        assert.equal(typeof value === 'string' ? value : (value as { type: string }).type, name, JSON.stringify(text));
        edited++;
      }
      for (const scheme of INIT_SCHEMES) {
        const edits = swapInitEdits(text, scheme);
        if (!edits) continue;
        assertWellFormed(text, edits);
        const doc = parseDocument(applyEdits(text, edits));
        assert.deepEqual(doc.errors, []);
        assert.equal(doc.toJS().init, scheme);
      }
    }
  }
  assert.ok(edited > 100);
});

test('applyEdits applies sorted edits, whatever order they come in, and rejects overlaps', () => {
  assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: '' }, { start: 2, end: 2, text: '+' }]), 'b+cdEf');
  assert.equal(applyEdits('abc', []), 'abc');
  assert.throws(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }]), RangeError);
});
