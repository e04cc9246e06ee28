import { allocate, makeParam, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { initWeights } from '../init';
import type { InitSpec } from '../../model/spec';

/**
 * affine_forward: out = x·W + b
 *   x: (N, D)   W: (D, M)   b: (M)   out: (N, M)
 */
export function affineForward(
  x: FloatArray, w: FloatArray, b: FloatArray, out: FloatArray, n: number, d: number, m: number,
): void {
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) out[o + j] = b[j];
    const xo = i * d;
    for (let k = 0; k < d; k++) {
      const xik = x[xo + k];
      if (xik === 0) continue; // ReLU outputs are often exactly zero
      const wo = k * m;
      for (let j = 0; j < m; j++) out[o + j] += xik * w[wo + j];
    }
  }
}

/**
 * affine_backward
 *   dout: (N, M) → dx = dout·Wᵀ: (N, D), dW = xᵀ·dout: (D, M), db = Σ_N dout: (M)
 */
export function affineBackward(
  dout: FloatArray, x: FloatArray, w: FloatArray,
  dx: FloatArray, dw: FloatArray, db: FloatArray, n: number, d: number, m: number,
): void {
  dw.fill(0);
  db.fill(0);
  for (let i = 0; i < n; i++) {
    const go = i * m;
    for (let j = 0; j < m; j++) db[j] += dout[go + j];
    const xo = i * d;
    for (let k = 0; k < d; k++) {
      const wo = k * m;
      const xik = x[xo + k];
      let s = 0;
      for (let j = 0; j < m; j++) {
        const g = dout[go + j];
        s += g * w[wo + j];
        dw[wo + j] += xik * g;
      }
      dx[xo + k] = s;
    }
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

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.x) throw new Error('dense backward before forward');
    this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    affineBackward(dout, this.x, this.w.value, this.dx, this.w.grad, this.b.grad, n, this.inSize, this.outSize);
    return this.dx;
  }
}
