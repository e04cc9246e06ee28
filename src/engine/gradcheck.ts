import type { FloatArray } from './tensor';

/**
 * Centered-difference gradient of a scalar function f at x (x is perturbed in place and restored):
 *   ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h
 */
export function numericGradient(f: () => number, x: FloatArray, h = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i];
    x[i] = old + h;
    const plus = f();
    x[i] = old - h;
    const minus = f();
    x[i] = old;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/**
 * cs231n's relative error, max over elements: |a − n| / max(|a|, |n|). The denominator is floored
 * at 1e-8, as in the course's rel_error, so two values that are both ~0 compare absolutely.
 */
export function maxRelativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    const err = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), 1e-8);
    if (err > worst) worst = err;
  }
  return worst;
}

/** ‖a − n‖ / max(‖a‖, ‖n‖) over a set of entries; 0 when both are 0. */
export function relativeErrorOfNorms(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nn = 0;
  for (let i = 0; i < analytic.length; i++) {
    const d = analytic[i] - numeric[i];
    diff += d * d;
    na += analytic[i] * analytic[i];
    nn += numeric[i] * numeric[i];
  }
  const denom = Math.sqrt(Math.max(na, nn));
  return denom === 0 ? 0 : Math.sqrt(diff) / denom;
}

export type Verdict = 'good' | 'kinks only' | 'uncomfortable' | 'wrong';

/** cs231n's reading of a relative error (neural-networks-3 notes). */
export function verdict(relError: number): Verdict {
  if (!(relError <= 1e-2)) return 'wrong';
  if (relError > 1e-4) return 'uncomfortable';
  if (relError > 1e-7) return 'kinks only';
  return 'good';
}
