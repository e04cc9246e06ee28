import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer, buildNetwork } from '../../src/engine/trainer';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/** cs231n's sanity checks before training (neural-networks-3 notes), as tests. */

const SMALL: ModelSpec = { ...SPIRAL, init: { type: 'small' }, train: { ...SPIRAL.train, l2: 0 } };

test('initial softmax loss ≈ ln(C) with small init', () => {
  for (const classes of [3, 5]) {
    const spec: ModelSpec = { ...SMALL, data: { ...SMALL.data, classes, samples: 100 * classes }, layers: [SMALL.layers[0], { kind: 'dense', units: classes, activation: { type: 'linear' } }] };
    const e = new Trainer(spec).evaluate(new Trainer(spec).trainSet);
    assert.ok(Math.abs(e.loss - Math.log(classes)) < 0.01, `C=${classes}: ${e.loss} vs ${Math.log(classes)}`);
  }
});

test('initial SVM loss ≈ C − 1 with small init', () => {
  const spec: ModelSpec = { ...SMALL, loss: 'svm' };
  const t = new Trainer(spec);
  const e = t.evaluate(t.trainSet);
  assert.ok(Math.abs(e.loss - 2) < 0.01, `${e.loss}`);
});

test('adding L2 raises the loss', () => {
  const without = new Trainer({ ...SPIRAL, train: { ...SPIRAL.train, l2: 0 } });
  const withReg = new Trainer({ ...SPIRAL, train: { ...SPIRAL.train, l2: 0.1 } });
  const a = without.evaluate(without.trainSet).loss;
  const b = withReg.evaluate(withReg.trainSet).loss;
  assert.ok(b > a, `${b} > ${a}`);
  assert.ok(Math.abs(b - a - withReg.network.regLoss({ l2: 0.1, l1: 0 })) < 1e-6, 'by exactly ½·l2·‖W‖²');
});

test('a small network drives the loss on 20 examples to near zero', () => {
  // Random labels on random points: nothing to generalise, so only memorising brings the loss down.
  // (Not the spiral: its arms all start at the origin, one point with three labels.)
  const spec: ModelSpec = {
    ...SPIRAL,
    data: { dataset: 'gaussian', samples: 20, features: 10, classes: 3, noise: 0, validation: 0 },
    layers: [{ kind: 'dense', units: 50, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }],
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 400, batch: 'full', l2: 0, l1: 0, seed: 3 },
  };
  const t = new Trainer(spec);
  assert.equal(t.trainSet.n, 20);
  while (!t.done) t.trainStep();
  const e = t.evaluate(t.trainSet);
  assert.ok(e.loss < 0.01, `loss ${e.loss}`);
  assert.equal(e.accuracy, 1);
});

test('same seed, same losses, with dropout and batchnorm too', () => {
  const spec: ModelSpec = {
    ...SPIRAL,
    layers: [
      { kind: 'dense', units: 64, activation: { type: 'relu' } }, { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'dropout', p: 0.3 }, { kind: 'dense', units: 3, activation: { type: 'linear' } },
    ],
    train: { ...SPIRAL.train, epochs: 5 },
  };
  const run = (): number[] => {
    const t = new Trainer(spec);
    const l: number[] = [];
    while (!t.done) l.push(t.trainStep().loss);
    return l;
  };
  assert.deepEqual(run(), run());
});

test('swapping the optimizer keeps the weights and starts the new rule fresh', () => {
  const t = new Trainer(SPIRAL);
  for (let i = 0; i < 10; i++) t.trainStep();
  const before = t.network.params.map((p) => Float32Array.from(p.value));
  t.setOptimizer({ type: 'sgd', lr: 0 });
  assert.deepEqual(t.network.params.map((p) => Float32Array.from(p.value)), before, 'the swap itself changes nothing');
  t.trainStep();
  assert.deepEqual(t.network.params.map((p) => Float32Array.from(p.value)), before, 'lr 0 sgd leaves the weights');
  t.setOptimizer({ type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  t.trainStep();
  // A fresh Adam's first step moves every weight with a nonzero gradient by ≈ lr.
  const w = t.network.params[2];
  let moved = 0;
  for (let i = 0; i < w.value.length; i++) if (w.grad[i] !== 0) moved = Math.max(moved, Math.abs(w.value[i] - before[2][i]));
  assert.ok(Math.abs(moved - 0.01) < 1e-4, `largest first step ${moved}`);
  assert.equal(t.optimizer.type, 'adam');
});

test('the learning rate follows the schedule by epoch', () => {
  const t = new Trainer({ ...SPIRAL, optimizer: { type: 'sgd', lr: 0.1 }, train: { ...SPIRAL.train, schedule: { type: 'step', every: 2, gamma: 0.5 } } });
  const lrs: number[] = [];
  while (t.epoch < 5) { const r = t.trainStep(); if (r.epochEnded) lrs.push(r.lr); }
  assert.deepEqual(lrs, [0.1, 0.1, 0.05, 0.05, 0.025]);
});

test('a network in float64 and float32 compute the same function', () => {
  const a = buildNetwork(SPIRAL, [2], 'float32');
  const b = buildNetwork(SPIRAL, [2], 'float64');
  const x = new Float32Array([0.3, -0.2, 0.9, 0.1]);
  const sa = Array.from(a.forward(x, 2, false).subarray(0, 6));
  const sb = Array.from(b.forward(Float64Array.from(x), 2, false).subarray(0, 6));
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(sa[i] - sb[i]) < 1e-5);
});
