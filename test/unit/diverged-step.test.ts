import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer } from '../../src/engine/trainer';
import { BatchNormLayer } from '../../src/engine/layers/batchnorm';
import type { Optimizer } from '../../src/engine/optim';
import type { ModelSpec, OptimizerSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/** A batchnorm MLP with dropout on the spiral, in batches of 32 (the last of an epoch shorter). */
function spec(optimizer: OptimizerSpec, l2: number): ModelSpec {
  return {
    ...SPIRAL,
    layers: [
      { kind: 'dense', units: 50, activation: { type: 'linear' } },
      { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'activation', activation: { type: 'relu' } },
      { kind: 'dropout', p: 0.3 },
      { kind: 'dense', units: 3, activation: { type: 'linear' } },
    ],
    optimizer,
    train: { ...SPIRAL.train, epochs: 1000, l2 },
  };
}

interface Kept { values: Map<string, Float32Array>; step: number; epoch: number; cursor: number; optimizerSteps: number }

/** Every value a step may touch: weights, batchnorm running statistics, optimizer state, counters. */
function kept(t: Trainer): Kept {
  const values = new Map<string, Float32Array>();
  for (const p of t.network.params) values.set(p.name, Float32Array.from(p.value));
  t.network.layers.forEach((l, i) => {
    if (!(l instanceof BatchNormLayer)) return;
    values.set(`${i}.running_mean`, Float32Array.from(l.runningMean));
    values.set(`${i}.running_var`, Float32Array.from(l.runningVar));
  });
  const opt = (t as unknown as { optimizerRule: Optimizer }).optimizerRule;
  opt.state.forEach((arrays, i) => arrays.forEach((a, k) => values.set(`${t.network.params[i].name}.${opt.stateNames[k]}`, Float32Array.from(a))));
  return { values, step: t.step, epoch: t.epoch, cursor: (t as unknown as { cursor: number }).cursor, optimizerSteps: opt.steps };
}

for (const [name, optimizer, l2] of [
  // lr·l2 = 100 multiplies the weights by −99 each step, until the scores overflow float32.
  ['sgd, lr 100, l2 1', { type: 'sgd', lr: 100 }, 1],
  ['momentum, lr 100, l2 1', { type: 'momentum', lr: 100, momentum: 0.9 }, 1],
  ['adam, lr 1e36', { type: 'adam', lr: 1e36, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 0],
] as const) {
  test(`a diverged step changes nothing (${name}): weights, batchnorm statistics, optimizer state and counters are bit-equal to before it, and finite`, () => {
    const t = new Trainer(spec(optimizer, l2));
    let before = kept(t);
    let r = t.trainStep();
    while (!r.divergence && !t.done) {
      before = kept(t);
      r = t.trainStep();
    }
    const d = r.divergence;
    assert.ok(d, 'the run diverges');
    assert.ok(d.step >= 1, `diverged at step ${d.step}, after some updates`);
    const after = kept(t);
    assert.equal(after.step, d.step);
    assert.deepEqual([after.step, after.epoch, after.cursor, after.optimizerSteps], [before.step, before.epoch, before.cursor, before.optimizerSteps]);
    const opt = (t as unknown as { optimizerRule: Optimizer }).optimizerRule;
    assert.equal(after.values.size, t.network.params.length * (1 + opt.stateNames.length) + 2, 'optimizer state and running statistics are compared too');
    for (const [key, v] of before.values) {
      assert.ok(v.every(Number.isFinite), `${key} is finite`);
      assert.deepEqual(after.values.get(key), v, `${key} is as it was before step ${d.step}`);
    }
    // The step can be taken again and diverges the same way: dropout drew the same masks.
    const again = t.trainStep();
    assert.deepEqual(again.divergence, d);
    assert.ok(Object.is(again.loss, r.loss), `loss ${again.loss} again, ${r.loss} the first time`);
  });
}

test('a finite step commits the batchnorm statistics it staged; an evaluation between the pass and the commit leaves them staged', () => {
  const t = new Trainer(spec({ type: 'sgd', lr: 0.1 }, 0));
  const bn = t.network.layers.find((l): l is BatchNormLayer => l instanceof BatchNormLayer)!;
  const mean0 = Float32Array.from(bn.runningMean);
  t.trainStep();
  assert.notDeepEqual(bn.runningMean, mean0, 'the step moved the running mean');
  // A training pass alone changes nothing that is kept until the step ends.
  const net = t.network;
  const mean1 = Float32Array.from(bn.runningMean);
  const x = Float32Array.from(t.trainSet.x.subarray(0, 64));
  const y = Int32Array.from(t.trainSet.y.subarray(0, 32));
  net.loss(x, y, 0, 32, t.reg, true);
  assert.deepEqual(bn.runningMean, mean1);
  net.forward(x, 32, false);
  net.endStep(true);
  assert.notDeepEqual(bn.runningMean, mean1, 'committed after an eval pass in between');
  const mean2 = Float32Array.from(bn.runningMean);
  net.loss(x, y, 0, 32, t.reg, true);
  net.endStep(false);
  net.endStep(true);
  assert.deepEqual(bn.runningMean, mean2, 'a dropped step stays dropped');
});
