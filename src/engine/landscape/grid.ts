/** The landscape's sample points: the line's α values, the plane's range, and contour levels. */

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

/** Levels of a contour plot, log-spaced above the minimum: min + span·10^(−3 + 3·i/(count − 1)), i = 0 … count − 1. */
export function logLevels(values: readonly number[], count = 20): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [];
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  return Array.from({ length: count }, (_, i) => lo + span * 10 ** (-3 + (3 * i) / (count - 1)));
}
