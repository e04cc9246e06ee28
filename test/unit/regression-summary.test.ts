import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPartialModel, summarize } from '../../src/model/summary';
import { parseModel } from '../../src/model/parse';

const SINE = 'data: { dataset: sine, samples: 200, noise: 0.1 }\nlayers:\n  - dense: 8\n    activation: tanh\n  - dense: 1\nloss: mse\n';

test('the summary a hover reads knows a regression model\'s targets: sine and ripple 1, a csv its target: columns', () => {
  const sine = readPartialModel(SINE).summary;
  assert.deepEqual([sine.data.input, sine.data.targets, sine.data.classes, sine.output], [[1], 1, undefined, [1]]);
  assert.equal(readPartialModel(SINE.replace('sine', 'ripple')).summary.data.targets, 1);
  assert.deepEqual(readPartialModel(SINE.replace('sine', 'ripple')).summary.data.input, [2]);
  const csv = 'data:\n  csv: houses.csv\n  target: [price, rent]\nlayers:\n  - dense: 2\nloss: mse\n';
  assert.equal(readPartialModel(csv).summary.data.targets, 2);
  assert.equal(readPartialModel(csv.replace('[price, rent]', 'price')).summary.data.targets, 1);
  // Classes stay classes.
  const spiral = readPartialModel('data: { dataset: spiral, classes: 3 }\nlayers:\n  - dense: 3\n').summary.data;
  assert.deepEqual([spiral.targets, spiral.classes], [undefined, 3]);
  // The parsed spec says the same.
  const { spec } = parseModel(SINE);
  assert.equal(summarize(spec!).data.targets, 1);
});
