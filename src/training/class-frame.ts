/**
 * The decision boundary of 2-D classification data (the panel's boundary chart): the frame (the
 * plane and up to 1,000 training points), its inputs, and the grid of a forward pass over them,
 * with the points the weights misclassify. Regression frames are fit-frame.ts's.
 */
import type { Trainer } from '../engine/trainer';
import { isRegressionSet, type Dataset } from '../engine/data/dataset';
import { predictedClass, misclassifiedRows } from '../engine/confusion';
import { fitGrid, frameInputs, regressionFrame, squareBox } from './fit-frame';
import { boundaryPointRow, type BoundaryFrame, type BoundaryGrid } from './protocol';

const BOUNDARY_RESOLUTION = 64;
const BOUNDARY_POINTS = 1000;

/** What the panel draws predictions over: regression data of 1 or 2 inputs, or 2-D classes; null otherwise. */
export function frameOf(t: Trainer): BoundaryFrame | null {
  if (isRegressionSet(t.trainSet)) return regressionFrame(t.trainSet, t.validationSet);
  return t.trainSet.features === 2 ? boundaryFrame(t.trainSet) : null;
}

/** The data's bounding box with a 10 % margin, made square, and up to 1,000 of its points (point k: row boundaryPointRow(k)). */
function boundaryFrame(d: Dataset): BoundaryFrame {
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < d.n; i++) {
    const x = d.x[2 * i];
    const y = d.x[2 * i + 1];
    xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
  }
  const take = Math.min(d.n, BOUNDARY_POINTS);
  const points: number[] = [];
  const labels: number[] = [];
  for (let k = 0; k < take; k++) {
    const i = boundaryPointRow(k, d.n, take);
    points.push(d.x[2 * i], d.x[2 * i + 1]);
    labels.push(d.y[i]);
  }
  const frame: BoundaryFrame = { kind: 'classes', ...squareBox(xMin, xMax, yMin, yMax), resolution: BOUNDARY_RESOLUTION, classes: d.classes, points, labels };
  if (d.labelNames) frame.labelNames = [...d.labelNames];
  return frame;
}

/** Grid cells of a frame (regression1d: points along x). */
function cellsOf(frame: BoundaryFrame): number {
  return frame.kind === 'regression1d' ? frame.resolution : frame.resolution * frame.resolution;
}

/**
 * The inputs of a frame's forward pass: its grid (frameInputs); for classes followed by its points
 * x0, y0, x1, y1, …, so the grid and the points' predictions come from one pass.
 */
export function boundaryInputs(frame: BoundaryFrame): Float32Array {
  const grid = frameInputs(frame);
  if (frame.kind !== 'classes') return grid;
  const out = new Float32Array(grid.length + frame.points.length);
  out.set(grid);
  out.set(frame.points, grid.length);
  return out;
}

/**
 * The grid of the trainer's weights now, in eval mode, over boundaryInputs(frame): for classes the
 * predicted class of every cell and the points misclassified (wrong); for regression the values.
 */
export function boundaryGrid(t: Trainer, frame: BoundaryFrame, inputs: Float32Array): BoundaryGrid {
  const cells = cellsOf(frame);
  const points = frame.kind === 'classes' ? frame.labels.length : 0;
  const scores = t.network.forward(inputs, cells + points, false);
  const c = t.network.outputSize;
  if (frame.kind !== 'classes') return fitGrid(scores, cells, c, t.step);
  const classes = new Array<number>(cells);
  for (let i = 0; i < cells; i++) classes[i] = predictedClass(scores, i, c);
  // The points these weights misclassify, to ring on the plot.
  const wrong = misclassifiedRows(scores.subarray(cells * c), frame.labels, 0, points, c);
  return { step: t.step, classes, wrong };
}
