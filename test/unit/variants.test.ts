import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOf, compareVariants } from '../../src/model/variants';
import { Trainer } from '../../src/engine/trainer';
import { SPIRAL } from './fixtures';
import type { ModelSpec } from '../../src/model/spec';

const SPEC: ModelSpec = { ...SPIRAL, compare: { optimizer: ['sgd', 'momentum', 'adam'] } };

test('compare: one variant per value, only that dimension changed, compare: itself dropped', () => {
  const { dimension, values } = compareOf(SPEC.compare!)!;
  const vs = compareVariants(SPEC, dimension, values);
  assert.deepEqual(vs.map((v) => v.label), ['sgd', 'momentum', 'adam']);
  for (const v of vs) {
    assert.equal(v.spec.compare, undefined);
    assert.equal(v.spec.optimizer.lr, SPIRAL.optimizer.lr, 'the file\'s learning rate');
    assert.deepEqual({ ...v.spec, optimizer: SPIRAL.optimizer }, { ...SPIRAL });
  }
  assert.equal(vs[1].spec.optimizer.type === 'momentum' && vs[1].spec.optimizer.momentum, 0.9);
  assert.deepEqual(compareVariants(SPIRAL, 'lr', [0.1, 0.01]).map((v) => [v.label, v.spec.optimizer.lr]), [['lr 0.1', 0.1], ['lr 0.01', 0.01]]);
  assert.deepEqual(compareVariants(SPIRAL, 'loss', ['svm']).map((v) => v.spec.loss), ['svm']);
  const tanh = compareVariants(SPIRAL, 'activation', ['tanh'])[0].spec;
  assert.deepEqual(tanh.layers.map((l) => ('activation' in l ? l.activation.type : null)), SPIRAL.layers.map((l) => ('activation' in l ? (l.activation.type === 'linear' ? 'linear' : 'tanh') : null)));
  const withOwnInit: ModelSpec = { ...SPIRAL, layers: [{ ...SPIRAL.layers[0], init: { type: 'zeros' } } as ModelSpec['layers'][number], ...SPIRAL.layers.slice(1)] };
  const xavier = compareVariants(withOwnInit, 'init', ['xavier'])[0].spec;
  assert.deepEqual(xavier.init, { type: 'xavier' });
  assert.ok(xavier.layers.every((l) => !('init' in l) || l.init === undefined), 'layer overrides dropped');
});

test('every variant that keeps the shapes and the init starts from identical weights and the same batches', () => {
  for (const [dimension, values] of [['optimizer', ['sgd', 'adam', 'rmsprop']], ['lr', [1, 0.001]], ['activation', ['tanh', 'relu', 'elu']], ['loss', ['softmax', 'svm']]] as const) {
    const trainers = compareVariants(SPIRAL, dimension, values).map((v) => new Trainer(v.spec));
    const first = trainers[0];
    for (const t of trainers.slice(1)) {
      t.network.params.forEach((p, i) => assert.deepEqual(p.value, first.network.params[i].value, `${dimension}: ${p.name} at step 0`));
      assert.deepEqual(t.trainSet.y, first.trainSet.y, `${dimension}: same training set`);
      assert.deepEqual(t['order'], first['order'], `${dimension}: same batch order`);
    }
  }
});
