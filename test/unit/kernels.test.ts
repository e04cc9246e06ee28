import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Rng } from '../../src/engine/rng';
import { gemmNN, gemmNT, gemmTN } from '../../src/engine/gemm';
import { affineBackward, affineForward } from '../../src/engine/layers/dense';
import { ACTIVATION_FUNCTIONS, ActivationLayer, activationAlpha } from '../../src/engine/layers/activation';
import {
  chunkSamples, col2im, convBackward, convBackwardBatched, convForward, convForwardBatched, im2col, newBatchedScratch, type BatchedScratch, type ConvGeometry,
} from '../../src/engine/layers/conv';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeometry } from '../../src/engine/layers/pool';
import type { LayerContext } from '../../src/engine/layers/layer';
import { softmaxLoss, svmLoss, type LossFunction } from '../../src/engine/loss';
import {
  adagradUpdate, adamUpdate, momentumUpdate, nesterovUpdate, rmspropUpdate, sgdUpdate,
} from '../../src/engine/optim';
import type { Dataset } from '../../src/engine/data/dataset';
import { Trainer } from '../../src/engine/trainer';
import { normOfDifference, summarize } from '../../src/engine/stats';
import { firstNonFinite, norm, type FloatArray } from '../../src/engine/tensor';
import { allocFloat32, allocInt32, instantiate, kernels, kernelsFor } from '../../src/engine/wasm/kernels';
import type { ActivationSpec, ModelSpec } from '../../src/model/spec';

/**
 * The WebAssembly kernels against the TypeScript loops they replace. Each case runs the engine
 * function twice on the same values: on plain Float32Arrays (outside the arena, so the TypeScript
 * path runs: the reference) and on arena copies (the kernel path). This process tests the build
 * TRAINLENS_KERNELS picks; the parent run (TRAINLENS_KERNELS_CHILD unset) also re-runs this file
 * in child processes with each build forced, and once with the kernels off.
 */

const CHILD = process.env.TRAINLENS_KERNELS_CHILD === '1';
const MODE = process.env.TRAINLENS_KERNELS || 'auto';

/** float32 machine epsilon: one ulp of a number in [1, 2), so |x|·ULP is 1–2 ulps of x. */
const ULP = 2 ** -23;
/** Written around every output region; a kernel that writes past its output changes it. */
const SENTINEL = 1234.5;

// ─── helpers ─────────────────────────────────────────────────────────────────────────────────────

function normals(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** A copy in the kernels' arena (asserted to be there, so the kernel path runs on it). */
function arena(src: ArrayLike<number>): Float32Array {
  const a = allocFloat32(src.length);
  a.set(src);
  assert.ok(kernelsFor(a), 'allocFloat32 gave an arena array');
  return a;
}

function arenaInt(src: ArrayLike<number>): Int32Array {
  const a = allocInt32(src.length);
  a.set(src);
  assert.ok(kernelsFor(a), 'allocInt32 gave an arena array');
  return a;
}

/** A plain copy, outside the arena (asserted), so the TypeScript path runs on it. */
function plain(src: ArrayLike<number>): Float32Array {
  const a = Float32Array.from(src);
  assert.equal(kernelsFor(a), undefined);
  return a;
}

function abs64(src: ArrayLike<number>): Float64Array {
  return Float64Array.from(src, Math.abs);
}

/** |actual[i] − expected[i]| ≤ tol(i) for i in [from, to); tol 0 asks for equal numbers (−0 = 0). */
function assertClose(
  what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number,
  from = 0, to = expected.length,
): void {
  for (let i = from; i < to; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol(i))) assert.fail(`${what}[${i}] = ${actual[i]}, expected ${expected[i]} (error ${err}, tolerance ${tol(i)})`);
  }
}

/** Everything outside [from, to) still holds the sentinel. */
function assertSentinel(what: string, a: ArrayLike<number>, from: number, to: number): void {
  for (let i = 0; i < a.length; i++) {
    if ((i < from || i >= to) && a[i] !== SENTINEL) assert.fail(`${what}: element ${i} outside [${from}, ${to}) was overwritten with ${a[i]}`);
  }
}

/** A buffer of `before + len + after` elements: sentinels around `len` values from `fill`. */
function framed(before: number, len: number, after: number, fill: (i: number) => number): Float32Array {
  const a = new Float32Array(before + len + after).fill(SENTINEL);
  for (let i = 0; i < len; i++) a[before + i] = fill(i);
  return a;
}

function context(): LayerContext {
  return { dtype: 'float32', rng: new Rng(0), init: { type: 'he' }, sourceIndex: 0, seed: 0 };
}

// ─── whole-engine specs (determinism) ────────────────────────────────────────────────────────────

const DENSE_SPEC: ModelSpec = {
  data: { dataset: 'gaussian', samples: 150, classes: 4, noise: 0, features: 13, validation: 0.2 },
  layers: [
    { kind: 'dense', units: 37, activation: { type: 'relu' } },
    { kind: 'dense', units: 19, activation: { type: 'tanh' } },
    { kind: 'dense', units: 4, activation: { type: 'linear' } },
  ],
  loss: 'softmax',
  init: { type: 'he' },
  optimizer: { type: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 },
  train: { epochs: 2, batch: 25, l2: 0.001, l1: 0, seed: 7 },
};

const CONV_SPEC: ModelSpec = {
  data: { dataset: 'gaussian', samples: 60, classes: 3, noise: 0, features: 128, validation: 0.2 },
  layers: [
    { kind: 'conv', filters: 4, size: 3, stride: 1, pad: 1, activation: { type: 'leaky_relu', alpha: 0.1 } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'conv', filters: 5, size: 4, stride: 2, pad: 1, activation: { type: 'elu' } },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ],
  loss: 'svm',
  init: { type: 'he' },
  optimizer: { type: 'nesterov', lr: 0.01, momentum: 0.9 },
  train: { epochs: 2, batch: 16, l2: 0.001, l1: 0, seed: 3 },
};

/** 60 random 2×8×8 images in 3 random classes (coarse values, so max pooling meets ties). */
function images(): Dataset {
  const rng = new Rng(11);
  const n = 60;
  const x = new Float32Array(n * 128);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(8) / 4 - 1;
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  return { x, y, n, shape: [2, 8, 8], features: 128, classes: 3 };
}

function losses(spec: ModelSpec, data?: Dataset): number[] {
  const t = data ? new Trainer(spec, 'float32', data) : new Trainer(spec);
  for (const p of t.network.params) assert.ok(kernelsFor(p.value, p.grad) || !kernels(), `${p.name} lives in the arena`);
  const out: number[] = [];
  while (!t.done) out.push(t.trainStep().loss);
  return out;
}

// ═════════════════════════════════════════════════════════════════════════════════════════════════

if (MODE === 'ts') {
  test('TRAINLENS_KERNELS=ts: no kernels, ordinary arrays, and a float32 Trainer step still works', () => {
    assert.equal(kernels(), null);
    const a = allocFloat32(5);
    assert.ok(a instanceof Float32Array && a.length === 5 && a.every((v) => v === 0));
    assert.equal(kernelsFor(a), undefined);
    const t = new Trainer({ ...DENSE_SPEC, train: { ...DENSE_SPEC.train, epochs: 1 } });
    const first = t.trainStep();
    assert.ok(Number.isFinite(first.loss) && first.loss > 0, `loss ${first.loss}`);
  });
} else {
  kernelTests();
}
if (!CHILD) childTests();

function kernelTests(): void {
  test(`the ${MODE} kernels are loaded and take arena arrays only`, () => {
    const k = kernels();
    assert.ok(k, 'kernels() is not null');
    // Without --experimental-wasm-relaxed-simd Node 20 rejects the relaxed build, so auto gives simd.
    const expected = MODE === 'auto' ? (instantiate('relaxed') ? 'relaxed' : 'simd') : MODE;
    assert.equal(k.variant, expected);
    const a = allocFloat32(3);
    const y = allocInt32(3);
    assert.equal(a.buffer, k.buffer);
    assert.equal(kernelsFor(a, y), k.exports);
    assert.equal(kernelsFor(a, new Float32Array(3)), undefined);
    assert.equal(kernelsFor(new Float32Array(3), a), undefined);
  });

  // ─── GEMM ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * The kernel sums in float32 (fused in the relaxed build), the TypeScript path in double between
   * float32 stores (every 4 to 512 terms): both are within k·2⁻²⁴·Σ|terms| of the exact sum, in practice
   * ≈ √k·2⁻²⁴·Σ|terms| (k ≤ 300 here: ≈ 1e-6). 1e-5·Σ|terms| (with |C₀| as a term when
   * accumulating) sits well above that and far below one lost or doubled term (≈ Σ|terms|/k).
   */
  const GEMM_TOL = 1e-5;
  const GEMMS = [
    { name: 'gemmNN', gemm: gemmNN },
    { name: 'gemmTN', gemm: gemmTN },
    { name: 'gemmNT', gemm: gemmNT },
  ];
  // Tiles are 4×8 over K blocks of 256, M blocks of 128 and N panels of 512.
  const GEMM_SHAPES: [number, number, number][] = [
    [1, 1, 1], [3, 5, 7], [4, 8, 4], [8, 16, 32], [5, 9, 3], [13, 17, 11], [9, 1, 5], [1, 23, 2],
    [2, 3, 0], [0, 4, 3], [4, 0, 3],
    [7, 13, 300], // two K blocks: 256 + 44
    [6, 523, 5], // two N panels: 512 + 11
    [131, 7, 6], // two M blocks: 128 + 3
    [129, 517, 259], // all three at once
  ];

  for (const { name, gemm } of GEMMS) {
    test(`${name}: kernel = TypeScript on odd, tail and multi-block shapes, both modes, never writing outside C`, () => {
      const rng = new Rng(101);
      for (const [m, n, k] of GEMM_SHAPES) {
        for (const accumulate of [false, true]) {
          const what = `${name} ${m}×${n}×${k}${accumulate ? ' +=' : ''}`;
          const [aOff, bOff, cOff] = [1 + rng.int(7), 1 + rng.int(7), 1 + rng.int(7)];
          const aSrc = normals(rng, aOff + m * k + 3);
          const bSrc = normals(rng, bOff + k * n + 2);
          const cSrc = framed(cOff, m * n, 5, () => rng.normal()); // C₀, or garbage to overwrite
          const ref = plain(cSrc);
          gemm(m, n, k, plain(aSrc), aOff, plain(bSrc), bOff, ref, cOff, accumulate);
          const a = arena(aSrc), b = arena(bSrc), c = arena(cSrc);
          gemm(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
          // Σ_p |A[i, p]·B[p, j]|: the same layout on |A|, |B| in float64 (the TypeScript path).
          const scale = new Float64Array(m * n);
          gemm(m, n, k, abs64(aSrc), aOff, abs64(bSrc), bOff, scale, 0, false);
          assertClose(what, c, ref, (i) => GEMM_TOL * (scale[i - cOff] + (accumulate ? Math.abs(cSrc[i]) : 0)), cOff, cOff + m * n);
          assertSentinel(what, c, cOff, cOff + m * n);
          assertClose(`${what}: A is read only`, a, aSrc, () => 0);
          assertClose(`${what}: B is read only`, b, bSrc, () => 0);
        }
      }
    });
  }

  // ─── dense ─────────────────────────────────────────────────────────────────────────────────────

  test('affineForward and affineBackward: kernel = TypeScript', () => {
    const rng = new Rng(102);
    for (const [n, d, m] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 2, 100], [5, 300, 3], [130, 7, 13]]) {
      const what = `affine N=${n} D=${d} M=${m}`;
      const x = normals(rng, n * d), w = normals(rng, d * m), b = normals(rng, m);
      const garbage = (len: number) => normals(rng, len, 100);
      const out0 = garbage(n * m);
      const ref = plain(out0);
      affineForward(plain(x), plain(w), plain(b), ref, n, d, m);
      const out = arena(out0);
      affineForward(arena(x), arena(w), arena(b), out, n, d, m);
      // Σ|x·W| + |b|, as for GEMM.
      const scale = new Float64Array(n * m);
      affineForward(abs64(x), abs64(w), abs64(b), scale, n, d, m);
      assertClose(`${what} out`, out, ref, (i) => GEMM_TOL * scale[i]);

      const dout = normals(rng, n * m);
      const [dx0, dw0, db0] = [garbage(n * d), garbage(d * m), garbage(m)];
      const [rdx, rdw, rdb] = [plain(dx0), plain(dw0), plain(db0)];
      affineBackward(plain(dout), plain(x), plain(w), rdx, rdw, rdb, n, d, m);
      const [kdx, kdw, kdb] = [arena(dx0), arena(dw0), arena(db0)];
      affineBackward(arena(dout), arena(x), arena(w), kdx, kdw, kdb, n, d, m);
      const [sdx, sdw, sdb] = [new Float64Array(n * d), new Float64Array(d * m), new Float64Array(m)];
      affineBackward(abs64(dout), abs64(x), abs64(w), sdx, sdw, sdb, n, d, m);
      assertClose(`${what} dx`, kdx, rdx, (i) => GEMM_TOL * sdx[i]);
      assertClose(`${what} dW`, kdw, rdw, (i) => GEMM_TOL * sdw[i]);
      // db: N float32 additions per column (the same order on both paths today).
      assertClose(`${what} db`, kdb, rdb, (i) => n * ULP * sdb[i]);
    }
  });

  // ─── activations ───────────────────────────────────────────────────────────────────────────────

  /**
   * Per-element tolerances, |kernel − TypeScript| ≤ 4·ULP·|ref| + extra: the kernel works in
   * float32 (alpha rounded to float32, Mathf.exp/tanh within ~1 ulp, 1–3 roundings) where the
   * TypeScript path computes in double and rounds once, so a few ulps relative. The extra absolute
   * terms are cancellations: ELU's eˣ − 1 near x = 0 loses the rounding of eˣ ≈ 1 (≤ 2⁻²⁴·α);
   * tanh' = 1 − y² loses the rounding of y² ≈ 1 (≤ 2⁻²⁴·|dout|); ELU' = dout·(out + α) the rounding
   * of α and of out + α ≈ 0 (≤ 2⁻²³·|α·dout|). Linear, ReLU and GELU (TypeScript on both paths)
   * must be equal.
   */
  interface ActTol { forward: (x: number, ref: number, alpha: number) => number; backward: (dout: number, ref: number, alpha: number) => number }
  const EXACT: ActTol = { forward: () => 0, backward: () => 0 };
  const RELATIVE: ActTol = { forward: (_x, r) => 4 * ULP * Math.abs(r), backward: (_g, r) => 4 * ULP * Math.abs(r) };
  const ACT_TOL: Record<ActivationSpec['type'], ActTol> = {
    linear: EXACT,
    relu: EXACT,
    gelu: EXACT,
    leaky_relu: RELATIVE,
    sigmoid: RELATIVE,
    tanh: { forward: RELATIVE.forward, backward: (g, r) => 4 * ULP * Math.abs(r) + ULP * Math.abs(g) },
    elu: {
      forward: (_x, r, a) => 4 * ULP * Math.abs(r) + 2 * ULP * Math.abs(a),
      backward: (g, r, a) => 4 * ULP * Math.abs(r) + 2 * ULP * Math.abs(a * g),
    },
  };
  const ACTIVATIONS: ActivationSpec[] = [
    { type: 'linear' }, { type: 'relu' }, { type: 'leaky_relu' }, { type: 'leaky_relu', alpha: 0.3 },
    { type: 'sigmoid' }, { type: 'tanh' }, { type: 'elu' }, { type: 'elu', alpha: 0.7 }, { type: 'gelu' },
  ];

  for (const spec of ACTIVATIONS) {
    const alpha = activationAlpha(spec);
    test(`ActivationLayer ${spec.type}${spec.alpha !== undefined ? ` α=${spec.alpha}` : ''}: kernel = TypeScript, forward and backward`, () => {
      const rng = new Rng(103);
      const tol = ACT_TOL[spec.type];
      for (const size of [1, 3, 5, 17, 64]) {
        const n = 3, len = n * size;
        const what = `${spec.type} ${n}×${size}`;
        const x = normals(rng, len, 4);
        // 0 and −0 (the kink), and far tails (sigmoid ≈ 1e-13, saturated tanh, ELU ≈ −α).
        [0, -0, -30, 30, 1e-4, -1e-4].forEach((v, i) => { if (i < len) x[len - 1 - i] = v; });
        const dout = normals(rng, len);

        const tsLayer = new ActivationLayer(spec, [size], context());
        const ref = Float32Array.from(tsLayer.forward(plain(x), n));
        const layer = new ActivationLayer(spec, [size], context());
        const ax = arena(x);
        const out = layer.forward(ax, n);
        assert.ok(kernelsFor(out), `${what}: the float32 layer's output is in the arena`);
        assertClose(`${what} forward`, out, ref, (i) => tol.forward(x[i], ref[i], alpha), 0, len);

        // Backward from the same x and out on both paths, so only the backward arithmetic differs.
        const dx = layer.backward(arena(dout), n);
        assert.ok(kernelsFor(dx), `${what}: dx is in the arena`);
        const rdx = new Float32Array(len);
        ACTIVATION_FUNCTIONS[spec.type].backward(plain(x), plain(out.subarray(0, len)), plain(dout), rdx, len, alpha);
        assertClose(`${what} backward`, dx, rdx, (i) => tol.backward(dout[i], rdx[i], alpha), 0, len);
        // And the TypeScript layer's own backward, from its own out, agrees to the forward's error.
        const tsDx = tsLayer.backward(plain(dout), n);
        assertClose(`${what} TypeScript layer backward`, dx, tsDx, (i) => tol.backward(dout[i], rdx[i], alpha) + 8 * ULP * Math.abs(dout[i]), 0, len);
      }
    });
  }

  // ─── convolution ───────────────────────────────────────────────────────────────────────────────

  function geometry(c: number, h: number, w: number, f: number, k: number, stride: number, pad: number): ConvGeometry {
    const outH = (h + 2 * pad - k) / stride + 1;
    const outW = (w + 2 * pad - k) / stride + 1;
    assert.ok(Number.isInteger(outH) && Number.isInteger(outW), 'the window tiles the input');
    return { c, h, w, f, k, stride, pad, outH, outW };
  }
  const GEOMETRIES: ConvGeometry[] = [
    geometry(3, 7, 7, 4, 3, 1, 1),
    geometry(2, 9, 9, 3, 3, 2, 1),
    geometry(3, 11, 7, 2, 3, 2, 0),
    geometry(2, 7, 9, 3, 3, 2, 2),
    geometry(1, 6, 5, 2, 5, 1, 2),
    geometry(1, 3, 3, 2, 5, 1, 2), // the window overhangs both sides
    geometry(2, 10, 10, 2, 4, 3, 0),
    geometry(4, 12, 12, 8, 3, 1, 1),
    geometry(5, 4, 6, 3, 1, 1, 0), // pointwise: no im2col
    geometry(3, 5, 5, 2, 1, 2, 0), // 1×1 with stride 2
    geometry(2, 3, 3, 2, 1, 1, 1), // 1×1 with padding
  ];
  const describe = (g: ConvGeometry): string => `C=${g.c} ${g.h}×${g.w} F=${g.f} K=${g.k} S=${g.stride} P=${g.pad}`;

  test('im2col (a copy: equal) and col2im (at most K² float32 terms per pixel): kernel = TypeScript', () => {
    const rng = new Rng(104);
    for (const g of GEOMETRIES) {
      const inSize = g.c * g.h * g.w;
      const rows = g.c * g.k * g.k, pixels = g.outH * g.outW;
      // The second sample of two, so x and dx start at an offset.
      const x = normals(rng, 2 * inSize);
      const cols0 = framed(0, rows * pixels, 3, () => 100 * rng.normal());
      const ref = plain(cols0);
      im2col(plain(x), inSize, g, ref);
      const cols = arena(cols0);
      im2col(arena(x), inSize, g, cols);
      assertClose(`im2col ${describe(g)}`, cols, ref, () => 0, 0, rows * pixels);
      assertSentinel(`im2col ${describe(g)}`, cols, 0, rows * pixels);

      const dcols = normals(rng, rows * pixels);
      const dx0 = framed(inSize, inSize, 4, () => rng.normal()); // col2im accumulates onto dx
      const rdx = plain(dx0);
      col2im(plain(dcols), g, rdx, inSize);
      const dx = arena(dx0);
      col2im(arena(dcols), g, dx, inSize);
      const scale = abs64(dx0);
      col2im(abs64(dcols), g, scale, inSize);
      assertClose(`col2im ${describe(g)}`, dx, rdx, (i) => g.k * g.k * ULP * scale[i], inSize, 2 * inSize);
      assertSentinel(`col2im ${describe(g)}`, dx, inSize, 2 * inSize);
    }
  });

  test('convForward and convBackward: kernel = TypeScript for stride 1, 2, 3, pad 0–2 and 1×1 convolutions', () => {
    const rng = new Rng(105);
    const n = 2;
    for (const g of GEOMETRIES) {
      const what = describe(g);
      const inSize = g.c * g.h * g.w, patch = g.c * g.k * g.k, pixels = g.outH * g.outW;
      const colsLen = patch * pixels;
      const x = normals(rng, n * inSize), w = normals(rng, g.f * patch), b = normals(rng, g.f);
      const out0 = normals(rng, n * g.f * pixels, 100); // garbage, overwritten
      const ref = plain(out0);
      convForward(plain(x), plain(w), plain(b), ref, new Float32Array(colsLen), n, g);
      const out = arena(out0);
      convForward(arena(x), arena(w), arena(b), out, allocFloat32(colsLen), n, g);
      // Σ|W·cols| + |b| per output: the same convolution of |x|, |W|, |b| in float64.
      const scale = new Float64Array(out0.length);
      convForward(abs64(x), abs64(w), abs64(b), scale, new Float64Array(colsLen), n, g);
      assertClose(`convForward ${what}`, out, ref, (i) => GEMM_TOL * scale[i]);

      const dout = normals(rng, out0.length);
      const garbage = (len: number) => normals(rng, len, 100);
      const [dx0, dw0, db0] = [garbage(n * inSize), garbage(g.f * patch), garbage(g.f)];
      const [rdx, rdw, rdb] = [plain(dx0), plain(dw0), plain(db0)];
      convBackward(plain(dout), plain(x), plain(w), rdx, rdw, rdb, new Float32Array(colsLen), new Float32Array(colsLen), n, g);
      const [kdx, kdw, kdb] = [arena(dx0), arena(dw0), arena(db0)];
      convBackward(arena(dout), arena(x), arena(w), kdx, kdw, kdb, allocFloat32(colsLen), allocFloat32(colsLen), n, g);
      const [sdx, sdw, sdb] = [new Float64Array(dx0.length), new Float64Array(dw0.length), new Float64Array(db0.length)];
      convBackward(abs64(dout), abs64(x), abs64(w), sdx, sdw, sdb, new Float64Array(colsLen), new Float64Array(colsLen), n, g);
      // dx = col2im(Wᵀ·dout): a GEMM then ≤ K² additions, both within the GEMM bound of Σ|terms|.
      assertClose(`convBackward ${what} dx`, kdx, rdx, (i) => GEMM_TOL * sdx[i]);
      assertClose(`convBackward ${what} dW`, kdw, rdw, (i) => GEMM_TOL * sdw[i]);
      // db: plane sums in double on both paths, N float32 additions.
      assertClose(`convBackward ${what} db`, kdb, rdb, (i) => n * ULP * sdb[i]);
    }
  });

  test('the batched convolution (one wide product per chunk of samples) = TypeScript, one chunk and several', () => {
    const rng = new Rng(107);
    // 16×28×28 input, 3×3 pad 1: 144·784 floats of im2col per sample, so 40 samples are 2 chunks.
    const big: ConvGeometry = { c: 16, h: 28, w: 28, f: 3, k: 3, stride: 1, pad: 1, outH: 28, outW: 28 };
    const cases: Array<[ConvGeometry, number]> = [...GEOMETRIES.map((g): [ConvGeometry, number] => [g, 3]), [big, 40]];
    for (const [g, n] of cases) {
      const what = `${describe(g)}, ${n} samples (${Math.ceil(n / chunkSamples(g, n))} chunk(s))`;
      const inSize = g.c * g.h * g.w, patch = g.c * g.k * g.k, pixels = g.outH * g.outW;
      const colsLen = patch * pixels;
      const x = normals(rng, n * inSize), w = normals(rng, g.f * patch), b = normals(rng, g.f);
      const ref = new Float32Array(n * g.f * pixels);
      convForward(plain(x), plain(w), plain(b), ref, new Float32Array(colsLen), n, g);
      const scratch: BatchedScratch = newBatchedScratch();
      const kx = arena(x);
      const out = arena(normals(rng, ref.length, 100));
      assert.ok(convForwardBatched(kx, arena(w), arena(b), out, scratch, n, g), `${what}: the batched path ran`);
      const scale = new Float64Array(ref.length);
      convForward(abs64(x), abs64(w), abs64(b), scale, new Float64Array(colsLen), n, g);
      assertClose(`batched forward ${what}`, out, ref, (i) => GEMM_TOL * scale[i]);
      assert.equal(scratch.colsOf !== undefined, chunkSamples(g, n) >= n, `${what}: im2col kept for backward only when one chunk`);

      const dout = normals(rng, ref.length);
      const [rdx, rdw, rdb] = [new Float32Array(n * inSize), new Float32Array(g.f * patch), new Float32Array(g.f)];
      convBackward(plain(dout), plain(x), plain(w), rdx, rdw, rdb, new Float32Array(colsLen), new Float32Array(colsLen), n, g);
      const [sdx, sdw, sdb] = [new Float64Array(rdx.length), new Float64Array(rdw.length), new Float64Array(rdb.length)];
      convBackward(abs64(dout), abs64(x), abs64(w), sdx, sdw, sdb, new Float64Array(colsLen), new Float64Array(colsLen), n, g);
      const [kdx, kdw, kdb] = [arena(normals(rng, rdx.length, 100)), arena(normals(rng, rdw.length, 100)), arena(normals(rng, rdb.length, 100))];
      assert.ok(convBackwardBatched(arena(dout), kx, arena(w), kdx, kdw, kdb, scratch, n, g), `${what}: the batched backward ran`);
      assertClose(`batched backward ${what} dx`, kdx, rdx, (i) => GEMM_TOL * sdx[i]);
      assertClose(`batched backward ${what} dW`, kdw, rdw, (i) => GEMM_TOL * sdw[i]);
      assertClose(`batched backward ${what} db`, kdb, rdb, (i) => n * ULP * sdb[i]);
      // Without dx (the first layer), dW and db are the same.
      const [kdw2, kdb2] = [arena(kdw), arena(kdb)];
      kdw2.fill(7);
      assert.ok(convBackwardBatched(arena(dout), kx, arena(w), undefined, kdw2, kdb2, scratch, n, g));
      assertClose(`batched backward without dx ${what} dW`, kdw2, rdw, (i) => GEMM_TOL * sdw[i]);
    }
  });

  test('a dense layer and its activation fused (bias + f in one pass, f\' and db in one pass) = run one layer at a time', () => {
    for (const act of ['relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid'] as const) {
      const spec = { ...DENSE_SPEC, layers: [
        { kind: 'dense' as const, units: 37, activation: { type: act } },
        { kind: 'dense' as const, units: 13, activation: { type: 'tanh' as const } },
        { kind: 'dense' as const, units: 4, activation: { type: 'linear' as const } },
      ] };
      const t = new Trainer(spec);
      const net = t.network;
      const rng = new Rng(108);
      const n = 25;
      const x = arena(normals(rng, n * 13));
      const y = arenaInt(Array.from({ length: n }, () => rng.int(4)));
      // Fused: Network.loss. Separately: each layer's own forward/backward on the same weights.
      net.loss(x, y, 0, n, { l2: 0, l1: 0 }, true);
      const fused = net.params.map((p) => Float32Array.from(p.grad));
      const fusedOut = net.outputs.map((o, i) => Float32Array.from(o.subarray(0, n * net.layers[i].outSize)));
      let h: FloatArray = x;
      net.layers.forEach((l, i) => {
        h = l.forward(h, n, true);
        assertClose(`${act}: output of layer ${i} (${l.label})`, h, fusedOut[i], (j) => 4 * ULP * (1 + Math.abs(fusedOut[i][j])), 0, n * l.outSize);
      });
      const dscores = allocFloat32(n * 4);
      softmaxLoss(h, y, 0, n, 4, dscores);
      let g: FloatArray = dscores;
      for (let i = net.layers.length - 1; i >= 0; i--) g = net.layers[i].backward(g, n, i > 0);
      net.params.forEach((p, i) => assertClose(`${act}: ${p.name} gradient`, p.grad, fused[i], (j) => 1e-5 * (1e-3 + Math.abs(fused[i][j]))));
    }
  });

  // ─── max pooling ───────────────────────────────────────────────────────────────────────────────

  // 2×2 windows every 2 pixels have a path of their own, four outputs at a time: 1, 4, 5 and 9 wide.
  test('maxPoolForward/maxPoolBackward: identical outputs and arg-max (first on ties), identical gradients', () => {
    const rng = new Rng(106);
    const n = 2, c = 3;
    for (const [h, w, k, stride] of [[8, 8, 2, 2], [6, 10, 2, 2], [4, 18, 2, 2], [2, 2, 2, 2], [7, 9, 3, 2], [5, 6, 3, 1], [4, 5, 1, 1], [8, 8, 2, 3], [6, 6, 6, 1]]) {
      const g = poolGeometry(c, h, w, k, stride, (h - k) / stride + 1, (w - k) / stride + 1);
      const what = `max pool ${h}×${w} K=${k} S=${stride}`;
      const planeSize = h * w, len = n * c * g.outH * g.outW;
      // Values from {0, 1, 2}: most windows hold ties. Plane 1 is constant (all ties), plane 2 random.
      const x = new Float32Array(n * c * planeSize);
      for (let i = 0; i < x.length; i++) {
        const plane = Math.floor(i / planeSize) % c;
        x[i] = plane === 0 ? rng.int(3) : plane === 1 ? -1 : rng.normal();
      }
      const rout = new Float32Array(len), rarg = new Int32Array(len);
      maxPoolForward(plain(x), rout, rarg, n, g);
      const out = arena(new Float32Array(len).fill(SENTINEL)), arg = arenaInt(new Int32Array(len).fill(-1));
      maxPoolForward(arena(x), out, arg, n, g);
      assertClose(`${what} out`, out, rout, () => 0);
      assert.deepEqual(Array.from(arg), Array.from(rarg), `${what}: arg-max`);

      // Small integer gradients: every sum is exact in float32, whatever the order.
      const dout = Float32Array.from({ length: len }, () => rng.int(17) - 8);
      const rdx = new Float32Array(x.length);
      maxPoolBackward(plain(dout), rarg, rdx, n, g);
      const dx = arena(framed(0, x.length, 3, () => 100));
      maxPoolBackward(arena(dout), arg, dx, n, g);
      assertClose(`${what} dx`, dx, rdx, () => 0, 0, x.length);
      assertSentinel(`${what} dx`, dx, 0, x.length);
    }
  });

  test('avgPoolForward/avgPoolBackward: kernel = TypeScript (overlapping windows included)', () => {
    const rng = new Rng(109);
    const n = 2, c = 3;
    for (const [h, w, k, stride] of [[8, 8, 2, 2], [7, 9, 3, 2], [5, 6, 3, 1], [4, 5, 1, 1], [6, 6, 6, 1]]) {
      const g = poolGeometry(c, h, w, k, stride, (h - k) / stride + 1, (w - k) / stride + 1);
      const what = `avg pool ${h}×${w} K=${k} S=${stride}`;
      const len = n * c * g.outH * g.outW;
      const x = normals(rng, n * c * h * w);
      const rout = new Float32Array(len);
      avgPoolForward(plain(x), rout, n, g);
      const out = arena(new Float32Array(len).fill(SENTINEL));
      avgPoolForward(arena(x), out, n, g);
      // Sums in double on both paths, in the same order: equal.
      assertClose(`${what} out`, out, rout, () => 0);
      const dout = normals(rng, len);
      const rdx = new Float32Array(x.length);
      avgPoolBackward(plain(dout), rdx, n, g);
      const dx = arena(framed(0, x.length, 3, () => 100));
      avgPoolBackward(arena(dout), dx, n, g);
      // Each pixel collects ≤ K² shares, each share rounded once more in float32 by the kernel.
      const scale = new Float64Array(x.length);
      avgPoolBackward(abs64(dout), scale, n, g);
      assertClose(`${what} dx`, dx, rdx, (i) => 2 * k * k * ULP * scale[i], 0, x.length);
      assertSentinel(`${what} dx`, dx, 0, x.length);
    }
  });

  // ─── losses ────────────────────────────────────────────────────────────────────────────────────

  /**
   * scores from N(0, 3²) with a few rows of ties, labels read at a nonzero offset. The kernels
   * form s_j − s_max (softmax) and s_j − s_y + 1 (SVM) in float32 where TypeScript is exact in
   * double, so the loss moves by up to 2⁻²⁴·|difference| per term: softmax by ≤ 2·2⁻²⁴·gap per
   * row, SVM by ≤ 2⁻²⁴·(2·gap + 1) per margin (gap = the batch's largest score difference); the
   * tolerances double that. The correct counts must be equal.
   */
  function lossCases(rng: Rng, quantized: boolean): { n: number; c: number; scores: Float32Array; labels: Int32Array; off: number }[] {
    return [[1, 1], [1, 2], [7, 3], [64, 10], [5, 17], [33, 4]].map(([n, c]) => {
      const scores = Float32Array.from({ length: n * c }, () => (quantized ? rng.int(9) / 4 : 3 * rng.normal()));
      if (n > 2) scores.fill(0.5, c, 2 * c); // row 1: all tied
      const off = 3;
      const labels = new Int32Array(off + n + 2).fill(-7);
      for (let i = 0; i < n; i++) labels[off + i] = rng.int(c);
      return { n, c, scores, labels, off };
    });
  }

  function gapOf(scores: Float32Array): number {
    let lo = Infinity, hi = -Infinity;
    for (const v of scores) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi - lo;
  }

  function checkLoss(name: string, fn: LossFunction, quantized: boolean, lossTol: (gap: number, c: number) => number,
    dTol: (ref: number, j: number, y: number, n: number, gap: number) => number): void {
    const rng = new Rng(quantized ? 108 : 107);
    for (const { n, c, scores, labels, off } of lossCases(rng, quantized)) {
      const what = `${name} N=${n} C=${c}${quantized ? ' (quantized)' : ''}`;
      const gap = gapOf(scores);
      const rd = new Float32Array(n * c);
      const r = fn(plain(scores), Int32Array.from(labels), off, n, c, rd);
      const as = arena(scores), al = arenaInt(labels);
      const d = arena(framed(0, n * c, 3, () => 100));
      assert.ok(kernelsFor(as, al, d));
      const k = fn(as, al, off, n, c, d);
      assert.equal(k.correct, r.correct, `${what}: correct`);
      assert.ok(Math.abs(k.loss - r.loss) <= lossTol(gap, c), `${what}: loss ${k.loss}, expected ${r.loss}`);
      assertClose(`${what} dscores`, d, rd, (i) => dTol(rd[i], i % c, labels[off + Math.floor(i / c)], n, gap), 0, n * c);
      assertSentinel(`${what} dscores`, d, 0, n * c);
      // Without dscores: the same loss and count.
      const l = fn(as, al, off, n, c, undefined);
      assert.equal(l.loss, k.loss, `${what}: loss without dscores`);
      assert.equal(l.correct, k.correct);
    }
  }

  test('softmaxLoss: kernel = TypeScript (loss, correct count, dscores), labels at an offset', () => {
    // dscores = (p − [j = y])/N: p inherits the relative error of the float32 differences
    // (≤ 2·2⁻²⁴·gap) and 3–4 roundings; p − 1 near 1 keeps p's absolute error.
    const dTol = (ref: number, j: number, y: number, n: number, gap: number) => {
      const p = ref * n + (j === y ? 1 : 0);
      return ((gap + 4) * ULP * (Math.abs(p) + Math.abs(ref * n))) / n;
    };
    checkLoss('softmaxLoss', softmaxLoss, false, (gap) => 2 * ULP * gap + 1e-12, dTol);
  });

  for (const quantized of [false, true]) {
    test(`svmLoss: kernel = TypeScript (loss, correct count, dscores)${quantized ? ' on quarter-integer scores, margins of exactly 0 included' : ''}`, () => {
      // dscores are 1/N, 0 or −count/N: the kernel's −count·f32(1/N) is ≤ 1 ulp from the rounded quotient.
      checkLoss('svmLoss', svmLoss, quantized, (gap, c) => ULP * c * (2 * gap + 1) + 1e-12, (ref) => 2 * ULP * Math.abs(ref));
    });
  }

  // ─── optimizers ────────────────────────────────────────────────────────────────────────────────

  const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  // β with 1 − β exact in float32 (0.875 = 1 − 2⁻³, 1 − 2⁻⁹): the kernel's float32 β then weighs
  // its moments exactly as its bias corrections (formed in double) assume. With 0.9 and 0.999 they
  // do not: the kernel's 1 − f32(0.999) is 1.3e-5 below 0.001, so at step 1 v̂ = 0.99998713·g² and
  // the step is 6.4e-6 (≈ 50 ulps) too large.
  const ADAM_EXACT = { beta1: 0.875, beta2: 1 - 2 ** -9, eps: 1e-8 };
  const RULES: { name: string; states: number; step: (w: FloatArray, dw: FloatArray, s: FloatArray[], t: number) => void }[] = [
    { name: 'sgdUpdate', states: 0, step: (w, dw) => sgdUpdate(w, dw, 0.1) },
    { name: 'momentumUpdate', states: 1, step: (w, dw, s) => momentumUpdate(w, dw, s[0], 0.05, 0.9) },
    { name: 'nesterovUpdate', states: 1, step: (w, dw, s) => nesterovUpdate(w, dw, s[0], 0.05, 0.9) },
    { name: 'adagradUpdate', states: 1, step: (w, dw, s) => adagradUpdate(w, dw, s[0], 0.05, 1e-8) },
    { name: 'rmspropUpdate', states: 1, step: (w, dw, s) => rmspropUpdate(w, dw, s[0], 0.01, 0.9, 1e-8) },
    { name: 'adamUpdate (β 0.875, 1 − 2⁻⁹)', states: 2, step: (w, dw, s, t) => adamUpdate(w, dw, s[0], s[1], 0.01, t, ADAM_EXACT) },
    { name: 'adamUpdate (β 0.875, 1 − 2⁻⁹) with weightDecay 0.5', states: 2, step: (w, dw, s, t) => adamUpdate(w, dw, s[0], s[1], 0.01, t, ADAM_EXACT, 0.5) },
    { name: 'adamUpdate (β 0.9, 0.999)', states: 2, step: (w, dw, s, t) => adamUpdate(w, dw, s[0], s[1], 0.01, t, ADAM) },
    { name: 'adamUpdate (β 0.9, 0.999) with weightDecay 0.5', states: 2, step: (w, dw, s, t) => adamUpdate(w, dw, s[0], s[1], 0.01, t, ADAM, 0.5) },
  ];
  const STEPS = 5;

  for (const rule of RULES) {
    test(`${rule.name}: kernel = TypeScript over ${STEPS} steps, lengths 1 to 1001`, () => {
      const rng = new Rng(109);
      for (const len of [1, 3, 5, 17, 64, 1001]) {
        const w0 = normals(rng, len);
        const rw = plain(w0), kw = arena(w0);
        const rs = Array.from({ length: rule.states }, () => new Float32Array(len));
        const ks = Array.from({ length: rule.states }, () => arena(new Float32Array(len)));
        assert.ok(kernelsFor(kw, ks[0] ?? kw, ks[1] ?? kw));
        // Each step rounds in float32 relative to the magnitudes it combines: the values before
        // and after, and their change, of w and of each state. Errors carried from earlier steps
        // are damped (μ, β < 1) or enter through ratios, so 8 ulps of the running sum of those
        // magnitudes bounds the difference.
        const scale = new Float64Array(len);
        const tracked = [rw, ...rs];
        const grow = (before: Float32Array[]) => tracked.forEach((a, j) => {
          for (let i = 0; i < len; i++) scale[i] += Math.abs(a[i]) + Math.abs(a[i] - before[j][i]);
        });
        for (let t = 1; t <= STEPS; t++) {
          const dw = normals(rng, len);
          const before = tracked.map((a) => a.slice());
          rule.step(rw, plain(dw), rs, t);
          rule.step(kw, arena(dw), ks, t);
          grow(before);
          const what = `${rule.name} len ${len} step ${t}`;
          assertClose(`${what} w`, kw, rw, (i) => 8 * ULP * scale[i]);
          ks.forEach((s, j) => assertClose(`${what} state ${j}`, s, rs[j], (i) => 8 * ULP * scale[i]));
        }
      }
    });
  }

  // ─── statistics ────────────────────────────────────────────────────────────────────────────────

  test('summarize: the moments and histogram kernels give the TypeScript figures (NaN, ±Infinity, ReLU zeros, tails)', () => {
    const rng = new Rng(91);
    for (const len of [0, 1, 3, 4, 5, 7, 64, 1001, 30_001]) {
      const src = normals(rng, len).map((v, i) => (i % 3 === 0 ? 0 : v));
      if (len > 10) { src[2] = NaN; src[5] = Infinity; src[9] = -Infinity; }
      for (const range of [undefined, [-1, 1] as [number, number], [0, 1] as [number, number]]) {
        for (const bins of [1, 7, 30, 256]) {
          const k = summarize(arena(src), len, range, bins);
          const t = summarize(plain(src), len, range, bins);
          // Sums are formed in double precision on both paths, in a different order.
          const close = (a: number, b: number) => (Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)));
          assert.ok(close(k.mean, t.mean) && close(k.std, t.std), `len ${len} bins ${bins}: mean/std ${k.mean}/${k.std} vs ${t.mean}/${t.std}`);
          assert.deepEqual(k.hist, t.hist, `len ${len}, range ${String(range)}, bins ${bins}`);
        }
      }
    }
  });

  test('norms for the statistics (‖W‖, ‖W − W_before‖) and the regularization pass = TypeScript', () => {
    const rng = new Rng(92);
    for (const len of [1, 3, 4, 7, 64, 1001, 65_537]) {
      const a = normals(rng, len), b = normals(rng, len);
      const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.abs(y);
      assert.ok(close(norm(arena(a)), norm(plain(a))), `norm, ${len}`);
      assert.ok(close(normOfDifference(arena(a), arena(b)), normOfDifference(plain(a), plain(b))), `normOfDifference, ${len}`);
    }
    // ½·l2·Σw² + l1·Σ|w| and g += l2·w + l1·sign(w), written out here in double precision.
    const t = new Trainer({ ...DENSE_SPEC, train: { ...DENSE_SPEC.train, l2: 0.01, l1: 0.003 } });
    const net = t.network;
    const reg = { l2: 0.01, l1: 0.003 };
    for (const p of net.params) p.grad.set(normals(rng, p.grad.length));
    net.params.find((p) => p.regularize)!.value[0] = 0; // sign(0) = 0
    let expected = 0;
    const grads = net.params.map((p) => {
      const g = Float64Array.from(p.grad);
      if (!p.regularize) return g;
      for (let i = 0; i < p.value.length; i++) {
        const w = p.value[i];
        expected += 0.5 * reg.l2 * w * w + reg.l1 * Math.abs(w);
        g[i] += reg.l2 * w + reg.l1 * Math.sign(w);
      }
      return g;
    });
    assert.ok(Math.abs(net.regLoss(reg) - expected) <= 1e-12 * expected, 'regLoss without the gradient');
    const before = net.params.map((p) => Float32Array.from(p.grad));
    net.params.forEach((p, i) => assert.deepEqual(p.grad, before[i], `${p.name}: regLoss alone leaves the gradient`));
    const got = net.regLoss(reg, true);
    assert.ok(Math.abs(got - expected) <= 1e-12 * expected, `regLoss ${got} vs ${expected}`);
    // g + l2·w + l1·sign(w) in float32: one rounding of each product and of the sums.
    net.params.forEach((p, i) => assertClose(`${p.name} gradient`, p.grad, grads[i], (j) => 4 * ULP * (Math.abs(grads[i][j]) + Math.abs(before[i][j]) + reg.l1)));
  });

  test('firstNonFinite: the index of the first NaN or ±Infinity (or −1), as the TypeScript scan', () => {
    const rng = new Rng(93);
    for (const len of [0, 1, 5, 16, 17, 33, 1000]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (const at of [0, Math.floor(len / 2), len - 1, -1]) {
          const a = normals(rng, len, 1e30);
          if (at >= 0 && at < len) a[at] = bad;
          if (at >= 0 && at + 3 < len) a[at + 3] = NaN; // a later one does not count
          assert.equal(firstNonFinite(arena(a)), firstNonFinite(plain(a)), `len ${len}, ${bad} at ${at}`);
          assert.equal(firstNonFinite(plain(a)), at >= 0 && at < len ? at : -1);
        }
      }
    }
    const a = arena(normals(rng, 40));
    a[30] = NaN;
    assert.equal(firstNonFinite(a, 30), -1, 'only the first len values');
  });

  // ─── the whole engine ──────────────────────────────────────────────────────────────────────────

  test('training with the kernels is bit-identical for the same seed (dense, softmax, AdamW)', () => {
    const a = losses(DENSE_SPEC);
    const b = losses(DENSE_SPEC);
    assert.equal(a.length, 10);
    assert.ok(a.every(Number.isFinite));
    assert.deepEqual(a, b);
  });

  test('training with the kernels is bit-identical for the same seed (conv, max pool, SVM, Nesterov)', () => {
    const a = losses(CONV_SPEC, images());
    const b = losses(CONV_SPEC, images());
    assert.equal(a.length, 6);
    assert.ok(a.every(Number.isFinite));
    assert.deepEqual(a, b);
  });
}

// ─── both builds, and none, in child processes ───────────────────────────────────────────────────

interface ChildRun { code: number | null; signal: NodeJS.Signals | null; output: string }

/** Runs this compiled file under `node --test` with TRAINLENS_KERNELS=mode (and node flags). */
function runChild(mode: string, flags: string[]): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, TRAINLENS_KERNELS: mode, TRAINLENS_KERNELS_CHILD: '1' };
  delete env.NODE_TEST_CONTEXT; // else the child's runner reports to ours in its wire format
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, '--test', __filename], { env, timeout: 120_000 });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

function childTests(): void {
  // Started at once so that they run beside this process's own tests.
  const children = [
    { mode: 'relaxed', flags: ['--experimental-wasm-relaxed-simd'], expect: 'the relaxed kernels are loaded' },
    { mode: 'simd', flags: [], expect: 'the simd kernels are loaded' },
    { mode: 'ts', flags: [], expect: 'TRAINLENS_KERNELS=ts' },
  ].map((c) => ({ ...c, run: runChild(c.mode, c.flags) }));

  if (MODE === 'auto') {
    test('auto finds a build on this Node', () => {
      assert.notEqual(kernels(), null);
    });
  }

  for (const { mode, flags, expect, run } of children) {
    test(`node ${[...flags, '--test'].join(' ')} with TRAINLENS_KERNELS=${mode} passes this file`, async () => {
      const { code, signal, output } = await run;
      assert.equal(code, 0, `exit ${code}${signal ? ` (${signal})` : ''}:\n${output}`);
      assert.ok(output.includes(expect), `the child ran "${expect}":\n${output}`);
    });
  }
}
