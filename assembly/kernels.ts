// TrainLens's float32 kernels, compiled by AssemblyScript to WebAssembly SIMD128 twice: a baseline
// build (multiply, then add) and a relaxed-SIMD build (fused multiply-add). ASC_FEATURE_RELAXED_SIMD
// is a compile-time constant, so each build keeps one branch of madd() below.
//
// Memory is the host's (imported); every pointer is a byte address in it, 16-byte aligned for the
// scratch area and 4-byte aligned for everything else. The kernels allocate nothing: the host hands
// over a scratch area once (setScratch) for the packed GEMM panels.
//
// Matrices are row-major. The GEMM reads op(A)[i, p] at a + 4·(i·aRow + p·aCol) and op(B)[p, j] at
// b + 4·(p·bRow + j·bCol), which covers A·B, Aᵀ·B and A·Bᵀ without a transpose.

// ─── blocking ────────────────────────────────────────────────────────────────────────────────────
// A register tile is MR × NR = 4 × 8 floats of C: eight v128 accumulators. A KC-deep micro-panel of
// packed B (KC·NR·4 = 8 KB) stays in L1 while the MC × KC block of packed A (128 KB) streams from
// L2; the KC × NC panel of packed B (512 KB) sits in L2/L3.
const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

/** Bytes of scratch the GEMM needs: packed A (MC·KC), packed B (KC·NC) and one edge tile. */
export const SCRATCH_BYTES: i32 = (MC * KC + KC * NC + MR * NR) * 4;

let packA: usize = 0;
let packB: usize = 0;
let edge: usize = 0;

export function setScratch(ptr: usize): void {
  packA = ptr;
  packB = ptr + <usize>(MC * KC * 4);
  edge = packB + <usize>(KC * NC * 4);
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * C (+)= op(A)·op(B), C: (m, n) at c with rows ldc floats apart (ldc ≥ n: a block of a wider C, as
 * one thread's share). With accumulate = 0, C is overwritten. Each element of C is summed over k
 * in the same order whatever m, n and ldc are (KC blocks in turn, p ascending within a block), so
 * a product split by rows or columns of C equals the whole one bit for bit.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, aRow: i32, aCol: i32,
  b: usize, bRow: i32, bCol: i32,
  c: usize, ldc: i32, accumulate: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc * 4), 0, <usize>(n * 4));
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packPanelB(b, bRow, bCol, pc, kc, jc, nc);
      const first = pc == 0 && !accumulate;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packBlockA(a, aRow, aCol, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packB + <usize>(jr * kc * 4);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = packA + <usize>(ir * kc * 4);
            const ct = c + <usize>(((ic + ir) * ldc + jc + jr) * 4);
            tile(kc, pa, pb, ct, ldc, mr, nr, first);
          }
        }
      }
    }
  }
}

/** packB[jr·kc + p·NR + j] = op(B)[pc + p, jc + jr + j], zero past column n. */
function packPanelB(b: usize, bRow: i32, bCol: i32, pc: i32, kc: i32, jc: i32, nc: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    let dst = packB + <usize>(jr * kc * 4);
    if (bCol == 1 && nr == NR) {
      let src = b + <usize>((pc * bRow + jc + jr) * 4);
      const step = <usize>(bRow * 4);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += 32;
      }
    } else if (bRow == 1 && nr == NR) {
      // Columns of op(B) are contiguous (A·Bᵀ): 4 × 4 blocks transposed in registers, two per
      // four steps of p (the panel's left and right halves).
      const ld = <usize>(bCol * 4);
      const col = b + <usize>((pc + (jc + jr) * bCol) * 4);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const q = col + <usize>(p * 4);
        transposeStore(q, ld, dst + <usize>(p * NR * 4), NR * 4);
        transposeStore(q + 4 * ld, ld, dst + <usize>(p * NR * 4 + 16), NR * 4);
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + <usize>((p * NR + j) * 4), load<f32>(col + <usize>(j) * ld + <usize>(p * 4)));
      }
    } else if (bRow == 1) {
      if (nr < NR) memory.fill(dst, 0, <usize>(kc * NR * 4));
      for (let j = 0; j < nr; j++) {
        let src = b + <usize>((pc + (jc + jr + j) * bCol) * 4);
        let d = dst + <usize>(j * 4);
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(src));
          src += 4;
          d += NR * 4;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + <usize>(((pc + p) * bRow + (jc + jr) * bCol) * 4);
        for (let j = 0; j < NR; j++) {
          store<f32>(dst + <usize>(j * 4), j < nr ? load<f32>(row + <usize>(j * bCol * 4)) : 0);
        }
        dst += NR * 4;
      }
    }
  }
}

/** packA[ir·kc + p·MR + r] = op(A)[ic + ir + r, pc + p], zero past row m. */
function packBlockA(a: usize, aRow: i32, aCol: i32, ic: i32, mc: i32, pc: i32, kc: i32): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const dst = packA + <usize>(ir * kc * 4);
    if (aRow == 1 && mr == MR) {
      // Rows of op(A) are columns of A (Aᵀ·B): four consecutive rows are one v128.
      let src = a + <usize>((ic + ir + pc * aCol) * 4);
      const step = <usize>(aCol * 4);
      let d = dst;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        src += step;
        d += 16;
      }
    } else if (aCol == 1 && mr == MR) {
      // Rows of A are contiguous (A·B, A·Bᵀ): 4 × 4 blocks transposed in registers.
      const ld = <usize>(aRow * 4);
      const row = a + <usize>(((ic + ir) * aRow + pc) * 4);
      let p = 0;
      for (; p + 4 <= kc; p += 4) transposeStore(row + <usize>(p * 4), ld, dst + <usize>(p * MR * 4), MR * 4);
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + <usize>((p * MR + r) * 4), load<f32>(row + <usize>(r) * ld + <usize>(p * 4)));
      }
    } else {
      if (mr < MR) memory.fill(dst, 0, <usize>(kc * MR * 4));
      for (let r = 0; r < mr; r++) {
        let src = a + <usize>(((ic + ir + r) * aRow + pc * aCol) * 4);
        const step = <usize>(aCol * 4);
        let d = dst + <usize>(r * 4);
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(src));
          src += step;
          d += MR * 4;
        }
      }
    }
  }
}

/**
 * Transposes the 4 × 4 block whose rows start at src, src + ld, src + 2·ld, src + 3·ld into four
 * rows of 4 at dst, dst + dstStep, …: dst row t = (src[0][t], src[1][t], src[2][t], src[3][t]).
 */
// @ts-ignore: decorator
@inline function transposeStore(src: usize, ld: usize, dst: usize, dstStep: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + ld), r2 = v128.load(src + 2 * ld), r3 = v128.load(src + 3 * ld);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStep, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStep, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStep, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** The 4 × 8 register tile: C[0:mr, 0:nr] (+)= packed A · packed B over kc. */
function tile(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + <usize>(kc * NR * 4);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const row = <usize>(ldc * 4);
  if (mr == MR && nr == NR) {
    if (!first) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + row)); c11 = f32x4.add(c11, v128.load(c + row, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * row)); c21 = f32x4.add(c21, v128.load(c + 2 * row, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * row)); c31 = f32x4.add(c31, v128.load(c + 3 * row, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + row, c10); v128.store(c + row, c11, 16);
    v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16);
    v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16);
    return;
  }
  // An edge tile: through the scratch tile, then only the rows and columns inside C.
  v128.store(edge, c00); v128.store(edge, c01, 16);
  v128.store(edge, c10, 32); v128.store(edge, c11, 48);
  v128.store(edge, c20, 64); v128.store(edge, c21, 80);
  v128.store(edge, c30, 96); v128.store(edge, c31, 112);
  for (let r = 0; r < mr; r++) {
    const dst = c + <usize>(r) * row;
    const src = edge + <usize>(r * NR * 4);
    for (let j = 0; j < nr; j++) {
      const o = <usize>(j * 4);
      const v = load<f32>(src + o);
      store<f32>(dst + o, first ? v : load<f32>(dst + o) + v);
    }
  }
}

// ─── elementwise and reductions ──────────────────────────────────────────────────────────────────

/** out[i, j] += bias[j] for i < rows, j < cols. */
export function addBiasRows(out: usize, bias: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const o = out + <usize>(i * cols * 4);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q = <usize>(j * 4);
      v128.store(o + q, f32x4.add(v128.load(o + q), v128.load(bias + q)));
    }
    for (; j < cols; j++) {
      const q = <usize>(j * 4);
      store<f32>(o + q, load<f32>(o + q) + load<f32>(bias + q));
    }
  }
}

/** out[f, t] = bias[f] for every plane f < planes of `size` elements (conv outputs before W·cols). */
export function fillPlanes(out: usize, bias: usize, planes: i32, size: i32): void {
  for (let f = 0; f < planes; f++) {
    const v = load<f32>(bias + <usize>(f * 4));
    const o = out + <usize>(f * size * 4);
    const s = f32x4.splat(v);
    let t = 0;
    for (; t + 4 <= size; t += 4) v128.store(o + <usize>(t * 4), s);
    for (; t < size; t++) store<f32>(o + <usize>(t * 4), v);
  }
}

/** db[j] (+)= Σ_i dout[i, j]: the bias gradient of a dense layer. Sums in f32 lanes, row by row. */
export function sumRows(db: usize, dout: usize, rows: i32, cols: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(db, 0, <usize>(cols * 4));
  for (let i = 0; i < rows; i++) {
    const o = dout + <usize>(i * cols * 4);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q = <usize>(j * 4);
      v128.store(db + q, f32x4.add(v128.load(db + q), v128.load(o + q)));
    }
    for (; j < cols; j++) {
      const q = <usize>(j * 4);
      store<f32>(db + q, load<f32>(db + q) + load<f32>(o + q));
    }
  }
}

/** Σ of `len` floats from p, in double precision (plane sums for conv bias gradients). */
export function sum(p: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < len; i++) s += <f64>load<f32>(p + <usize>(i * 4));
  return s;
}

/** out[f] (f64) = sum(p + 4·f·len, len) for f < planes: each plane's sum, as sum() forms it. */
export function sumPlanes(p: usize, planes: i32, len: i32, out: usize): void {
  for (let f = 0; f < planes; f++) store<f64>(out + <usize>(f * 8), sum(p + <usize>(f) * <usize>(len * 4), len));
}

// Activation codes shared with the host (src/engine/wasm/kernels.ts).
const LINEAR = 0;
const RELU = 1;
const LEAKY_RELU = 2;
const SIGMOID = 3;
const TANH = 4;
const ELU = 5;

/** out = f(x) over len elements; alpha is leaky ReLU's slope or ELU's scale. */
export function activationForward(fn: i32, x: usize, out: usize, len: i32, alpha: f32): void {
  let i = 0;
  if (fn == LINEAR) {
    memory.copy(out, x, <usize>(len * 4));
    return;
  }
  if (fn == RELU || fn == LEAKY_RELU) {
    const zero = f32x4.splat(0);
    const a = f32x4.splat(fn == RELU ? 0 : alpha);
    for (; i + 4 <= len; i += 4) {
      const q = <usize>(i * 4);
      const v = v128.load(x + q);
      v128.store(out + q, v128.bitselect(v, f32x4.mul(a, v), f32x4.gt(v, zero)));
    }
    for (; i < len; i++) {
      const q = <usize>(i * 4);
      const v = load<f32>(x + q);
      store<f32>(out + q, v > 0 ? v : (fn == RELU ? 0 : alpha * v));
    }
    return;
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const v = load<f32>(x + q);
    let y: f32;
    if (fn == SIGMOID) y = 1 / (1 + Mathf.exp(-v));
    else if (fn == TANH) y = Mathf.tanh(v);
    else y = v > 0 ? v : alpha * (Mathf.exp(v) - 1);
    store<f32>(out + q, y);
  }
}

/** dx = dout ⊙ f'(x), from the forward input x and output out. */
export function activationBackward(fn: i32, x: usize, out: usize, dout: usize, dx: usize, len: i32, alpha: f32): void {
  let i = 0;
  if (fn == LINEAR) {
    memory.copy(dx, dout, <usize>(len * 4));
    return;
  }
  if (fn == RELU || fn == LEAKY_RELU) {
    const zero = f32x4.splat(0);
    const a = f32x4.splat(fn == RELU ? 0 : alpha);
    for (; i + 4 <= len; i += 4) {
      const q = <usize>(i * 4);
      const g = v128.load(dout + q);
      v128.store(dx + q, v128.bitselect(g, f32x4.mul(a, g), f32x4.gt(v128.load(x + q), zero)));
    }
    for (; i < len; i++) {
      const q = <usize>(i * 4);
      const g = load<f32>(dout + q);
      store<f32>(dx + q, load<f32>(x + q) > 0 ? g : (fn == RELU ? 0 : alpha * g));
    }
    return;
  }
  if (fn == SIGMOID || fn == TANH) {
    const one = f32x4.splat(1);
    for (; i + 4 <= len; i += 4) {
      const q = <usize>(i * 4);
      const y = v128.load(out + q);
      const d = fn == SIGMOID ? f32x4.mul(y, f32x4.sub(one, y)) : f32x4.sub(one, f32x4.mul(y, y));
      v128.store(dx + q, f32x4.mul(v128.load(dout + q), d));
    }
    for (; i < len; i++) {
      const q = <usize>(i * 4);
      const y = load<f32>(out + q);
      store<f32>(dx + q, load<f32>(dout + q) * (fn == SIGMOID ? y * (1 - y) : 1 - y * y));
    }
    return;
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const g = load<f32>(dout + q);
    store<f32>(dx + q, load<f32>(x + q) > 0 ? g : g * (load<f32>(out + q) + alpha));
  }
}

// ─── losses ──────────────────────────────────────────────────────────────────────────────────────
// Both return the summed data loss over the n rows (in double precision) and leave the number of
// correct predictions in `correctCount`. With dscores ≠ 0 they write ∂(mean loss)/∂scores there.

let correctCount: i32 = 0;
export function lastCorrect(): i32 {
  return correctCount;
}

/** The index of a row's largest score (the first on ties, as the TypeScript path). */
// @ts-ignore: decorator
@inline function rowArgmax(s: usize, c: i32): i32 {
  let best = 0;
  let max = load<f32>(s);
  for (let j = 1; j < c; j++) {
    const v = load<f32>(s + <usize>(j * 4));
    if (v > max) { max = v; best = j; }
  }
  return best;
}

/** Softmax cross-entropy: Σ_i −log softmax(s_i)[y_i]. Labels are i32 at y. */
export function softmaxLoss(scores: usize, y: usize, n: i32, c: i32, dscores: usize): f64 {
  let loss: f64 = 0;
  let correct = 0;
  const inv: f32 = <f32>(1.0 / <f64>n);
  for (let i = 0; i < n; i++) {
    const s = scores + <usize>(i * c * 4);
    const label = load<i32>(y + <usize>(i * 4));
    const best = rowArgmax(s, c);
    if (best == label) correct++;
    const max = load<f32>(s + <usize>(best * 4));
    let z: f64 = 0;
    for (let j = 0; j < c; j++) z += Math.exp(<f64>(load<f32>(s + <usize>(j * 4)) - max));
    loss += Math.log(z) - <f64>(load<f32>(s + <usize>(label * 4)) - max);
    if (dscores) {
      const d = dscores + <usize>(i * c * 4);
      const invZ = 1 / z;
      for (let j = 0; j < c; j++) {
        const p = <f32>(Math.exp(<f64>(load<f32>(s + <usize>(j * 4)) - max)) * invZ);
        store<f32>(d + <usize>(j * 4), (j == label ? p - 1 : p) * inv);
      }
    }
  }
  correctCount = correct;
  return loss;
}

/** Multiclass SVM (hinge, margin Δ = delta): Σ_i Σ_{j≠y_i} max(0, s_j − s_y + Δ). */
export function svmLoss(scores: usize, y: usize, n: i32, c: i32, dscores: usize, delta: f32): f64 {
  let loss: f64 = 0;
  let correct = 0;
  const inv: f32 = <f32>(1.0 / <f64>n);
  for (let i = 0; i < n; i++) {
    const s = scores + <usize>(i * c * 4);
    const label = load<i32>(y + <usize>(i * 4));
    if (rowArgmax(s, c) == label) correct++;
    const sy = load<f32>(s + <usize>(label * 4));
    let positive = 0;
    for (let j = 0; j < c; j++) {
      if (j == label) continue;
      const margin = load<f32>(s + <usize>(j * 4)) - sy + delta;
      if (margin > 0) {
        loss += <f64>margin;
        positive++;
        if (dscores) store<f32>(dscores + <usize>((i * c + j) * 4), inv);
      } else if (dscores) store<f32>(dscores + <usize>((i * c + j) * 4), 0);
    }
    if (dscores) store<f32>(dscores + <usize>((i * c + label) * 4), -<f32>positive * inv);
  }
  correctCount = correct;
  return loss;
}

// ─── optimizer updates (cs231n lecture 7), in place over len elements ────────────────────────────

export function sgd(w: usize, dw: usize, len: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.mul(l, v128.load(dw + q))));
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    store<f32>(w + q, load<f32>(w + q) - lr * load<f32>(dw + q));
  }
}

/** v = μ·v − lr·dw; w += v (nesterov = 0), or w += −μ·v_prev + (1 + μ)·v (nesterov = 1). */
export function momentum(w: usize, dw: usize, v: usize, len: i32, lr: f32, mu: f32, nesterov: i32): void {
  const l = f32x4.splat(lr);
  const m = f32x4.splat(mu);
  const m1 = f32x4.splat(1 + mu);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    const prev = v128.load(v + q);
    const next = f32x4.sub(f32x4.mul(m, prev), f32x4.mul(l, v128.load(dw + q)));
    v128.store(v + q, next);
    const delta = nesterov ? f32x4.sub(f32x4.mul(m1, next), f32x4.mul(m, prev)) : next;
    v128.store(w + q, f32x4.add(v128.load(w + q), delta));
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const prev = load<f32>(v + q);
    const next = mu * prev - lr * load<f32>(dw + q);
    store<f32>(v + q, next);
    store<f32>(w + q, load<f32>(w + q) + (nesterov ? (1 + mu) * next - mu * prev : next));
  }
}

// The moving averages are written m += (1 − β)·(g − m) rather than β·m + (1 − β)·g: the same in
// exact arithmetic, but with β rounded to float32 (0.999 becomes 0.99900001) the second form's
// fixed point is off by (β₃₂ − β)/(1 − β) ≈ 1.3e-5 relative, the first has none. The host passes
// 1 − β computed in double precision.

/** AdaGrad (rate = 0): cache += dw²; RMSProp (rate = 1 − decay): cache += rate·(dw² − cache); then w −= lr·dw / (√cache + ε). */
export function scaledUpdate(w: usize, dw: usize, cache: usize, len: i32, lr: f32, rate: f32, eps: f32): void {
  const l = f32x4.splat(lr);
  const r = f32x4.splat(rate);
  const e = f32x4.splat(eps);
  const average = rate != 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    const g = v128.load(dw + q);
    const g2 = f32x4.mul(g, g);
    const old = v128.load(cache + q);
    const c = average ? f32x4.add(old, f32x4.mul(r, f32x4.sub(g2, old))) : f32x4.add(old, g2);
    v128.store(cache + q, c);
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.div(f32x4.mul(l, g), f32x4.add(f32x4.sqrt(c), e))));
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const g = load<f32>(dw + q);
    const old = load<f32>(cache + q);
    const c = average ? old + rate * (g * g - old) : old + g * g;
    store<f32>(cache + q, c);
    store<f32>(w + q, load<f32>(w + q) - (lr * g) / (Mathf.sqrt(c) + eps));
  }
}

/**
 * Adam at step t: m += (1 − β1)(dw − m); v += (1 − β2)(dw² − v); w = keep·w − lr·(m/mc) / (√(v/vc) + ε)
 * with the bias corrections mc = 1 − β1ᵗ, vc = 1 − β2ᵗ; keep = 1 − lr·decay is AdamW's decoupled
 * weight decay, applied first (1 for Adam).
 */
export function adam(
  w: usize, dw: usize, m: usize, v: usize, len: i32,
  lr: f32, rate1: f32, rate2: f32, eps: f32, mc: f32, vc: f32, keep: f32,
): void {
  const l = f32x4.splat(lr);
  const r1 = f32x4.splat(rate1), r2 = f32x4.splat(rate2);
  const e = f32x4.splat(eps);
  const mcv = f32x4.splat(mc), vcv = f32x4.splat(vc);
  const k = f32x4.splat(keep);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    const g = v128.load(dw + q);
    const m0 = v128.load(m + q), v0 = v128.load(v + q);
    const mm = f32x4.add(m0, f32x4.mul(r1, f32x4.sub(g, m0)));
    const vv = f32x4.add(v0, f32x4.mul(r2, f32x4.sub(f32x4.mul(g, g), v0)));
    v128.store(m + q, mm);
    v128.store(v + q, vv);
    const step = f32x4.div(f32x4.mul(l, f32x4.div(mm, mcv)), f32x4.add(f32x4.sqrt(f32x4.div(vv, vcv)), e));
    v128.store(w + q, f32x4.sub(f32x4.mul(k, v128.load(w + q)), step));
  }
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const g = load<f32>(dw + q);
    const m0 = load<f32>(m + q), v0 = load<f32>(v + q);
    const mm = m0 + rate1 * (g - m0);
    const vv = v0 + rate2 * (g * g - v0);
    store<f32>(m + q, mm);
    store<f32>(v + q, vv);
    store<f32>(w + q, keep * load<f32>(w + q) - (lr * (mm / mc)) / (Mathf.sqrt(vv / vc) + eps));
  }
}

// ─── convolution and pooling ─────────────────────────────────────────────────────────────────────

// Image rows are short (tens of floats): memory.copy and memory.fill are calls into the engine
// that cost more than such a row, so rows are moved by these inline loops.

// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) v128.store(dst + <usize>(t * 4), v128.load(src + <usize>(t * 4)));
  for (; t < n; t++) store<f32>(dst + <usize>(t * 4), load<f32>(src + <usize>(t * 4)));
}

// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let t = 0;
  for (; t + 4 <= n; t += 4) v128.store(dst + <usize>(t * 4), z);
  for (; t < n; t++) store<f32>(dst + <usize>(t * 4), 0);
}

/**
 * im2col of one sample: x (C, H, W) → cols (C·K·K, H'·W') with rows `ld` floats apart (ld ≥ H'·W',
 * so samples can sit side by side in one matrix),
 * cols[(c·K + i)·K + j, oh·W' + ow] = x[c, oh·S − P + i, ow·S − P + j], 0 in the padding.
 */
export function im2col(x: usize, cols: usize, c: i32, h: i32, w: i32, k: i32, stride: i32, pad: i32, outH: i32, outW: i32, ld: i32): void {
  let row = cols;
  const rowStep = <usize>(ld * 4);
  for (let ch = 0; ch < c; ch++) {
    const plane = x + <usize>(ch * h * w * 4);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const owLo = owLow(j, stride, pad, outW);
        const owHi = owHigh(j, stride, pad, outW, w, owLo);
        let r = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * stride - pad + i;
          if (ih < 0 || ih >= h) {
            zeroFloats(r, outW);
          } else {
            if (owLo > 0) zeroFloats(r, owLo);
            const src = plane + <usize>((ih * w - pad + j) * 4);
            if (stride == 1) {
              copyFloats(r + <usize>(owLo * 4), src + <usize>(owLo * 4), owHi - owLo);
            } else {
              for (let ow = owLo; ow < owHi; ow++) store<f32>(r + <usize>(ow * 4), load<f32>(src + <usize>(ow * stride * 4)));
            }
            if (owHi < outW) zeroFloats(r + <usize>(owHi * 4), outW - owHi);
          }
          r += <usize>(outW * 4);
        }
        row += rowStep;
      }
    }
  }
}

/** col2im, the adjoint of im2col (rows `ld` floats apart): adds dcols back onto dx (C, H, W); zero dx first. */
export function col2im(dcols: usize, dx: usize, c: i32, h: i32, w: i32, k: i32, stride: i32, pad: i32, outH: i32, outW: i32, ld: i32): void {
  let row = dcols;
  const rowStep = <usize>(ld * 4);
  for (let ch = 0; ch < c; ch++) {
    const plane = dx + <usize>(ch * h * w * 4);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const owLo = owLow(j, stride, pad, outW);
        const owHi = owHigh(j, stride, pad, outW, w, owLo);
        let r = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * stride - pad + i;
          if (ih >= 0 && ih < h) {
            const dst = plane + <usize>((ih * w - pad + j) * 4);
            if (stride == 1) {
              let ow = owLo;
              for (; ow + 4 <= owHi; ow += 4) {
                const q = <usize>(ow * 4);
                v128.store(dst + q, f32x4.add(v128.load(dst + q), v128.load(r + q)));
              }
              for (; ow < owHi; ow++) {
                const q = <usize>(ow * 4);
                store<f32>(dst + q, load<f32>(dst + q) + load<f32>(r + q));
              }
            } else {
              for (let ow = owLo; ow < owHi; ow++) {
                const d = dst + <usize>(ow * stride * 4);
                store<f32>(d, load<f32>(d) + load<f32>(r + <usize>(ow * 4)));
              }
            }
          }
          r += <usize>(outW * 4);
        }
        row += rowStep;
      }
    }
  }
}

/**
 * Swaps the two outer axes of (a, b, len) blocks: dst[j, i, :] = src[i, j, :] (+ bias[i] when
 * bias ≠ 0), for i0 ≤ i < i1 (a thread's share; 0 and a for all). Turns a batched convolution's
 * (F, N, H'·W') product into (N, F, H'·W') and its gradient back.
 */
export function swapBlocks(dst: usize, src: usize, a: i32, b: i32, len: i32, bias: usize, i0: i32, i1: i32): void {
  const bytes = <usize>(len * 4);
  for (let i = i0; i < i1; i++) {
    const add = bias ? f32x4.splat(load<f32>(bias + <usize>(i * 4))) : f32x4.splat(0);
    const addScalar = bias ? load<f32>(bias + <usize>(i * 4)) : 0;
    for (let j = 0; j < b; j++) {
      const s = src + <usize>(i * b + j) * bytes;
      const d = dst + <usize>(j * a + i) * bytes;
      if (!bias) {
        copyFloats(d, s, len);
        continue;
      }
      let t = 0;
      for (; t + 4 <= len; t += 4) v128.store(d + <usize>(t * 4), f32x4.add(v128.load(s + <usize>(t * 4)), add));
      for (; t < len; t++) store<f32>(d + <usize>(t * 4), load<f32>(s + <usize>(t * 4)) + addScalar);
    }
  }
}

/** First output column whose input column ow·S − P + j is ≥ 0. */
// @ts-ignore: decorator
@inline function owLow(j: i32, stride: i32, pad: i32, outW: i32): i32 {
  const need = pad - j;
  const lo = need <= 0 ? 0 : (need + stride - 1) / stride;
  return min(outW, lo);
}

/** One past the last output column whose input column is < W. */
// @ts-ignore: decorator
@inline function owHigh(j: i32, stride: i32, pad: i32, outW: i32, w: i32, lo: i32): i32 {
  const span = w - 1 + pad - j;
  const hi = span < 0 ? 0 : span / stride + 1;
  return max(lo, min(outW, hi));
}

/**
 * Max pooling of planes p0 ≤ p < p1 (of N·C) of H × W with a K × K window every S pixels, no
 * padding: out (planes, H', W'); arg[o] is the index into x of each window's largest value (the
 * first in row-major order on ties, as the TypeScript path). x, out and arg are the whole arrays'
 * starts, so a thread's share of the planes writes the same indices as the whole call.
 */
export function maxPoolForward(x: usize, out: usize, arg: usize, p0: i32, p1: i32, h: i32, w: i32, k: i32, stride: i32, outH: i32, outW: i32): void {
  let o: usize = <usize>(p0 * outH * outW * 4);
  const pairs = k == 2 && stride == 2;
  for (let p = p0; p < p1; p++) {
    const base = p * h * w;
    for (let oh = 0; oh < outH; oh++) {
      let ow = 0;
      if (pairs) {
        // 2×2 windows every 2 pixels (the usual pool), four outputs at once: the even and odd
        // columns of two input rows are the four candidates, compared in row-major order.
        const top = base + oh * 2 * w;
        for (; ow + 4 <= outW; ow += 4) {
          const r0 = x + <usize>((top + 2 * ow) * 4);
          const r1 = r0 + <usize>(w * 4);
          const a0 = v128.load(r0), a1 = v128.load(r0, 16);
          const b0 = v128.load(r1), b1 = v128.load(r1, 16);
          const corner = i32x4.add(i32x4.splat(top + 2 * ow), i32x4(0, 2, 4, 6));
          let max = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
          let best = corner;
          let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
          let greater = f32x4.gt(v, max);
          max = v128.bitselect(v, max, greater);
          best = v128.bitselect(i32x4.add(corner, i32x4.splat(1)), best, greater);
          v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
          greater = f32x4.gt(v, max);
          max = v128.bitselect(v, max, greater);
          best = v128.bitselect(i32x4.add(corner, i32x4.splat(w)), best, greater);
          v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
          greater = f32x4.gt(v, max);
          max = v128.bitselect(v, max, greater);
          best = v128.bitselect(i32x4.add(corner, i32x4.splat(w + 1)), best, greater);
          v128.store(out + o, max);
          v128.store(arg + o, best);
          o += 16;
        }
      }
      for (; ow < outW; ow++) {
        const corner = base + oh * stride * w + ow * stride;
        // Branch-free: random data makes `v > max` a coin flip, and V8 compiles a float select
        // to a branch, so the running maximum is blended as integer bits.
        let best = corner;
        let max = load<f32>(x + <usize>(corner * 4));
        let bits = reinterpret<i32>(max);
        for (let i = 0; i < k; i++) {
          const row = corner + i * w;
          for (let j = 0; j < k; j++) {
            const v = load<f32>(x + <usize>((row + j) * 4));
            const greater = <i32>(v > max);
            bits += greater * (reinterpret<i32>(v) - bits);
            best += greater * (row + j - best);
            max = reinterpret<f32>(bits);
          }
        }
        store<f32>(out + o, max);
        store<i32>(arg + o, best);
        o += 4;
      }
    }
  }
}

/** dx planes p0 ≤ p < p1 (of H × W) = 0 except each window's gradient added at its arg-max. */
export function maxPoolBackward(dout: usize, arg: usize, dx: usize, p0: i32, p1: i32, h: i32, w: i32, outH: i32, outW: i32): void {
  memory.fill(dx + <usize>(p0 * h * w * 4), 0, <usize>((p1 - p0) * h * w * 4));
  const len = <usize>(p1 * outH * outW * 4);
  for (let o: usize = <usize>(p0 * outH * outW * 4); o < len; o += 4) {
    const d = dx + <usize>(load<i32>(arg + o) * 4);
    store<f32>(d, load<f32>(d) + load<f32>(dout + o));
  }
}

/** The first byte the host may use: everything below holds this module's constant data. */
export function heapBase(): usize {
  return __heap_base;
}

/** dst row i = src row idx[i] (rows of f floats), for i < n: a mini-batch gathered in shuffled order. */
export function gatherRows(dst: usize, src: usize, idx: usize, n: i32, f: i32): void {
  const bytes = <usize>(f * 4);
  for (let i = 0; i < n; i++) {
    const row = <usize>load<i32>(idx + <usize>(i * 4));
    memory.copy(dst + <usize>(i) * bytes, src + row * bytes, bytes);
  }
}

// ─── statistics ──────────────────────────────────────────────────────────────────────────────────

/**
 * out[0..3] (f64) = Σv, Σv², min, max over len floats at p; sums in double precision, NaN skipped
 * by min and max (as `v < min` skips it).
 */
export function moments(p: usize, len: i32, out: usize): void {
  let s = f64x2.splat(0), s2 = f64x2.splat(0);
  let lo = f32x4.splat(Infinity), hi = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(p + <usize>(i * 4));
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    s = f64x2.add(s, f64x2.add(a, b));
    s2 = f64x2.add(s2, f64x2.add(f64x2.mul(a, a), f64x2.mul(b, b)));
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
  }
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  let sumSq = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  // The lanes never hold NaN (pmin/pmax keep the running value), so plain min/max fold them.
  const min4 = min(min(f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1)), min(f32x4.extract_lane(lo, 2), f32x4.extract_lane(lo, 3)));
  const max4 = max(max(f32x4.extract_lane(hi, 0), f32x4.extract_lane(hi, 1)), max(f32x4.extract_lane(hi, 2), f32x4.extract_lane(hi, 3)));
  let lowest = <f64>min4, highest = <f64>max4;
  for (; i < len; i++) {
    const v = <f64>load<f32>(p + <usize>(i * 4));
    sum += v;
    sumSq += v * v;
    if (v < lowest) lowest = v;
    if (v > highest) highest = v;
  }
  store<f64>(out, sum);
  store<f64>(out, sumSq, 8);
  store<f64>(out, lowest, 16);
  store<f64>(out, highest, 24);
}

/**
 * counts[b] (i32) = how many of len floats fall in bin b of `bins` equal bins from lo,
 * scale = bins / (hi − lo); values outside go to the end bins, NaN to none. Needs 4·bins slots at
 * counts: four interleaved sub-histograms, so runs of equal bins (all the zeros after a ReLU) do not
 * chain every increment on the previous one; they are summed into the first `bins` slots.
 */
export function histogram(p: usize, len: i32, lo: f64, scale: f64, bins: i32, counts: usize): void {
  memory.fill(counts, 0, <usize>(4 * bins * 4));
  const last = <f64>(bins - 1);
  const stride = <usize>(bins * 4);
  const lo2 = f64x2.splat(lo), scale2 = f64x2.splat(scale);
  const zero = f64x2.splat(0), top = f64x2.splat(last);
  // Bins in double precision, two lanes at a time; pmax sends NaN to bin 0, so NaNs are counted
  // and taken back out of bin 0 at the end.
  let nans = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(p + <usize>(i * 4));
    const a = f64x2.floor(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), lo2), scale2));
    const b = f64x2.floor(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), lo2), scale2));
    nans += popcnt<i32>(i64x2.bitmask(f64x2.ne(a, a)) | (i64x2.bitmask(f64x2.ne(b, b)) << 2));
    const ia = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(top, f64x2.pmax(zero, a)));
    const ib = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(top, f64x2.pmax(zero, b)));
    let at = counts + <usize>(i32x4.extract_lane(ia, 0) * 4);
    store<i32>(at, load<i32>(at) + 1);
    at = counts + stride + <usize>(i32x4.extract_lane(ia, 1) * 4);
    store<i32>(at, load<i32>(at) + 1);
    at = counts + 2 * stride + <usize>(i32x4.extract_lane(ib, 0) * 4);
    store<i32>(at, load<i32>(at) + 1);
    at = counts + 3 * stride + <usize>(i32x4.extract_lane(ib, 1) * 4);
    store<i32>(at, load<i32>(at) + 1);
  }
  store<i32>(counts, load<i32>(counts) - nans);
  for (; i < len; i++) {
    const f = Math.floor((<f64>load<f32>(p + <usize>(i * 4)) - lo) * scale);
    if (f != f) continue;
    const b = f < 0 ? 0 : f > last ? bins - 1 : <i32>f;
    const at = counts + <usize>(b * 4);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let b = 0; b < bins; b++) {
    const at = counts + <usize>(b * 4);
    store<i32>(at, load<i32>(at) + load<i32>(at + stride) + load<i32>(at + 2 * stride) + load<i32>(at + 3 * stride));
  }
}

// ─── dense + activation, fused ───────────────────────────────────────────────────────────────────

/**
 * A dense layer's bias and the activation after it, in one pass over (rows, cols):
 * pre[i, j] += bias[j]; out[i, j] = f(pre[i, j]). pre stays (the activation's backward and the
 * statistics read it).
 */
export function biasActivation(pre: usize, out: usize, bias: usize, rows: i32, cols: i32, fn: i32, alpha: f32): void {
  for (let i = 0; i < rows; i++) {
    const row = <usize>(i * cols * 4);
    addBiasRows(pre + row, bias, 1, cols);
    activationForward(fn, pre + row, out + row, cols, alpha);
  }
}

/**
 * The activation's backward and the dense layer's bias gradient in one pass over (rows, cols):
 * dpre = dout ⊙ f'(pre) and db[j] = Σ_i dpre[i, j].
 */
export function activationBackwardBias(fn: i32, pre: usize, out: usize, dout: usize, dpre: usize, db: usize, rows: i32, cols: i32, alpha: f32): void {
  memory.fill(db, 0, <usize>(cols * 4));
  for (let i = 0; i < rows; i++) {
    const row = <usize>(i * cols * 4);
    activationBackward(fn, pre + row, out + row, dout + row, dpre + row, cols, alpha);
    sumRows(db, dpre + row, 1, cols, 1);
  }
}

// ─── regularization ──────────────────────────────────────────────────────────────────────────────

/**
 * out[0..1] (f64) = Σw², Σ|w| over len weights, in double precision; with addGrad ≠ 0 also
 * g += l2·w + l1·sign(w) (sign 0 at 0), the gradient of ½·l2·Σw² + l1·Σ|w|.
 */
export function regularize(w: usize, g: usize, len: i32, l2: f32, l1: f32, addGrad: i32, out: usize): void {
  let sq = f64x2.splat(0), ab = f64x2.splat(0);
  const a2 = f32x4.splat(l2), a1 = f32x4.splat(l1), zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    const v = v128.load(w + q);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    sq = f64x2.add(sq, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
    ab = f64x2.add(ab, f64x2.add(f64x2.abs(lo), f64x2.abs(hi)));
    if (addGrad) {
      const sign = f32x4.convert_i32x4_s(i32x4.sub(f32x4.lt(v, zero), f32x4.gt(v, zero)));
      v128.store(g + q, f32x4.add(v128.load(g + q), f32x4.add(f32x4.mul(a2, v), f32x4.mul(a1, sign))));
    }
  }
  let sumSq = f64x2.extract_lane(sq, 0) + f64x2.extract_lane(sq, 1);
  let sumAbs = f64x2.extract_lane(ab, 0) + f64x2.extract_lane(ab, 1);
  for (; i < len; i++) {
    const q = <usize>(i * 4);
    const v = load<f32>(w + q);
    sumSq += <f64>v * <f64>v;
    sumAbs += Math.abs(<f64>v);
    if (addGrad) store<f32>(g + q, load<f32>(g + q) + (l2 * v + l1 * (v > 0 ? <f32>1 : v < 0 ? <f32>-1 : <f32>0)));
  }
  store<f64>(out, sumSq);
  store<f64>(out, sumAbs, 8);
}

/** Σ (a − b)² over len floats, in double precision (‖ΔW‖ of an update, for the statistics). */
export function sumSqDiff(a: usize, b: usize, len: i32): f64 {
  let s = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>(i * 4);
    const va = v128.load(a + q), vb = v128.load(b + q);
    const dlo = f64x2.sub(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb));
    const dhi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1)), f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1)));
    s = f64x2.add(s, f64x2.add(f64x2.mul(dlo, dlo), f64x2.mul(dhi, dhi)));
  }
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < len; i++) {
    const d = <f64>load<f32>(a + <usize>(i * 4)) - <f64>load<f32>(b + <usize>(i * 4));
    sum += d * d;
  }
  return sum;
}

/** Average pooling of `planes` planes of H × W, K × K windows every S pixels: out (planes, H', W'). */
export function avgPoolForward(x: usize, out: usize, planes: i32, h: i32, w: i32, k: i32, stride: i32, outH: i32, outW: i32): void {
  const scale = <f64>1 / <f64>(k * k);
  let o: usize = out;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const corner = base + oh * stride * w + ow * stride;
        let sum: f64 = 0;
        for (let i = 0; i < k; i++) {
          const row = x + <usize>((corner + i * w) * 4);
          for (let j = 0; j < k; j++) sum += <f64>load<f32>(row + <usize>(j * 4));
        }
        store<f32>(o, <f32>(sum * scale));
        o += 4;
      }
    }
  }
}

/** dx (planes, H, W) = each window's gradient spread evenly, dout/(K·K) to each of its pixels. */
export function avgPoolBackward(dout: usize, dx: usize, planes: i32, h: i32, w: i32, k: i32, stride: i32, outH: i32, outW: i32): void {
  memory.fill(dx, 0, <usize>(planes * h * w * 4));
  const scale = <f64>1 / <f64>(k * k);
  let o: usize = dout;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const corner = base + oh * stride * w + ow * stride;
        const share = <f32>(<f64>load<f32>(o) * scale);
        for (let i = 0; i < k; i++) {
          const row = dx + <usize>((corner + i * w) * 4);
          for (let j = 0; j < k; j++) {
            const at = row + <usize>(j * 4);
            store<f32>(at, load<f32>(at) + share);
          }
        }
        o += 4;
      }
    }
  }
}

/** Index of the first NaN or ±Infinity among len floats, or −1 (divergence checks, every step). */
export function firstNonFinite(p: usize, len: i32): i32 {
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    // v − v is 0 for a finite v and NaN otherwise; NaN ≠ NaN.
    const q = p + <usize>(i * 4);
    const a = v128.load(q), b = v128.load(q, 16), c = v128.load(q, 32), d = v128.load(q, 48);
    const da = f32x4.sub(a, a), db = f32x4.sub(b, b), dc = f32x4.sub(c, c), dd = f32x4.sub(d, d);
    const bad = v128.or(v128.or(f32x4.ne(da, da), f32x4.ne(db, db)), v128.or(f32x4.ne(dc, dc), f32x4.ne(dd, dd)));
    if (v128.any_true(bad)) break;
  }
  for (; i < len; i++) {
    const v = load<f32>(p + <usize>(i * 4));
    if (v - v != 0) return i;
  }
  return -1;
}

/**
 * The largest |v| among len floats: NaN if any is NaN, else +Infinity if any is infinite (the
 * divergence check of every step, and the optimizer's bound on the size of its update).
 */
export function maxAbs(p: usize, len: i32): f32 {
  // f32x4.max propagates NaN, so a NaN anywhere reaches the result.
  let a = f32x4.splat(0), b = f32x4.splat(0), c = f32x4.splat(0), d = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + <usize>(i * 4);
    a = f32x4.max(a, f32x4.abs(v128.load(q)));
    b = f32x4.max(b, f32x4.abs(v128.load(q, 16)));
    c = f32x4.max(c, f32x4.abs(v128.load(q, 32)));
    d = f32x4.max(d, f32x4.abs(v128.load(q, 48)));
  }
  const m = f32x4.max(f32x4.max(a, b), f32x4.max(c, d));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < len; i++) r = max(r, abs(load<f32>(p + <usize>(i * 4))));
  return r;
}
