import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import type { Layer } from './layer';
import type { ActivationName } from '../../model/spec';

/**
 * An elementwise nonlinearity as a forward/backward pair over the first `len` elements.
 * backward receives the forward output (all of these derivatives are functions of it).
 */
export interface Activation {
  forward(x: FloatArray, out: FloatArray, len: number): void;
  backward(out: FloatArray, dout: FloatArray, dx: FloatArray, len: number): void;
}

export const ACTIVATION_FUNCTIONS: Record<ActivationName, Activation> = {
  linear: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = x[i]; },
    backward: (_out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i]; },
  },
  relu: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = x[i] > 0 ? x[i] : 0; },
    backward: (out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = out[i] > 0 ? dout[i] : 0; },
  },
  tanh: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = Math.tanh(x[i]); },
    backward: (out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i] * (1 - out[i] * out[i]); },
  },
  sigmoid: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-x[i])); },
    backward: (out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i] * out[i] * (1 - out[i]); },
  },
};

export class ActivationLayer implements Layer {
  readonly params: readonly Param[] = [];
  readonly outSize: number;
  private readonly fn: Activation;
  private out: FloatArray;
  private dx: FloatArray;

  constructor(
    readonly sourceIndex: number,
    readonly inSize: number,
    readonly label: ActivationName,
    private readonly dtype: Dtype,
  ) {
    this.outSize = inSize;
    this.fn = ACTIVATION_FUNCTIONS[label];
    this.out = allocate(dtype, 0);
    this.dx = allocate(dtype, 0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    const len = n * this.inSize;
    if (this.out.length < len) this.out = allocate(this.dtype, len);
    this.fn.forward(x, this.out, len);
    return this.out;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    const len = n * this.inSize;
    if (this.dx.length < len) this.dx = allocate(this.dtype, len);
    this.fn.backward(this.out, dout, this.dx, len);
    return this.dx;
  }
}
