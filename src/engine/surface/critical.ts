/**
 * The critical points of a surface inside a box: where ∇f = 0, found by Newton's method on ∇f from
 * a grid of starts (and from the local minima and maxima of f on a finer grid), and classified by
 * the Hessian's eigenvalues. The Hessian is centered differences of the exact gradient. Bounded
 * work: SEEDS² values of f, then STARTS² + MAX_EXTREMA starts × MAX_ITERATIONS iterations, each a
 * handful of gradient evaluations.
 */
import type { CriticalPoint } from './types';
import type { Surface } from './surface';

export interface Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Starts per side of the grid. */
const STARTS = 12;
const MAX_ITERATIONS = 60;
/** Points per side of the grid of f whose local minima and maxima are starts too (Newton's basins can be small). */
const SEEDS = 48;
/** At most this many such extrema are used. */
const MAX_EXTREMA = 64;
/** An eigenvalue below this fraction of the larger one's size counts as 0: the point is degenerate, not marked. */
const DEGENERATE = 1e-6;

/** The Hessian at (x, y) by centered differences of the gradient, symmetrized: [fxx, fxy, fyy]. */
function hessian(s: Surface, x: number, y: number, g: Float64Array, out: Float64Array): void {
  const hx = 6e-6 * (1 + Math.abs(x));
  const hy = 6e-6 * (1 + Math.abs(y));
  s.valueAndGrad(x + hx, y, g);
  let fxx = g[0];
  let fyx = g[1];
  s.valueAndGrad(x - hx, y, g);
  fxx = (fxx - g[0]) / (2 * hx);
  fyx = (fyx - g[1]) / (2 * hx);
  s.valueAndGrad(x, y + hy, g);
  let fxy = g[0];
  let fyy = g[1];
  s.valueAndGrad(x, y - hy, g);
  fxy = (fxy - g[0]) / (2 * hy);
  fyy = (fyy - g[1]) / (2 * hy);
  out[0] = fxx;
  out[1] = (fxy + fyx) / 2;
  out[2] = fyy;
}

/** Eigenvalues of the symmetric [[a, b], [b, d]], smaller first. */
export function eigenvalues2(a: number, b: number, d: number): [number, number] {
  const mean = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  return [mean - r, mean + r];
}

function gradNorm(s: Surface, x: number, y: number, g: Float64Array): number {
  s.valueAndGrad(x, y, g);
  return Math.hypot(g[0], g[1]);
}

/**
 * Newton's method on ∇f from (x, y), each step at most `maxStep` long (damping far from a critical
 * point) and kept within `limit`: the point it converges to, or undefined.
 */
function newton(s: Surface, x: number, y: number, limit: Box, maxStep: number, tolerance: number): [number, number] | undefined {
  const g = new Float64Array(2);
  const h = new Float64Array(3);
  let norm = gradNorm(s, x, y, g);
  for (let it = 0; it < MAX_ITERATIONS && Number.isFinite(norm); it++) {
    if (norm === 0) break;
    const gx = g[0];
    const gy = g[1];
    hessian(s, x, y, g, h);
    const det = h[0] * h[2] - h[1] * h[1];
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) break;
    let dx = -(h[2] * gx - h[1] * gy) / det;
    let dy = -(-h[1] * gx + h[0] * gy) / det;
    const length = Math.hypot(dx, dy);
    if (length > maxStep) {
      dx *= maxStep / length;
      dy *= maxStep / length;
    }
    x += dx;
    y += dy;
    norm = gradNorm(s, x, y, g);
    if (!(x >= limit.xMin && x <= limit.xMax && y >= limit.yMin && y <= limit.yMax)) return undefined;
    if (length <= 1e-14 * (1 + Math.abs(x) + Math.abs(y))) break;
  }
  return norm <= tolerance ? [x, y] : undefined;
}

function classify(s: Surface, x: number, y: number): CriticalPoint | undefined {
  const g = new Float64Array(2);
  const h = new Float64Array(3);
  hessian(s, x, y, g, h);
  const [lo, hi] = eigenvalues2(h[0], h[1], h[2]);
  const size = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(size > 0) || Math.min(Math.abs(lo), Math.abs(hi)) < DEGENERATE * size) return undefined;
  const kind = lo > 0 ? 'minimum' : hi < 0 ? 'maximum' : 'saddle';
  return { x, y, f: s.value(x, y), kind };
}

/**
 * The strict local minima and maxima of f on a SEEDS × SEEDS grid over the box (each within a
 * cell of a true one, where Newton converges), the most extreme MAX_EXTREMA of them.
 */
function gridExtrema(s: Surface, box: Box): Array<[number, number]> {
  const dx = (box.xMax - box.xMin) / (SEEDS - 1);
  const dy = (box.yMax - box.yMin) / (SEEDS - 1);
  const f = new Float64Array(SEEDS * SEEDS);
  for (let j = 0; j < SEEDS; j++) for (let i = 0; i < SEEDS; i++) f[j * SEEDS + i] = s.value(box.xMin + i * dx, box.yMin + j * dy);
  const found: Array<{ at: [number, number]; height: number }> = [];
  for (let j = 1; j < SEEDS - 1; j++) {
    for (let i = 1; i < SEEDS - 1; i++) {
      const v = f[j * SEEDS + i];
      if (!Number.isFinite(v)) continue;
      let below = 0;
      let above = 0;
      for (let b = -1; b <= 1; b++) {
        for (let a = -1; a <= 1; a++) {
          const u = f[(j + b) * SEEDS + i + a];
          if (u < v) below++;
          else if (u > v) above++;
        }
      }
      // Strict: all 8 neighbours higher (a minimum) or all lower (a maximum).
      if (above === 8 || below === 8) found.push({ at: [box.xMin + i * dx, box.yMin + j * dy], height: Math.abs(v) });
    }
  }
  return found.sort((a, b) => a.height - b.height).slice(0, MAX_EXTREMA).map((e) => e.at);
}

const KIND_ORDER = { minimum: 0, saddle: 1, maximum: 2 };

/**
 * The non-degenerate critical points inside `box`: minima first, then saddles, then maxima, each
 * by f. A point whose Hessian has an eigenvalue ≈ 0 (a line of minima, a flat surface) is left out.
 */
export function criticalPoints(s: Surface, box: Box): CriticalPoint[] {
  const w = box.xMax - box.xMin;
  const hgt = box.yMax - box.yMin;
  // Newton may leave the box on its way to a point inside it; not farther than this.
  const limit = { xMin: box.xMin - w, xMax: box.xMax + w, yMin: box.yMin - hgt, yMax: box.yMax + hgt };
  const g = new Float64Array(2);
  const starts = gridExtrema(s, box);
  let scale = 0;
  for (let j = 0; j < STARTS; j++) {
    for (let i = 0; i < STARTS; i++) {
      const x = box.xMin + ((i + 0.5) * w) / STARTS;
      const y = box.yMin + ((j + 0.5) * hgt) / STARTS;
      starts.push([x, y]);
      const n = gradNorm(s, x, y, g);
      if (Number.isFinite(n)) scale = Math.max(scale, n);
    }
  }
  // |∇f| this small, against the largest the starts saw, is 0 up to the Hessian's rounding.
  const tolerance = 1e-9 * Math.max(1, scale);
  const same = 1e-6 * Math.hypot(w, hgt);
  const found: CriticalPoint[] = [];
  for (const [x0, y0] of starts) {
    const p = newton(s, x0, y0, limit, Math.hypot(w, hgt) / STARTS, tolerance);
    if (!p || p[0] < box.xMin || p[0] > box.xMax || p[1] < box.yMin || p[1] > box.yMax) continue;
    if (found.some((c) => Math.hypot(c.x - p[0], c.y - p[1]) <= same)) continue;
    const c = classify(s, p[0], p[1]);
    if (c) found.push(c);
  }
  return found.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.f - b.f);
}
