/**
 * For 1-D and 2-D regression data: the range the panel draws the network's prediction over (a
 * curve over x, or a heatmap over the plane), the points with their targets, and the grid of inputs
 * the prediction is computed at.
 */
import { isRegressionSet, type Dataset } from '../engine/data/dataset';
import { fitGridX, type BoundaryFrame, type BoundaryGrid } from './protocol';

/** Points along x of a 1-D fit; cells per side of a 2-D heatmap. */
export const FIT_RESOLUTION_1D = 200;
export const FIT_RESOLUTION_2D = 64;
/** At most this many points of each set go to the panel. */
const FIT_POINTS = 1000;

/** Up to FIT_POINTS evenly picked rows of a set: their inputs and first target. */
function samplePoints(d: Dataset): { points: number[]; targets: number[] } {
  const f = d.features;
  const k = d.targetCount ?? 1;
  const take = Math.min(d.n, FIT_POINTS);
  const points: number[] = [];
  const targets: number[] = [];
  for (let s = 0; s < take; s++) {
    const i = Math.floor((s * d.n) / take);
    for (let j = 0; j < f; j++) points.push(d.x[i * f + j]);
    targets.push(d.targets![i * k]);
  }
  return { points, targets };
}

/** Smallest and largest of an input column (or of the first target, column −1) over both sets. */
function range(sets: Dataset[], column: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of sets) {
    const stride = column < 0 ? d.targetCount ?? 1 : d.features;
    const src = column < 0 ? d.targets! : d.x;
    const at = column < 0 ? 0 : column;
    for (let i = 0; i < d.n; i++) {
      const v = src[i * stride + at];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * The frame of a regression set with 1 or 2 inputs (null otherwise): 1-D, x over the inputs'
 * range with 5 % margin; 2-D, the bounding box with a 10 % margin, made square, as the decision
 * boundary has it. Both sets' points; the targets' range over both.
 */
export function regressionFrame(train: Dataset, validation: Dataset): BoundaryFrame | null {
  if (!isRegressionSet(train) || (train.features !== 1 && train.features !== 2) || train.n === 0) return null;
  const sets = validation.n > 0 && isRegressionSet(validation) ? [train, validation] : [train];
  const [valueMin, valueMax] = range(sets, -1);
  const t = samplePoints(train);
  const v = sets.length > 1 ? samplePoints(validation) : { points: [], targets: [] };
  const base = {
    classes: 0, labels: [], points: t.points, targets: t.targets, valPoints: v.points, valTargets: v.targets,
    valueMin, valueMax, outputs: train.targetCount,
    ...(train.targetNames?.[0] !== undefined ? { target: train.targetNames[0] } : {}),
  };
  const [x0, x1] = range(sets, 0);
  if (train.features === 1) {
    const pad = (x1 - x0) * 0.05 || 1;
    return { kind: 'regression1d', xMin: x0 - pad, xMax: x1 + pad, yMin: valueMin, yMax: valueMax, resolution: FIT_RESOLUTION_1D, ...base };
  }
  const [y0, y1] = range(sets, 1);
  return { kind: 'regression2d', ...squareBox(x0, x1, y0, y1), resolution: FIT_RESOLUTION_2D, ...base };
}

/** The plane a 2-D frame shows (decision boundary and regression heatmap alike): the bounding box x0..x1 × y0..y1 with a 10 % margin, made square. */
export function squareBox(x0: number, x1: number, y0: number, y1: number): Pick<BoundaryFrame, 'xMin' | 'xMax' | 'yMin' | 'yMax'> {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.1 || 1;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/**
 * The inputs a frame's prediction is computed at: for regression1d, fitGridX; for the plane
 * (classes, regression2d), the cell centres, row by row from the top left.
 */
export function frameInputs(f: BoundaryFrame): Float32Array {
  const r = f.resolution;
  if (f.kind === 'regression1d') return Float32Array.from({ length: r }, (_, i) => fitGridX(f, i));
  const g = new Float32Array(r * r * 2);
  for (let row = 0; row < r; row++) {
    for (let col = 0; col < r; col++) {
      const k = (row * r + col) * 2;
      g[k] = f.xMin + ((col + 0.5) / r) * (f.xMax - f.xMin);
      g[k + 1] = f.yMax - ((row + 0.5) / r) * (f.yMax - f.yMin);
    }
  }
  return g;
}

/** The first output of each of `cells` rows of scores (cells, outputs), as a grid at `step`. */
export function fitGrid(scores: ArrayLike<number>, cells: number, outputs: number, step: number): BoundaryGrid {
  const values = new Array<number>(cells);
  for (let i = 0; i < cells; i++) values[i] = scores[i * outputs];
  return { step, classes: [], values };
}
