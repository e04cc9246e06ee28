import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { gemmNN, gemmNT, gemmTN } from '../../src/engine/gemm';
import type { FloatArray } from '../../src/engine/tensor';

type Gemm = typeof gemmNN;
type Dtype = 'float32' | 'float64';

/** Each layout with the index of A[i, p] and B[p, j] in its stored (row-major) form. */
const LAYOUTS: { name: string; gemm: Gemm; a: (i: number, p: number, m: number, k: number) => number; b: (p: number, j: number, k: number, n: number) => number }[] = [
  { name: 'gemmNN (A·B)', gemm: gemmNN, a: (i, p, _m, k) => i * k + p, b: (p, j, _k, n) => p * n + j },
  { name: 'gemmTN (Aᵀ·B)', gemm: gemmTN, a: (i, p, m) => p * m + i, b: (p, j, _k, n) => p * n + j },
  { name: 'gemmNT (A·Bᵀ)', gemm: gemmNT, a: (i, p, _m, k) => i * k + p, b: (p, j, k) => j * k + p },
];

/**
 * Odd sizes hit every remainder of the 8-, 4- and 1-row × 4-deep kernels and of the 4×2 dot
 * products; the last ones cross the cache blocks (256 columns, 128 and 512 deep).
 */
const SIZES: [number, number, number][] = [
  [1, 1, 1], [7, 5, 3], [33, 17, 65], [4, 4, 4], [5, 9, 8], [3, 2, 1], [1, 13, 6], [12, 7, 5], [13, 10, 11],
  [16, 784, 9], [2, 300, 130], [9, 3, 600],
];

function random(rng: Rng, n: number, dtype: Dtype): FloatArray {
  const x = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/**
 * Checks C against a naive triple loop in double precision, element by element, within
 * tol · Σ_p |A[i,p]·B[p,j]| (the scale of the rounding error of any summation order).
 */
function check(
  name: string, layout: (typeof LAYOUTS)[number], m: number, n: number, k: number,
  a: FloatArray, aOff: number, b: FloatArray, bOff: number, c: FloatArray, cOff: number, c0: FloatArray | undefined, tol: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 ? c0[i * n + j] : 0;
      let scale = c0 ? Math.abs(c0[i * n + j]) : 0;
      for (let p = 0; p < k; p++) {
        const t = a[aOff + layout.a(i, p, m, k)] * b[bOff + layout.b(p, j, k, n)];
        s += t;
        scale += Math.abs(t);
      }
      const err = Math.abs(c[cOff + i * n + j] - s);
      assert.ok(err <= tol * Math.max(scale, 1e-300), `${name}: C[${i},${j}] = ${c[cOff + i * n + j]}, expected ${s} (error ${err})`);
    }
  }
}

for (const layout of LAYOUTS) {
  for (const dtype of ['float64', 'float32'] as const) {
    // float64 sums differ from the naive order only by round-off; float32 also rounds C once.
    const tol = dtype === 'float64' ? 1e-12 : 1e-6;

    test(`${layout.name} matches a naive triple loop in ${dtype}`, () => {
      const rng = new Rng(17);
      for (const [m, n, k] of SIZES) {
        const a = random(rng, m * k, dtype);
        const b = random(rng, k * n, dtype);
        const c = random(rng, m * n, dtype); // garbage that must be overwritten
        layout.gemm(m, n, k, a, 0, b, 0, c, 0, false);
        check(`${m}×${n}×${k}`, layout, m, n, k, a, 0, b, 0, c, 0, undefined, tol);
      }
    });

    test(`${layout.name} accumulates into C and respects offsets in ${dtype}`, () => {
      const rng = new Rng(23);
      for (const [m, n, k] of SIZES) {
        const [aOff, bOff, cOff] = [3, 5, 7];
        const a = random(rng, aOff + m * k + 2, dtype);
        const b = random(rng, bOff + k * n + 2, dtype);
        const c = random(rng, cOff + m * n + 4, dtype);
        const before = c.slice();
        const c0 = before.slice(cOff, cOff + m * n);
        layout.gemm(m, n, k, a, aOff, b, bOff, c, cOff, true);
        check(`${m}×${n}×${k} +=`, layout, m, n, k, a, aOff, b, bOff, c, cOff, c0, tol);
        for (let t = 0; t < cOff; t++) assert.equal(c[t], before[t], 'C before its offset is untouched');
        for (let t = cOff + m * n; t < c.length; t++) assert.equal(c[t], before[t], 'C after its end is untouched');
      }
    });
  }

  test(`${layout.name} with k = 0 gives zeros, or leaves C when accumulating`, () => {
    const c = new Float64Array([1, 2, 3, 4, 5, 6]);
    layout.gemm(2, 3, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0, true);
    assert.deepEqual([...c], [1, 2, 3, 4, 5, 6]);
    layout.gemm(2, 3, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0, false);
    assert.deepEqual([...c], [0, 0, 0, 0, 0, 0]);
  });

  test(`${layout.name} throws a RangeError when a matrix runs past its buffer`, () => {
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    const c = new Float64Array(4);
    assert.doesNotThrow(() => layout.gemm(2, 2, 3, a, 0, b, 0, c, 0, false));
    assert.throws(() => layout.gemm(2, 2, 3, a, 1, b, 0, c, 0, false), RangeError);
    assert.throws(() => layout.gemm(2, 2, 3, a, 0, b, 1, c, 0, false), RangeError);
    assert.throws(() => layout.gemm(2, 2, 3, a, 0, b, 0, c, 1, false), RangeError);
    assert.throws(() => layout.gemm(2, 3, 3, a, 0, b, 0, c, 0, false), RangeError);
  });
}

test('the layouts agree: (A·B) = (Aᵀ)ᵀ·B = A·(Bᵀ)ᵀ on explicitly transposed copies', () => {
  const rng = new Rng(29);
  const [m, n, k] = [6, 11, 9];
  const a = random(rng, m * k, 'float64');
  const b = random(rng, k * n, 'float64');
  const at = new Float64Array(k * m);
  const bt = new Float64Array(n * k);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
  const nn = new Float64Array(m * n);
  const tn = new Float64Array(m * n);
  const nt = new Float64Array(m * n);
  gemmNN(m, n, k, a, 0, b, 0, nn, 0, false);
  gemmTN(m, n, k, at, 0, b, 0, tn, 0, false);
  gemmNT(m, n, k, a, 0, bt, 0, nt, 0, false);
  for (let t = 0; t < m * n; t++) {
    assert.ok(Math.abs(nn[t] - tn[t]) < 1e-12 && Math.abs(nn[t] - nt[t]) < 1e-12, `element ${t}`);
  }
});
