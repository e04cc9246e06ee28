import type { ModelSpec } from './spec';
import type { ModelSummary } from './summary';

/** Models whose estimated training memory is above this are refused before anything is allocated. */
export const MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;
/** Training sets up to this size are copied into the kernels' arena (a quarter of it). */
export const ARENA_DATA_BYTES = 256 * 1024 * 1024;

export interface MemoryEstimate {
  total: number;
  /** Values, gradients and up to two optimizer states, float32. */
  parameters: number;
  /** Every layer's output and input gradient for one batch, float32, with the activation layers. */
  activations: number;
  /**
   * The samples, float32 (the split reorders them in place), and the copy of the training rows the
   * kernels' arena takes when they fit in ARENA_DATA_BYTES.
   */
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
  const samples = spec.data.samples * features * 4;
  const data = samples + Math.min(samples, ARENA_DATA_BYTES);
  return { total: parameters + activations + data, parameters, activations, data };
}
