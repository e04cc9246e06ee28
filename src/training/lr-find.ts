import { Trainer } from '../engine/trainer';
import type { Dataset } from '../engine/data/dataset';
import type { ModelSpec } from '../model/spec';
import { Ema } from './history';

/**
 * The learning-rate range test (Smith 2015/2017): one short run from the file's init on its
 * training split, with its optimizer type and other hyperparameters, in which the learning rate
 * grows exponentially per step; the training loss is recorded against it. Nothing of the user's
 * is changed: the run is thrown away.
 */

/** 1e-7 → 10 over 100 steps: 8 decades at 0.08 decades a step, whatever the data set's size. */
export const LR_FIND_DEFAULTS = { lrMin: 1e-7, lrMax: 10, steps: 100 } as const;
/** Weight of the debiased EMA that smooths the loss (TensorBoard's, as the loss chart's). */
export const LR_FIND_SMOOTHING = 0.9;
/** The run stops once the smoothed loss exceeds this multiple of the lowest smoothed loss so far. */
export const BLOW_UP_FACTOR = 4;

export interface LrPoint {
  /** 0-based step of the range test. */
  step: number;
  /** The learning rate the step used. */
  lr: number;
  /** The step's training loss on its mini-batch (data loss + regularization), before its update. */
  loss: number;
  /** The debiased EMA of loss (weight LR_FIND_SMOOTHING) up to this step. */
  smoothed: number;
}

export interface LrSuggestion {
  /** The step at the steepest descent of the centred smoothed loss against log10 lr. */
  step: number;
  lr: number;
  /** The centred smoothed loss there. */
  loss: number;
  /** d centred / d log10 lr there (negative). */
  slope: number;
}

export interface LrFindResult {
  points: LrPoint[];
  /**
   * The loss smoothed without lag, one value per point before the stop (zeroPhase of the losses):
   * the curve the suggestion is read from. The live EMA (`smoothed`) lags ~9 steps behind the loss,
   * which would move the steepest point towards higher learning rates.
   */
  centred: number[];
  /** null when no point before the stop had a falling smoothed loss. */
  suggestion: LrSuggestion | null;
  /** The step at which the run stopped early (its point is the last one), or null if it ran all its steps. */
  stoppedAt: number | null;
  /** blow-up: smoothed loss above BLOW_UP_FACTOR × the best; non-finite: the step's loss, a gradient or the update went non-finite. */
  stopReason: 'blow-up' | 'non-finite' | null;
  lrMin: number;
  lrMax: number;
  steps: number;
}

export interface LrFindOptions {
  lrMin?: number;
  lrMax?: number;
  steps?: number;
  /** The data set (file data); default: the spec's generated set. */
  data?: Dataset;
  /** The data set is the range test's to reorder in place (see TrainerOptions.ownData). */
  ownData?: boolean;
  /** Called with each point as it is measured. */
  onPoint?: (p: LrPoint) => void;
}

/** lr_k = lrMin · (lrMax/lrMin)^(k/(N−1)), k = 0 … N−1. */
export function lrAt(k: number, lrMin: number, lrMax: number, steps: number): number {
  return lrMin * Math.pow(lrMax / lrMin, k / (steps - 1));
}

/** Points skipped at the start before a suggestion may be made: max(1, ⌊N/10⌋), while the EMA settles. */
export function skipStart(steps: number): number {
  return Math.max(1, Math.floor(steps / 10));
}

export function checkLrFindOptions(lrMin: number, lrMax: number, steps: number): string | undefined {
  if (!(lrMin > 0) || !Number.isFinite(lrMin)) return `the smallest learning rate must be a positive number, got ${lrMin}`;
  if (!(lrMax > lrMin) || !Number.isFinite(lrMax)) return `the largest learning rate must be a number above the smallest (${lrMin}), got ${lrMax}`;
  if (!Number.isSafeInteger(steps) || steps < 3) return `the range test needs at least 3 steps, got ${steps}`;
  return undefined;
}

/**
 * Zero-phase smoothing: the debiased EMA of weight w run forwards, then the same run backwards over
 * its result. Each pass lags by w/(1 − w) points in its own direction, so the two cancel: a drop
 * stays where the raw values have it. Non-finite values pass through as the EMA passes them.
 */
export function zeroPhase(values: readonly number[], weight: number): number[] {
  const forwards = new Ema(weight);
  const once = values.map((v) => forwards.push(v));
  const backwards = new Ema(weight);
  const twice: number[] = new Array<number>(once.length);
  for (let k = once.length - 1; k >= 0; k--) twice[k] = backwards.push(once[k]);
  return twice;
}

/**
 * The steepest descent of `values` (the centred smoothed loss of each point) against log10 lr: at
 * each point k from `skip` to the second-to-last, the centred difference
 * (v[k+1] − v[k−1]) / (log10 lr[k+1] − log10 lr[k−1]); the most negative wins (the first if tied).
 * null if none is negative or there are too few points.
 */
export function steepestDescent(points: ReadonlyArray<Pick<LrPoint, 'lr'>>, values: readonly number[], skip: number): LrSuggestion | null {
  let best: LrSuggestion | null = null;
  const n = Math.min(points.length, values.length);
  for (let k = Math.max(1, skip); k < n - 1; k++) {
    const slope = (values[k + 1] - values[k - 1]) / (Math.log10(points[k + 1].lr) - Math.log10(points[k - 1].lr));
    if (Number.isFinite(slope) && slope < 0 && (best === null || slope < best.slope)) {
      best = { step: k, lr: points[k].lr, loss: values[k], slope };
    }
  }
  return best;
}

/**
 * The suggestion: the steepest descent of the centred loss up to its lowest point. Past the lowest
 * point the curve climbs on the whole, and a dip there (mini-batch noise at a high lr that never
 * blew up, as SGD's often does) is no descent to aim for.
 */
export function suggestLr(points: ReadonlyArray<Pick<LrPoint, 'lr'>>, centred: readonly number[], skip: number): LrSuggestion | null {
  const lowest = centred.reduce((best, v, k) => (v < centred[best] ? k : best), 0);
  return steepestDescent(points.slice(0, lowest + 2), centred.slice(0, lowest + 2), skip);
}

/** Runs the range test on a spec (see the module's comment). */
export function lrFind(spec: ModelSpec, options: LrFindOptions = {}): LrFindResult {
  const { lrMin = LR_FIND_DEFAULTS.lrMin, lrMax = LR_FIND_DEFAULTS.lrMax, steps = LR_FIND_DEFAULTS.steps } = options;
  const problem = checkLrFindOptions(lrMin, lrMax, steps);
  if (problem) throw new Error(`lr-find: ${problem}`);
  const trainer = new Trainer(spec, 'float32', options.data, options.ownData === undefined ? {} : { ownData: options.ownData });
  const ema = new Ema(LR_FIND_SMOOTHING);
  const points: LrPoint[] = [];
  let best = Infinity;
  let stoppedAt: number | null = null;
  let stopReason: LrFindResult['stopReason'] = null;
  for (let k = 0; k < steps; k++) {
    const r = trainer.trainStep(false, lrAt(k, lrMin, lrMax, steps));
    const point: LrPoint = { step: k, lr: r.lr, loss: r.loss, smoothed: ema.push(r.loss) };
    points.push(point);
    options.onPoint?.(point);
    if (r.divergence || !Number.isFinite(point.smoothed)) {
      [stoppedAt, stopReason] = [k, 'non-finite'];
      break;
    }
    best = Math.min(best, point.smoothed);
    if (point.smoothed > BLOW_UP_FACTOR * best) {
      [stoppedAt, stopReason] = [k, 'blow-up'];
      break;
    }
  }
  // The suggestion is read from the points before the stop, never from the one that stopped the run.
  const curve = stoppedAt === null ? points : points.slice(0, stoppedAt);
  const centred = zeroPhase(curve.map((p) => p.loss), LR_FIND_SMOOTHING);
  return { points, centred, suggestion: suggestLr(curve, centred, skipStart(steps)), stoppedAt, stopReason, lrMin, lrMax, steps };
}
