import { Rng } from '../rng';
import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';

/**
 * Inverted dropout (cs231n lecture 7): in training each unit is kept with probability 1 − p and
 * scaled by 1/(1 − p), so evaluation is the identity.
 *   forward: out = x ⊙ mask,  mask ∈ {0, 1/(1−p)}    backward: dx = dout ⊙ mask
 */
export class DropoutLayer implements Layer {
  readonly kind = 'dropout';
  readonly label: string;
  readonly params: readonly Param[] = [];
  readonly macsPerSample = 0;
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  private readonly dtype: Dtype;
  private readonly rng: Rng;
  /** The stream's state before the current step's draws, to rewind to if the step is dropped. */
  private readonly stepStart: Rng;
  private mask: FloatArray;
  private out: FloatArray;
  private dx: FloatArray;
  private frozen = false;
  private maskLength = 0;
  private lastTraining = false;

  constructor(readonly p: number, readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.label = `dropout ${p}`;
    this.outShape = inShape;
    this.inSize = this.outSize = sizeOf(inShape);
    this.rng = new Rng((ctx.seed ^ Math.imul(ctx.sourceIndex + 1, 0x27d4eb2d)) >>> 0);
    this.stepStart = new Rng(0);
    this.stepStart.copyFrom(this.rng);
    this.mask = allocate(ctx.dtype, 0);
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
  }

  setFrozen(frozen: boolean): void {
    this.frozen = frozen;
  }

  /** A dropped step rewinds the stream, so the next step draws the masks the dropped one drew. */
  endStep(commit: boolean): void {
    if (commit) this.stepStart.copyFrom(this.rng);
    else this.rng.copyFrom(this.stepStart);
  }

  forward(x: FloatArray, n: number, training: boolean): FloatArray {
    this.lastTraining = training;
    if (!training || this.p === 0) return x;
    const len = n * this.inSize;
    if (!this.frozen || this.maskLength !== len) {
      this.mask = ensure(this.mask, len, this.dtype);
      const keep = 1 - this.p;
      const scale = 1 / keep;
      for (let i = 0; i < len; i++) this.mask[i] = this.rng.uniform() < keep ? scale : 0;
      this.maskLength = len;
    }
    this.out = ensure(this.out, len, this.dtype);
    for (let i = 0; i < len; i++) this.out[i] = x[i] * this.mask[i];
    return this.out;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.lastTraining || this.p === 0) return dout;
    const len = n * this.inSize;
    this.dx = ensure(this.dx, len, this.dtype);
    for (let i = 0; i < len; i++) this.dx[i] = dout[i] * this.mask[i];
    return this.dx;
  }
}
