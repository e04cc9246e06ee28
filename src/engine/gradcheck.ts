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
 * cs231n's relative error of one entry (its rel_error, grad_check_sparse):
 *   |a − n| / max(1e-8, |a| + |n|)
 * Where both gradients are tiny (|a| + |n| < 1e-8) the floor makes the comparison absolute,
 * |a − n| / 1e-8: a ratio of two numbers that are both ~0 is round-off noise, and the floor keeps
 * it from blowing up while a real disagreement (say 1e-9 against 0) still shows.
 */
export function entryRelativeError(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
}

/** The largest entryRelativeError over the elements: cs231n's figure for a whole gradient. */
export function maxRelativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const err = entryRelativeError(analytic[i], numeric[i]);
    if (Number.isNaN(err)) return NaN;
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
