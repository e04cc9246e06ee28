import type { Rng } from '../rng';
import { allocate, type Dtype, type FloatArray, type Param } from '../tensor';
import type { InitSpec, LayerKind } from '../../model/spec';
import type { KinkKind } from '../kinks';

/** The shape of one sample: [features] for flat data, [channels, height, width] for images. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return shape.join('×');
}

/**
 * A layer maps a batch x of shape (N, ...inShape) to out of shape (N, ...outShape), row-major
 * (NCHW for images). Buffers returned by forward/backward belong to the layer and stay valid until
 * its next call; they grow to the largest batch seen and are then reused.
 */
export interface Layer {
  readonly kind: LayerKind;
  /** What the user wrote, e.g. "dense 100", "conv 16@3×3/1 pad 1", "relu". */
  readonly label: string;
  /** Index of the model-file layer this engine layer came from. */
  readonly sourceIndex: number;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[];
  /** Multiply-adds per sample in the forward pass (the FLOPs figure is twice this). */
  readonly macsPerSample: number;
  forward(x: FloatArray, n: number, training: boolean): FloatArray;
  /**
   * dout: (N, outSize) → dx: (N, inSize); writes (does not accumulate) the parameter gradients.
   * With needDx false the caller discards dx (the network's first layer: nothing needs the
   * gradient of the data), so a layer may skip computing it and return its stale buffer.
   */
  backward(dout: FloatArray, n: number, needDx?: boolean): FloatArray;
  /** Layers that draw random numbers in training (dropout) reuse their last draw while frozen. */
  setFrozen?(frozen: boolean): void;
  /**
   * Ends a training step. A training forward pass stages what it would change beyond its own
   * buffers (batchnorm's running statistics; dropout's place in its random stream): commit keeps
   * it, otherwise it is undone, so a step that turned out non-finite leaves the layer as it was.
   */
  endStep?(commit: boolean): void;
  /**
   * Piecewise layers (ReLU, max pool, maxout): the kind of kink they have, and a hash of which
   * piece each element took in the last forward pass. Only a gradient check calls it, comparing it
   * across its ± steps to see whether a step crossed a kink (and of which kind); training never does.
   */
  readonly kink?: KinkKind;
  decisionChecksum?(n: number): number;
}

/** What every layer constructor receives besides its own spec and input shape. */
export interface LayerContext {
  dtype: Dtype;
  /** Init randomness, drawn in layer order. */
  rng: Rng;
  /** The model's init scheme; a layer's own `init` overrides it. */
  init: InitSpec;
  sourceIndex: number;
  /** Seed for randomness during training (dropout masks). */
  seed: number;
}

/** A buffer of at least `length` elements: `current` if it is large enough, else a new one. */
export function ensure(current: FloatArray, length: number, dtype: Dtype): FloatArray {
  return current.length >= length ? current : allocate(dtype, length);
}
