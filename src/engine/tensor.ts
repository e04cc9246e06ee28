/** Engine arrays: float32 for training, float64 for gradient checking. */
export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export function allocate(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/** A trainable parameter and its gradient, same length, same dtype. */
export interface Param {
  /** e.g. "layers[0].W" */
  readonly name: string;
  readonly value: FloatArray;
  readonly grad: FloatArray;
  /** Weights get L2 regularization; biases do not. */
  readonly regularize: boolean;
}

/** Euclidean norm, accumulated in double precision. */
export function norm(a: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}
