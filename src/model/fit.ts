import { formatShape, inferShapes, type Shape } from './shapes';
import type { ModelSpec } from './spec';

/** What a loaded data set holds, as modelMismatch needs it. */
export interface LoadedData {
  shape: Shape;
  classes: number;
  labelNames?: readonly string[];
  /** Regression: the values to predict per sample (absent for class labels). */
  targetCount?: number;
}

/**
 * A model that does not fit the data a file turned out to hold (its classes, targets or sample
 * shape, which the parser cannot know before the file is read): the message says what to change.
 */
export class ModelMismatch extends Error {
  override readonly name = 'ModelMismatch';
}

/**
 * Whether the model fits data whose shape and classes (or targets) are only known once loaded
 * (csv, idx): the layers must accept the sample shape and end with one score per class, or for
 * regression one output per target. The message to show, or undefined when it fits.
 */
export function modelMismatch(spec: ModelSpec, data: LoadedData): string | undefined {
  const { shape: sampleShape, classes, labelNames, targetCount } = data;
  const source = spec.data.csv?.path ?? spec.data.idx?.images ?? spec.data.cifar10?.path ?? spec.data.dataset;
  const { shapes, error } = inferShapes(sampleShape, spec.layers);
  if (error) return `${source} gives samples of ${formatShape(sampleShape)} values: layer ${error.index + 1}: ${error.message}`;
  const out = shapes[shapes.length - 1];
  const outputs = out.reduce((a, b) => a * b, 1);
  if (targetCount !== undefined) {
    if (spec.loss !== 'mse') return `${source} has numeric targets (regression), but the loss is '${spec.loss}'; use 'loss: mse'.`;
    if (outputs !== targetCount) return `${source} has ${targetCount} target(s) to predict, but the model ends with ${outputs} outputs; end with 'dense: ${targetCount}'.`;
    return undefined;
  }
  if (spec.loss === 'mse') return `${source} has class labels, but the loss is 'mse', which needs numeric targets; use 'softmax' or 'svm'.`;
  if (outputs !== classes) {
    const names = labelNames && labelNames.length <= 12 ? ` (${labelNames.join(', ')})` : '';
    return `${source} has ${classes} classes${names}, but the model ends with ${outputs} outputs; end with 'dense: ${classes}'.`;
  }
  return undefined;
}
