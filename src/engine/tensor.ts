import { addr, allocFloat32, kernels, kernelsFor } from './wasm/kernels';
import * as parallel from './wasm/parallel-update';

/** Engine arrays: float32 for training, float64 for gradient checking. */
export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/**
 * A zeroed buffer. float32 buffers live in the WebAssembly kernels' arena when there is one, so
 * kernels work on them in place; never keep a subarray of one longer than the buffer itself (the
 * arena reclaims a block when its buffer is collected) and never post one to another thread (a
 * structured clone would copy the whole memory): copy what leaves the engine.
 */
export function allocate(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : allocFloat32(length);
}

export function dtypeOf(a: FloatArray): Dtype {
  return a instanceof Float64Array ? 'float64' : 'float32';
}

export type ParamRole = 'W' | 'b' | 'gamma' | 'beta';

/** A trainable parameter and its gradient, same length, same dtype. */
export interface Param {
  /** e.g. "layers[0].W" */
  readonly name: string;
  /** Index of the model-file layer it belongs to. */
  readonly layer: number;
  readonly role: ParamRole;
  readonly value: FloatArray;
  readonly grad: FloatArray;
  /** Weights get L2/L1 regularization and weight decay; biases and batchnorm's γ, β do not. */
  readonly regularize: boolean;
}

export function makeParam(layer: number, role: ParamRole, length: number, dtype: Dtype): Param {
  return {
    name: `layers[${layer}].${role}`, layer, role,
    value: allocate(dtype, length), grad: allocate(dtype, length),
    regularize: role === 'W',
  };
}

/** Euclidean norm, accumulated in double precision. */
export function norm(a: FloatArray): number {
  const k = kernels();
  if (k && kernelsFor(a)) {
    k.exports.moments(addr(a), a.length, k.results.at);
    return Math.sqrt(k.results.f64[1]);
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * The largest |v| among the first len values: NaN if any is NaN, else +Infinity if any is infinite
 * (so Number.isFinite of it says whether all of them are).
 */
export function maxAbs(a: FloatArray, len = a.length): number {
  const k = kernelsFor(a);
  if (k) return parallel.maxAbs(k, addr(a), len);
  let m = 0;
  for (let i = 0; i < len; i++) {
    const v = Math.abs(a[i]);
    if (!(v <= m)) {
      if (v !== v) return NaN;
      m = v;
    }
  }
  return m;
}

/** Index of the first NaN or ±Infinity among the first len values, or −1. */
export function firstNonFinite(a: FloatArray, len = a.length): number {
  const k = kernelsFor(a);
  if (k) return k.firstNonFinite(addr(a), len);
  for (let i = 0; i < len; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}
