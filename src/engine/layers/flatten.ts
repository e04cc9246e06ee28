import type { FloatArray, Param } from '../tensor';
import { sizeOf, type Layer, type LayerContext, type Shape } from './layer';

/** flatten: (N, C, H, W) → (N, C·H·W). Row-major storage is already flat, so it copies nothing. */
export class FlattenLayer implements Layer {
  readonly kind = 'flatten';
  readonly label = 'flatten';
  readonly params: readonly Param[] = [];
  readonly macsPerSample = 0;
  readonly sourceIndex: number;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;

  constructor(readonly inShape: Shape, ctx: LayerContext) {
    this.sourceIndex = ctx.sourceIndex;
    this.inSize = this.outSize = sizeOf(inShape);
    this.outShape = [this.outSize];
  }

  forward(x: FloatArray): FloatArray {
    return x;
  }

  backward(dout: FloatArray): FloatArray {
    return dout;
  }
}
