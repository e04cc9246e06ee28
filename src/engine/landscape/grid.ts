/** The landscape's sample points: the line's α values, the plane's range, and contour levels. */
import { contourLevels } from '../surface/frame';

/**
 * The line's points at a resolution: 4·⌈resolution/2⌉ + 1 (2·resolution + 1 when it is even), so
 * that evenly spaced points from −0.5 to 1.5 land on 0 and 1.
 */
export function linePoints(resolution: number): number {
  return 4 * Math.ceil(resolution / 2) + 1;
}

/**
 * linePoints(resolution) values of α from −0.5 to 1.5, ascending and evenly spaced (step
 * 1/(2·⌈resolution/2⌉)), holding 0 and 1 exactly: (i − m)/(2m) for i = 0 … 4m, m = ⌈resolution/2⌉.
 */
export function lineAlphas(resolution: number): number[] {
  const m = Math.ceil(resolution / 2);
  return Array.from({ length: 4 * m + 1 }, (_, i) => (i - m) / (2 * m));
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
