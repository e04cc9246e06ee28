import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamUpdate, createOptimizer, sgdUpdate } from '../../src/engine/optim';
import type { Param } from '../../src/engine/tensor';
import { OPTIMIZER_DEFAULTS } from '../../src/model/spec';

test('sgd: w ← w − lr·dw', () => {
  const w = new Float64Array([1, -2, 3]);
  sgdUpdate(w, new Float64Array([0.5, 0.25, -1]), 0.1);
  assert.deepEqual([...w], [1 - 0.05, -2 - 0.025, 3 + 0.1]);
});

test('adam follows its formula step by step, bias correction included', () => {
  const c = OPTIMIZER_DEFAULTS.adam;
  const lr = 0.01;
  const grads = [0.3, -0.1, 0.7, 0.05];
  // The formula, one scalar at a time, written independently of the engine.
  let w = 0.5, m = 0, v = 0;
  const wArr = new Float64Array([0.5]);
  const mArr = new Float64Array(1);
  const vArr = new Float64Array(1);
  grads.forEach((g, i) => {
    const t = i + 1;
    m = c.beta1 * m + (1 - c.beta1) * g;
    v = c.beta2 * v + (1 - c.beta2) * g * g;
    const mHat = m / (1 - c.beta1 ** t);
    const vHat = v / (1 - c.beta2 ** t);
    w = w - (lr * mHat) / (Math.sqrt(vHat) + c.eps);
    adamUpdate(wArr, new Float64Array([g]), mArr, vArr, lr, t, c);
    assert.ok(Math.abs(wArr[0] - w) < 1e-15, `step ${t}: ${wArr[0]} vs ${w}`);
  });
  // The first step of Adam moves every weight by almost exactly lr, whatever the gradient's size.
  const w2 = new Float64Array([0, 0]);
  adamUpdate(w2, new Float64Array([1e-3, 50]), new Float64Array(2), new Float64Array(2), lr, 1, c);
  assert.ok(Math.abs(w2[0] + lr) < 1e-7 && Math.abs(w2[1] + lr) < 1e-9);
});

test('a fresh adam optimizer starts with fresh moments and t = 1', () => {
  const p: Param = { name: 'w', value: new Float64Array([0]), grad: new Float64Array([2]), regularize: true };
  const a = createOptimizer({ ...OPTIMIZER_DEFAULTS.adam, lr: 0.1 });
  a.update([p], 0.1);
  a.update([p], 0.1);
  const afterTwo = p.value[0];
  const q: Param = { name: 'w', value: new Float64Array([afterTwo]), grad: new Float64Array([2]), regularize: true };
  createOptimizer({ ...OPTIMIZER_DEFAULTS.adam, lr: 0.1 }).update([q], 0.1);
  assert.ok(Math.abs(q.value[0] - (afterTwo - 0.1)) < 1e-7, 'first step of a new rule moves by lr');
});

test('cs231n defaults', () => {
  assert.deepEqual(OPTIMIZER_DEFAULTS.sgd, { type: 'sgd', lr: 1e-2 });
  assert.deepEqual(OPTIMIZER_DEFAULTS.adam, { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
});
