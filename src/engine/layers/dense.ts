import { allocate, makeParam, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { initWeights } from '../init';
import { gemmNN, gemmNT, gemmTN } from '../gemm';
import type { InitSpec } from '../../model/spec';
import { addr, kernelsFor } from '../wasm/kernels';

/**
 * affine_forward: out = x·W + b
 *   x: (N, D)   W: (D, M)   b: (M)   out: (N, M)
 */
export function affineForward(
  x: FloatArray, w: FloatArray, b: FloatArray, out: FloatArray, n: number, d: number, m: number,
): void {
  gemmNN(n, m, d, x, 0, w, 0, out, 0, false);
  addBias(out, b, n);
}

/** out[i, j] += b[j] for the n rows of out (M = b.length columns). */
export function addBias(out: FloatArray, b: FloatArray, n: number): void {
  const m = b.length;
  const k = kernelsFor(out, b);
  if (k) return k.addBiasRows(addr(out), addr(b), n, m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) out[o + j] += b[j];
  }
}

/**
 * affine_backward
 *   dout: (N, M) → dx = dout·Wᵀ: (N, D), dW = xᵀ·dout: (D, M), db = Σ_N dout: (M)
 * Without dx only the parameter gradients are formed.
 */
export function affineBackward(
  dout: FloatArray, x: FloatArray, w: FloatArray,
  dx: FloatArray | undefined, dw: FloatArray, db: FloatArray, n: number, d: number, m: number,
): void {
  if (dx) gemmNT(n, d, m, dout, 0, w, 0, dx, 0, false);
  gemmTN(d, m, n, x, 0, dout, 0, dw, 0, false);
  const k = kernelsFor(db, dout);
  if (k) return k.sumRows(addr(db), addr(dout), n, m, 0);
  db.fill(0, 0, m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) db[j] += dout[o + j];
  }
}

/** dense: out = x·W + b over the flattened input. W: (inSize, units), b: (units). */
export class DenseLayer implements Layer {
  readonly kind = 'dense';
  readonly label: string;
  readonly sourceIndex: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  readonly params: readonly Param[];
  readonly macsPerSample: number;
  private readonly w: Param;
  private readonly b: Param;
  private readonly dtype: Dtype;
  private out: FloatArray;
  private dx: FloatArray;
  private x: FloatArray | undefined;

  constructor(units: number, init: InitSpec | undefined, readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.inSize = sizeOf(inShape);
    this.outSize = units;
    this.outShape = [units];
    this.label = `dense ${units}`;
    this.w = makeParam(ctx.sourceIndex, 'W', this.inSize * units, ctx.dtype);
    this.b = makeParam(ctx.sourceIndex, 'b', units, ctx.dtype);
    initWeights(this.w.value, this.inSize, init ?? ctx.init, ctx.rng);
    this.params = [this.w, this.b];
    this.macsPerSample = this.inSize * units;
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    this.out = ensure(this.out, n * this.outSize, this.dtype);
    this.x = x;
    affineForward(x, this.w.value, this.b.value, this.out, n, this.inSize, this.outSize);
    return this.out;
  }

  /**
   * The product x·W without the bias, for a network that adds the bias together with the
   * activation that follows (ActivationLayer.forwardWithBias). Returns the buffer out.
   */
  forwardLinear(x: FloatArray, n: number): FloatArray {
    this.out = ensure(this.out, n * this.outSize, this.dtype);
    this.x = x;
    gemmNN(n, this.outSize, this.inSize, x, 0, this.w.value, 0, this.out, 0, false);
    return this.out;
  }

  get bias(): Param {
    return this.b;
  }

  /** backward when the bias gradient is already written (ActivationLayer.backwardWithBias): dW and dx only. */
  backwardLinear(dout: FloatArray, n: number, needDx = true): FloatArray {
    if (!this.x) throw new Error('dense backward before forward');
    if (needDx) {
      this.dx = ensure(this.dx, n * this.inSize, this.dtype);
      gemmNT(n, this.inSize, this.outSize, dout, 0, this.w.value, 0, this.dx, 0, false);
    }
    gemmTN(this.inSize, this.outSize, n, this.x, 0, dout, 0, this.w.grad, 0, false);
    return this.dx;
  }

  backward(dout: FloatArray, n: number, needDx = true): FloatArray {
    if (!this.x) throw new Error('dense backward before forward');
    if (needDx) this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    affineBackward(dout, this.x, this.w.value, needDx ? this.dx : undefined, this.w.grad, this.b.grad, n, this.inSize, this.outSize);
    return this.dx;
  }
}
