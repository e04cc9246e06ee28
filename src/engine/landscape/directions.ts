/**
 * The plane's directions: filter-normalized Gaussian ones (Li et al., 2018), or the first two
 * principal directions of the weights a run visited; and a weight vector's coordinates on a plane.
 */
import { Rng } from '../rng';
import type { FilterGroup } from './weights';
import { symmetricEigen } from './eigen';

/**
 * A Gaussian direction (seeded), each filter rescaled to the norm of the same filter of `centre`:
 * ‖d_f‖ = ‖θ_f‖. Biases and batchnorm's γ, β and running statistics get 0: they are in no filter
 * (as Li et al. do), so the plane moves only the weight matrices, the same relative amount per filter.
 */
export function filterNormalizedDirection(centre: Float32Array, filters: readonly FilterGroup[], rng: Rng): Float32Array {
  const d = new Float32Array(centre.length);
  for (const g of filters) {
    for (let f = 0; f < g.count; f++) {
      const start = g.offset + f * g.filterStride;
      let dNorm = 0;
      let cNorm = 0;
      for (let k = 0; k < g.size; k++) {
        const i = start + k * g.valueStride;
        const v = rng.normal();
        d[i] = v;
        dNorm += v * v;
        cNorm += centre[i] * centre[i];
      }
      const scale = dNorm > 0 ? Math.sqrt(cNorm / dNorm) : 0;
      for (let k = 0; k < g.size; k++) d[start + k * g.valueStride] *= scale;
    }
  }
  return d;
}

export interface PrincipalPlane {
  d1: Float32Array;
  d2: Float32Array;
  /** The fraction of the trajectory's variance along d₁ and d₂. */
  explained: [number, number];
}

/**
 * The first two principal directions (unit length) of the snapshots, as Li et al.'s code finds
 * them (sklearn's PCA of the rows s_i − θ_last, which centres them: so the directions do not depend
 * on the point subtracted). Works in the k×k Gram matrix of the centred rows (k snapshots), so the
 * cost is k²/2 dot products of θ's length and no k×|θ| matrix. When the trajectory spans a single
 * direction (two snapshots, say), d₂ is a seeded Gaussian direction made orthogonal to d₁, and its
 * explained fraction is 0. Throws when the snapshots are all the same (nothing moved).
 */
export function principalDirections(snapshots: readonly Float32Array[], seed: number): PrincipalPlane {
  const k = snapshots.length;
  const n = snapshots[0].length;
  const ref = snapshots[k - 1];
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const a = snapshots[i];
      const b = snapshots[j];
      let s = 0;
      for (let p = 0; p < n; p++) s += (a[p] - ref[p]) * (b[p] - ref[p]);
      gram[i * k + j] = gram[j * k + i] = s;
    }
  }
  centreGram(gram, k);
  let trace = 0;
  for (let i = 0; i < k; i++) trace += gram[i * k + i];
  if (!(trace > 0)) throw new Error('the weights did not move: every snapshot of the trajectory is the same');
  const { values, vectors } = symmetricEigen(gram, k);
  const order = [...values.keys()].sort((x, y) => values[y] - values[x]);
  const direction = (e: number): Float32Array => {
    const d = new Float64Array(n);
    for (let i = 0; i < k; i++) {
      const w = vectors[i * k + e];
      if (w === 0) continue;
      const s = snapshots[i];
      for (let p = 0; p < n; p++) d[p] += w * (s[p] - ref[p]);
    }
    return unit(d);
  };
  const d1 = direction(order[0]);
  const second = values[order[1]] ?? 0;
  const flat = !(second > 1e-12 * trace);
  const d2 = flat ? orthogonalGaussian(d1, seed) : direction(order[1]);
  return { d1, d2, explained: [values[order[0]] / trace, flat ? 0 : second / trace] };
}

/** G ← H·G·H with H = I − 11ᵀ/k: the Gram matrix of the rows minus their mean. */
function centreGram(g: Float64Array, k: number): void {
  const rowMean = new Float64Array(k);
  let all = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) rowMean[i] += g[i * k + j] / k;
    all += rowMean[i] / k;
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) g[i * k + j] += all - rowMean[i] - rowMean[j];
}

function unit(d: Float64Array): Float32Array {
  let s = 0;
  for (const v of d) s += v * v;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float32Array.from(d, (v) => v * inv);
}

function orthogonalGaussian(d1: Float32Array, seed: number): Float32Array {
  const rng = new Rng(seed);
  const d = Float64Array.from(d1, () => rng.normal());
  let dot = 0;
  for (let p = 0; p < d.length; p++) dot += d[p] * d1[p];
  for (let p = 0; p < d.length; p++) d[p] -= dot * d1[p];
  return unit(d);
}

/**
 * Coordinates (a, b) of x − centre on the plane by least squares: the 2×2 normal equations
 * [d₁·d₁ d₁·d₂; d₁·d₂ d₂·d₂]·[a; b] = [d₁·(x − c); d₂·(x − c)] (random directions are not orthogonal).
 */
export function projectOnPlane(points: readonly Float32Array[], centre: Float32Array, d1: Float32Array, d2: Float32Array): Array<[number, number]> {
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  for (let p = 0; p < centre.length; p++) {
    g11 += d1[p] * d1[p];
    g12 += d1[p] * d2[p];
    g22 += d2[p] * d2[p];
  }
  const det = g11 * g22 - g12 * g12;
  return points.map((x) => {
    let r1 = 0;
    let r2 = 0;
    for (let p = 0; p < centre.length; p++) {
      const v = x[p] - centre[p];
      r1 += d1[p] * v;
      r2 += d2[p] * v;
    }
    if (!(det > 0)) return [0, 0];
    return [(g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det];
  });
}
