import { allocate, makeParam, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, formatShape, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { initWeights } from '../init';
import { gemmNN, gemmNT, gemmTN } from '../gemm';
import type { ConvLayerSpec } from '../../model/spec';
import { addr, allocFloat32, kernels, kernelsFor } from '../wasm/kernels';
import * as parallel from '../wasm/parallel';

/**
 * Output extent of a sliding window along one axis, (size + 2·pad − kernel)/stride + 1, or
 * undefined when that is not a positive whole number (the window does not tile the input).
 */
export function windowOutputSize(size: number, kernel: number, stride: number, pad: number): number | undefined {
  const span = size + 2 * pad - kernel;
  if (span < 0 || span % stride !== 0) return undefined;
  return span / stride + 1;
}

/** The sizes of one convolution: input (C, H, W), F filters of K×K, stride S, zero padding P, output (F, H', W'). */
export interface ConvGeometry {
  readonly c: number; readonly h: number; readonly w: number;
  readonly f: number; readonly k: number; readonly stride: number; readonly pad: number;
  readonly outH: number; readonly outW: number;
}

/**
 * im2col: the receptive fields of one sample as the columns of a matrix (zeros where they overlap
 * the padding), so that a convolution is one matrix product.
 *   x: (C, H, W) starting at xOffset   →   cols: (C·K·K, H'·W')
 *   cols[(c·K + i)·K + j, oh·W' + ow] = x[c, oh·S − P + i, ow·S − P + j]
 */
export function im2col(x: FloatArray, xOffset: number, g: ConvGeometry, cols: FloatArray): void {
  const { c, h, w, k, stride, pad, outH, outW } = g;
  const kernel = kernelsFor(x, cols);
  if (kernel) return kernel.im2col(addr(x, xOffset), addr(cols), c, h, w, k, stride, pad, outH, outW, outH * outW);
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const plane = xOffset + ch * h * w;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        // Output columns whose input column ow·S − P + j falls inside [0, W).
        const owLo = Math.min(outW, Math.max(0, Math.ceil((pad - j) / stride)));
        const owHi = Math.max(owLo, Math.min(outW, Math.floor((w - 1 + pad - j) / stride) + 1));
        for (let oh = 0; oh < outH; oh++, r += outW) {
          const ih = oh * stride - pad + i;
          if (ih < 0 || ih >= h) {
            cols.fill(0, r, r + outW);
            continue;
          }
          const src = plane + ih * w - pad + j; // x index of output column ow is src + ow·S
          let ow = 0;
          for (; ow < owLo; ow++) cols[r + ow] = 0;
          if (stride === 1) for (; ow < owHi; ow++) cols[r + ow] = x[src + ow];
          else for (; ow < owHi; ow++) cols[r + ow] = x[src + ow * stride];
          for (; ow < outW; ow++) cols[r + ow] = 0;
        }
      }
    }
  }
}

/**
 * col2im, the adjoint of im2col: adds each column entry back onto the input pixel it was copied
 * from (pixels in several receptive fields collect several terms). It accumulates: zero dx first.
 *   dcols: (C·K·K, H'·W')   →   dx: (C, H, W) starting at dxOffset
 */
export function col2im(dcols: FloatArray, g: ConvGeometry, dx: FloatArray, dxOffset: number): void {
  const { c, h, w, k, stride, pad, outH, outW } = g;
  const kernel = kernelsFor(dcols, dx);
  if (kernel) return kernel.col2im(addr(dcols), addr(dx, dxOffset), c, h, w, k, stride, pad, outH, outW, outH * outW);
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const plane = dxOffset + ch * h * w;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const owLo = Math.min(outW, Math.max(0, Math.ceil((pad - j) / stride)));
        const owHi = Math.max(owLo, Math.min(outW, Math.floor((w - 1 + pad - j) / stride) + 1));
        for (let oh = 0; oh < outH; oh++, r += outW) {
          const ih = oh * stride - pad + i;
          if (ih < 0 || ih >= h) continue;
          const dst = plane + ih * w - pad + j;
          if (stride === 1) for (let ow = owLo; ow < owHi; ow++) dx[dst + ow] += dcols[r + ow];
          else for (let ow = owLo; ow < owHi; ow++) dx[dst + ow * stride] += dcols[r + ow];
        }
      }
    }
  }
}

/** A 1×1 convolution with stride 1 and no padding: im2col of a sample is the sample itself. */
function isPointwise(g: ConvGeometry): boolean {
  return g.k === 1 && g.stride === 1 && g.pad === 0;
}

/**
 * conv_forward (im2col + GEMM), sample by sample: out[n] = W · im2col(x[n]) + b
 *   x: (N, C, H, W)   W: (F, C·K·K)   b: (F)   out: (N, F, H', W')
 *   cols: scratch of at least C·K·K · H'·W' elements
 */
export function convForward(
  x: FloatArray, w: FloatArray, b: FloatArray, out: FloatArray, cols: FloatArray, n: number, g: ConvGeometry,
): void {
  const { f, c, h, k, outH, outW } = g;
  const inSize = c * h * g.w;
  const patch = c * k * k;
  const pixels = outH * outW;
  const pointwise = isPointwise(g);
  const kernel = kernelsFor(out, b);
  for (let s = 0; s < n; s++) {
    const o = s * f * pixels;
    if (kernel) kernel.fillPlanes(addr(out, o), addr(b), f, pixels);
    else for (let filter = 0; filter < f; filter++) out.fill(b[filter], o + filter * pixels, o + (filter + 1) * pixels);
    if (pointwise) {
      gemmNN(f, pixels, patch, w, 0, x, s * inSize, out, o, true);
    } else {
      im2col(x, s * inSize, g, cols);
      gemmNN(f, pixels, patch, w, 0, cols, 0, out, o, true);
    }
  }
}

/**
 * conv_backward, sample by sample (im2col is recomputed rather than kept for the whole batch):
 *   dout: (N, F, H', W')  →  dx = col2im(Wᵀ·dout[n]): (N, C, H, W),
 *   dW = Σ_n dout[n]·im2col(x[n])ᵀ: (F, C·K·K),  db = Σ_{n, H', W'} dout: (F)
 *   cols, dcols: scratch of at least C·K·K · H'·W' elements each
 * Writes dx, dW and db (does not accumulate into them); without dx only dW and db.
 */
export function convBackward(
  dout: FloatArray, x: FloatArray, w: FloatArray, dx: FloatArray | undefined, dw: FloatArray, db: FloatArray,
  cols: FloatArray, dcols: FloatArray, n: number, g: ConvGeometry,
): void {
  const { f, c, h, k, outH, outW } = g;
  const inSize = c * h * g.w;
  const patch = c * k * k;
  const pixels = outH * outW;
  const pointwise = isPointwise(g);
  dw.fill(0, 0, f * patch);
  db.fill(0, 0, f);
  const kernel = kernelsFor(dout);
  for (let s = 0; s < n; s++) {
    const o = s * f * pixels;
    for (let filter = 0; filter < f; filter++) {
      const row = o + filter * pixels;
      let sum = 0;
      if (kernel) sum = kernel.sum(addr(dout, row), pixels);
      else for (let t = 0; t < pixels; t++) sum += dout[row + t];
      db[filter] += sum;
    }
    if (pointwise) {
      gemmNT(f, patch, pixels, dout, o, x, s * inSize, dw, 0, true);
      if (dx) gemmTN(patch, pixels, f, w, 0, dout, o, dx, s * inSize, false);
    } else {
      im2col(x, s * inSize, g, cols);
      gemmNT(f, patch, pixels, dout, o, cols, 0, dw, 0, true);
      if (!dx) continue;
      gemmTN(patch, pixels, f, w, 0, dout, o, dcols, 0, false);
      dx.fill(0, s * inSize, (s + 1) * inSize);
      col2im(dcols, g, dx, s * inSize);
    }
  }
}

// ─── the batched path of the WebAssembly kernels ─────────────────────────────────────────────────
// Per sample, a convolution is a thin product (F × C·K·K by C·K·K × H'·W', e.g. 16 × 9 by 9 × 784);
// with the im2col matrices of many samples side by side it is one wide product, which the GEMM
// kernel runs several times faster, and the weight gradient becomes one product over the whole
// batch. Samples go in chunks whose im2col matrix stays under CHUNK_FLOATS (16 MB), so evaluating
// 1,024 images at once does not need a gigabyte; a training batch is usually one chunk, whose im2col
// the backward pass then reuses.

const CHUNK_FLOATS = 4 * 1024 * 1024;

/**
 * Scratch of the batched path: cols and dcols (C·K·K, S·H'·W'), prod (F, S·H'·W') for S samples;
 * sums: F float64 plane sums, a view of sumsBlock (an arena block, kept here so it is not freed).
 */
export interface BatchedScratch {
  cols: Float32Array;
  dcols: Float32Array;
  prod: Float32Array;
  sumsBlock: Float32Array;
  sums: Float64Array;
  /** cols holds im2col of these samples (the last forward pass was one chunk), else undefined. */
  colsOf?: { x: FloatArray; n: number };
}

/** Empty scratch, grown on first use. */
export function newBatchedScratch(): BatchedScratch {
  return { cols: allocFloat32(0), dcols: allocFloat32(0), prod: allocFloat32(0), sumsBlock: allocFloat32(0), sums: new Float64Array(0) };
}

export function chunkSamples(g: ConvGeometry, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(CHUNK_FLOATS / (g.c * g.k * g.k * g.outH * g.outW))));
}

/** Grows the scratch for chunks of `chunk` samples (allocates only when a larger chunk arrives). */
export function ensureBatched(s: BatchedScratch, g: ConvGeometry, chunk: number): void {
  const pixels = chunk * g.outH * g.outW;
  const patch = g.c * g.k * g.k;
  if (s.cols.length < patch * pixels) {
    s.cols = allocFloat32(patch * pixels);
    s.dcols = allocFloat32(0);
    s.colsOf = undefined;
  }
  if (s.prod.length < g.f * pixels) s.prod = allocFloat32(g.f * pixels);
  if (s.sums.length < g.f) {
    s.sumsBlock = allocFloat32(2 * g.f);
    s.sums = new Float64Array(s.sumsBlock.buffer, s.sumsBlock.byteOffset, g.f);
  }
}

/**
 * conv_forward in the kernels, chunk by chunk: cols = [im2col(x[s]) …], prod = W·cols,
 * out[s] = prod[:, s] + b. False (nothing done) when an operand is outside the arena.
 */
export function convForwardBatched(
  x: FloatArray, w: FloatArray, b: FloatArray, out: FloatArray, scratch: BatchedScratch, n: number, g: ConvGeometry,
): boolean {
  const chunk = chunkSamples(g, n);
  ensureBatched(scratch, g, chunk);
  const { cols, prod } = scratch;
  const k = kernelsFor(x, w, b, out, cols, prod);
  if (!k) return false;
  const { c, h, f, outH, outW } = g;
  const inSize = c * h * g.w;
  const pixels = outH * outW;
  const patch = c * g.k * g.k;
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const cs = Math.min(chunk, n - s0);
    const ld = cs * pixels;
    parallel.samplesIm2col(k, false, addr(x, s0 * inSize), addr(cols), cs, inSize, pixels, c, h, g.w, g.k, g.stride, g.pad, outH, outW, ld);
    gemmNN(f, ld, patch, w, 0, cols, 0, prod, 0, false);
    parallel.swapBlocks(k, addr(out, s0 * f * pixels), addr(prod), f, cs, pixels, addr(b));
  }
  scratch.colsOf = chunk >= n ? { x, n } : undefined;
  return true;
}

/**
 * conv_backward in the kernels, chunk by chunk (reusing the forward pass's im2col when it was one
 * chunk of the same input): prod = dout as (F, S·H'·W'), db = row sums of prod, dW = prod·colsᵀ,
 * dcols = Wᵀ·prod, dx[s] = col2im(dcols[:, s]). Without dx only dW and db.
 */
export function convBackwardBatched(
  dout: FloatArray, x: FloatArray, w: FloatArray, dx: FloatArray | undefined, dw: FloatArray, db: FloatArray,
  scratch: BatchedScratch, n: number, g: ConvGeometry,
): boolean {
  const chunk = chunkSamples(g, n);
  ensureBatched(scratch, g, chunk);
  const { c, h, f, outH, outW } = g;
  const pixels = outH * outW;
  const patch = c * g.k * g.k;
  if (dx && scratch.dcols.length < patch * chunk * pixels) scratch.dcols = allocFloat32(patch * chunk * pixels);
  const { cols, prod, dcols, sums } = scratch;
  const k = kernelsFor(dout, x, w, dw, db, cols);
  if (!k || !kernelsFor(prod, scratch.sumsBlock) || (dx && !kernelsFor(dx, dcols))) return false;
  const inSize = c * h * g.w;
  const reuse = scratch.colsOf !== undefined && scratch.colsOf.x === x && scratch.colsOf.n === n;
  db.fill(0, 0, f);
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const cs = Math.min(chunk, n - s0);
    const ld = cs * pixels;
    if (!reuse) parallel.samplesIm2col(k, false, addr(x, s0 * inSize), addr(cols), cs, inSize, pixels, c, h, g.w, g.k, g.stride, g.pad, outH, outW, ld);
    parallel.swapBlocks(k, addr(prod), addr(dout, s0 * f * pixels), cs, f, pixels, 0);
    parallel.sumPlanes(k, addr(prod), f, ld, sums.byteOffset);
    for (let filter = 0; filter < f; filter++) db[filter] += sums[filter];
    gemmNT(f, patch, ld, prod, 0, cols, 0, dw, 0, s0 > 0);
    if (!dx) continue;
    gemmTN(patch, ld, f, w, 0, prod, 0, dcols, 0, false);
    dx.fill(0, s0 * inSize, (s0 + cs) * inSize);
    parallel.samplesIm2col(k, true, addr(dx, s0 * inSize), addr(dcols), cs, inSize, pixels, c, h, g.w, g.k, g.stride, g.pad, outH, outW, ld);
  }
  if (!reuse) scratch.colsOf = undefined; // cols now holds the last chunk
  return true;
}

/**
 * conv: F filters of K×K over C channels, stride S, zero padding P.
 * (N, C, H, W) → (N, F, H', W') with H' = (H + 2P − K)/S + 1, W' likewise.
 * W: (F, C·K·K), one filter per row in (c, i, j) order, b: (F).
 */
export class ConvLayer implements Layer {
  readonly kind = 'conv';
  readonly label: string;
  readonly params: readonly Param[];
  readonly macsPerSample: number;
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  readonly geometry: ConvGeometry;
  private readonly w: Param;
  private readonly b: Param;
  private readonly dtype: Dtype;
  private out: FloatArray;
  private dx: FloatArray;
  /** One sample's im2col and its gradient (unused by 1×1 convolutions). */
  private readonly cols: FloatArray;
  private readonly dcols: FloatArray;
  private x: FloatArray | undefined;
  /** Scratch of the batched kernel path (float32 only; grown on first use). */
  private readonly batched: BatchedScratch | undefined;

  constructor(readonly spec: ConvLayerSpec, readonly inShape: Shape, ctx: LayerContext) {
    const { filters: f, size: k, stride, pad } = spec;
    this.label = `conv ${f}@${k}×${k}/${stride}${pad > 0 ? ` pad ${pad}` : ''}`;
    if (![f, k, stride].every((v) => Number.isInteger(v) && v > 0) || !Number.isInteger(pad) || pad < 0) {
      throw new Error(`${this.label}: filters, size and stride must be positive whole numbers and pad a whole number ≥ 0`);
    }
    if (inShape.length !== 3 || !inShape.every((v) => Number.isInteger(v) && v > 0)) {
      throw new Error(`${this.label} needs a 3-D image input (channels×height×width), got ${inShape.length}-D input ${formatShape(inShape)}`);
    }
    const [c, h, w] = inShape;
    const outH = windowOutputSize(h, k, stride, pad);
    const outW = windowOutputSize(w, k, stride, pad);
    if (outH === undefined || outW === undefined) {
      const axis = outH === undefined ? `height ${h}` : `width ${w}`;
      const size = outH === undefined ? h : w;
      throw new Error(
        `${this.label} does not fit input ${formatShape(inShape)}: along the ${axis}, `
        + `(${size} + 2·${pad} − ${k})/${stride} + 1 is not a positive whole number`,
      );
    }
    this.geometry = { c, h, w, f, k, stride, pad, outH, outW };
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.inSize = sizeOf(inShape);
    this.outShape = [f, outH, outW];
    this.outSize = f * outH * outW;
    const patch = c * k * k;
    this.macsPerSample = this.outSize * patch;
    this.w = makeParam(ctx.sourceIndex, 'W', f * patch, ctx.dtype);
    this.b = makeParam(ctx.sourceIndex, 'b', f, ctx.dtype);
    initWeights(this.w.value, patch, spec.init ?? ctx.init, ctx.rng);
    this.params = [this.w, this.b];
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
    const colsLength = isPointwise(this.geometry) ? 0 : patch * outH * outW;
    this.cols = allocate(ctx.dtype, colsLength);
    this.dcols = allocate(ctx.dtype, colsLength);
    this.batched = ctx.dtype === 'float32' && kernels() ? newBatchedScratch() : undefined;
  }

  forward(x: FloatArray, n: number): FloatArray {
    this.out = ensure(this.out, n * this.outSize, this.dtype);
    this.x = x;
    if (!this.batched || !convForwardBatched(x, this.w.value, this.b.value, this.out, this.batched, n, this.geometry)) {
      convForward(x, this.w.value, this.b.value, this.out, this.cols, n, this.geometry);
    }
    return this.out;
  }

  backward(dout: FloatArray, n: number, needDx = true): FloatArray {
    if (!this.x) throw new Error('conv backward before forward');
    if (needDx) this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    const dx = needDx ? this.dx : undefined;
    if (!this.batched || !convBackwardBatched(dout, this.x, this.w.value, dx, this.w.grad, this.b.grad, this.batched, n, this.geometry)) {
      convBackward(dout, this.x, this.w.value, dx, this.w.grad, this.b.grad, this.cols, this.dcols, n, this.geometry);
    }
    return this.dx;
  }
}
