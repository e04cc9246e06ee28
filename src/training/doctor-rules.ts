import * as l10n from '@vscode/l10n';
import type { DoctorFix, DoctorInput, DoctorLayer, Finding } from './doctor-types';
import { fig, initFixes, median, startLoss, OVERFIT_GAP, OVERFIT_GROWTH, pct, SCORE_MIN_EPOCHS, suitedInit, UNDERFIT_MIN_FRACTION, UNDERFIT_RISE, UNDERFIT_SCORE } from './doctor-curves';
import { RATIO_BAND, RATIO_TARGET } from '../engine/sanity-train';

/**
 * The training doctor's rules on the per-epoch scores (overfitting, underfitting), on the layer
 * statistics (dead-relu, saturated, update ratios) and on the step-0 loss (initial-loss).
 */

/** dead-relu: more than this fraction of a ReLU layer's units dead (median of the last DEAD_WINDOW samples). */
export const DEAD_FRACTION = 0.5;
/** saturated: more than this fraction of a tanh/sigmoid layer's outputs within 0.01 of a limit (same window). */
export const SATURATED_FRACTION = 0.5;
export const LAYER_WINDOW = 5;
/** update-ratio-*: a layer's median ‖ΔW‖/‖W‖ over the last RATIO_WINDOW samples outside the sanity check's band [1e-4, 1e-2]. */
export const RATIO_WINDOW = 10;
/** Stats samples before the update-ratio rules look (at the default rate, 50 steps). */
export const RATIO_MIN_SAMPLES = 5;
/**
 * update-ratio-low is not reported once the smoothed loss is below this × the start: a run that has
 * learned takes small steps (the gradient shrinks as the loss does), which is no fault of the lr.
 */
export const RATIO_LOW_LEARNED = 0.2;

const avg = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;

/** Weighted layers that are not the last one (hidden layers): dense, conv, maxout. */
function hiddenLayers(layers: DoctorLayer[]): DoctorLayer[] {
  const weighted = layers.filter((l) => l.units !== null);
  return weighted.slice(0, -1);
}

/** overfitting: the train score far above the validation score, and the gap grown since the first third of the epochs. */
export function overfitting(i: DoctorInput): Finding[] {
  const e = i.epochs.filter((x) => x.train !== null && x.val !== null);
  if (e.length < SCORE_MIN_EPOCHS) return [];
  const gaps = e.map((x) => x.train! - x.val!);
  const now = avg(gaps.slice(-3));
  const early = avg(gaps.slice(0, Math.max(1, Math.floor(gaps.length / 3))));
  if (now < OVERFIT_GAP || now - early < OVERFIT_GROWTH) return [];
  let k = gaps.length - 1;
  while (k > 0 && gaps[k - 1] >= OVERFIT_GAP) k--;
  const last = e[e.length - 1];
  const score = i.regression ? 'R²' : l10n.t('accuracy');
  const shown = (x: number): string => (i.regression ? fig(x) : pct(x));
  const widest = hiddenLayers(i.layers).reduce<DoctorLayer | undefined>((w, l) => (!w || l.units! > w.units! ? l : w), undefined);
  const next = widest ? i.layers.find((l) => l.index === widest.index + 1) : undefined;
  const fixes: DoctorFix[] = [{ kind: 'l2' }];
  if (widest && next?.kind !== 'dropout') fixes.push({ kind: 'dropout', layer: widest.index, p: 0.5 });
  return [{
    code: 'overfitting', step: e[k].step, layer: null, severity: 'warning', target: { key: 'l2' }, fixes, measured: now, threshold: OVERFIT_GAP,
    message: l10n.t('Train {0} is {1}, validation {2} at epoch {3}: a gap of {4} over the last 3 epochs (the rule: at least {5}), up from {6} in the first third of the run. The model learns the training samples rather than the pattern: regularize more (l2: {7} now) or add dropout.',
      score, shown(last.train!), shown(last.val!), last.epoch, shown(now), shown(OVERFIT_GAP), shown(early), fig(i.l2)),
  }];
}

/** underfitting: the train score low, the validation score no better, and neither rising over the last third of the epochs. */
export function underfitting(i: DoctorInput): Finding[] {
  const e = i.epochs.filter((x) => x.train !== null);
  if (e.length < SCORE_MIN_EPOCHS || (!i.ended && i.steps < UNDERFIT_MIN_FRACTION * i.totalSteps)) return [];
  const train = e.map((x) => x.train!);
  const now = avg(train.slice(-3));
  const third = Math.max(3, Math.floor(train.length * 2 / 3));
  const before = avg(train.slice(third - 3, third));
  const vals = e.filter((x) => x.val !== null).map((x) => x.val!);
  const val = vals.length >= 3 ? avg(vals.slice(-3)) : null;
  if (now >= UNDERFIT_SCORE || (val !== null && now - val >= OVERFIT_GAP) || now - before >= UNDERFIT_RISE) return [];
  const hidden = hiddenLayers(i.layers);
  const narrowest = hidden.reduce<DoctorLayer | undefined>((w, l) => (!w || l.units! < w.units! ? l : w), undefined);
  const last = i.layers.filter((l) => l.units !== null).at(-1);
  const shown = (x: number): string => (i.regression ? fig(x) : pct(x));
  const score = i.regression ? 'R²' : l10n.t('accuracy');
  const advice = narrowest
    ? l10n.t('Give the model more capacity: layers[{0}] has {1} units.', narrowest.index, narrowest.units!)
    : l10n.t('The model has no hidden layer: add one (a linear model cannot fit a curved boundary).');
  const l2 = i.l2 >= 0.01 ? ' ' + l10n.t('l2: {0} may also hold it back.', fig(i.l2)) : '';
  return [{
    code: 'underfitting', step: e[e.length - 1].step, layer: narrowest?.index ?? last?.index ?? null, severity: 'hint',
    target: { key: 'layers', layer: narrowest?.index ?? last?.index ?? 0 }, fixes: narrowest ? [{ kind: 'widen', layer: narrowest.index }] : [], measured: now, threshold: UNDERFIT_SCORE,
    message: l10n.t('Train {0} is {1} (the rule: below {2}){3}, and it rose by {4} over the last third of the epochs (less than {5}): the model underfits.', score, shown(now), shown(UNDERFIT_SCORE),
      val === null ? '' : l10n.t(', validation {0}', shown(val)), shown(now - before), shown(UNDERFIT_RISE)) + ' ' + advice + l2,
  }];
}

/** The values of stats group g in the last `window` samples (finite ones). */
function recent(i: DoctorInput, g: number, field: 'dead' | 'saturated' | 'updateRatio', window: number): { values: number[]; from: number } {
  const s = i.stats.slice(-window);
  const values = s.map((x) => x[field][g]).filter((v): v is number => v !== null && Number.isFinite(v));
  return { values, from: s.length > 0 ? s[0].step : 0 };
}

/** The step of the first sample in the trailing run of samples of group g over the threshold. */
function since(i: DoctorInput, g: number, field: 'dead' | 'saturated', threshold: number): number {
  let k = i.stats.length - 1;
  while (k > 0 && (i.stats[k - 1][field][g] ?? 0) > threshold) k--;
  return i.stats[Math.max(0, k)].step;
}

/** dead-relu and saturated: per layer, the median fraction over the last LAYER_WINDOW samples above its threshold. */
export function unitHealth(i: DoctorInput): Finding[] {
  const out: Finding[] = [];
  i.statsLayers.forEach((layer, g) => {
    for (const field of ['dead', 'saturated'] as const) {
      const { values } = recent(i, g, field, LAYER_WINDOW);
      const threshold = field === 'dead' ? DEAD_FRACTION : SATURATED_FRACTION;
      if (values.length === 0 || median(values) <= threshold) continue;
      const m = median(values);
      const step = since(i, g, field, threshold);
      // From step 0, or under an init that does not suit the activations (small weights take large relative steps).
      const atStart = step === 0 || initFixes(i).length > 0;
      const fixes: DoctorFix[] = atStart ? [...initFixes(i), { kind: 'lr', factor: 1 / 3 }] : [{ kind: 'lr', factor: field === 'dead' ? 0.1 : 1 / 3 }, ...initFixes(i)];
      const cause = atStart ? l10n.t('Since step {0}, under init: {1}: the init is at fault (init: {2} suits these activations).', step, i.init, suitedInit(i.layers))
        : l10n.t('It began at step {0}, during training: large updates (the learning rate) pushed the units there.', step);
      const message = field === 'dead'
        ? l10n.t('{0} of the ReLU units of layers[{1}] are dead (0 for every probe sample; the rule: more than {2}). They pass no gradient and no longer learn.', pct(m), layer, pct(DEAD_FRACTION))
        : l10n.t('{0} of the outputs of layers[{1}] are saturated (within 0.01 of ±1 or 0/1; the rule: more than {2}). Their gradient is near 0, so they hardly learn.', pct(m), layer, pct(SATURATED_FRACTION));
      out.push({ code: field === 'dead' ? 'dead-relu' : 'saturated', step, layer, severity: 'warning', target: { key: 'layers', layer }, fixes, measured: m, threshold, message: message + ' ' + cause });
    }
  });
  return out;
}

/** The lr factor that brings a ratio nearest 1e-3: 3 or 10 (its inverse below). */
function towardTarget(ratio: number): number {
  const f = RATIO_TARGET / ratio;
  const strong = Math.abs(Math.log10(f)) >= Math.log10(Math.sqrt(30));
  return f > 1 ? (strong ? 10 : 3) : strong ? 0.1 : 1 / 3;
}

/** update-ratio-high / -low: a layer's median ‖ΔW‖/‖W‖ over the last RATIO_WINDOW samples outside [1e-4, 1e-2]. */
export function updateRatios(i: DoctorInput): Finding[] {
  if (i.stats.length < RATIO_MIN_SAMPLES) return [];
  const learned = i.loss.smooth.length > 0 && i.loss.smooth[i.loss.smooth.length - 1] < RATIO_LOW_LEARNED * startLoss(i);
  const out: Finding[] = [];
  i.statsLayers.forEach((layer, g) => {
    const { values, from } = recent(i, g, 'updateRatio', RATIO_WINDOW);
    if (values.length < RATIO_MIN_SAMPLES) return;
    const m = median(values);
    const high = m > RATIO_BAND[1];
    // m = 0: no gradient reaches the layer (dead or vanishing units); a larger lr would not move it.
    if (!high && (m >= RATIO_BAND[0] || m === 0 || learned)) return;
    const factor = towardTarget(m);
    const message = high
      ? l10n.t('layers[{0}] changes by {1} of its weights\' norm per step (median ‖ΔW‖/‖W‖ since step {2}; the rule: above {3}, cs231n aims at about 1e-3): the learning rate is too high for it.', layer, fig(m), from, fig(RATIO_BAND[1]))
      : l10n.t('layers[{0}] changes by only {1} of its weights\' norm per step (median ‖ΔW‖/‖W‖ since step {2}; the rule: below {3}, cs231n aims at about 1e-3): the learning rate is too low for it.', layer, fig(m), from, fig(RATIO_BAND[0]));
    out.push({
      code: high ? 'update-ratio-high' : 'update-ratio-low', step: i.stats[i.stats.length - 1].step, layer, severity: 'hint', target: { key: 'layers', layer },
      fixes: [{ kind: 'lr', factor }], measured: m, threshold: high ? RATIO_BAND[1] : RATIO_BAND[0], message,
    });
  });
  return out;
}

/** initial-loss: the sanity check's verdict on the run's initial weights. */
export function initialLoss(i: DoctorInput): Finding[] {
  const c = i.initial;
  if (!c || c.pass) return [];
  return [{
    code: 'initial-loss', step: 0, layer: null, severity: 'warning', target: c.target, fixes: c.target.key === 'init' ? initFixes(i) : [],
    measured: c.measured, threshold: c.expected, message: c.advice,
  }];
}
