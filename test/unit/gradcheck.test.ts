import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { affineBackward, affineForward } from '../../src/engine/layers/dense';
import { ACTIVATION_FUNCTIONS } from '../../src/engine/layers/activation';
import { softmaxLoss } from '../../src/engine/loss';
import { Network } from '../../src/engine/network';
import { maxRelativeError, numericGradient } from '../../src/engine/gradcheck';
import { ACTIVATIONS } from '../../src/model/spec';

/** All gradient checks run in float64, where a correct backward pass agrees to ~1e-8 or better. */
const TOL = 1e-7;

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Σ out ⊙ dout, whose gradient with respect to the inputs is the backward pass fed dout. */
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

test('affine backward matches centered differences for x, W and b', () => {
  const rng = new Rng(7);
  const [n, d, m] = [4, 5, 3];
  const x = randn(rng, n * d);
  const w = randn(rng, d * m);
  const b = randn(rng, m);
  const dout = randn(rng, n * m);
  const out = new Float64Array(n * m);
  const f = (): number => { affineForward(x, w, b, out, n, d, m); return dot(out, dout); };
  const dx = new Float64Array(n * d);
  const dw = new Float64Array(d * m);
  const db = new Float64Array(m);
  affineForward(x, w, b, out, n, d, m);
  affineBackward(dout, x, w, dx, dw, db, n, d, m);
  assert.ok(maxRelativeError(dx, numericGradient(f, x)) < TOL, 'dx');
  assert.ok(maxRelativeError(dw, numericGradient(f, w)) < TOL, 'dW');
  assert.ok(maxRelativeError(db, numericGradient(f, b)) < TOL, 'db');
});

test('affine backward writes gradients; it does not keep the previous ones', () => {
  const x = new Float64Array([1, 2]);
  const w = new Float64Array([3, 4]);
  const dx = new Float64Array(2);
  const dw = new Float64Array([99, 99]);
  const db = new Float64Array([99]);
  affineBackward(new Float64Array([2]), x, w, dx, dw, db, 1, 2, 1);
  assert.deepEqual([...dw], [2, 4]);
  assert.deepEqual([...db], [2]);
  assert.deepEqual([...dx], [6, 8]);
});

for (const name of ACTIVATIONS) {
  test(`${name} backward matches centered differences`, () => {
    const rng = new Rng(11);
    const len = 40;
    // Keep ReLU inputs away from its kink at 0, where the derivative is undefined.
    const x = randn(rng, len).map((v) => (Math.abs(v) < 0.01 ? v + 0.05 : v));
    const dout = randn(rng, len);
    const out = new Float64Array(len);
    const fn = ACTIVATION_FUNCTIONS[name];
    fn.forward(x, out, len);
    const dx = new Float64Array(len);
    fn.backward(out, dout, dx, len);
    // Elementwise: check each element alone, so round-off of the others does not blur small slopes.
    const numeric = new Float64Array(len);
    const one = new Float64Array(1);
    const outOne = new Float64Array(1);
    for (let i = 0; i < len; i++) {
      one[0] = x[i];
      numeric[i] = numericGradient(() => { fn.forward(one, outOne, 1); return outOne[0] * dout[i]; }, one)[0];
    }
    const err = maxRelativeError(dx, numeric);
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

test('softmax loss gradient matches centered differences', () => {
  const rng = new Rng(3);
  const [n, c] = [5, 4];
  const scores = randn(rng, n * c);
  const labels = Int32Array.from([0, 3, 1, 2, 3]);
  const dscores = new Float64Array(n * c);
  softmaxLoss(scores, labels, 0, n, c, dscores);
  const f = (): number => softmaxLoss(scores, labels, 0, n, c, undefined).loss;
  const err = maxRelativeError(dscores, numericGradient(f, scores));
  assert.ok(err < TOL, `relative error ${err}`);
});

test('a whole network with L2 matches centered differences for every parameter', () => {
  const rng = new Rng(5);
  const net = new Network(3, [
    { kind: 'dense', units: 6, activation: 'tanh' },
    { kind: 'dense', units: 5, activation: 'sigmoid' },
    { kind: 'dense', units: 4, activation: 'relu' },
    { kind: 'dense', units: 3, activation: 'linear' },
  ], { type: 'xavier' }, rng, 'float64');
  const n = 6;
  const x = randn(rng, n * 3);
  const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const l2 = 0.05;
  net.loss(x, y, 0, n, l2, true);
  const analytic = net.params.map((p) => Float64Array.from(p.grad));
  for (const [i, p] of net.params.entries()) {
    const numeric = numericGradient(() => net.loss(x, y, 0, n, l2, false).loss, p.value);
    const err = maxRelativeError(analytic[i], numeric);
    assert.ok(err < 1e-6, `${p.name}: relative error ${err}`);
  }
});

test('the relative error is cs231n\'s: |a − n| / max(|a|, |n|)', () => {
  assert.equal(maxRelativeError([1], [1]), 0);
  assert.equal(maxRelativeError([0], [0]), 0);
  assert.ok(Math.abs(maxRelativeError([1e-12], [2e-12]) - 1e-4) < 1e-12, 'both ~0: divided by the 1e-8 floor');
  assert.ok(Math.abs(maxRelativeError([2], [1]) - 0.5) < 1e-15);
  assert.ok(Math.abs(maxRelativeError([1, -1], [1, 1]) - 2) < 1e-15);
});
