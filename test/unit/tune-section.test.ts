import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offeredRanges, rangeText, tuneSectionEdit, tuneSectionText } from '../../src/editor/commands/tune-section';
import { applyEdits } from '../../src/model/edits';
import { parseModel } from '../../src/model/parse';
import type { TuneSpec } from '../../src/model/tune';

const FILE = '# spiral\ndata: { dataset: spiral, samples: 300, validation: 0.2 }\nlayers:\n  - dense: 100\n    activation: relu\n  - dropout: 0.5\n  - dense: 3\noptimizer: { type: momentum, lr: 0.01 }\ntrain: { epochs: 30, batch: 32 }  # short\n';

test('the ranges offered fit the model: momentum under a momentum rule, dropout with a dropout layer, hidden around the first hidden layer', () => {
  const spec = parseModel(FILE).spec!;
  const offered = offeredRanges(spec);
  assert.deepEqual(offered.map((o) => o.param), ['lr', 'l2', 'l1', 'batch', 'momentum', 'dropout', 'hidden', 'optimizer', 'init']);
  assert.deepEqual(offered.filter((o) => o.picked).map((o) => o.param), ['lr', 'l2']);
  assert.deepEqual(offered.find((o) => o.param === 'hidden')!.range, { kind: 'int', min: 50, max: 200 });
  assert.deepEqual(offered.find((o) => o.param === 'lr')!.range, { kind: 'log', min: 1e-4, max: 1e-1 });
  const plain = parseModel('data: { dataset: spiral }\nlayers:\n  - dense: 3\noptimizer: adam\n').spec!;
  assert.deepEqual(offeredRanges(plain).map((o) => o.param), ['lr', 'l2', 'l1', 'batch', 'optimizer', 'init']);
});

test('every range offered, written into the file, reads back as that range', () => {
  const spec = parseModel(FILE).spec!;
  const tune: TuneSpec = { trials: 12, epochs: 4, seeds: 3, ranges: Object.fromEntries(offeredRanges(spec).map((o) => [o.param, o.range])) };
  const edit = tuneSectionEdit(FILE, tune);
  assert.ok(edit, tuneSectionText(tune));
  const after = applyEdits(FILE, [edit]);
  assert.ok(after.startsWith(FILE), 'the file is kept as it was, the section appended');
  assert.deepEqual(parseModel(after).spec!.tune, tune);
  assert.match(after, /\ntune:\n {2}trials: 12\n {2}epochs: 4\n {2}seeds: 3\n {2}lr: \{ log: \[0\.0001, 0\.1\] \}\n/);
  assert.equal(rangeText({ kind: 'log', min: 1e-7, max: 1 }), '{ log: [1.0e-7, 1] }');
  assert.equal(rangeText({ kind: 'choice', values: ['sgd', 'adam'] }), '[sgd, adam]');
});

test('no section is written into a file that has one, does not parse, or lacks a last line break (one is added)', () => {
  const tune: TuneSpec = { trials: 5, epochs: 2, seeds: 1, ranges: { lr: { kind: 'log', min: 1e-3, max: 1e-1 } } };
  const once = applyEdits(FILE, [tuneSectionEdit(FILE, tune)!]);
  assert.equal(tuneSectionEdit(once, tune), undefined);
  assert.equal(tuneSectionEdit('layers: [', tune), undefined);
  const noBreak = FILE.slice(0, -1);
  const added = applyEdits(noBreak, [tuneSectionEdit(noBreak, tune)!]);
  assert.deepEqual(parseModel(added).spec!.tune, tune);
  assert.ok(!added.includes('seeds'), 'one seed is the default: not written');
});
