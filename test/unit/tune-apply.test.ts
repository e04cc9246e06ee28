import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTrialEdits, canonical, minimalEdits, yamlNumber } from '../../src/editor/commands/tune-apply';
import { hiddenDenseLayers } from '../../src/model/tune-parse';
import { applyTrial } from '../../src/training/tune-sample';
import type { TrialParams } from '../../src/model/tune';
import { applyEdits } from '../../src/model/edits';
import { parseModel } from '../../src/model/parse';
import type { ModelSpec } from '../../src/model/spec';

const SPIRAL = `# the spiral
data: { dataset: spiral, samples: 300 }
layers:
  - dense: 100     # hidden
    activation: relu
  - dropout: 0.5
  - dense: 50
    activation: relu
  - dense: 3       # output
loss: softmax
init: he           # for ReLU
optimizer: { type: adam, lr: 0.01 }
train:
  epochs: 300
  batch: 32
  l2: 0.001        # on the weights
  seed: 1
`;

const specOf = (text: string): ModelSpec => {
  const s = parseModel(text).spec;
  assert.ok(s, `parses:\n${text}`);
  return s;
};

test('every value of a trial lands where the file keeps it, as one set of edits; comments and the rest stay', () => {
  const r = applyTrialEdits(SPIRAL, { lr: 0.00234, l2: 3.1e-5, batch: 64, dropout: 0.25, hidden: 80, init: 'xavier', optimizer: 'rmsprop' });
  assert.ok(r);
  assert.equal(applyEdits(SPIRAL, r.edits), r.text);
  const before = specOf(SPIRAL);
  const after = specOf(r.text);
  assert.equal(after.optimizer.type, 'rmsprop');
  assert.equal(after.optimizer.lr, 0.00234);
  assert.equal(after.train.l2, 3.1e-5);
  assert.equal(after.train.batch, 64);
  assert.deepEqual(after.init, { type: 'xavier' });
  assert.deepEqual(after.layers.map((l) => (l.kind === 'dense' ? l.units : l.kind === 'dropout' ? l.p : l.kind)), [80, 0.25, 80, 3]);
  // Nothing else changed.
  assert.deepEqual({ ...after, optimizer: before.optimizer, train: { ...after.train, l2: 0.001, batch: 32 }, init: before.init, layers: before.layers }, before);
  // Every comment is still there, and the lines not touched are byte-identical.
  for (const c of ['# the spiral', '# hidden', '# output', '# for ReLU', '# on the weights']) assert.ok(r.text.includes(c), c);
  assert.match(r.text, /\n {2}l2: 0\.000031 {8}# on the weights\n/);
  assert.deepEqual(r.applied.sort(), ['batch', 'dropout', 'hidden', 'init', 'l2', 'lr', 'optimizer']);
  assert.deepEqual(r.skipped, []);
  // The edits are minimal: sorted, apart, and each one small.
  for (let i = 1; i < r.edits.length; i++) assert.ok(r.edits[i].start > r.edits[i - 1].end);
  assert.ok(r.edits.every((e) => e.end - e.start <= 'adam, lr: 0.01'.length), JSON.stringify(r.edits));
});

test('values are written exactly: the file reads back the very doubles the trial used', () => {
  const lr = 0.0012345678901234567;
  const l2 = 7.3e-7;
  const r = applyTrialEdits(SPIRAL, { lr, l2 })!;
  assert.equal(specOf(r.text).optimizer.lr, lr);
  assert.equal(specOf(r.text).train.l2, l2);
  assert.equal(yamlNumber(1e-7), '1.0e-7');
  assert.equal(yamlNumber(1e-5), '0.00001');
  assert.equal(yamlNumber(2.5e-7), '2.5e-7');
  assert.equal(yamlNumber(0.001), '0.001');
  assert.equal(yamlNumber(64), '64');
});

test('a file without train: or optimizer: gets them; a bare optimizer name is written out with its lr', () => {
  const bare = 'data: { dataset: spiral }\nlayers:\n  - dense: 10\n    activation: relu\n  - dense: 3\noptimizer: adam  # default lr\n';
  const r = applyTrialEdits(bare, { lr: 0.003, l1: 1.0e-4 })!;
  assert.ok(r.text.includes('optimizer: { type: adam, lr: 0.003 }  # default lr'));
  assert.ok(r.text.includes('train: { l1: 0.0001 }'));
  assert.equal(specOf(r.text).train.l1, 1e-4);
  const none = 'data: { dataset: spiral }\nlayers:\n  - dense: 10\n    activation: relu\n  - dense: 3\n';
  const s = applyTrialEdits(none, { lr: 0.5 })!;
  assert.equal(specOf(s.text).optimizer.lr, 0.5);
  assert.equal(specOf(s.text).optimizer.type, specOf(none).optimizer.type);
});

test('a swapped rule trains as the trial did: the rule\'s defaults and the trial\'s lr and momentum, written out', () => {
  // No lr drawn: the new rule's default lr, as the search trained it.
  const r = applyTrialEdits(SPIRAL, { optimizer: 'sgd' })!;
  assert.deepEqual(specOf(r.text).optimizer, { type: 'sgd', lr: 0.01 });
  assert.deepEqual(r.applied, ['optimizer']);
  const m = applyTrialEdits(SPIRAL, { optimizer: 'momentum', momentum: 0.95, lr: 0.02 })!;
  assert.deepEqual(specOf(m.text).optimizer, { type: 'momentum', lr: 0.02, momentum: 0.95 });
  // Adam to rmsprop: eps is shared and the file's stays only if it is the default; decay is rmsprop's default.
  const withEps = SPIRAL.replace('{ type: adam, lr: 0.01 }', '{ type: adam, lr: 0.01, eps: 1.0e-6 }');
  const e = applyTrialEdits(withEps, { optimizer: 'rmsprop', lr: 0.001 })!;
  assert.deepEqual(specOf(e.text).optimizer, applyTrial(specOf(withEps), { optimizer: 'rmsprop', lr: 0.001 }).optimizer);
  // Momentum under adam has no place: skipped and named, the rest written.
  const a = applyTrialEdits(SPIRAL, { momentum: 0.9, lr: 0.02 })!;
  assert.deepEqual(a.skipped, ['momentum']);
  assert.equal(specOf(a.text).optimizer.lr, 0.02);
});

test('the edited file gives exactly the model the trial trained (the search\'s applyTrial), over many trials', () => {
  const choices: TrialParams[] = [];
  for (let k = 0; k < 40; k++) {
    const u = (i: number): number => ((k * 7919 + i * 104729) % 1000) / 1000;
    const p: TrialParams = { lr: Number((1e-4 * Math.pow(1000, u(1))).toPrecision(6)), l2: 1e-5 * Math.pow(1e4, u(2)) };
    if (k % 2) p.optimizer = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'][k % 7];
    if (k % 3 === 0) p.momentum = 0.5 + u(3) * 0.49;
    if (k % 4 === 0) p.batch = [16, 32, 64][k % 3];
    if (k % 5 === 0) p.dropout = u(4) * 0.7;
    if (k % 6 === 0) p.hidden = 10 + k;
    if (k % 7 === 0) p.init = ['xavier', 'he', 'small'][k % 3];
    choices.push(p);
  }
  for (const p of choices) {
    const r = applyTrialEdits(SPIRAL, p);
    assert.ok(r, JSON.stringify(p));
    assert.equal(canonical(specOf(r.text)), canonical(applyTrial(specOf(SPIRAL), p)), JSON.stringify(p));
    for (const c of ['# the spiral', '# hidden', '# output', '# on the weights']) assert.ok(r.text.includes(c), c);
  }
});

test('hidden sets every dense layer but the output; dropout without a dropout layer is skipped', () => {
  assert.deepEqual(hiddenDenseLayers(specOf(SPIRAL).layers), [0, 2]);
  const small = 'data: { dataset: spiral }\nlayers:\n  - dense: 10\n    activation: relu\n  - dense: 3\n';
  const r = applyTrialEdits(small, { hidden: 64, dropout: 0.3 })!;
  assert.deepEqual(specOf(r.text).layers.map((l) => (l.kind === 'dense' ? l.units : -1)), [64, 3]);
  assert.deepEqual(r.skipped, ['dropout']);
});

test('a file that does not parse, or a value the file cannot hold, gives no edits', () => {
  assert.equal(applyTrialEdits('layers: [', { lr: 0.1 }), undefined);
  assert.equal(applyTrialEdits(SPIRAL.replace('train:\n', 'train: 5\nx:\n'), { l2: 0.1 }), undefined);
  // A value the parser refuses (dropout p must be below 1) fails its check.
  assert.equal(applyTrialEdits(SPIRAL, { dropout: 1.5 }), undefined);
  // Nothing to do: no edits.
  assert.deepEqual(applyTrialEdits(SPIRAL, {})!.edits, []);
});

test('minimalEdits turns one text into the other with edits only where they differ', () => {
  const cases: Array<[string, string]> = [
    ['a\nb\nc\n', 'a\nB\nc\n'],
    ['a\nb\nc', 'a\nb\nc\nd\n'],
    ['one two\nthree\n', 'one three\n'],
    ['', 'x\n'],
    ['x\ny\n', ''],
    ['k: 1\nm: 2\nn: 3\n', 'k: 10\nm: 2\nn: 30\n'],
  ];
  for (const [a, b] of cases) {
    const edits = minimalEdits(a, b);
    assert.equal(applyEdits(a, edits), b, JSON.stringify([a, b]));
  }
  assert.deepEqual(minimalEdits('k: 1\nm: 2\nn: 3\n', 'k: 10\nm: 2\nn: 30\n'), [{ start: 4, end: 4, text: '0' }, { start: 14, end: 14, text: '0' }]);
});
