/** The training doctor's findings (doctor.ts, doctor-rules.ts): what they say and the fix each offers. */
import type { SanityCheck, SanityTarget } from '../engine/sanity-types';
import type { ActivationName, InitScheme, LayerKind } from '../model/spec';

export type FindingCode =
  | 'lr-too-high' | 'lr-too-low' | 'plateau' | 'overfitting' | 'underfitting'
  | 'dead-relu' | 'saturated' | 'update-ratio-high' | 'update-ratio-low' | 'initial-loss';
export const FINDING_CODES: readonly FindingCode[] = [
  'lr-too-high', 'lr-too-low', 'plateau', 'overfitting', 'underfitting', 'dead-relu', 'saturated', 'update-ratio-high', 'update-ratio-low', 'initial-loss',
];

/**
 * A change to the model file that a finding suggests; the editor turns it into text edits (undoable):
 * - lr: the optimizer's lr times `factor` (1/10, 1/3, 3 or 10);
 * - l2: train.l2 × 10, or `l2: 0.001` added when the file has none;
 * - dropout: a `dropout: p` layer added after layers[layer];
 * - init: the top-level `init:` set to `scheme`;
 * - widen: layers[layer]'s units × 2.
 */
export type DoctorFix = (
  | { kind: 'lr'; factor: number }
  | { kind: 'l2' }
  | { kind: 'dropout'; layer: number; p: number }
  | { kind: 'init'; scheme: InitScheme }
  | { kind: 'widen'; layer: number }
) & {
  /** What it does, with the run's values, e.g. "Divide the learning rate by 10 (0.1 → 0.01)" (set by diagnose). */
  title?: string;
};

export interface Finding {
  code: FindingCode;
  /** The step the finding is about (0: the initial weights). */
  step: number;
  /** Index in `layers:` of the layer concerned; null for the whole model. */
  layer: number | null;
  /** What was measured, against which threshold, and what it means. */
  message: string;
  severity: 'hint' | 'warning';
  /** The model-file entry the diagnostic goes on. */
  target: SanityTarget;
  /** What to change, most likely first (the panel's button applies the first); may be empty. */
  fixes: DoctorFix[];
  /** The figure the rule measured and the threshold it crossed (units depend on the code). */
  measured: number;
  threshold: number;
}

/** One model-file layer, as the rules need it. */
export interface DoctorLayer {
  index: number;
  kind: LayerKind;
  /** Its activation (dense, conv, activation layers); null for the others. */
  activation: ActivationName | null;
  /** dense / maxout units, conv filters; null otherwise. */
  units: number | null;
}

/** Per stats sample, the figures of each stats group (model-file layer), in DoctorInput.statsLayers order. */
export interface DoctorStats {
  step: number;
  dead: Array<number | null>;
  saturated: Array<number | null>;
  updateRatio: Array<number | null>;
}

/** An epoch's end, as the rules need it: accuracies (classes) or R² (regression). */
export interface DoctorEpoch {
  epoch: number;
  step: number;
  train: number | null;
  val: number | null;
}

/** Everything the rules read: the run's history so far and the settings that the fixes change. */
export interface DoctorInput {
  /** The kept training losses: step numbers (1-based), the mini-batch loss and the smoothed curve there. */
  loss: { step: number[]; raw: number[]; smooth: number[] };
  /** The step-0 loss (data + regularization) in eval mode over the fixed training sample; null: not measured. */
  start: number | null;
  /** Steps taken so far, and in the whole run. */
  steps: number;
  totalSteps: number;
  epochs: DoctorEpoch[];
  stats: DoctorStats[];
  /** The model-file layer of each stats group. */
  statsLayers: number[];
  layers: DoctorLayer[];
  /** The initial-loss sanity check on the run's initial weights (null: not measured). */
  initial: SanityCheck | null;
  /** Where training went non-finite, and the lr of that step. */
  divergence: { step: number; lr: number } | null;
  regression: boolean;
  lr: number;
  l2: number;
  /** The top-level init scheme ('normal' / 'uniform' for a custom distribution). */
  init: string;
  /** Whether the run has ended (the final diagnosis). */
  ended: boolean;
}
