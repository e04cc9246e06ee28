import { allocate, makeParam, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import type { BatchNormLayerSpec } from '../../model/spec';

/**
 * Batch normalization (Ioffe & Szegedy; cs231n lecture 6), per feature for flat input (N, D) and
 * per channel for images (N, C, H, W), i.e. over every (n, h, w) of a channel.
 *   training:   x̂ = (x − μ_B) / √(σ²_B + ε),  out = γ·x̂ + β,  with the batch's mean and (biased) variance
 *   evaluation: the same with running averages, updated in training as
 *               running = momentum·running + (1 − momentum)·batch  (cs231n's momentum; PyTorch's is 1 − it)
 *               and, as PyTorch does, the unbiased batch variance for the running variance.
 *               A training forward pass only stages the batch's figures; endStep(true) applies
 *               them once the step is known finite, so a diverged step leaves them as they were.
 * backward (training), per channel over its m values:
 *   dx = (γ / √(σ² + ε)) / m · (m·dout − Σdout − x̂·Σ(dout·x̂)),  dγ = Σ dout·x̂,  dβ = Σ dout
 */
export class BatchNormLayer implements Layer {
  readonly kind = 'batchnorm';
  readonly label = 'batchnorm';
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[];
  readonly macsPerSample: number;
  readonly runningMean: FloatArray;
  readonly runningVar: FloatArray;
  private readonly channels: number;
  /** Values per channel per sample: H·W for images, 1 for flat input. */
  private readonly inner: number;
  private readonly gamma: Param;
  private readonly beta: Param;
  private readonly momentum: number;
  private readonly eps: number;
  private readonly dtype: Dtype;
  private readonly invStd: Float64Array;
  /** The last training batch's mean and unbiased variance per channel, staged for endStep. */
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;
  private staged = false;
  private xhat: FloatArray;
  private out: FloatArray;
  private dx: FloatArray;
  private lastTraining = false;

  constructor(spec: BatchNormLayerSpec, readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.outShape = inShape;
    this.inSize = this.outSize = sizeOf(inShape);
    this.channels = inShape.length === 3 ? inShape[0] : this.inSize;
    this.inner = inShape.length === 3 ? inShape[1] * inShape[2] : 1;
    this.momentum = spec.momentum;
    this.eps = spec.eps;
    this.gamma = makeParam(ctx.sourceIndex, 'gamma', this.channels, ctx.dtype);
    this.beta = makeParam(ctx.sourceIndex, 'beta', this.channels, ctx.dtype);
    this.gamma.value.fill(1);
    this.params = [this.gamma, this.beta];
    this.macsPerSample = 2 * this.inSize;
    this.runningMean = allocate(ctx.dtype, this.channels);
    this.runningVar = allocate(ctx.dtype, this.channels).fill(1);
    this.invStd = new Float64Array(this.channels);
    this.batchMean = new Float64Array(this.channels);
    this.batchVar = new Float64Array(this.channels);
    this.xhat = allocate(ctx.dtype, 0);
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
  }

  forward(x: FloatArray, n: number, training: boolean): FloatArray {
    const { channels: C, inner: P } = this;
    const len = n * this.inSize;
    this.out = ensure(this.out, len, this.dtype);
    this.xhat = ensure(this.xhat, len, this.dtype);
    this.lastTraining = training;
    if (training) this.staged = true;
    const g = this.gamma.value;
    const b = this.beta.value;
    const m = n * P;
    for (let c = 0; c < C; c++) {
      let mean: number;
      let variance: number;
      if (training) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const o = (i * C + c) * P;
          for (let p = 0; p < P; p++) s += x[o + p];
        }
        mean = s / m;
        let v = 0;
        for (let i = 0; i < n; i++) {
          const o = (i * C + c) * P;
          for (let p = 0; p < P; p++) {
            const d = x[o + p] - mean;
            v += d * d;
          }
        }
        variance = v / m;
        this.batchMean[c] = mean;
        this.batchVar[c] = m > 1 ? v / (m - 1) : variance;
      } else {
        mean = this.runningMean[c];
        variance = this.runningVar[c];
      }
      const inv = 1 / Math.sqrt(variance + this.eps);
      this.invStd[c] = inv;
      for (let i = 0; i < n; i++) {
        const o = (i * C + c) * P;
        for (let p = 0; p < P; p++) {
          const h = (x[o + p] - mean) * inv;
          this.xhat[o + p] = h;
          this.out[o + p] = g[c] * h + b[c];
        }
      }
    }
    return this.out;
  }

  /** Applies the staged batch figures to the running statistics (commit), or drops them. */
  endStep(commit: boolean): void {
    if (commit && this.staged) {
      for (let c = 0; c < this.channels; c++) {
        this.runningMean[c] = this.momentum * this.runningMean[c] + (1 - this.momentum) * this.batchMean[c];
        this.runningVar[c] = this.momentum * this.runningVar[c] + (1 - this.momentum) * this.batchVar[c];
      }
    }
    this.staged = false;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    const { channels: C, inner: P } = this;
    this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    const g = this.gamma.value;
    const m = n * P;
    for (let c = 0; c < C; c++) {
      let sumD = 0;
      let sumDX = 0;
      for (let i = 0; i < n; i++) {
        const o = (i * C + c) * P;
        for (let p = 0; p < P; p++) {
          sumD += dout[o + p];
          sumDX += dout[o + p] * this.xhat[o + p];
        }
      }
      this.gamma.grad[c] = sumDX;
      this.beta.grad[c] = sumD;
      const inv = this.invStd[c];
      for (let i = 0; i < n; i++) {
        const o = (i * C + c) * P;
        for (let p = 0; p < P; p++) {
          this.dx[o + p] = this.lastTraining
            ? (g[c] * inv / m) * (m * dout[o + p] - sumD - this.xhat[o + p] * sumDX)
            : g[c] * inv * dout[o + p]; // running statistics are constants
        }
      }
    }
    return this.dx;
  }
}
