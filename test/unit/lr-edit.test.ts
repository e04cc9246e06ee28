import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateEdits } from '../../src/editor/commands/lr-edit';
import { applyEdits } from '../../src/model/edits';
import { parseModel } from '../../src/model/parse';
import { lowerLearningRate } from '../../src/engine/divergence';

const HEAD = 'data: { dataset: spiral, samples: 300 }\nlayers:\n  - dense: 10\n    activation: relu\n  - dense: 3\n';

function edited(text: string, lr: number): string | undefined {
  const spec = parseModel(text).spec!;
  const edits = learningRateEdits(text, lr, spec.optimizer.type);
  return edits && applyEdits(text, edits);
}

test('the learning rate is set in every form optimizer: takes, and nothing else changes (comments kept)', () => {
  const cases: Array<[string, string]> = [
    [`${HEAD}optimizer: { type: sgd, lr: 100 }  # too hot\n`, `${HEAD}optimizer: { type: sgd, lr: 10 }  # too hot\n`],
    [`${HEAD}optimizer: { type: momentum, momentum: 0.9 }\n`, `${HEAD}optimizer: { type: momentum, momentum: 0.9, lr: 10 }\n`],
    [`${HEAD}optimizer:\n  type: adam  # the default\n  lr: 100\n  beta1: 0.9\n`, `${HEAD}optimizer:\n  type: adam  # the default\n  lr: 10\n  beta1: 0.9\n`],
    [`${HEAD}optimizer:\n  type: rmsprop\n  eps: 1e-8\n`, `${HEAD}optimizer:\n  type: rmsprop\n  eps: 1e-8\n  lr: 10\n`],
    [`${HEAD}optimizer: adagrad # per weight\n`, `${HEAD}optimizer: { type: adagrad, lr: 10 } # per weight\n`],
    [`${HEAD}optimizer: "nesterov"\n`, `${HEAD}optimizer: { type: nesterov, lr: 10 }\n`],
  ];
  for (const [before, after] of cases) {
    assert.equal(edited(before, 10), after, before);
    const a = parseModel(before).spec!;
    const b = parseModel(after).spec!;
    assert.equal(b.optimizer.lr, 10);
    assert.deepEqual({ ...b, optimizer: { ...b.optimizer, lr: a.optimizer.lr } }, a);
  }
  // No optimizer: one is written, with the rule the file trains with (the default).
  const none = edited(HEAD, 0.0001)!;
  const spec = parseModel(HEAD).spec!;
  assert.match(none, new RegExp(`\\noptimizer: \\{ type: ${spec.optimizer.type}, lr: 0\\.0001 \\}\\n?$`));
  assert.equal(parseModel(none).spec!.optimizer.lr, 0.0001);
});

test('a file that cannot be edited safely, or a learning rate that is not one, gives no edit', () => {
  assert.equal(learningRateEdits(`${HEAD}optimizer: [sgd]\n`, 1, 'sgd'), undefined, 'a file with errors');
  assert.equal(learningRateEdits(`${HEAD}optimizer: { type: sgd, lr: 100 }\n`, 0, 'sgd'), undefined);
  assert.equal(learningRateEdits(`${HEAD}optimizer: { type: sgd, lr: 100 }\n`, NaN, 'sgd'), undefined);
  assert.equal(learningRateEdits('layers: [', 1, 'sgd'), undefined);
});

test('a tenth of a learning rate is written without float noise', () => {
  assert.equal(lowerLearningRate(100), 10);
  assert.equal(lowerLearningRate(0.1), 0.01);
  assert.equal(lowerLearningRate(0.003), 0.0003);
  assert.equal(lowerLearningRate(7e-5), 7e-6);
});
