import type { KernelExports } from './kernels';
import { OP_ADAM, OP_GATHER_ROWS, OP_MAX_ABS, OP_MOMENTUM, OP_SCALED_UPDATE, OP_SGD, RESULT_SLOT } from './ops';
import { FLOATS_PER_PART, partsFor } from './parallel';
import { poolFor } from './threads';

/**
 * The elementwise work of a step around the products, spread over the kernel threads when large
 * (as parallel.ts does for the layers): the update rules, max |v| (the optimizer's overflow guard
 * reads it of every gradient) and the gather of a shuffled batch. Shares start at multiples of 4
 * floats, so each element is updated by the same SIMD lane code as on one thread, and a maximum
 * is the same whatever the order it is taken in: the results do not depend on the threads.
 */

/** w −= lr·dw */
export function sgd(e: KernelExports, w: number, dw: number, len: number, lr: number): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.sgd(w, dw, len, lr);
  const a = pool.args;
  a[0] = OP_SGD; a[1] = w; a[2] = dw; a[3] = len; a[4] = lr;
  pool.run(parts);
}

/** Momentum or (nesterov ≠ 0) Nesterov's update. */
export function momentum(e: KernelExports, w: number, dw: number, v: number, len: number, lr: number, mu: number, nesterov: number): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.momentum(w, dw, v, len, lr, mu, nesterov);
  const a = pool.args;
  a[0] = OP_MOMENTUM; a[1] = w; a[2] = dw; a[3] = v; a[4] = len; a[5] = lr; a[6] = mu; a[7] = nesterov;
  pool.run(parts);
}

/** AdaGrad's (rate 0) or RMSProp's update. */
export function scaledUpdate(e: KernelExports, w: number, dw: number, cache: number, len: number, lr: number, rate: number, eps: number): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.scaledUpdate(w, dw, cache, len, lr, rate, eps);
  const a = pool.args;
  a[0] = OP_SCALED_UPDATE; a[1] = w; a[2] = dw; a[3] = cache; a[4] = len; a[5] = lr; a[6] = rate; a[7] = eps;
  pool.run(parts);
}

/** Adam's update (keep ≠ 1: AdamW's decay first). */
export function adam(
  e: KernelExports, w: number, dw: number, m: number, v: number, len: number,
  lr: number, rate1: number, rate2: number, eps: number, mc: number, vc: number, keep: number,
): void {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.adam(w, dw, m, v, len, lr, rate1, rate2, eps, mc, vc, keep);
  const a = pool.args;
  a[0] = OP_ADAM; a[1] = w; a[2] = dw; a[3] = m; a[4] = v; a[5] = len; a[6] = lr; a[7] = rate1; a[8] = rate2; a[9] = eps; a[10] = mc; a[11] = vc; a[12] = keep;
  pool.run(parts);
}

/** The largest |v| of len floats from p: NaN if any is NaN. */
export function maxAbs(e: KernelExports, p: number, len: number): number {
  const parts = partsFor(len, FLOATS_PER_PART);
  const pool = poolFor(parts);
  if (!pool) return e.maxAbs(p, len);
  const a = pool.args;
  a[0] = OP_MAX_ABS; a[1] = p; a[2] = len;
  pool.run(parts);
  let m = a[RESULT_SLOT];
  for (let i = 1; i < parts; i++) m = Math.max(m, a[RESULT_SLOT + i]);
  return m;
}

/** dst row i = src row idx[i] (rows of f floats), for i < n. */
export function gatherRows(e: KernelExports, dst: number, src: number, idx: number, n: number, f: number): void {
  const parts = Math.min(n, partsFor(n * f, FLOATS_PER_PART));
  const pool = poolFor(parts);
  if (!pool) return e.gatherRows(dst, src, idx, n, f);
  const a = pool.args;
  a[0] = OP_GATHER_ROWS; a[1] = dst; a[2] = src; a[3] = idx; a[4] = n; a[5] = f;
  pool.run(parts);
}
