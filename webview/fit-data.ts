/** What the regression views draw, from the run's frame, newest prediction grid and metrics (no DOM). */
import { fitGridX, type BoundaryFrame, type BoundaryGrid } from '../src/training/protocol';

export interface XY {
  x: number;
  y: number;
}

/** Whether the grid holds a prediction for every point of the frame. */
export function gridFits(frame: BoundaryFrame, grid: BoundaryGrid | null): grid is BoundaryGrid & { values: number[] } {
  if (!grid?.values) return false;
  const want = frame.kind === 'regression1d' ? frame.resolution : frame.resolution * frame.resolution;
  return grid.values.length === want;
}

/** 1-D: the predicted curve, (x, prediction) at each grid x; non-finite predictions left out. */
export function fitCurve(frame: BoundaryFrame, grid: BoundaryGrid | null): XY[] {
  if (frame.kind !== 'regression1d' || !gridFits(frame, grid)) return [];
  const out: XY[] = [];
  grid.values.forEach((y, i) => {
    if (Number.isFinite(y)) out.push({ x: fitGridX(frame, i), y });
  });
  return out;
}

/** 1-D: (x, target) of the points, x from `points`, y from `targets`. */
export function fitPoints(points: readonly number[] | undefined, targets: readonly number[] | undefined): XY[] {
  const n = Math.min(points?.length ?? 0, targets?.length ?? 0);
  const out: XY[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { x: points![i], y: targets![i] };
  return out;
}

/**
 * 1-D: the y range the chart shows: the targets' range, widened to take in the predictions as far
 * as one more range on either side (an untrained net can predict far off; the axis does not follow
 * it there), with 6 % room.
 */
export function fitYRange(frame: BoundaryFrame, curve: readonly XY[]): { min: number; max: number } {
  let lo = frame.valueMin ?? frame.yMin;
  let hi = frame.valueMax ?? frame.yMax;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const span = hi - lo;
  for (const p of curve) {
    lo = Math.min(lo, Math.max(p.y, (frame.valueMin ?? lo) - span));
    hi = Math.max(hi, Math.min(p.y, (frame.valueMax ?? hi) + span));
  }
  const pad = (hi - lo) * 0.06;
  return { min: lo - pad, max: hi + pad };
}

/** Whether a frame is a decision boundary's (frames saved before regression have no kind: classes). */
export function isClassesFrame(f: BoundaryFrame | null | undefined): f is BoundaryFrame {
  return Boolean(f) && f!.kind !== 'regression1d' && f!.kind !== 'regression2d';
}

/**
 * The R² axis: up to 1; down to the lowest value seen, rounded down to a half (round ticks), but
 * never below −1 nor above 0.
 */
export function r2AxisMin(lowest: number): number {
  if (!Number.isFinite(lowest)) return 0;
  return Math.max(-1, Math.min(0, Math.floor(lowest * 2 + 1e-9) / 2));
}
