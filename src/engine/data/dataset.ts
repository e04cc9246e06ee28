import { Rng } from '../rng';
import type { Shape } from '../layers/layer';

/** A labelled classification set: x is (n, ...shape) row-major float32, y holds class indices. */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  /** One sample's shape: [features], or [channels, height, width] for images. */
  readonly shape: Shape;
  /** Values per sample (the product of shape). */
  readonly features: number;
  readonly classes: number;
}

/**
 * Splits off a held-out fraction at random (seeded). Returns copies, so the
 * training rows are contiguous and a batch can be gathered cheaply.
 */
export function splitValidation(data: Dataset, fraction: number, rng: Rng): { train: Dataset; validation: Dataset } {
  const order = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) order[i] = i;
  rng.shuffle(order);
  const nVal = Math.round(data.n * fraction);
  const pick = (from: number, to: number): Dataset => {
    const n = to - from;
    const f = data.features;
    const x = new Float32Array(n * f);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[from + i];
      x.set(data.x.subarray(src * f, (src + 1) * f), i * f);
      y[i] = data.y[src];
    }
    return { x, y, n, shape: data.shape, features: f, classes: data.classes };
  };
  return { train: pick(nVal, data.n), validation: pick(0, nVal) };
}
