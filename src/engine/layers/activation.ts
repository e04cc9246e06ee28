import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { ACTIVATION_ALPHA, type ActivationName, type ActivationSpec } from '../../model/spec';
import { erf } from '../math';
import { ACTIVATION_CODES, addr, kernelsFor } from '../wasm/kernels';
import * as parallel from '../wasm/parallel';
import { fold, type KinkKind } from '../kinks';

/**
 * An elementwise nonlinearity as a forward/backward pair over the first `len` elements.
 * backward receives both the forward input x and output out, and writes dx = dout ⊙ f'(x).
 */
export interface Activation {
  forward(x: FloatArray, out: FloatArray, len: number, alpha: number): void;
  backward(x: FloatArray, out: FloatArray, dout: FloatArray, dx: FloatArray, len: number, alpha: number): void;
}

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const ACTIVATION_FUNCTIONS: Record<ActivationName, Activation> = {
  linear: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = x[i]; },
    backward: (_x, _out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i]; },
  },
  /** σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ) */
  sigmoid: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-x[i])); },
    backward: (_x, out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i] * out[i] * (1 - out[i]); },
  },
  /** tanh' = 1 − tanh² */
  tanh: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = Math.tanh(x[i]); },
    backward: (_x, out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = dout[i] * (1 - out[i] * out[i]); },
  },
  /** max(0, x) */
  relu: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = x[i] > 0 ? x[i] : 0; },
    backward: (x, _out, dout, dx, len) => { for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dout[i] : 0; },
  },
  /** x for x > 0, αx otherwise */
  leaky_relu: {
    forward: (x, out, len, a) => { for (let i = 0; i < len; i++) out[i] = x[i] > 0 ? x[i] : a * x[i]; },
    backward: (x, _out, dout, dx, len, a) => { for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dout[i] : a * dout[i]; },
  },
  /** x for x > 0, α(eˣ − 1) otherwise; the slope there is αeˣ = out + α */
  elu: {
    forward: (x, out, len, a) => { for (let i = 0; i < len; i++) out[i] = x[i] > 0 ? x[i] : a * (Math.exp(x[i]) - 1); },
    backward: (x, out, dout, dx, len, a) => { for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dout[i] : dout[i] * (out[i] + a); },
  },
  /** x·Φ(x) with Φ the standard normal CDF (the exact GELU); GELU' = Φ(x) + x·φ(x) */
  gelu: {
    forward: (x, out, len) => { for (let i = 0; i < len; i++) out[i] = 0.5 * x[i] * (1 + erf(x[i] * INV_SQRT2)); },
    backward: (x, _out, dout, dx, len) => {
      for (let i = 0; i < len; i++) {
        const v = x[i];
        const cdf = 0.5 * (1 + erf(v * INV_SQRT2));
        const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
        dx[i] = dout[i] * (cdf + v * pdf);
      }
    },
  },
};

export function activationAlpha(spec: ActivationSpec): number {
  return spec.alpha ?? ACTIVATION_ALPHA[spec.type] ?? 0;
}

export function activationLabel(spec: ActivationSpec): string {
  return spec.alpha !== undefined && spec.alpha !== ACTIVATION_ALPHA[spec.type] ? `${spec.type}(${spec.alpha})` : spec.type;
}

/** An activation as a layer of its own: same shape in and out. */
export class ActivationLayer implements Layer {
  readonly kind = 'activation';
  readonly params: readonly Param[] = [];
  readonly label: string;
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  readonly macsPerSample = 0;
  readonly fn: ActivationName;
  private readonly impl: Activation;
  /** The function's code in the WebAssembly kernels, or -1 where only TypeScript has it (GELU). */
  private readonly code: number;
  private readonly alpha: number;
  /** ReLU, leaky ReLU and ELU with α ≠ 1 bend at 0 (the slope jumps there); the others are smooth. */
  readonly kink: KinkKind | undefined;
  private readonly dtype: Dtype;
  private x: FloatArray | undefined;
  private out: FloatArray;
  private dx: FloatArray;

  constructor(spec: ActivationSpec, readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.fn = spec.type;
    this.label = activationLabel(spec);
    this.outShape = inShape;
    this.inSize = this.outSize = sizeOf(inShape);
    this.impl = ACTIVATION_FUNCTIONS[spec.type];
    this.code = spec.type in ACTIVATION_CODES ? ACTIVATION_CODES[spec.type as keyof typeof ACTIVATION_CODES] : -1;
    this.alpha = activationAlpha(spec);
    const kinked = spec.type === 'relu' || spec.type === 'leaky_relu' || (spec.type === 'elu' && this.alpha !== 1);
    this.kink = kinked ? 'relu' : undefined;
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    const len = n * this.inSize;
    this.out = ensure(this.out, len, this.dtype);
    this.x = x;
    const k = this.code >= 0 ? kernelsFor(x, this.out) : undefined;
    if (k) parallel.activationForward(k, this.code, addr(x), addr(this.out), len, this.alpha);
    else this.impl.forward(x, this.out, len, this.alpha);
    return this.out;
  }

  /** Whether forwardWithBias/backwardWithBias can run (a kernel for this function, float32 buffers). */
  get fusable(): boolean {
    return this.code >= 0 && this.dtype === 'float32';
  }

  /**
   * The dense layer's bias and this activation in one kernel pass: pre += bias; out = f(pre).
   * pre is the dense layer's output (x·W), which becomes this layer's input. Undefined when an
   * operand is outside the arena (the caller then runs the two layers as usual).
   */
  forwardWithBias(pre: FloatArray, bias: FloatArray, n: number): FloatArray | undefined {
    this.out = ensure(this.out, n * this.inSize, this.dtype);
    const k = this.code >= 0 ? kernelsFor(pre, bias, this.out) : undefined;
    if (!k) return undefined;
    this.x = pre;
    parallel.biasActivation(k, addr(pre), addr(this.out), addr(bias), n, this.inSize, this.code, this.alpha);
    return this.out;
  }

  /** backward fused with the dense layer's bias gradient: dx = dout ⊙ f'(x), db = Σ_rows dx. */
  backwardWithBias(dout: FloatArray, db: FloatArray, n: number): FloatArray | undefined {
    if (!this.x) throw new Error('activation backward before forward');
    this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    const k = this.code >= 0 ? kernelsFor(this.x, this.out, dout, this.dx, db) : undefined;
    if (!k) return undefined;
    parallel.activationBackwardBias(k, this.code, addr(this.x), addr(this.out), addr(dout), addr(this.dx), addr(db), n, this.inSize, this.alpha);
    return this.dx;
  }

  /**
   * Sign pattern of the input for activations with a kink at 0; constant for smooth ones. The input
   * is kept by the fused path (forwardWithBias) too, so a fused activation reports the same.
   */
  decisionChecksum(n: number): number {
    const x = this.x;
    if (!x || !this.kink) return 0;
    let h = 0;
    for (let i = 0; i < n * this.inSize; i++) h = fold(h, x[i] > 0 ? 1 : 0);
    return h;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.x) throw new Error('activation backward before forward');
    const len = n * this.inSize;
    this.dx = ensure(this.dx, len, this.dtype);
    const k = this.code >= 0 ? kernelsFor(this.x, this.out, dout, this.dx) : undefined;
    if (k) parallel.activationBackward(k, this.code, addr(this.x), addr(this.out), addr(dout), addr(this.dx), len, this.alpha);
    else this.impl.backward(this.x, this.out, dout, this.dx, len, this.alpha);
    return this.dx;
  }
}
