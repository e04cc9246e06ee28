/** The results of cs231n's sanity checks (src/engine/sanity.ts). */

export type SanityName = 'initial-loss' | 'reg-raises-loss' | 'overfit-small' | 'gradient' | 'update-ratio';
export const SANITY_NAMES: readonly SanityName[] = ['initial-loss', 'reg-raises-loss', 'overfit-small', 'gradient', 'update-ratio'];

/**
 * The model-file entry a check's advice points at, for diagnostics and quick fixes: `init:`, the
 * optimizer's lr, `loss:`, `train.l2`, or a layer (its index in `layers:`).
 */
export interface SanityTarget {
  key: 'init' | 'lr' | 'loss' | 'l2' | 'layers';
  /** With key 'layers' (or 'init' for one layer's override): the layer's index in `layers:`. */
  layer?: number;
}

/** One layer's ‖ΔW‖/‖W‖ over the update-ratio check's steps. */
export interface LayerRatio {
  /** Index of the layer in `layers:`. */
  layer: number;
  /** e.g. "layers[0].W" */
  name: string;
  /** ‖ΔW‖/‖W‖ of each step, in order. */
  ratios: number[];
  median: number;
  pass: boolean;
}

export interface SanityCheck {
  name: SanityName;
  pass: boolean;
  /** What a correct setup gives (the threshold, for the checks that have one); see each check. */
  expected: number;
  measured: number;
  /** Why it passed, or what to change when it failed. */
  advice: string;
  /** Where in the model file the advice points. */
  target: SanityTarget;
  /** update-ratio only: the figure per weighted layer. */
  layers?: LayerRatio[];
}

export interface SanityReport {
  checks: SanityCheck[];
  pass: boolean;
}

