/**
 * The `tune:` section (random search over hyperparameters, cs231n style) and the shape of a
 * trial. Parsing lives in parse.ts; sampling and the search itself in src/training/tune*.ts.
 */

/** What a trial may change. `hidden` sets the units of every hidden dense layer (not the output). */
export const TUNE_PARAMS = ['lr', 'l2', 'l1', 'batch', 'momentum', 'dropout', 'hidden', 'optimizer', 'init'] as const;
export type TuneParam = (typeof TUNE_PARAMS)[number];

/** How one parameter is drawn. */
export type TuneRange =
  /** log-uniform over [min, max]: `{ log: [min, max] }` */
  | { kind: 'log'; min: number; max: number }
  /** uniform over [min, max]: `{ range: [min, max] }` */
  | { kind: 'range'; min: number; max: number }
  /** a whole number, uniform over min..max inclusive: `{ int: [min, max] }` */
  | { kind: 'int'; min: number; max: number }
  /** one of a list: `[sgd, adam]` or `[32, 64, 128]` */
  | { kind: 'choice'; values: Array<number | string> };

export interface TuneSpec {
  /** Trials in a round (default 20). */
  trials: number;
  /** Epochs per trial (default: train.epochs). */
  epochs: number;
  /** Each trial repeated over this many seeds (default 1), results aggregated. */
  seeds: number;
  ranges: Partial<Record<TuneParam, TuneRange>>;
}

/** The values one trial uses, by parameter. */
export type TrialParams = Partial<Record<TuneParam, number | string>>;

/** failed: a run of the trial ended with an error other than divergence (the reason says which). */
export type TrialStatus = 'pending' | 'running' | 'done' | 'diverged' | 'stopped' | 'failed';

/** One trial as the CLI's `trial` JSON line and the panel show it. */
export interface TrialResult {
  /** 0-based, in the order trials were drawn (across rounds). */
  index: number;
  /** 1 for the first round, 2 for "Narrow around the best", … */
  round: number;
  params: TrialParams;
  status: TrialStatus;
  /** Validation figures of the last epoch trained (the mean over seeds when seeds > 1). */
  valAcc?: number;
  valLoss?: number;
  valR2?: number;
  /** Standard deviation over seeds, when seeds > 1. */
  valAccStd?: number;
  valR2Std?: number;
  /** Epochs trained (fewer than the budget when stopped early). */
  epochs: number;
  /** Why it stopped early ("median rule at epoch 2", "loss not finite at step 31"). */
  reason?: string;
  /** The run ids of the trial's runs (one per seed), for kept runs and curves. */
  runIds?: string[];
  /** The validation score (valAcc, or valR2 for regression) after each epoch trained, the mean over seeds. */
  curve?: number[];
}

/** Limits of the `tune:` section's counts. */
export const TUNE_LIMITS = { trials: 1000, epochs: 1000, seeds: 20 } as const;
/** Trials in a round when the section does not say. */
export const DEFAULT_TRIALS = 20;
