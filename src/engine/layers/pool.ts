import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, formatShape, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { windowOutputSize } from './conv';
import type { PoolLayerSpec } from '../../model/spec';
import { addr, allocInt32, kernelsFor } from '../wasm/kernels';
import * as parallel from '../wasm/parallel';
import { fold, type KinkKind } from '../kinks';

/** The sizes of one pooling: input (C, H, W), K×K windows every S pixels, output (C, H', W'). */
export interface PoolGeometry {
  readonly c: number; readonly h: number; readonly w: number;
  readonly k: number; readonly stride: number;
  readonly outH: number; readonly outW: number;
  /** Offsets of a window's K·K pixels from its top-left one, row by row: i·W + j. */
  readonly window: Int32Array;
}

export function poolGeometry(c: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): PoolGeometry {
  const window = new Int32Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) window[i * k + j] = i * w + j;
  return { c, h, w, k, stride, outH, outW, window };
}

// Scratch for a branch-free select: on real data `if (v > best)` is a coin flip the CPU mispredicts
// about once per window, which made max pooling ~2× slower than picking pick[0] or pick[1].
const pick = new Float64Array(2);

/**
 * max_pool_forward: the largest value of each window; argmax keeps where it was (the first one
 * in row-major order on ties, so the backward pass is deterministic).
 *   x: (N, C, H, W)  →  out: (N, C, H', W'),  argmax: (N, C, H', W') indices into x
 */
export function maxPoolForward(x: FloatArray, out: FloatArray, argmax: Int32Array, n: number, g: PoolGeometry): void {
  const { c, h, w, stride, outH, outW, window } = g;
  const kernel = kernelsFor(x, out, argmax);
  if (kernel) return parallel.maxPoolForward(kernel, addr(x), addr(out), addr(argmax), n * c, h, w, g.k, stride, outH, outW);
  const size = window.length;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const xp = plane * h * w;
    for (let oh = 0; oh < outH; oh++) {
      const rowStart = xp + oh * stride * w;
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = rowStart + ow * stride;
        let best = x[corner];
        let arg = corner;
        for (let t = 1; t < size; t++) {
          const at = corner + window[t];
          const v = x[at];
          const greater = ((v > best) as unknown as number) | 0; // 1 or 0 (boolean | 0), without a branch
          arg += greater * (at - arg);
          pick[0] = best;
          pick[1] = v;
          best = pick[greater];
        }
        out[o] = best;
        argmax[o] = arg;
      }
    }
  }
}

/**
 * max_pool_backward: each window's gradient goes to its arg-max; where windows overlap (S < K)
 * a pixel that wins several collects the sum.
 *   dout: (N, C, H', W')  →  dx: (N, C, H, W)
 */
export function maxPoolBackward(dout: FloatArray, argmax: Int32Array, dx: FloatArray, n: number, g: PoolGeometry): void {
  const { c, h, w, outH, outW } = g;
  const kernel = kernelsFor(dout, argmax, dx);
  if (kernel) return parallel.maxPoolBackward(kernel, addr(dout), addr(argmax), addr(dx), n * c, h, w, outH, outW);
  dx.fill(0, 0, n * c * h * w);
  const len = n * c * outH * outW;
  for (let o = 0; o < len; o++) dx[argmax[o]] += dout[o];
}

/**
 * avg_pool_forward: the mean of each window.
 *   x: (N, C, H, W)  →  out: (N, C, H', W')
 */
export function avgPoolForward(x: FloatArray, out: FloatArray, n: number, g: PoolGeometry): void {
  const { c, h, w, k, stride, outH, outW } = g;
  const kernel = kernelsFor(x, out);
  if (kernel) return parallel.avgPool(kernel, false, addr(x), addr(out), n * c, h, w, k, stride, outH, outW);
  const scale = 1 / (k * k);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const xp = plane * h * w;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = xp + oh * stride * w + ow * stride;
        let sum = 0;
        for (let i = 0; i < k; i++) {
          const row = corner + i * w;
          for (let j = 0; j < k; j++) sum += x[row + j];
        }
        out[o] = sum * scale;
      }
    }
  }
}

/**
 * avg_pool_backward: each window's gradient spread evenly, dout/(K·K) to each of its pixels
 * (summed where windows overlap).
 *   dout: (N, C, H', W')  →  dx: (N, C, H, W)
 */
export function avgPoolBackward(dout: FloatArray, dx: FloatArray, n: number, g: PoolGeometry): void {
  const { c, h, w, k, stride, outH, outW } = g;
  const kernel = kernelsFor(dout, dx);
  if (kernel) return parallel.avgPool(kernel, true, addr(dout), addr(dx), n * c, h, w, k, stride, outH, outW);
  const scale = 1 / (k * k);
  dx.fill(0, 0, n * c * h * w);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const xp = plane * h * w;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = xp + oh * stride * w + ow * stride;
        const share = dout[o] * scale;
        for (let i = 0; i < k; i++) {
          const row = corner + i * w;
          for (let j = 0; j < k; j++) dx[row + j] += share;
        }
      }
    }
  }
}

/**
 * pool: the max or the mean of each K×K window, every S pixels, channel by channel (no padding).
 * (N, C, H, W) → (N, C, H', W') with H' = (H − K)/S + 1, W' likewise.
 */
export class PoolLayer implements Layer {
  readonly kind = 'pool';
  readonly label: string;
  readonly params: readonly Param[] = [];
  readonly macsPerSample: number;
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  readonly geometry: PoolGeometry;
  /** Max pooling bends where two values of a window tie: the winner changes there. */
  readonly kink: KinkKind | undefined;
  private readonly dtype: Dtype;
  private out: FloatArray;
  private dx: FloatArray;
  private argmax: Int32Array = new Int32Array(0);
  private forwarded = false;

  constructor(readonly spec: PoolLayerSpec, readonly inShape: Shape, ctx: LayerContext) {
    const { size: k, stride, type } = spec;
    this.label = `${type} pool ${k}×${k}/${stride}`;
    if (![k, stride].every((v) => Number.isInteger(v) && v > 0)) {
      throw new Error(`${this.label}: size and stride must be positive whole numbers`);
    }
    if (type !== 'max' && type !== 'avg') throw new Error(`pool type must be max or avg, got ${String(type)}`);
    if (inShape.length !== 3 || !inShape.every((v) => Number.isInteger(v) && v > 0)) {
      throw new Error(`${this.label} needs a 3-D image input (channels×height×width), got ${inShape.length}-D input ${formatShape(inShape)}`);
    }
    const [c, h, w] = inShape;
    const outH = windowOutputSize(h, k, stride, 0);
    const outW = windowOutputSize(w, k, stride, 0);
    if (outH === undefined || outW === undefined) {
      const axis = outH === undefined ? `height ${h}` : `width ${w}`;
      const size = outH === undefined ? h : w;
      throw new Error(
        `${this.label} does not fit input ${formatShape(inShape)}: along the ${axis}, `
        + `(${size} − ${k})/${stride} + 1 is not a positive whole number`,
      );
    }
    this.geometry = poolGeometry(c, h, w, k, stride, outH, outW);
    this.kink = type === 'max' ? 'maxpool' : undefined;
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.inSize = sizeOf(inShape);
    this.outShape = [c, outH, outW];
    this.outSize = c * outH * outW;
    this.macsPerSample = this.outSize * k * k;
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    const len = n * this.outSize;
    this.out = ensure(this.out, len, this.dtype);
    if (this.spec.type === 'max') {
      if (this.argmax.length < len) this.argmax = this.dtype === 'float32' ? allocInt32(len) : new Int32Array(len);
      maxPoolForward(x, this.out, this.argmax, n, this.geometry);
    } else {
      avgPoolForward(x, this.out, n, this.geometry);
    }
    this.forwarded = true;
    return this.out;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.forwarded) throw new Error('pool backward before forward');
    this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    if (this.spec.type === 'max') maxPoolBackward(dout, this.argmax, this.dx, n, this.geometry);
    else avgPoolBackward(dout, this.dx, n, this.geometry);
    return this.dx;
  }

  /** Where each max-pool window's winner was in the last forward pass (constant for average pooling). */
  decisionChecksum(n: number): number {
    if (!this.kink || !this.forwarded) return 0;
    let h = 0;
    for (let i = 0; i < n * this.outSize; i++) h = fold(h, this.argmax[i]);
    return h;
  }
}
