import type { FloatArray } from './tensor';
import { addr, kernelsFor } from './wasm/kernels';
import * as parallel from './wasm/parallel';

/**
 * General matrix multiply for the engine, in plain single-threaded JavaScript.
 *
 * Three layouts, the ones backprop needs (no transpose is ever materialised):
 *   gemmNN: C = A·B    A: (m, k)  B: (k, n)  C: (m, n)
 *   gemmTN: C = Aᵀ·B   A: (k, m)  B: (k, n)  C: (m, n)
 *   gemmNT: C = A·Bᵀ   A: (m, k)  B: (n, k)  C: (m, n)
 * Every matrix is row-major and contiguous, starting at its offset in a possibly larger buffer, so
 * callers can point at one sample of a batch without a subarray. With `accumulate` the product is
 * added to C (C += …), otherwise C is overwritten. A, B and C may be float32 or float64; sums are
 * formed in double precision and rounded once when stored. C must not overlap A or B.
 *
 * When A, B and C are float32 buffers of the WebAssembly arena (src/engine/wasm/kernels.ts), the
 * product runs in the SIMD kernel of assembly/kernels.ts (float32 sums, packed panels, 4×8 register
 * tiles); otherwise in the blocked JavaScript below, which is also the reference the kernel is
 * tested against.
 */

// Cache blocks of gemmNN/gemmTN: a BLOCK_K × BLOCK_N panel of B is 256 KB in float64 (fits L2) and
// the 8 rows of C it updates are 16 KB (fit L1). Matrices smaller than a block are one block.
const BLOCK_N = 256;
const BLOCK_K = 128;
// Depth of the blocks of gemmNT: 4 rows of A and 2 of B, 6 × 512 doubles, stay in L1.
const BLOCK_K_NT = 512;

/** C (+)= A·B.   A: (m, k)  B: (k, n)  C: (m, n) */
export function gemmNN(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  checkBounds('gemmNN', m, n, k, a, aOffset, b, bOffset, c, cOffset);
  if (wasmGemm(m, n, k, a, aOffset, k, 1, b, bOffset, n, 1, c, cOffset, accumulate)) return;
  // A[i, p] is at aOffset + i·k + p.
  blockedAB(m, n, k, a, aOffset, k, 1, b, bOffset, c, cOffset, accumulate);
}

/** C (+)= Aᵀ·B.   A: (k, m)  B: (k, n)  C: (m, n) */
export function gemmTN(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  checkBounds('gemmTN', m, n, k, a, aOffset, b, bOffset, c, cOffset);
  if (wasmGemm(m, n, k, a, aOffset, 1, m, b, bOffset, n, 1, c, cOffset, accumulate)) return;
  // Aᵀ[i, p] = A[p, i] is at aOffset + i + p·m.
  blockedAB(m, n, k, a, aOffset, 1, m, b, bOffset, c, cOffset, accumulate);
}

/** C (+)= A·Bᵀ.   A: (m, k)  B: (n, k)  C: (m, n) */
export function gemmNT(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  checkBounds('gemmNT', m, n, k, a, aOffset, b, bOffset, c, cOffset);
  if (wasmGemm(m, n, k, a, aOffset, k, 1, b, bOffset, 1, k, c, cOffset, accumulate)) return;
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let p0 = 0; p0 < k; p0 += BLOCK_K_NT) {
    dotBlock(m, n, k, a, aOffset, b, bOffset, c, cOffset, p0, Math.min(k, p0 + BLOCK_K_NT));
  }
}

/** The SIMD kernel, when every operand lives in the arena; false means "use the JavaScript path". */
function wasmGemm(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, aRow: number, aCol: number,
  b: FloatArray, bOffset: number, bRow: number, bCol: number,
  c: FloatArray, cOffset: number, accumulate: boolean,
): boolean {
  const w = kernelsFor(a, b, c);
  if (!w) return false;
  parallel.gemm(w, m, n, k, addr(a, aOffset), aRow, aCol, addr(b, bOffset), bRow, bCol, addr(c, cOffset), accumulate ? 1 : 0);
  return true;
}

/** Out-of-range reads of a typed array give undefined (NaN in sums), so check the extents once. */
function checkBounds(
  name: string, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
): void {
  if (aOffset < 0 || bOffset < 0 || cOffset < 0
    || aOffset + m * k > a.length || bOffset + k * n > b.length || cOffset + m * n > c.length) {
    throw new RangeError(`${name}: (${m}×${k})·(${k}×${n}) does not fit the buffers at the given offsets`);
  }
}

/**
 * C (+)= op(A)·B with op(A)[i, p] at aOffset + i·aRow + p·aCol, over column panels of C and
 * depth panels of k, each done by the 4-row kernel below.
 */
function blockedAB(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, aRow: number, aCol: number, b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const j1 = Math.min(n, j0 + BLOCK_N);
    for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
      panelAB(m, n, a, aOffset, aRow, aCol, b, bOffset, c, cOffset, j0, j1, p0, Math.min(k, p0 + BLOCK_K));
    }
  }
}

/**
 * C[:, j0:j1] += op(A)[:, p0:p1] · B[p0:p1, j0:j1]. Eight rows of C at a time take four rows of B
 * at a time: 32 entries of A sit in locals while the j loop streams along contiguous rows, so each
 * load of B feeds eight multiply-adds and each C element is loaded and stored once per 4 of k
 * (8 rows measured 15–20% faster than 4 in V8). Leftover rows go four, then one, at a time.
 */
function panelAB(
  m: number, n: number,
  a: FloatArray, aOffset: number, aRow: number, aCol: number, b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number, j0: number, j1: number, p0: number, p1: number,
): void {
  let i = 0;
  for (; i + 7 < m; i += 8) {
    const c0 = cOffset + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n, c4 = c3 + n, c5 = c4 + n, c6 = c5 + n, c7 = c6 + n;
    const ai = aOffset + i * aRow;
    let p = p0;
    for (; p + 3 < p1; p += 4) {
      // xRK = op(A)[i + R, p + K]
      const q0 = ai + p * aCol, q1 = q0 + aCol, q2 = q1 + aCol, q3 = q2 + aCol;
      const x00 = a[q0], x01 = a[q1], x02 = a[q2], x03 = a[q3];
      const x10 = a[q0 + aRow], x11 = a[q1 + aRow], x12 = a[q2 + aRow], x13 = a[q3 + aRow];
      const x20 = a[q0 + 2 * aRow], x21 = a[q1 + 2 * aRow], x22 = a[q2 + 2 * aRow], x23 = a[q3 + 2 * aRow];
      const x30 = a[q0 + 3 * aRow], x31 = a[q1 + 3 * aRow], x32 = a[q2 + 3 * aRow], x33 = a[q3 + 3 * aRow];
      const x40 = a[q0 + 4 * aRow], x41 = a[q1 + 4 * aRow], x42 = a[q2 + 4 * aRow], x43 = a[q3 + 4 * aRow];
      const x50 = a[q0 + 5 * aRow], x51 = a[q1 + 5 * aRow], x52 = a[q2 + 5 * aRow], x53 = a[q3 + 5 * aRow];
      const x60 = a[q0 + 6 * aRow], x61 = a[q1 + 6 * aRow], x62 = a[q2 + 6 * aRow], x63 = a[q3 + 6 * aRow];
      const x70 = a[q0 + 7 * aRow], x71 = a[q1 + 7 * aRow], x72 = a[q2 + 7 * aRow], x73 = a[q3 + 7 * aRow];
      const b0 = bOffset + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = j0; j < j1; j++) {
        const v0 = b[b0 + j], v1 = b[b1 + j], v2 = b[b2 + j], v3 = b[b3 + j];
        c[c0 + j] += x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3;
        c[c1 + j] += x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3;
        c[c2 + j] += x20 * v0 + x21 * v1 + x22 * v2 + x23 * v3;
        c[c3 + j] += x30 * v0 + x31 * v1 + x32 * v2 + x33 * v3;
        c[c4 + j] += x40 * v0 + x41 * v1 + x42 * v2 + x43 * v3;
        c[c5 + j] += x50 * v0 + x51 * v1 + x52 * v2 + x53 * v3;
        c[c6 + j] += x60 * v0 + x61 * v1 + x62 * v2 + x63 * v3;
        c[c7 + j] += x70 * v0 + x71 * v1 + x72 * v2 + x73 * v3;
      }
    }
    for (; p < p1; p++) {
      const q = ai + p * aCol;
      const x0 = a[q], x1 = a[q + aRow], x2 = a[q + 2 * aRow], x3 = a[q + 3 * aRow];
      const x4 = a[q + 4 * aRow], x5 = a[q + 5 * aRow], x6 = a[q + 6 * aRow], x7 = a[q + 7 * aRow];
      const bp = bOffset + p * n;
      for (let j = j0; j < j1; j++) {
        const v = b[bp + j];
        c[c0 + j] += x0 * v;
        c[c1 + j] += x1 * v;
        c[c2 + j] += x2 * v;
        c[c3 + j] += x3 * v;
        c[c4 + j] += x4 * v;
        c[c5 + j] += x5 * v;
        c[c6 + j] += x6 * v;
        c[c7 + j] += x7 * v;
      }
    }
  }
  for (; i + 3 < m; i += 4) {
    const c0 = cOffset + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    const ai = aOffset + i * aRow;
    let p = p0;
    for (; p + 3 < p1; p += 4) {
      const q0 = ai + p * aCol, q1 = q0 + aCol, q2 = q1 + aCol, q3 = q2 + aCol;
      const x00 = a[q0], x01 = a[q1], x02 = a[q2], x03 = a[q3];
      const x10 = a[q0 + aRow], x11 = a[q1 + aRow], x12 = a[q2 + aRow], x13 = a[q3 + aRow];
      const x20 = a[q0 + 2 * aRow], x21 = a[q1 + 2 * aRow], x22 = a[q2 + 2 * aRow], x23 = a[q3 + 2 * aRow];
      const x30 = a[q0 + 3 * aRow], x31 = a[q1 + 3 * aRow], x32 = a[q2 + 3 * aRow], x33 = a[q3 + 3 * aRow];
      const b0 = bOffset + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = j0; j < j1; j++) {
        const v0 = b[b0 + j], v1 = b[b1 + j], v2 = b[b2 + j], v3 = b[b3 + j];
        c[c0 + j] += x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3;
        c[c1 + j] += x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3;
        c[c2 + j] += x20 * v0 + x21 * v1 + x22 * v2 + x23 * v3;
        c[c3 + j] += x30 * v0 + x31 * v1 + x32 * v2 + x33 * v3;
      }
    }
    for (; p < p1; p++) {
      const q = ai + p * aCol;
      const x0 = a[q], x1 = a[q + aRow], x2 = a[q + 2 * aRow], x3 = a[q + 3 * aRow];
      const bp = bOffset + p * n;
      for (let j = j0; j < j1; j++) {
        const v = b[bp + j];
        c[c0 + j] += x0 * v;
        c[c1 + j] += x1 * v;
        c[c2 + j] += x2 * v;
        c[c3 + j] += x3 * v;
      }
    }
  }
  for (; i < m; i++) {
    const ci = cOffset + i * n;
    const ai = aOffset + i * aRow;
    let p = p0;
    for (; p + 3 < p1; p += 4) {
      const q = ai + p * aCol;
      const x0 = a[q], x1 = a[q + aCol], x2 = a[q + 2 * aCol], x3 = a[q + 3 * aCol];
      const b0 = bOffset + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = j0; j < j1; j++) c[ci + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
    }
    for (; p < p1; p++) {
      const x = a[ai + p * aCol];
      const bp = bOffset + p * n;
      for (let j = j0; j < j1; j++) c[ci + j] += x * b[bp + j];
    }
  }
}

/**
 * C += A[:, p0:p1] · B[:, p0:p1]ᵀ: each C[i, j] is a dot product of two contiguous rows. A 4×2
 * block of them is summed at once in eight locals (independent chains, and each load of A or B
 * feeds two or four multiply-adds).
 */
function dotBlock(
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  p0: number, p1: number,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = aOffset + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const c0 = cOffset + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = bOffset + j * k, b1 = b0 + k;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let p = p0; p < p1; p++) {
        const y0 = b[b0 + p], y1 = b[b1 + p];
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        s00 += x0 * y0; s01 += x0 * y1;
        s10 += x1 * y0; s11 += x1 * y1;
        s20 += x2 * y0; s21 += x2 * y1;
        s30 += x3 * y0; s31 += x3 * y1;
      }
      c[c0 + j] += s00; c[c0 + j + 1] += s01;
      c[c1 + j] += s10; c[c1 + j + 1] += s11;
      c[c2 + j] += s20; c[c2 + j + 1] += s21;
      c[c3 + j] += s30; c[c3 + j + 1] += s31;
    }
    for (; j < n; j++) {
      const bj = bOffset + j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = p0; p < p1; p++) {
        const y = b[bj + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      c[c0 + j] += s0; c[c1 + j] += s1; c[c2 + j] += s2; c[c3 + j] += s3;
    }
  }
  for (; i < m; i++) {
    const ai = aOffset + i * k;
    const ci = cOffset + i * n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bOffset + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = p0; p < p1; p++) {
        const x = a[ai + p];
        s0 += x * b[b0 + p];
        s1 += x * b[b1 + p];
        s2 += x * b[b2 + p];
        s3 += x * b[b3 + p];
      }
      c[ci + j] += s0; c[ci + j + 1] += s1; c[ci + j + 2] += s2; c[ci + j + 3] += s3;
    }
    for (; j < n; j++) {
      const bj = bOffset + j * k;
      let s = 0;
      for (let p = p0; p < p1; p++) s += a[ai + p] * b[bj + p];
      c[ci + j] += s;
    }
  }
}
