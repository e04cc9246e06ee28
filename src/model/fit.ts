import { formatShape, inferShapes, type Shape } from './shapes';
import type { ModelSpec } from './spec';

/**
 * Whether the model fits data whose shape and classes are only known once loaded (csv, idx): the
 * layers must accept the sample shape and end with one score per class. The message to show, or
 * undefined when it fits.
 */
export function modelMismatch(spec: ModelSpec, sampleShape: Shape, classes: number, labelNames?: readonly string[]): string | undefined {
  const source = spec.data.csv?.path ?? spec.data.idx?.images ?? spec.data.cifar10?.path ?? spec.data.dataset;
  const { shapes, error } = inferShapes(sampleShape, spec.layers);
  if (error) return `${source} gives samples of ${formatShape(sampleShape)} values: layer ${error.index + 1}: ${error.message}`;
  const out = shapes[shapes.length - 1];
  const outputs = out.reduce((a, b) => a * b, 1);
  if (spec.loss !== 'mse' && outputs !== classes) {
    const names = labelNames && labelNames.length <= 12 ? ` (${labelNames.join(', ')})` : '';
    return `${source} has ${classes} classes${names}, but the model ends with ${outputs} outputs; end with 'dense: ${classes}'.`;
  }
  return undefined;
}
