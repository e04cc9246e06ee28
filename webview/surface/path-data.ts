/** A surface run's path as the card keeps and looks it up: appended as progress arrives, found by step, picked by the pointer. */
import type { SurfacePoint } from '../../src/training/protocol';
import { appendKept, PATH_CAP } from '../../src/training/history';

/**
 * Appends the points that follow on (a later step than the last one held) by the host's rule
 * (history.ts appendKept: past `cap` points, every other one is kept). Returns whether it thinned.
 */
export function appendPath(path: SurfacePoint[], incoming: readonly SurfacePoint[], cap = PATH_CAP): boolean {
  const last = path[path.length - 1]?.step ?? -1;
  return appendKept(path, incoming.filter((p) => p.step > last), cap);
}

/** The place of the last point at or before step k (a thinned path: the nearest kept one before it); −1 before the first. */
export function indexAtStep(path: readonly SurfacePoint[], k: number): number {
  let lo = 0;
  let hi = path.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (path[mid].step <= k) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The last step any of the paths reached (0 with none). */
export function lastStep(paths: ReadonlyArray<readonly SurfacePoint[]>): number {
  return Math.max(0, ...paths.map((p) => p[p.length - 1]?.step ?? 0));
}

/** The point under the pointer: which path, and its place in it. */
export interface PickedPoint {
  path: number;
  index: number;
  point: SurfacePoint;
  distance: number;
}

/**
 * The drawn point nearest to (px, py) within `radius` pixels, looking only at each path's points up
 * to `upTo[path]` (what the slider shows). Ties go to the later step, then to the later path (drawn on top).
 */
export function pickPoint(
  paths: ReadonlyArray<readonly SurfacePoint[]>, upTo: readonly number[], toPixel: (x: number, y: number) => [number, number],
  px: number, py: number, radius: number,
): PickedPoint | null {
  let best: PickedPoint | null = null;
  paths.forEach((path, k) => {
    const end = Math.min(path.length - 1, upTo[k] ?? path.length - 1);
    for (let i = 0; i <= end; i++) {
      const [x, y] = toPixel(path[i].x, path[i].y);
      const d = Math.hypot(x - px, y - py);
      if (d > radius) continue;
      if (!best || d < best.distance || (d === best.distance && path[i].step >= best.point.step)) best = { path: k, index: i, point: path[i], distance: d };
    }
  });
  return best;
}
