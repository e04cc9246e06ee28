import type { FloatArray, Param } from '../tensor';

/**
 * A layer maps a batch x of shape (N, inSize) to out of shape (N, outSize), row-major.
 * Buffers returned by forward/backward belong to the layer and stay valid until its next call.
 */
export interface Layer {
  /** What the user wrote, e.g. "dense 100" or "relu". */
  readonly label: string;
  /** Index of the model-file layer this engine layer came from. */
  readonly sourceIndex: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: readonly Param[];
  forward(x: FloatArray, n: number, training: boolean): FloatArray;
  /** dout: (N, outSize) → dx: (N, inSize); writes (does not accumulate) the parameter gradients. */
  backward(dout: FloatArray, n: number): FloatArray;
}
