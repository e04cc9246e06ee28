import type { KernelExports } from './kernels';
import {
  GEMM_COL_UNIT, GEMM_ROW_UNIT, OP_ACTIVATION, OP_ACTIVATION_BACKWARD, OP_AVG_POOL, OP_AVG_POOL_BACKWARD, OP_BIAS_ACTIVATION,
  OP_COL2IM, OP_GEMM, OP_IM2COL, OP_MAX_POOL, OP_MAX_POOL_BACKWARD, OP_SUM_PLANES, OP_SWAP_BLOCKS,
} from './ops';
import { poolFor, threadsInfo, type ThreadsInfo } from './threads';

/**
 * The kernel calls of the layers, spread over the kernel threads (threads.ts) when the call is
 * large enough to pay for the dispatch, else made on this thread. Either way each output element
 * is computed by the same code in the same order (ops.ts), so the results do not depend on the
 * number of threads, only the time does.
 *
 * Thresholds (work per part below which a call stays on one thread) were measured on this
 * project's 2-vCPU machines with `node bench/threshold.mjs`: a job's dispatch and wake-up cost
 * ~5–20 µs, which a part must outweigh several times over.
 */

/** Multiply-adds per part: a GEMM smaller than two parts' worth runs on one thread. */
export const GEMM_MACS_PER_PART = 1 << 18;
/** Floats per part of an elementwise kernel (activations, pooling, im2col/col2im). */
export const FLOATS_PER_PART = 1 << 15;

/**
 * Whether a network trained in batches of `batch` has any kernel call large enough to spread (a
 * product of two parts' worth of multiply-adds, or two parts' worth of floats); when none has,
 * helper threads would only wait, so a run does not start them.
 */
export function worthThreads(layers: readonly { macsPerSample: number; inSize: number; outSize: number }[], batch: number): boolean {
  return layers.some((l) => batch * l.macsPerSample >= 2 * GEMM_MACS_PER_PART || batch * Math.max(l.inSize, l.outSize) >= 2 * FLOATS_PER_PART);
}

/** What a run whose model is not worth threads (worthThreads) uses: one thread, and why. */
export function smallModelThreads(requested: number): ThreadsInfo {
  return { ...threadsInfo(1), requested, why: 'small-model', reason: 'every kernel call of this model is too small to spread over threads' };
}

/** Parts for `work` units with at least `perPart` each: 1 when not worth spreading. */
export function partsFor(work: number, perPart: number): number {
  const p = poolFor(2);
  if (!p) return 1;
  return Math.max(1, Math.min(p.threads, Math.floor(work / perPart)));
}

/** C (+)= op(A)·op(B) as gemm() of the kernels, over the threads when large. */
export function gemm(
  e: KernelExports, m: number, n: number, k: number, a: number, aRow: number, aCol: number,
  b: number, bRow: number, bCol: number, c: number, accumulate: number,
): void {
  const byColumns = n >= m ? 1 : 0;
  const extent = byColumns ? Math.ceil(n / GEMM_COL_UNIT) : Math.ceil(m / GEMM_ROW_UNIT);
  const parts = Math.min(extent, partsFor(m * n * k, GEMM_MACS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.gemm(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, accumulate);
  const s = pool.args;
  s[0] = OP_GEMM; s[1] = m; s[2] = n; s[3] = k; s[4] = a; s[5] = aRow; s[6] = aCol;
  s[7] = b; s[8] = bRow; s[9] = bCol; s[10] = c; s[11] = n; s[12] = accumulate; s[13] = byColumns;
  pool.run(parts);
}

/**
 * im2col (or, with `adjoint`, col2im) of `count` samples side by side: sample s of x at
 * x + 4·s·inSize, its columns at cols + 4·s·pixels, rows of the column matrix ld floats apart.
 */
export function samplesIm2col(
  e: KernelExports, adjoint: boolean, x: number, cols: number, count: number, inSize: number, pixels: number,
  c: number, h: number, w: number, k: number, stride: number, pad: number, outH: number, outW: number, ld: number,
): void {
  const parts = Math.min(count, partsFor(count * c * k * k * pixels, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) {
    for (let s = 0; s < count; s++) {
      if (adjoint) e.col2im(cols + 4 * s * pixels, x + 4 * s * inSize, c, h, w, k, stride, pad, outH, outW, ld);
      else e.im2col(x + 4 * s * inSize, cols + 4 * s * pixels, c, h, w, k, stride, pad, outH, outW, ld);
    }
    return;
  }
  const a = pool.args;
  a[0] = adjoint ? OP_COL2IM : OP_IM2COL; a[1] = x; a[2] = cols; a[3] = inSize; a[4] = c; a[5] = h; a[6] = w; a[7] = k;
  a[8] = stride; a[9] = pad; a[10] = outH; a[11] = outW; a[12] = ld; a[13] = count; a[14] = pixels;
  pool.run(parts);
}

/** out = f(x) over len floats. */
export function activationForward(e: KernelExports, fn: number, x: number, out: number, len: number, alpha: number): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.activationForward(fn, x, out, len, alpha);
  const a = pool.args;
  a[0] = OP_ACTIVATION; a[1] = fn; a[2] = x; a[3] = out; a[4] = len; a[5] = alpha;
  pool.run(parts);
}

/** dx = dout ⊙ f'(x) over len floats. */
export function activationBackward(e: KernelExports, fn: number, x: number, out: number, dout: number, dx: number, len: number, alpha: number): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.activationBackward(fn, x, out, dout, dx, len, alpha);
  const a = pool.args;
  a[0] = OP_ACTIVATION_BACKWARD; a[1] = fn; a[2] = x; a[3] = out; a[4] = dout; a[5] = dx; a[6] = len; a[7] = alpha;
  pool.run(parts);
}

/** pre += bias (per row); out = f(pre), over (rows, cols). */
export function biasActivation(e: KernelExports, pre: number, out: number, bias: number, rows: number, cols: number, fn: number, alpha: number): void {
  const parts = Math.min(rows, partsFor(rows * cols, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.biasActivation(pre, out, bias, rows, cols, fn, alpha);
  const a = pool.args;
  a[0] = OP_BIAS_ACTIVATION; a[1] = pre; a[2] = out; a[3] = bias; a[4] = rows; a[5] = cols; a[6] = fn; a[7] = alpha;
  pool.run(parts);
}

/**
 * dpre = dout ⊙ f'(pre) and db[j] = Σ_i dpre[i, j]. Large calls run the elementwise part over the
 * threads and then the column sums here: sumRows adds the rows in the same order and lanes as the
 * fused kernel does, so db is the same bits either way.
 */
export function activationBackwardBias(
  e: KernelExports, fn: number, pre: number, out: number, dout: number, dpre: number, db: number, rows: number, cols: number, alpha: number,
): void {
  const parts = partsFor(rows * cols, FLOATS_PER_PART);
  if (!poolFor(parts)) return e.activationBackwardBias(fn, pre, out, dout, dpre, db, rows, cols, alpha);
  activationBackward(e, fn, pre, out, dout, dpre, rows * cols, alpha);
  e.sumRows(db, dpre, rows, cols, 0);
}

/** dst[j, i, :] = src[i, j, :] (+ bias[i] when bias ≠ 0) for (a, b, len) blocks. */
export function swapBlocks(e: KernelExports, dst: number, src: number, a: number, b: number, len: number, bias: number): void {
  const parts = Math.min(a, partsFor(a * b * len, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.swapBlocks(dst, src, a, b, len, bias, 0, a);
  const s = pool.args;
  s[0] = OP_SWAP_BLOCKS; s[1] = dst; s[2] = src; s[3] = a; s[4] = b; s[5] = len; s[6] = bias;
  pool.run(parts);
}

/** out[f] (float64) = Σ of plane f's `len` floats from p, for f < planes. */
export function sumPlanes(e: KernelExports, p: number, planes: number, len: number, out: number): void {
  const parts = Math.min(planes, partsFor(planes * len, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.sumPlanes(p, planes, len, out);
  const s = pool.args;
  s[0] = OP_SUM_PLANES; s[1] = p; s[2] = planes; s[3] = len; s[4] = out;
  pool.run(parts);
}

/** Max pooling of `planes` planes (absolute arg-max indices into x). */
export function maxPoolForward(e: KernelExports, x: number, out: number, arg: number, planes: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): void {
  const parts = Math.min(planes, partsFor(planes * h * w, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.maxPoolForward(x, out, arg, 0, planes, h, w, k, stride, outH, outW);
  const a = pool.args;
  a[0] = OP_MAX_POOL; a[1] = x; a[2] = out; a[3] = arg; a[4] = planes; a[5] = h; a[6] = w; a[7] = k; a[8] = stride; a[9] = outH; a[10] = outW;
  pool.run(parts);
}

/** The max pool's backward: dx zeroed, each window's gradient added at its arg-max. */
export function maxPoolBackward(e: KernelExports, dout: number, arg: number, dx: number, planes: number, h: number, w: number, outH: number, outW: number): void {
  const parts = Math.min(planes, partsFor(planes * h * w, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.maxPoolBackward(dout, arg, dx, 0, planes, h, w, outH, outW);
  const a = pool.args;
  a[0] = OP_MAX_POOL_BACKWARD; a[1] = dout; a[2] = arg; a[3] = dx; a[4] = planes; a[5] = h; a[6] = w; a[7] = outH; a[8] = outW;
  pool.run(parts);
}

/** Average pooling (forward, or with `backward` its adjoint: from dout to dx) of `planes` planes. */
export function avgPool(e: KernelExports, backward: boolean, from: number, to: number, planes: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): void {
  const parts = Math.min(planes, partsFor(planes * h * w, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) {
    if (backward) return e.avgPoolBackward(from, to, planes, h, w, k, stride, outH, outW);
    return e.avgPoolForward(from, to, planes, h, w, k, stride, outH, outW);
  }
  const a = pool.args;
  a[0] = backward ? OP_AVG_POOL_BACKWARD : OP_AVG_POOL; a[1] = from; a[2] = to; a[3] = planes; a[4] = h; a[5] = w; a[6] = k; a[7] = stride; a[8] = outH; a[9] = outW;
  pool.run(parts);
}
