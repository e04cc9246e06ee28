/** The landscape's sample points: the line's α values, the plane's range, and contour levels. */
import { contourLevels } from '../surface/frame';

/**
 * 2·resolution + 1 values of α from −0.5 to 1.5, ascending, holding 0 and 1 exactly: evenly spaced
 * (step 1/resolution) when resolution is even; when it is odd, the evenly spaced points (step
 * 1/resolution from −0.5) just above 0 and just above 1 are moved onto 0 and 1.
 */
export function lineAlphas(resolution: number): number[] {
  const r = resolution;
  // (2i − r)/(2r): −0.5 and 1.5 at the ends exactly, and for even r, 0 at i = r/2 and 1 at i = 3r/2.
  const out = Array.from({ length: 2 * r + 1 }, (_, i) => (2 * i - r) / (2 * r));
  if (r % 2 === 1) {
    out[(r + 1) / 2] = 0;
    out[(3 * r + 1) / 2] = 1;
  }
  return out;
}

/** Grid coordinate i of n from lo to hi (the contract's a = aMin + i·(aMax − aMin)/(n − 1)). */
export function gridCoordinate(lo: number, hi: number, i: number, n: number): number {
  return lo + (i * (hi - lo)) / (n - 1);
}

/**
 * A range covering the values with a margin of `margin` times their span on each side (and
 * always 0, the centre): for the pca plane, which is sized by the projected path.
 */
export function coveringRange(values: readonly number[], margin = 0.2): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  if (!(span > 0)) return [-1, 1];
  return [lo - margin * span, hi + margin * span];
}

/**
 * The lowest contour level of a landscape's plane sits this fraction of its range above the
 * minimum: a network's loss rarely falls more than three decades across the plane, and deeper
 * levels would crowd around the trained weights.
 */
export const LANDSCAPE_LOWEST_LEVEL = 1e-3;

/** The plane's contour levels: the surface card's (surface/frame.ts), LEVELS of them log-spaced from LANDSCAPE_LOWEST_LEVEL of the range above the minimum. */
export function logLevels(values: readonly number[]): number[] {
  return contourLevels(values, LANDSCAPE_LOWEST_LEVEL);
}
