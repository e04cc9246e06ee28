/**
 * Which point of the decision boundary a pointer is on (pure): the nearest point drawn within a
 * radius of it, in the plot's CSS pixels.
 */

/** Where the plot's square sits and which data range it shows. */
export interface PlaneGeometry {
  left: number;
  top: number;
  side: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Point k of `points` (x, y pairs) in CSS pixels of the plot. */
export function pointPixel(g: PlaneGeometry, points: ArrayLike<number>, k: number): [number, number] {
  const sx = g.side / (g.xMax - g.xMin || 1);
  const sy = g.side / (g.yMax - g.yMin || 1);
  return [g.left + (points[2 * k] - g.xMin) * sx, g.top + (g.yMax - points[2 * k + 1]) * sy];
}

/** The point nearest to (x, y) within `radius` CSS pixels (the later one on a tie: it is drawn on top); null when none is. */
export function pointAt(g: PlaneGeometry, points: ArrayLike<number>, count: number, x: number, y: number, radius = 6): number | null {
  let best: number | null = null;
  let bestD = radius * radius;
  for (let k = 0; k < count; k++) {
    const [px, py] = pointPixel(g, points, k);
    const d = (px - x) * (px - x) + (py - y) * (py - y);
    if (d <= bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}
