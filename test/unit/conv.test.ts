import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { ConvLayer } from '../../src/engine/layers/conv';
import { PoolLayer } from '../../src/engine/layers/pool';
import type { Layer, LayerContext, Shape } from '../../src/engine/layers/layer';
import type { Dtype, FloatArray } from '../../src/engine/tensor';
import { maxRelativeError, numericGradient } from '../../src/engine/gradcheck';
import type { ConvLayerSpec, PoolLayerSpec } from '../../src/model/spec';

/** Gradient checks run in float64, where a correct backward pass agrees to ~1e-8 or better. */
const TOL = 1e-7;
/**
 * Step of the centered differences. Each checked function is linear in any one input near the test
 * point (conv exactly; max pool between its kinks, which distinct() keeps 0.05 away), so there is
 * no truncation error at any step, and a step of 1e-2 rather than the default 1e-5 divides the
 * round-off by 1000 (≈1e-9 instead of up to ≈1e-6 on cancelling sums, measured over 30 seeds).
 */
const STEP = 1e-2;

function context(dtype: Dtype = 'float64', seed = 1): LayerContext {
  return { dtype, rng: new Rng(seed), init: { type: 'he' }, sourceIndex: 2, seed };
}

function convSpec(filters: number, size: number, stride: number, pad: number): ConvLayerSpec {
  return { kind: 'conv', filters, size, stride, pad, activation: { type: 'linear' } };
}

function poolSpec(size: number, stride: number, type: 'max' | 'avg'): PoolLayerSpec {
  return { kind: 'pool', size, stride, type };
}

// Typed as the engine sees them (forward takes the training flag).
const conv = (spec: ConvLayerSpec, shape: Shape, ctx: LayerContext): Layer => new ConvLayer(spec, shape, ctx);
const pool = (spec: PoolLayerSpec, shape: Shape, ctx: LayerContext): Layer => new PoolLayer(spec, shape, ctx);

function randn(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Distinct values at least 0.05 apart in random order: no near-ties for max pooling to cross. */
function distinct(rng: Rng, n: number): Float64Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  return Float64Array.from(order, (v) => (v - n / 2) * 0.05);
}

/** Σ out ⊙ dout, whose gradient with respect to the inputs is the backward pass fed dout. */
function dot(a: FloatArray, b: FloatArray, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * b[i];
  return s;
}

/** Direct convolution, the textbook six nested loops (the oracle for the im2col + GEMM path). */
function naiveConv(
  x: Float64Array, w: Float64Array, b: Float64Array, n: number, [c, h, wd]: number[],
  f: number, k: number, stride: number, pad: number,
): Float64Array {
  const oh = (h + 2 * pad - k) / stride + 1;
  const ow = (wd + 2 * pad - k) / stride + 1;
  const out = new Float64Array(n * f * oh * ow);
  for (let s = 0; s < n; s++) {
    for (let fi = 0; fi < f; fi++) {
      for (let y = 0; y < oh; y++) {
        for (let z = 0; z < ow; z++) {
          let sum = b[fi];
          for (let ch = 0; ch < c; ch++) {
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) {
                const iy = y * stride - pad + i;
                const iz = z * stride - pad + j;
                if (iy < 0 || iy >= h || iz < 0 || iz >= wd) continue;
                sum += x[((s * c + ch) * h + iy) * wd + iz] * w[((fi * c + ch) * k + i) * k + j];
              }
            }
          }
          out[((s * f + fi) * oh + y) * ow + z] = sum;
        }
      }
    }
  }
  return out;
}

interface ConvCase { n: number; shape: [number, number, number]; f: number; k: number; stride: number; pad: number }

const CONV_CASES: ConvCase[] = [
  { n: 1, shape: [2, 7, 5], f: 3, k: 3, stride: 1, pad: 1 },
  { n: 3, shape: [3, 7, 5], f: 2, k: 3, stride: 2, pad: 1 },
  { n: 2, shape: [2, 5, 7], f: 3, k: 3, stride: 2, pad: 2 },
  { n: 3, shape: [1, 5, 6], f: 2, k: 3, stride: 1, pad: 2 },
  { n: 3, shape: [3, 4, 5], f: 4, k: 1, stride: 1, pad: 0 }, // 1×1: no im2col
  { n: 2, shape: [2, 5, 7], f: 2, k: 1, stride: 2, pad: 0 },
  { n: 2, shape: [2, 5, 5], f: 5, k: 5, stride: 1, pad: 0 }, // K = input size: one output pixel
  { n: 1, shape: [3, 6, 4], f: 6, k: 2, stride: 2, pad: 0 },
  { n: 3, shape: [5, 3, 3], f: 7, k: 3, stride: 1, pad: 1 },
];

const describe = (t: ConvCase): string => `N=${t.n} ${t.shape.join('×')}, ${t.f}@${t.k}×${t.k} stride ${t.stride} pad ${t.pad}`;

/** A float64 conv layer with random weights and biases (he init leaves b at zero). */
function randomConv(t: ConvCase, rng: Rng, dtype: Dtype = 'float64'): Layer {
  const layer = conv(convSpec(t.f, t.k, t.stride, t.pad), t.shape, context(dtype));
  for (const p of layer.params) p.value.set(randn(rng, p.value.length));
  return layer;
}

for (const t of CONV_CASES) {
  test(`conv forward matches a direct convolution: ${describe(t)}`, () => {
    const rng = new Rng(3);
    const layer = randomConv(t, rng);
    const x = randn(rng, t.n * layer.inSize);
    const out = layer.forward(x, t.n, true);
    const [w, b] = layer.params.map((p) => p.value as Float64Array);
    const expected = naiveConv(x, w, b, t.n, t.shape, t.f, t.k, t.stride, t.pad);
    assert.equal(expected.length, t.n * layer.outSize);
    for (let i = 0; i < expected.length; i++) {
      assert.ok(Math.abs(out[i] - expected[i]) < 1e-12, `out[${i}] = ${out[i]}, expected ${expected[i]}`);
    }
  });

  test(`conv backward matches centered differences for x, W and b: ${describe(t)}`, () => {
    const rng = new Rng(5);
    const layer = randomConv(t, rng);
    const x = randn(rng, t.n * layer.inSize);
    const dout = randn(rng, t.n * layer.outSize);
    const f = (): number => dot(layer.forward(x, t.n, true), dout, dout.length);
    layer.forward(x, t.n, true);
    const dx = Float64Array.from(layer.backward(dout, t.n).subarray(0, x.length));
    const [dw, db] = layer.params.map((p) => Float64Array.from(p.grad));
    const [w, b] = layer.params.map((p) => p.value);
    const errors = {
      dx: maxRelativeError(dx, numericGradient(f, x, STEP)),
      dW: maxRelativeError(dw, numericGradient(f, w, STEP)),
      db: maxRelativeError(db, numericGradient(f, b, STEP)),
    };
    for (const [name, err] of Object.entries(errors)) assert.ok(err < TOL, `${name}: relative error ${err}`);
  });
}

test('conv layer shapes, label, params, MACs and fan-in', () => {
  const layer = conv(convSpec(16, 3, 1, 1), [8, 28, 28], context());
  assert.deepEqual(layer.outShape, [16, 28, 28]);
  assert.equal(layer.inSize, 8 * 28 * 28);
  assert.equal(layer.outSize, 16 * 28 * 28);
  assert.equal(layer.label, 'conv 16@3×3/1 pad 1');
  assert.equal(layer.macsPerSample, 16 * 28 * 28 * 8 * 3 * 3);
  assert.deepEqual(layer.params.map((p) => [p.name, p.role, p.value.length, p.regularize]), [
    ['layers[2].W', 'W', 16 * 8 * 9, true],
    ['layers[2].b', 'b', 16, false],
  ]);
  // He init over fan-in C·K·K = 72: std √(2/72) = 1/6.
  const w = layer.params[0].value;
  const std = Math.sqrt(dot(w, w, w.length) / w.length);
  assert.ok(Math.abs(std - 1 / 6) < 0.02, `W std ${std}`);
  assert.ok(layer.params[1].value.every((v) => v === 0), 'biases start at zero');

  const strided = conv({ ...convSpec(4, 5, 2, 0), init: { type: 'zeros' } }, [3, 9, 7], context());
  assert.deepEqual(strided.outShape, [4, 3, 2]);
  assert.equal(strided.label, 'conv 4@5×5/2');
  assert.ok(strided.params[0].value.every((v) => v === 0), 'the layer\'s own init overrides the model\'s');
});

test('conv and pool reject inputs their windows do not tile, and non-image inputs', () => {
  // (7 + 2·1 − 3)/2 + 1 = 4 fits; (8 + 2 − 3)/2 = 3.5 does not.
  assert.doesNotThrow(() => conv(convSpec(2, 3, 2, 1), [1, 7, 7], context()));
  assert.throws(() => conv(convSpec(2, 3, 2, 1), [1, 7, 8], context()), /width 8.*not a positive whole number/);
  assert.throws(() => conv(convSpec(2, 3, 2, 1), [1, 8, 7], context()), /height 8.*not a positive whole number/);
  assert.throws(() => conv(convSpec(2, 5, 1, 0), [1, 3, 3], context()), /not a positive whole number/);
  assert.throws(() => conv(convSpec(2, 3, 1, 1), [12], context()), /3-D image input.*1-D/);
  assert.throws(() => conv(convSpec(2, 3, 1, 1), [2, 3, 4, 5], context()), /3-D image input/);
  assert.throws(() => conv(convSpec(0, 3, 1, 1), [1, 5, 5], context()), /positive whole numbers/);
  assert.throws(() => conv(convSpec(2, 3, 1.5, 1), [1, 5, 5], context()), /positive whole numbers/);

  assert.doesNotThrow(() => pool(poolSpec(3, 2, 'max'), [1, 7, 5], context()));
  assert.throws(() => pool(poolSpec(2, 2, 'max'), [1, 7, 6], context()), /height 7.*\(7 − 2\)\/2 \+ 1/);
  assert.throws(() => pool(poolSpec(2, 2, 'avg'), [1, 6, 5], context()), /width 5/);
  assert.throws(() => pool(poolSpec(4, 1, 'max'), [1, 3, 3], context()), /not a positive whole number/);
  assert.throws(() => pool(poolSpec(2, 2, 'max'), [16], context()), /3-D image input/);
  assert.throws(() => pool(poolSpec(2, 0, 'max'), [1, 4, 4], context()), /positive whole numbers/);
});

test('conv backward writes its gradients: two calls give the same dx, dW and db', () => {
  const rng = new Rng(9);
  const t = CONV_CASES[1];
  const layer = randomConv(t, rng);
  const x = randn(rng, t.n * layer.inSize);
  const dout = randn(rng, t.n * layer.outSize);
  const run = (): Float64Array[] => {
    layer.forward(x, t.n, true);
    const dx = Float64Array.from(layer.backward(dout, t.n).subarray(0, x.length));
    return [dx, ...layer.params.map((p) => Float64Array.from(p.grad))];
  };
  const first = run();
  const second = run();
  for (let i = 0; i < first.length; i++) assert.deepEqual(second[i], first[i]);
});

test('conv over a batch equals conv sample by sample, after the buffers have grown', () => {
  const rng = new Rng(13);
  const t = CONV_CASES[2];
  const layer = randomConv(t, rng);
  const n = 4;
  const x = randn(rng, n * layer.inSize);
  const dout = randn(rng, n * layer.outSize);
  layer.forward(x, n, true);
  const out = Float64Array.from(layer.forward(x, n, true).subarray(0, n * layer.outSize));
  const dx = Float64Array.from(layer.backward(dout, n).subarray(0, n * layer.inSize));
  const dwSum = new Float64Array(layer.params[0].grad.length);
  for (let s = 0; s < n; s++) {
    const xs = x.slice(s * layer.inSize, (s + 1) * layer.inSize);
    const outs = layer.forward(xs, 1, true);
    for (let i = 0; i < layer.outSize; i++) assert.equal(outs[i], out[s * layer.outSize + i]);
    const dxs = layer.backward(dout.slice(s * layer.outSize, (s + 1) * layer.outSize), 1);
    for (let i = 0; i < layer.inSize; i++) assert.equal(dxs[i], dx[s * layer.inSize + i]);
    layer.params[0].grad.forEach((g, i) => { dwSum[i] += g; });
  }
  layer.forward(x, n, true);
  layer.backward(dout, n);
  const dw = layer.params[0].grad;
  for (let i = 0; i < dw.length; i++) assert.ok(Math.abs(dw[i] - dwSum[i]) < 1e-12, `dW[${i}]`);
});

interface PoolCase { n: number; shape: [number, number, number]; k: number; stride: number }

const POOL_CASES: PoolCase[] = [
  { n: 1, shape: [2, 7, 5], k: 3, stride: 2 }, // overlapping windows
  { n: 3, shape: [3, 4, 6], k: 2, stride: 2 },
  { n: 3, shape: [1, 5, 6], k: 3, stride: 1 }, // heavily overlapping
  { n: 2, shape: [2, 5, 5], k: 5, stride: 1 }, // K = input size: global pooling
  { n: 3, shape: [2, 3, 4], k: 1, stride: 1 },
  { n: 1, shape: [2, 6, 9], k: 3, stride: 3 },
];

for (const type of ['max', 'avg'] as const) {
  for (const t of POOL_CASES) {
    test(`${type} pool backward matches centered differences: N=${t.n} ${t.shape.join('×')}, ${t.k}×${t.k} stride ${t.stride}`, () => {
      const rng = new Rng(7);
      const layer = pool(poolSpec(t.k, t.stride, type), t.shape, context());
      const x = distinct(rng, t.n * layer.inSize);
      const dout = randn(rng, t.n * layer.outSize);
      const f = (): number => dot(layer.forward(x, t.n, true), dout, dout.length);
      layer.forward(x, t.n, true);
      const dx = Float64Array.from(layer.backward(dout, t.n).subarray(0, x.length));
      const err = maxRelativeError(dx, numericGradient(f, x, STEP));
      assert.ok(err < TOL, `relative error ${err}`);
    });
  }
}

test('pool forward on a worked example: max and mean of each window', () => {
  // One 4×4 channel, 2×2 windows, stride 2.
  const x = Float64Array.from([
    1, 2, 5, 6,
    3, 4, 8, 7,
    -1, -2, 0, 0,
    -3, -4, 0, 9,
  ]);
  const max = pool(poolSpec(2, 2, 'max'), [1, 4, 4], context());
  assert.deepEqual([...max.forward(x, 1, true).subarray(0, 4)], [4, 8, -1, 9]);
  const avg = pool(poolSpec(2, 2, 'avg'), [1, 4, 4], context());
  assert.deepEqual([...avg.forward(x, 1, true).subarray(0, 4)], [2.5, 6.5, -2.5, 2.25]);
  assert.deepEqual(max.outShape, [1, 2, 2]);
  assert.equal(max.label, 'max pool 2×2/2');
  assert.equal(max.macsPerSample, 4 * 4);
  assert.deepEqual(max.params, []);
});

test('max pool sends a tied window\'s gradient to its first maximum, and sums where windows overlap', () => {
  const tied = pool(poolSpec(2, 2, 'max'), [1, 2, 2], context());
  tied.forward(Float64Array.from([3, 3, 3, 3]), 1, true);
  assert.deepEqual([...tied.backward(Float64Array.from([5]), 1).subarray(0, 4)], [5, 0, 0, 0]);

  // 3×3 windows every 1 pixel over 4×4: the 9 wins all four windows.
  const overlap = pool(poolSpec(3, 1, 'max'), [1, 4, 4], context());
  const x = Float64Array.from([0, 1, 2, 0, 1, 9, 3, 1, 2, 3, 1, 8, 0, 1, 2, 0]);
  assert.deepEqual([...overlap.forward(x, 1, true).subarray(0, 4)], [9, 9, 9, 9]);
  const dx = overlap.backward(Float64Array.from([1, 2, 3, 4]), 1);
  assert.deepEqual([...dx.subarray(0, 16)], [0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('pool backward writes dx: two calls give the same result', () => {
  const rng = new Rng(19);
  for (const type of ['max', 'avg'] as const) {
    const t = POOL_CASES[0];
    const layer = pool(poolSpec(t.k, t.stride, type), t.shape, context());
    const x = distinct(rng, t.n * layer.inSize);
    const dout = randn(rng, t.n * layer.outSize);
    layer.forward(x, t.n, true);
    const first = Float64Array.from(layer.backward(dout, t.n).subarray(0, x.length));
    layer.forward(x, t.n, true);
    assert.deepEqual(Float64Array.from(layer.backward(dout, t.n).subarray(0, x.length)), first, type);
  }
});

/** Max over elements of |a − b| relative to the largest |b| (float32 rounding is relative to the scale). */
function scaledError(a: FloatArray, b: FloatArray, len: number): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < len; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / Math.max(scale, 1e-30);
}

test('float32 layers agree with float64 to ~1e-5', () => {
  const rng = new Rng(21);
  for (const t of CONV_CASES) {
    const l64 = randomConv(t, rng);
    const l32 = conv(convSpec(t.f, t.k, t.stride, t.pad), t.shape, context('float32'));
    // Same inputs for both, rounded to float32, so only the arithmetic differs.
    l64.params.forEach((p, i) => { p.value.set(Float32Array.from(p.value)); l32.params[i].value.set(p.value); });
    const x = Float64Array.from(Float32Array.from(randn(rng, t.n * l64.inSize)));
    const dout = Float64Array.from(Float32Array.from(randn(rng, t.n * l64.outSize)));
    const out64 = l64.forward(x, t.n, true);
    const out32 = l32.forward(Float32Array.from(x), t.n, true);
    assert.ok(scaledError(out32, out64, dout.length) < 1e-5, `out: ${describe(t)}`);
    const dx64 = l64.backward(dout, t.n);
    const dx32 = l32.backward(Float32Array.from(dout), t.n);
    assert.ok(scaledError(dx32, dx64, x.length) < 1e-5, `dx: ${describe(t)}`);
    l64.params.forEach((p, i) => {
      assert.ok(scaledError(l32.params[i].grad, p.grad, p.grad.length) < 1e-5, `${p.role}: ${describe(t)}`);
    });
  }
  for (const type of ['max', 'avg'] as const) {
    for (const t of POOL_CASES) {
      const p64 = pool(poolSpec(t.k, t.stride, type), t.shape, context());
      const p32 = pool(poolSpec(t.k, t.stride, type), t.shape, context('float32'));
      const x = Float64Array.from(Float32Array.from(distinct(rng, t.n * p64.inSize)));
      const dout = Float64Array.from(Float32Array.from(randn(rng, t.n * p64.outSize)));
      assert.ok(scaledError(p32.forward(Float32Array.from(x), t.n, true), p64.forward(x, t.n, true), dout.length) < 1e-5, `${type} out`);
      assert.ok(scaledError(p32.backward(Float32Array.from(dout), t.n), p64.backward(dout, t.n), x.length) < 1e-5, `${type} dx`);
    }
  }
});
