import type { ModelSpec } from './spec';
import type { ModelSummary } from './summary';

/** Models whose estimated training memory is above this are refused before anything is allocated. */
export const MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;

export interface MemoryEstimate {
  total: number;
  /** Values, gradients and up to two optimizer states, float32. */
  parameters: number;
  /** Every layer's output and input gradient for one batch, float32, with the activation layers. */
  activations: number;
  /** The samples, float32, and the training/held-out copies made by the split. */
  data: number;
}

/**
 * What training a model will take, from its shapes: a deliberately simple upper estimate, enough
 * to refuse a model that cannot train here before the worker allocates anything.
 */
export function estimateMemory(spec: ModelSpec, summary: ModelSummary): MemoryEstimate | undefined {
  if (summary.params === undefined || !summary.data.input) return undefined;
  const batch = spec.train.batch === 'full' ? spec.data.samples : Math.min(spec.train.batch, spec.data.samples);
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  const perSample = summary.layers.reduce((s, l) => s + (l.output ? size(l.output) : 0), 0);
  const parameters = summary.params * 4 * 4;
  // Output and input-gradient buffers per layer, doubled for the separate activation layers.
  const activations = batch * perSample * 4 * 2 * 2;
  const features = size(summary.data.input);
  const data = spec.data.samples * features * 4 * 2;
  return { total: parameters + activations + data, parameters, activations, data };
}
