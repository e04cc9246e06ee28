import type { KernelExports } from './kernels';

/**
 * How each threaded kernel call is cut into parts, and one part's call. A job's arguments are
 * float64 slots (args[0] the op, then the kernel's arguments); part p of P covers a contiguous
 * share of the output rows, columns, samples or planes, never of a dimension that is summed over,
 * and calls the same kernel on that share, which computes every element as the whole call would.
 * Runs on thread 0 and in the helpers alike (threads.ts).
 */

export const OP_GEMM = 1;
export const OP_IM2COL = 2;
export const OP_COL2IM = 3;
export const OP_ACTIVATION = 4;
export const OP_ACTIVATION_BACKWARD = 5;
export const OP_BIAS_ACTIVATION = 6;
export const OP_MAX_POOL = 7;
export const OP_MAX_POOL_BACKWARD = 8;
export const OP_AVG_POOL = 9;
export const OP_AVG_POOL_BACKWARD = 10;
export const OP_SWAP_BLOCKS = 11;
export const OP_SUM_PLANES = 12;
export const OP_SGD = 13;
export const OP_MOMENTUM = 14;
export const OP_SCALED_UPDATE = 15;
export const OP_ADAM = 16;
export const OP_MAX_ABS = 17;
export const OP_GATHER_ROWS = 18;

/** Argument slots of a job; part p's result (a reduction's) goes to slot RESULT_SLOT + p. */
export const RESULT_SLOT = 24;

/** GEMM shares: columns of C in multiples of the register tile's 8, rows in multiples of its 4. */
export const GEMM_COL_UNIT = 8;
export const GEMM_ROW_UNIT = 4;
/** Elementwise shares start at multiples of 4 floats, so the SIMD lanes fall as in the whole call. */
export const LANE_UNIT = 4;

/**
 * Where part `part` of `parts` over `total` items starts, at a multiple of `unit`; part p covers
 * [cut(p), cut(p + 1)) and cut(parts) = total. (Two calls rather than a pair: a step allocates nothing.)
 */
export function cut(total: number, part: number, parts: number, unit: number): number {
  if (part >= parts) return total;
  return Math.min(total, Math.floor((Math.ceil(total / unit) * part) / parts) * unit);
}

/** Runs part `part` of `parts` of the job in `a`. */
export function runPart(e: KernelExports, a: Float64Array, part: number, parts: number): void {
  switch (a[0]) {
    case OP_GEMM: return gemmPart(e, a, part, parts);
    case OP_IM2COL:
    case OP_COL2IM: return samplesPart(e, a, part, parts);
    case OP_ACTIVATION: {
      const lo = cut(a[4], part, parts, LANE_UNIT), hi = cut(a[4], part + 1, parts, LANE_UNIT);
      return e.activationForward(a[1], a[2] + 4 * lo, a[3] + 4 * lo, hi - lo, a[5]);
    }
    case OP_ACTIVATION_BACKWARD: {
      const lo = cut(a[6], part, parts, LANE_UNIT), hi = cut(a[6], part + 1, parts, LANE_UNIT);
      return e.activationBackward(a[1], a[2] + 4 * lo, a[3] + 4 * lo, a[4] + 4 * lo, a[5] + 4 * lo, hi - lo, a[7]);
    }
    case OP_BIAS_ACTIVATION: {
      // pre, out, bias, rows, cols, fn, alpha: a share of the rows.
      const lo = cut(a[4], part, parts, 1), hi = cut(a[4], part + 1, parts, 1);
      const at = 4 * lo * a[5];
      return e.biasActivation(a[1] + at, a[2] + at, a[3], hi - lo, a[5], a[6], a[7]);
    }
    case OP_SWAP_BLOCKS: {
      // dst, src, a, b, len, bias: a share of the outer axis of src.
      const lo = cut(a[3], part, parts, 1), hi = cut(a[3], part + 1, parts, 1);
      return e.swapBlocks(a[1], a[2], a[3], a[4], a[5], a[6], lo, hi);
    }
    case OP_SUM_PLANES: {
      // p, planes, len, out (float64): a share of the planes.
      const lo = cut(a[2], part, parts, 1), hi = cut(a[2], part + 1, parts, 1);
      return e.sumPlanes(a[1] + 4 * lo * a[3], hi - lo, a[3], a[4] + 8 * lo);
    }
    default: return a[0] >= OP_SGD ? updatePart(e, a, part, parts) : poolPart(e, a, part, parts);
  }
}

/** The optimizers' updates, max |v| and the batch gather, over a share of the elements or rows. */
function updatePart(e: KernelExports, a: Float64Array, part: number, parts: number): void {
  switch (a[0]) {
    case OP_SGD: {
      // w, dw, len, lr
      const lo = cut(a[3], part, parts, LANE_UNIT), hi = cut(a[3], part + 1, parts, LANE_UNIT);
      return e.sgd(a[1] + 4 * lo, a[2] + 4 * lo, hi - lo, a[4]);
    }
    case OP_MOMENTUM: {
      // w, dw, v, len, lr, mu, nesterov
      const lo = cut(a[4], part, parts, LANE_UNIT), hi = cut(a[4], part + 1, parts, LANE_UNIT);
      return e.momentum(a[1] + 4 * lo, a[2] + 4 * lo, a[3] + 4 * lo, hi - lo, a[5], a[6], a[7]);
    }
    case OP_SCALED_UPDATE: {
      // w, dw, cache, len, lr, rate, eps
      const lo = cut(a[4], part, parts, LANE_UNIT), hi = cut(a[4], part + 1, parts, LANE_UNIT);
      return e.scaledUpdate(a[1] + 4 * lo, a[2] + 4 * lo, a[3] + 4 * lo, hi - lo, a[5], a[6], a[7]);
    }
    case OP_ADAM: {
      // w, dw, m, v, len, lr, rate1, rate2, eps, mc, vc, keep
      const lo = cut(a[5], part, parts, LANE_UNIT), hi = cut(a[5], part + 1, parts, LANE_UNIT);
      return e.adam(a[1] + 4 * lo, a[2] + 4 * lo, a[3] + 4 * lo, a[4] + 4 * lo, hi - lo, a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
    }
    case OP_MAX_ABS: {
      // p, len: this part's max |v| into its result slot (max is exact in any order; NaN propagates).
      const lo = cut(a[2], part, parts, LANE_UNIT), hi = cut(a[2], part + 1, parts, LANE_UNIT);
      a[RESULT_SLOT + part] = e.maxAbs(a[1] + 4 * lo, hi - lo);
      return;
    }
    case OP_GATHER_ROWS: {
      // dst, src, idx, n, f: a share of the rows.
      const lo = cut(a[4], part, parts, 1), hi = cut(a[4], part + 1, parts, 1);
      return e.gatherRows(a[1] + 4 * lo * a[5], a[2], a[3] + 4 * lo, hi - lo, a[5]);
    }
    default: throw new Error(`unknown kernel job ${a[0]}`);
  }
}

/** m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, accumulate, byColumns. */
function gemmPart(e: KernelExports, a: Float64Array, part: number, parts: number): void {
  const m = a[1], n = a[2];
  if (a[13]) {
    const lo = cut(n, part, parts, GEMM_COL_UNIT), hi = cut(n, part + 1, parts, GEMM_COL_UNIT);
    if (hi > lo) e.gemm(m, hi - lo, a[3], a[4], a[5], a[6], a[7] + 4 * lo * a[9], a[8], a[9], a[10] + 4 * lo, a[11], a[12]);
  } else {
    const lo = cut(m, part, parts, GEMM_ROW_UNIT), hi = cut(m, part + 1, parts, GEMM_ROW_UNIT);
    if (hi > lo) e.gemm(hi - lo, n, a[3], a[4] + 4 * lo * a[5], a[5], a[6], a[7], a[8], a[9], a[10] + 4 * lo * a[11], a[11], a[12]);
  }
}

/**
 * im2col or col2im of `count` samples side by side: x (or dx) sample s at x + 4·s·inSize, its
 * columns at cols + 4·s·pixels with rows ld floats apart. Slots: x, cols, inSize, c, h, w, k,
 * stride, pad, outH, outW, ld, count, pixels.
 */
function samplesPart(e: KernelExports, a: Float64Array, part: number, parts: number): void {
  const lo = cut(a[13], part, parts, 1), hi = cut(a[13], part + 1, parts, 1);
  for (let s = lo; s < hi; s++) {
    const x = a[1] + 4 * s * a[3];
    const cols = a[2] + 4 * s * a[14];
    if (a[0] === OP_IM2COL) e.im2col(x, cols, a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
    else e.col2im(cols, x, a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
  }
}

/** Pooling over a share of the planes. */
function poolPart(e: KernelExports, a: Float64Array, part: number, parts: number): void {
  switch (a[0]) {
    case OP_MAX_POOL: {
      // x, out, arg, planes, h, w, k, stride, outH, outW: absolute indices, whole arrays' starts.
      const lo = cut(a[4], part, parts, 1), hi = cut(a[4], part + 1, parts, 1);
      return e.maxPoolForward(a[1], a[2], a[3], lo, hi, a[5], a[6], a[7], a[8], a[9], a[10]);
    }
    case OP_MAX_POOL_BACKWARD: {
      // dout, arg, dx, planes, h, w, outH, outW.
      const lo = cut(a[4], part, parts, 1), hi = cut(a[4], part + 1, parts, 1);
      return e.maxPoolBackward(a[1], a[2], a[3], lo, hi, a[5], a[6], a[7], a[8]);
    }
    case OP_AVG_POOL:
    case OP_AVG_POOL_BACKWARD: {
      // x (dout), out (dx), planes, h, w, k, stride, outH, outW: each plane on its own.
      const lo = cut(a[3], part, parts, 1), hi = cut(a[3], part + 1, parts, 1);
      const inPlane = 4 * a[4] * a[5], outPlane = 4 * a[8] * a[9];
      if (a[0] === OP_AVG_POOL) return e.avgPoolForward(a[1] + lo * inPlane, a[2] + lo * outPlane, hi - lo, a[4], a[5], a[6], a[7], a[8], a[9]);
      return e.avgPoolBackward(a[1] + lo * outPlane, a[2] + lo * inPlane, hi - lo, a[4], a[5], a[6], a[7], a[8], a[9]);
    }
    default: throw new Error(`unknown kernel job ${a[0]}`);
  }
}
