import { allocate, makeParam, type Dtype, type FloatArray, type Param } from '../tensor';
import { ensure, sizeOf, type Layer, type LayerContext, type Shape } from './layer';
import { affineBackward, affineForward } from './dense';
import { initWeights } from '../init';
import type { MaxoutLayerSpec } from '../../model/spec';
import { fold } from '../kinks';

/**
 * maxout (Goodfellow et al.; cs231n lecture 6): each of U units is the max of K affine pieces.
 *   z = x·W + b: (N, U·K), piece k of unit u at column u·K + k;   out[n, u] = max_k z[n, u·K + k]
 *   backward: dz is dout at each unit's winning piece (the first, on ties) and 0 elsewhere,
 *   then the affine backward pass.
 */
export class MaxoutLayer implements Layer {
  readonly kind = 'maxout';
  readonly kink = 'maxout';
  readonly label: string;
  readonly sourceIndex: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  readonly params: readonly Param[];
  readonly macsPerSample: number;
  private readonly units: number;
  private readonly pieces: number;
  private readonly w: Param;
  private readonly b: Param;
  private readonly dtype: Dtype;
  private z: FloatArray;
  private dz: FloatArray;
  private out: FloatArray;
  private dx: FloatArray;
  private winner: Int32Array;
  private x: FloatArray | undefined;

  constructor(spec: MaxoutLayerSpec, readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.dtype = ctx.dtype;
    this.units = spec.units;
    this.pieces = spec.pieces;
    this.inSize = sizeOf(inShape);
    this.outSize = spec.units;
    this.outShape = [spec.units];
    this.label = `maxout ${spec.units}×${spec.pieces}`;
    const width = spec.units * spec.pieces;
    this.w = makeParam(ctx.sourceIndex, 'W', this.inSize * width, ctx.dtype);
    this.b = makeParam(ctx.sourceIndex, 'b', width, ctx.dtype);
    initWeights(this.w.value, this.inSize, spec.init ?? ctx.init, ctx.rng);
    this.params = [this.w, this.b];
    this.macsPerSample = this.inSize * width;
    this.z = allocate(ctx.dtype, 0);
    this.dz = allocate(ctx.dtype, 0);
    this.out = allocate(ctx.dtype, 0);
    this.dx = allocate(ctx.dtype, 0);
    this.winner = new Int32Array(0);
  }

  forward(x: FloatArray, n: number): FloatArray {
    const { units: U, pieces: K } = this;
    const width = U * K;
    this.x = x;
    this.z = ensure(this.z, n * width, this.dtype);
    this.out = ensure(this.out, n * U, this.dtype);
    if (this.winner.length < n * U) this.winner = new Int32Array(n * U);
    affineForward(x, this.w.value, this.b.value, this.z, n, this.inSize, width);
    for (let i = 0; i < n * U; i++) {
      const o = i * K;
      let best = 0;
      let max = this.z[o];
      for (let k = 1; k < K; k++) {
        if (this.z[o + k] > max) {
          max = this.z[o + k];
          best = k;
        }
      }
      this.out[i] = max;
      this.winner[i] = best;
    }
    return this.out;
  }

  backward(dout: FloatArray, n: number): FloatArray {
    if (!this.x) throw new Error('maxout backward before forward');
    const { units: U, pieces: K } = this;
    const width = U * K;
    this.dz = ensure(this.dz, n * width, this.dtype);
    this.dx = ensure(this.dx, n * this.inSize, this.dtype);
    this.dz.fill(0, 0, n * width);
    for (let i = 0; i < n * U; i++) this.dz[i * K + this.winner[i]] = dout[i];
    affineBackward(this.dz, this.x, this.w.value, this.dx, this.w.grad, this.b.grad, n, this.inSize, width);
    return this.dx;
  }

  /** Which piece won, per unit: changes when a gradient check steps across a kink. */
  decisionChecksum(n: number): number {
    let h = 0;
    for (let i = 0; i < n * this.units; i++) h = fold(h, this.winner[i]);
    return h;
  }
}
