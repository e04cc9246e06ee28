import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer } from '../../src/engine/trainer';
import { BatchNormLayer } from '../../src/engine/layers/batchnorm';
import { createOptimizer, type Optimizer } from '../../src/engine/optim';
import { makeParam, maxAbs } from '../../src/engine/tensor';
import { OPTIMIZER_DEFAULTS, type ModelSpec, type OptimizerSpec } from '../../src/model/spec';
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

for (const [name, optimizer, l2, where] of [
  // lr·l2 = 100 multiplies the weights by −99 each step, until the scores overflow float32.
  ['sgd, lr 100, l2 1', { type: 'sgd', lr: 100 }, 1, 'forward'],
  ['momentum, lr 100, l2 1', { type: 'momentum', lr: 100, momentum: 0.9 }, 1, 'forward'],
  ['adam, lr 1e36', { type: 'adam', lr: 1e36, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 0, 'forward'],
  // Updates that would themselves overflow float32 (the gradients are finite): declined.
  ['sgd, lr 3e38, l2 1', { type: 'sgd', lr: 3e38 }, 1, 'update'],
  ['rmsprop, lr 1e38', { type: 'rmsprop', lr: 1e38, decay: 0.99, eps: 1e-8 }, 0, 'update'],
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
    assert.equal(d.where, where);
    if (where === 'forward') assert.ok(d.step >= 1, `diverged at step ${d.step}, after some updates`);
    else assert.match(d.at ?? '', /^layers\[\d\]\.W$/);
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

test('the optimizer\'s bounds on its weights and state are upper bounds through training, for every rule', () => {
  for (const o of Object.values(OPTIMIZER_DEFAULTS)) {
    const t = new Trainer(spec({ ...o, lr: o.lr * 10 } as OptimizerSpec, 0.001));
    for (let s = 0; s < 150; s++) {
      assert.equal(t.trainStep().divergence, undefined, `${o.type} step ${s}`);
      const opt = (t as unknown as { optimizerRule: Optimizer & { bounds: Float64Array } }).optimizerRule;
      t.network.params.forEach((p, i) => {
        assert.ok(opt.bounds[i * 3] >= maxAbs(p.value), `${o.type} step ${s}: bound on ${p.name}`);
        opt.state[i].forEach((a, k) => assert.ok(opt.bounds[i * 3 + 1 + k] >= maxAbs(a), `${o.type} step ${s}: bound on ${p.name}.${opt.stateNames[k]}`));
      });
    }
  }
});

test('an update that would overflow is declined directly too: weights, state and step count unchanged', () => {
  const opt = createOptimizer({ type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const p = makeParam(0, 'W', 5, 'float32');
  p.value.set([1, -2, 3, -4, 5]);
  p.grad.set([0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.equal(opt.update([p], 1e-3), undefined);
  const w = Float32Array.from(p.value);
  const m = Float32Array.from(opt.state[0][0]);
  const v = Float32Array.from(opt.state[0][1]);
  // dw² overflows float32: v would become infinite.
  p.grad.set([1, 1, 2e19, 1, 1]);
  assert.equal(opt.update([p], 1e-3), 'layers[0].W');
  assert.equal(opt.steps, 1);
  assert.deepEqual([p.value, opt.state[0][0], opt.state[0][1]], [w, m, v]);
  // A finite update after it goes on from there.
  p.grad.set([1, 1, 1, 1, 1]);
  assert.equal(opt.update([p], 1e-3), undefined);
  assert.equal(opt.steps, 2);
});
