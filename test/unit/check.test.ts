import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheckModel } from '../../src/engine/check';
import { DenseLayer } from '../../src/engine/layers/dense';
import { SPIRAL } from './fixtures';

test('the model gradient check passes a correct model and catches a backward pass 1% off', () => {
  const good = gradcheckModel(SPIRAL);
  assert.ok(good.maxRelError < 1e-7, String(good.maxRelError));
  assert.deepEqual(good.params.map((p) => p.verdict), ['good', 'good', 'good', 'good']);

  // Break dense backward on purpose: dW 1% too large.
  const original = DenseLayer.prototype.backward;
  DenseLayer.prototype.backward = function (this: DenseLayer, dout, n) {
    const dx = original.call(this, dout, n);
    const w = this.params[0].grad;
    for (let i = 0; i < w.length; i++) w[i] *= 1.01;
    return dx;
  };
  try {
    const bad = gradcheckModel(SPIRAL);
    const w0 = bad.params.find((p) => p.name === 'layers[0].W')!;
    // About 0.01/1.01: a bit less, since the L2 term l2·W added after backward is not scaled.
    assert.ok(w0.relError > 0.009 && w0.relError < 0.0101, String(w0.relError));
    assert.equal(w0.verdict, 'uncomfortable');
    const b0 = bad.params.find((p) => p.name === 'layers[0].b')!;
    assert.equal(b0.verdict, 'good', 'the bias gradient was left alone');
  } finally {
    DenseLayer.prototype.backward = original;
  }
});

test('entries are sampled from large parameters, all of small ones', () => {
  const r = gradcheckModel(SPIRAL, { entries: 10, batch: 4 });
  assert.equal(r.batch, 4);
  assert.deepEqual(r.params.map((p) => [p.name, p.size, p.checked + p.kinks]), [
    ['layers[0].W', 200, 10], ['layers[0].b', 100, 10], ['layers[1].W', 300, 10], ['layers[1].b', 3, 3],
  ]);
});
