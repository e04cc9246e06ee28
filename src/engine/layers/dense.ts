import { Rng } from '../rng';
import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import type { Layer } from './layer';
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

export class DenseLayer implements Layer {
  readonly label: string;
  readonly params: readonly Param[];
  private readonly w: Param;
  private readonly b: Param;
  private out: FloatArray;
  private dx: FloatArray;
  private x: FloatArray | undefined;

  constructor(
    readonly sourceIndex: number,
    readonly inSize: number,
    readonly outSize: number,
    init: InitSpec,
    rng: Rng,
    private readonly dtype: Dtype,
  ) {
    this.label = `dense ${outSize}`;
    const prefix = `layers[${sourceIndex}]`;
    this.w = { name: `${prefix}.W`, value: allocate(dtype, inSize * outSize), grad: allocate(dtype, inSize * outSize), regularize: true };
    this.b = { name: `${prefix}.b`, value: allocate(dtype, outSize), grad: allocate(dtype, outSize), regularize: false };
    initWeights(this.w.value, inSize, init, rng);
    this.params = [this.w, this.b];
    this.out = allocate(dtype, 0);
    this.dx = allocate(dtype, 0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    if (this.out.length < n * this.outSize) this.out = allocate(this.dtype, n * this.outSize);
    this.x = x;
    affineForward(x, this.w.value, this.b.value, this.out, n, this.inSize, this.outSize);
    return this.out;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.x) throw new Error('dense backward before forward');
    if (this.dx.length < n * this.inSize) this.dx = allocate(this.dtype, n * this.inSize);
    affineBackward(dout, this.x, this.w.value, this.dx, this.w.grad, this.b.grad, n, this.inSize, this.outSize);
    return this.dx;
  }
}
