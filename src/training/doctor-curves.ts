import * as l10n from '@vscode/l10n';
import type { DoctorFix, DoctorInput, DoctorLayer, Finding } from './doctor-types';
import { RATIO_TARGET } from '../engine/sanity-train';

/**
 * The training doctor's rules on the curves: the training loss per step (raw and smoothed) and the
 * per-epoch scores. Each threshold is written here once, with why (README, "Training doctor").
 */

/** lr-too-high: the smoothed loss now above this × the start (the step-0 loss, startLoss). */
export const HIGH_RISE = 1.2;
/** lr-too-high: the smoothed loss at any step above this × the start (a blow-up the run came back from). */
export const HIGH_PEAK = 2;
/**
 * lr-too-high: the smoothed loss gave back at least HIGH_GIVE_BACK of the drop from the start to its
 * lowest, a drop of at least HIGH_GAINED of the start (smaller ones are within the smoothed noise).
 */
export const HIGH_GIVE_BACK = 0.5;
export const HIGH_GAINED = 0.2;
/**
 * lr-too-high (oscillation): in the last quarter of the steps, at least this fraction of the
 * mini-batch losses jump back above the start while their median is below HIGH_SPIKE_MEDIAN × start.
 */
export const HIGH_SPIKES = 0.1;
export const HIGH_SPIKE_MEDIAN = 0.7;
/** Steps before the loss rules look at the curve at all (the smoothing's memory is ~10 steps). */
export const CURVE_MIN_STEPS = 30;
/** lr-too-low: not before this many steps and this fraction of the run (or the run's end). */
export const LOW_MIN_STEPS = 100;
export const LOW_MIN_FRACTION = 0.2;
/** lr-too-low ("barely moves"): the smoothed loss fell less than this fraction of the start. */
export const LOW_DROP = 0.05;
/**
 * lr-too-low ("almost linear"): the loss fell less than LINEAR_MAX_DROP of the start, and its second
 * half fell at least LINEAR_RATIO × what the first half fell (a healthy curve slows down: its
 * second half falls far less).
 */
export const LINEAR_MAX_DROP = 0.5;
export const LINEAR_RATIO = 0.6;
/** plateau: flat (within PLATEAU_BAND of the start) for ≥ PLATEAU_MIN_STEPS, then PLATEAU_DROP below the start in fewer steps than it was flat. */
export const PLATEAU_BAND = 0.05;
export const PLATEAU_MIN_STEPS = 50;
export const PLATEAU_DROP = 0.2;
/** overfitting: train − validation score (mean of the last 3 epochs) at least this, and grown by OVERFIT_GROWTH since the first third of the epochs. */
export const OVERFIT_GAP = 0.1;
export const OVERFIT_GROWTH = 0.05;
/** Epochs before the score rules (overfitting, underfitting) look. */
export const SCORE_MIN_EPOCHS = 5;
/** underfitting: train score (accuracy, or R²) below this, no more than OVERFIT_GAP above validation, and up less than UNDERFIT_RISE over the last third of the epochs. */
export const UNDERFIT_SCORE = 0.8;
export const UNDERFIT_RISE = 0.02;
/** underfitting: not before this fraction of the run (or its end). */
export const UNDERFIT_MIN_FRACTION = 0.3;

/** A figure as messages print it: 3 significant digits, or 2 in exponent form when small or large. */
export function fig(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(1) : String(Number(x.toPrecision(3)));
}
export const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The loss at the start: the step-0 loss (data + regularization, eval mode, the fixed training
 * sample) when measured, else the median of the first ≤ 5 mini-batch losses.
 */
export function startLoss(i: DoctorInput): number {
  return i.start ?? median(i.loss.raw.slice(0, Math.min(5, i.loss.raw.length)));
}

/** lr ÷ 10 then ÷ 3, or the other way round. */
const lower = (strong: boolean): DoctorFix[] => (strong ? [{ kind: 'lr', factor: 0.1 }, { kind: 'lr', factor: 1 / 3 }] : [{ kind: 'lr', factor: 1 / 3 }, { kind: 'lr', factor: 0.1 }]);

function lrHigh(step: number, message: string, strong: boolean, measured: number, threshold: number): Finding {
  return { code: 'lr-too-high', step, layer: null, message, severity: 'warning', target: { key: 'lr' }, fixes: lower(strong), measured, threshold };
}

/** lr-too-high: divergence, a loss above its start, a loss that gave back half its progress, or spikes back above the start. */
export function lrTooHigh(i: DoctorInput): Finding[] {
  if (i.divergence) {
    const d = i.divergence;
    return [lrHigh(d.step, l10n.t('Training went non-finite at step {0} with lr {1}: the updates are too large for the loss surface. Lower the learning rate.', d.step, fig(d.lr)), true, Infinity, 0)];
  }
  const { step, raw, smooth } = i.loss;
  const n = smooth.length;
  if (i.steps < CURVE_MIN_STEPS || n < 2) return [];
  const s0 = startLoss(i);
  const now = smooth[n - 1];
  if (now > HIGH_RISE * s0) {
    return [lrHigh(step[n - 1], l10n.t('The smoothed loss is {0} at step {1}, {2} × where it started ({3}; the rule: above {4} ×): it rises instead of falling, so the steps overshoot. Lower the learning rate.', fig(now), step[n - 1], fig(now / s0), fig(s0), HIGH_RISE), true, now / s0, HIGH_RISE)];
  }
  let lo = 0;
  let hi = 0;
  for (let k = 1; k < n; k++) {
    if (smooth[k] < smooth[lo]) lo = k;
    if (smooth[k] > smooth[hi]) hi = k;
  }
  if (smooth[hi] > HIGH_PEAK * s0) {
    return [lrHigh(step[hi], l10n.t('The smoothed loss shot up to {0} at step {1}, {2} × where it started ({3}; the rule: above {4} ×), before it came down: the first steps overshoot. Lower the learning rate.', fig(smooth[hi]), step[hi], fig(smooth[hi] / s0), fig(s0), HIGH_PEAK), true, smooth[hi] / s0, HIGH_PEAK)];
  }
  const gained = s0 - smooth[lo];
  if (gained >= HIGH_GAINED * s0 && step[n - 1] - step[lo] >= CURVE_MIN_STEPS && now - smooth[lo] >= HIGH_GIVE_BACK * gained) {
    return [lrHigh(step[n - 1], l10n.t('The smoothed loss fell from {0} to {1} at step {2}, then rose back to {3} by step {4}: it gave back {5} of its progress (the rule: {6}). The steps overshoot; lower the learning rate.', fig(s0), fig(smooth[lo]), step[lo], fig(now), step[n - 1], pct((now - smooth[lo]) / gained), pct(HIGH_GIVE_BACK)), false, (now - smooth[lo]) / gained, HIGH_GIVE_BACK)];
  }
  const from = Math.floor(0.75 * n);
  const tail = raw.slice(from);
  if (tail.length < 20) return [];
  const spikes = tail.filter((x) => x > s0).length / tail.length;
  const mid = median(tail);
  if (spikes >= HIGH_SPIKES && mid < HIGH_SPIKE_MEDIAN * s0) {
    return [lrHigh(step[n - 1], l10n.t('Since step {0}, {1} of the mini-batch losses jump back above the starting loss {2} while their median is {3} (the rule: at least {4}): the loss oscillates wildly. Lower the learning rate.', step[from], pct(spikes), fig(s0), fig(mid), pct(HIGH_SPIKES)), false, spikes, HIGH_SPIKES)];
  }
  return [];
}

/** The median over weighted layers of each one's median update ratio in the last ≤ 10 stats samples; null without stats. */
export function typicalUpdateRatio(i: DoctorInput): number | null {
  const recent = i.stats.slice(-10);
  const perLayer = i.statsLayers.map((_, g) => recent.map((s) => s.updateRatio[g]).filter((r): r is number => r !== null && Number.isFinite(r)))
    .filter((r) => r.length > 0).map(median);
  return perLayer.length > 0 ? median(perLayer) : null;
}

/**
 * lr-too-low: after LOW_MIN_STEPS and LOW_MIN_FRACTION of the run, the smoothed loss barely moved
 * or fell in a straight line, and the weights move slowly (typical update ratio below cs231n's
 * 1e-3), or there are no statistics to say otherwise. A flat loss while the weights move at a
 * healthy rate is not the lr's fault (a plateau of the init, or a model that cannot learn more).
 */
export function lrTooLow(i: DoctorInput): Finding[] {
  const { step, smooth } = i.loss;
  const n = smooth.length;
  if (i.steps < LOW_MIN_STEPS || (!i.ended && i.steps < LOW_MIN_FRACTION * i.totalSteps) || n < 4) return [];
  const ratio = typicalUpdateRatio(i);
  // 0: no gradient reaches the weights (dead or vanishing units), which no learning rate mends.
  if (ratio !== null && (ratio >= RATIO_TARGET || ratio === 0)) return [];
  const s0 = startLoss(i);
  const now = smooth[n - 1];
  const drop = (s0 - now) / s0;
  const ratioText = ratio === null ? '' : ' ' + l10n.t('The weights move by {0} of their norm per step (cs231n aims at about 1e-3).', fig(ratio));
  const found = (message: string, factor: number, measured: number, threshold: number): Finding[] => [{
    code: 'lr-too-low', step: step[n - 1], layer: null, message: message + ratioText, severity: 'hint', target: { key: 'lr' },
    fixes: [{ kind: 'lr', factor }, { kind: 'lr', factor: factor === 10 ? 3 : 10 }], measured, threshold,
  }];
  if (!(s0 > 0)) return [];
  if (drop < LOW_DROP) {
    return found(l10n.t('After {0} steps the smoothed loss is {1}, {2} below where it started ({3}; the rule: less than {4}): it barely moves. Raise the learning rate.', i.steps, fig(now), pct(drop), fig(s0), pct(LOW_DROP)), 10, drop, LOW_DROP);
  }
  const half = step[0] + (step[n - 1] - step[0]) / 2;
  const m = step.findIndex((s) => s >= half);
  const first = smooth[0] - smooth[m];
  const second = smooth[m] - now;
  if (drop < LINEAR_MAX_DROP && first > 0 && second >= LINEAR_RATIO * first) {
    return found(l10n.t('The smoothed loss falls almost in a straight line: {0} in the first half of the {1} steps, {2} in the second (the rule: the second at least {3} × the first, with less than {4} of the loss gone). It is still far from done; raise the learning rate.', fig(first), i.steps, fig(second), LINEAR_RATIO, pct(LINEAR_MAX_DROP)), 3, second / first, LINEAR_RATIO);
  }
  return [];
}

const RELU_LIKE = new Set(['relu', 'leaky_relu', 'elu', 'gelu']);

/** The init the activations call for: he for ReLU-like units, xavier otherwise. */
export function suitedInit(layers: DoctorLayer[]): 'he' | 'xavier' {
  return layers.some((l) => l.activation !== null && RELU_LIKE.has(l.activation)) ? 'he' : 'xavier';
}

/** An init fix towards the suited scheme, unless the file uses it already. */
export function initFixes(i: DoctorInput): DoctorFix[] {
  const scheme = suitedInit(i.layers);
  return i.init === scheme ? [] : [{ kind: 'init', scheme }];
}

/** Inits whose weights are too small for a deep net to pass a signal: a loss flat from the start under them is the init's plateau. */
const TINY_INITS = new Set(['zeros', 'small']);

/**
 * plateau, still flat: under init zeros or small, the smoothed loss has stayed within PLATEAU_BAND
 * of its start for the whole run so far (after lr-too-low's LOW_MIN_STEPS and LOW_MIN_FRACTION):
 * the signal does not get through, which no learning rate mends.
 */
function stillFlat(i: DoctorInput, s0: number): Finding[] {
  const { step, smooth } = i.loss;
  const n = smooth.length;
  if (!TINY_INITS.has(i.init) || i.steps < LOW_MIN_STEPS || (!i.ended && i.steps < LOW_MIN_FRACTION * i.totalSteps)) return [];
  const scheme = suitedInit(i.layers);
  return [{
    code: 'plateau', step: step[0], layer: null, severity: 'warning', target: { key: 'init' }, fixes: initFixes(i), measured: step[n - 1] - step[0], threshold: PLATEAU_MIN_STEPS,
    message: l10n.t('The smoothed loss has stayed within {0} of its start ({1}) for all {2} steps under init: {3}: a plateau from the start. Weights this small (or equal) pass almost no signal or gradient through the layers; init: {4} suits these activations.', pct(PLATEAU_BAND), fig(s0), i.steps, i.init, scheme),
  }];
}

/** plateau: flat from the start for PLATEAU_MIN_STEPS or more, then a fall by PLATEAU_DROP in fewer steps than it was flat. */
export function plateau(i: DoctorInput): Finding[] {
  const { step, smooth } = i.loss;
  const n = smooth.length;
  if (n < 4) return [];
  const s0 = startLoss(i);
  const f = smooth.findIndex((s) => s < s0 * (1 - PLATEAU_BAND));
  if (f < 0) return stillFlat(i, s0);
  const flat = step[f] - step[0];
  if (flat < PLATEAU_MIN_STEPS) return [];
  const g = smooth.findIndex((s, k) => k >= f && s < s0 * (1 - PLATEAU_DROP));
  if (g < 0 || step[g] - step[f] >= flat) return [];
  const scheme = suitedInit(i.layers);
  return [{
    code: 'plateau', step: step[f], layer: null, severity: 'hint', target: { key: 'init' }, fixes: initFixes(i), measured: flat, threshold: PLATEAU_MIN_STEPS,
    message: l10n.t('The smoothed loss stayed within {0} of its start ({1}) for {2} steps, then fell to {3} by step {4}: a plateau, then a sudden drop. The signal hardly got through at first, which points at the init scale (init: {5} suits these activations).', pct(PLATEAU_BAND), fig(s0), flat, fig(smooth[g]), step[g], scheme),
  }];
}
