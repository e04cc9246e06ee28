import * as l10n from '@vscode/l10n';
import { Rng } from './rng';
import { Trainer, streamSeed, type Evaluation } from './trainer';
import { seededSubset } from './data/subset';
import type { ModelSpec } from '../model/spec';
import type { Dataset } from './data/dataset';
import type { LayerRatio, SanityCheck } from './sanity-types';

/** The sanity checks that train: overfit a small subset, and ‖ΔW‖/‖W‖ over the first steps. */

/** Training samples overfit-small draws (seeded). */
export const OVERFIT_SAMPLES = 20;
/** Full-batch steps overfit-small takes at most. */
export const OVERFIT_STEPS = 1000;
/**
 * Regression: overfit-small passes at this R² on the samples (their mse ≤ 5 % of their variance).
 * Not 0.99: the sine example's 20 noisy samples stop near R² 0.98 (the noise is about 2 % of the
 * variance), while a model that cannot learn stays near 0.
 */
export const OVERFIT_R2 = 0.95;
/** Steps update-ratio takes with the file's settings. */
export const RATIO_STEPS = 10;
/** cs231n's rule of thumb for ‖ΔW‖/‖W‖, and the band a layer's median must fall in. */
export const RATIO_TARGET = 1e-3;
export const RATIO_BAND: readonly [number, number] = [1e-4, 1e-2];

/** A learning rate written with 2 significant digits. */
function roundLr(lr: number): number {
  return Number(lr.toPrecision(2));
}

/**
 * On OVERFIT_SAMPLES seeded training samples, regularization and dropout off, no schedule, the
 * file's optimizer and lr, full batch: train up to OVERFIT_STEPS steps. Passes when the samples'
 * eval-mode accuracy reaches 100 % (regression: R² ≥ OVERFIT_R2). measured: the best reached.
 */
export function overfitSmall(spec: ModelSpec, base: Trainer): SanityCheck {
  const rows = seededSubset(base.trainSet, OVERFIT_SAMPLES, new Rng(streamSeed(spec.train.seed, 'subset') ^ 0x0f0f0f0f));
  const small: ModelSpec = {
    ...spec,
    data: { ...spec.data, validation: 0, ...(spec.data.csv ? { csv: { ...spec.data.csv, normalize: 'none' } } : {}) },
    layers: spec.layers.map((l) => (l.kind === 'dropout' ? { kind: 'dropout', p: 0 } : l)),
    train: { ...spec.train, l2: 0, l1: 0, batch: 'full', epochs: OVERFIT_STEPS, schedule: undefined },
  };
  const t = new Trainer(small, 'float32', rows, { ownData: false });
  const regression = rows.targets !== undefined;
  // The subset is the whole (20-sample) training set, so one evaluation gives both score and loss.
  const scoreOf = (e: Evaluation): number => (regression ? e.regression!.r2 : e.accuracy);
  const expected = regression ? OVERFIT_R2 : 1;
  let last = t.trainAccuracy();
  const firstLoss = last.loss;
  let best = scoreOf(last);
  let diverged: number | undefined;
  while (best < expected && t.step < OVERFIT_STEPS) {
    const r = t.trainStep();
    if (r.divergence) {
      diverged = r.divergence.step;
      break;
    }
    last = t.trainAccuracy();
    best = Math.max(best, scoreOf(last));
  }
  // After a divergence lastLoss is not shown (the advice names the step instead).
  const lastLoss = last.loss;
  const pass = best >= expected;
  const lr = spec.optimizer.lr;
  const shown = regression ? `R² ${best.toFixed(4)}` : `${(best * 100).toFixed(0)}%`;
  const advice = pass
    ? l10n.t('{0} training samples fit ({1}) in {2} steps.', rows.n, shown, t.step)
    : diverged !== undefined
      ? l10n.t('Training on {0} samples diverged at step {1}: the learning rate ({2}) is too high.', rows.n, diverged, lr)
      : lastLoss > 0.9 * firstLoss
        ? l10n.t('In {0} steps on {1} samples the loss barely moved ({2} → {3}; best {4}): the learning rate ({5}) is too low, or the units are dead.', t.step, rows.n, firstLoss.toPrecision(4), lastLoss.toPrecision(4), shown, lr)
        : l10n.t('{0} samples did not fit in {1} steps (best {2}; loss {3} → {4}): raise the learning rate ({5}), or the model is too small to memorize them.', rows.n, t.step, shown, firstLoss.toPrecision(4), lastLoss.toPrecision(4), lr);
  return { name: 'overfit-small', pass, expected, measured: best, advice, target: { key: 'lr' } };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** exp of the mean log of the positive finite values (NaN when there is none). */
function geometricMean(xs: readonly number[]): number {
  const logs = xs.filter((x) => Number.isFinite(x) && x > 0).map(Math.log);
  return logs.length ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : NaN;
}

/** Each weight matrix's ‖ΔW‖/‖W‖ over RATIO_STEPS steps of training with the file's settings. */
export function layerRatios(spec: ModelSpec, data: Dataset | undefined): LayerRatio[] {
  const t = new Trainer(spec, 'float32', data);
  const weights = t.network.params.filter((p) => p.role === 'W');
  const ratios = weights.map(() => [] as number[]);
  for (let s = 0; s < RATIO_STEPS && !t.done; s++) {
    const r = t.trainStep(true);
    if (r.divergence) break;
    for (const [i, p] of weights.entries()) {
      const ratio = r.stats!.params.find((q) => q.name === p.name)?.updateRatio;
      if (ratio !== null && ratio !== undefined) ratios[i].push(ratio);
    }
  }
  return weights.map((p, i) => {
    const m = median(ratios[i]);
    return { layer: p.layer, name: p.name, ratios: ratios[i], median: m, pass: m >= RATIO_BAND[0] && m <= RATIO_BAND[1] };
  });
}

/**
 * Passes when every weighted layer's median ‖ΔW‖/‖W‖ over the first RATIO_STEPS steps is in
 * RATIO_BAND. measured: the median farthest from RATIO_TARGET (in log). The advice scales the lr by
 * RATIO_TARGET / (the geometric mean of the layers' medians): when the ratios grow in proportion to
 * the lr (SGD's updates, Adam's first ones), that centres them on 1e-3 in log space, the one lr that
 * keeps every layer as near the rule as it can.
 */
export function updateRatioCheck(spec: ModelSpec, data: Dataset | undefined): SanityCheck {
  const layers = layerRatios(spec, data);
  const far = (l: LayerRatio): number => (Number.isFinite(l.median) && l.median > 0 ? Math.abs(Math.log10(l.median / RATIO_TARGET)) : Infinity);
  const worst = layers.reduce<LayerRatio | undefined>((w, l) => (!w || far(l) > far(w) ? l : w), undefined);
  const pass = layers.length > 0 && layers.every((l) => l.pass);
  const measured = worst?.median ?? NaN;
  const lr = spec.optimizer.lr;
  const [lo, hi] = RATIO_BAND;
  let advice: string;
  if (!worst) advice = l10n.t('The model has no weights to update.');
  else if (!(measured > 0)) advice = l10n.t('{0} has no ‖ΔW‖/‖W‖ over {1} steps: its weights are 0 (init: zeros?), or its gradient is 0, or training diverged.', worst.name, RATIO_STEPS);
  else {
    const factor = RATIO_TARGET / geometricMean(layers.map((l) => l.median));
    const suggested = roundLr(lr * factor);
    advice = pass
      ? l10n.t('Every layer\'s median ‖ΔW‖/‖W‖ over the first {0} steps is within [{1}, {2}]; the farthest from 1e-3 is {3} ({4}).', RATIO_STEPS, lo, hi, worst.name, measured.toExponential(1))
      : measured > hi
        ? l10n.t('‖ΔW‖/‖W‖ of {0} is {1}, above {2}: the learning rate is too high. Divide it by {3} (lr: {4}) to centre the layers\' ratios on 1e-3.', worst.name, measured.toExponential(1), hi, roundLr(1 / factor), suggested)
        : l10n.t('‖ΔW‖/‖W‖ of {0} is {1}, below {2}: the learning rate is too low. Multiply it by {3} (lr: {4}) to centre the layers\' ratios on 1e-3.', worst.name, measured.toExponential(1), lo, roundLr(factor), suggested);
  }
  return { name: 'update-ratio', pass, expected: RATIO_TARGET, measured, advice, target: { key: 'lr', ...(worst ? { layer: worst.layer } : {}) }, layers };
}
