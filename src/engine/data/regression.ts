import { Rng } from '../rng';
import { regressionSet, type Dataset } from './dataset';

/*
 * The generated regression sets: numeric targets, one per sample. Each draws all its randomness
 * from the given Rng (per sample: the inputs in order, then the noise), so a seed fixes the set.
 * "N(0, σ²)" below is σ·rng.normal(); "U[a, b]" is a + (b − a)·rng.uniform().
 */

/** The interval `sine` draws x from. */
export const SINE_RANGE: readonly [number, number] = [-3, 3];

/** 1-D: x ~ U[−3, 3], y = sin(x) + N(0, noise²). Shape [1], one target. */
export function makeSine(samples: number, noise: number, rng: Rng): Dataset {
  const [lo, hi] = SINE_RANGE;
  const x = new Float32Array(samples);
  const t = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    // The target is computed from x as stored (float32), so with noise 0 it is sin of the input.
    const v = Math.fround(lo + (hi - lo) * rng.uniform());
    x[i] = v;
    t[i] = Math.sin(v) + noise * rng.normal();
  }
  return regressionSet(x, t, samples, [1]);
}

/** The clean surface of `ripple`: sin(π·x1)·cos(π·x2). */
export function rippleSurface(x1: number, x2: number): number {
  return Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2);
}

/** 2-D: (x1, x2) ~ U[−1, 1]², y = sin(π·x1)·cos(π·x2) + N(0, noise²). Shape [2], one target. */
export function makeRipple(samples: number, noise: number, rng: Rng): Dataset {
  const x = new Float32Array(samples * 2);
  const t = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const a = Math.fround(2 * rng.uniform() - 1);
    const b = Math.fround(2 * rng.uniform() - 1);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    t[i] = rippleSurface(a, b) + noise * rng.normal();
  }
  return regressionSet(x, t, samples, [2]);
}
