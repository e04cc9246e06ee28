import type { Rng } from '../rng';
import { pickRows, type Dataset } from './dataset';

/**
 * k distinct row indices of 0…n−1 drawn by `rng` (a partial Fisher–Yates shuffle), in increasing
 * order; all n rows when k ≥ n.
 */
export function seededRows(n: number, k: number, rng: Rng): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (k >= n) return all;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, k).sort();
}

/**
 * A fixed sample of at most k rows of `data`, drawn once by `rng` (copied, in row order): `data`
 * itself when it has no more than k rows.
 */
export function seededSubset(data: Dataset, k: number, rng: Rng): Dataset {
  return data.n <= k ? data : pickRows(data, seededRows(data.n, k, rng));
}
