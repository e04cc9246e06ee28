import * as l10n from '@vscode/l10n';
import { Rng } from './rng';
import { Trainer, streamSeed } from './trainer';
import { gradcheckModel } from './check';
import { seededSubset } from './data/subset';
import { overfitSmall, updateRatioCheck } from './sanity-train';
import { SVM_MARGIN, type ModelSpec } from '../model/spec';
import type { Dataset } from './data/dataset';
import type { Network } from './network';
import type { SanityCheck, SanityReport } from './sanity-types';

export * from './sanity-types';

/**
 * cs231n's sanity checks before a real run (neural-networks-3 notes, "Before learning: sanity
 * checks Tips/Tricks"), each as expected against measured, with a verdict and what to change.
 */

/**
 * The initial-loss check passes when measured ≤ INITIAL_LOSS_FACTOR · expected, and, for softmax
 * and the SVM, measured ≥ expected / INITIAL_LOSS_FACTOR. Measured on the examples' models, the
 * standard inits (small, xavier, he) give 0.19–1.57 × the expected loss, N(0, 1) weights ≥ 3.9 ×,
 * N(0, 10²) ≥ 340 ×. Below expected is no fault for mse: random outputs can correlate with the
 * targets by chance (the sine example with xavier: 0.19 ×).
 */
export const INITIAL_LOSS_FACTOR = 2;
/** Rows the initial loss is taken over at most (a seeded sample of a larger training set). */
export const INITIAL_LOSS_ROWS = 10_000;
/** The L2 strength reg-raises-loss adds when the file regularizes nothing. */
export const PROBE_L2 = 1;

/** The spec with regularization off (l2 = l1 = 0). */
export function withoutRegularization(spec: ModelSpec): ModelSpec {
  return { ...spec, train: { ...spec.train, l2: 0, l1: 0 } };
}

/**
 * The data loss expected at step 0 when every score is ≈ 0: ln C for softmax (every class
 * equally likely); (C − 1)·Δ for the SVM (each of the C − 1 wrong classes adds max(0, 0 − 0 + Δ));
 * for mse, the mean of the targets' squares over every output, Σt²/(N·T) = variance + mean²
 * (pooled over the T targets), the error of predicting 0.
 */
export function expectedInitialLoss(spec: ModelSpec, data: Dataset): number {
  if (spec.loss === 'softmax') return Math.log(data.classes);
  if (spec.loss === 'svm') return (data.classes - 1) * (spec.svmMargin ?? SVM_MARGIN);
  const t = data.targets!;
  const count = data.n * (data.targetCount ?? 1);
  let s = 0;
  for (let i = 0; i < count; i++) s += t[i] * t[i];
  return s / count;
}

/** The data set the step-0 loss is taken over: the training set, or a seeded sample of INITIAL_LOSS_ROWS. */
function lossRows(t: Trainer): Dataset {
  return seededSubset(t.trainSet, INITIAL_LOSS_ROWS, new Rng(streamSeed(t.spec.train.seed, 'subset') ^ 0x1a2b3c4d));
}

function initialLoss(t: Trainer, rows: Dataset): SanityCheck {
  return initialLossVerdict(t.spec, rows, t.evaluate(rows).loss);
}

/** The initial-loss check's verdict on a data loss `measured` at step 0 over `rows` (the training doctor's too). */
export function initialLossVerdict(spec: ModelSpec, rows: Dataset, measured: number): SanityCheck {
  const expected = expectedInitialLoss(spec, rows);
  const low = spec.loss === 'mse' ? 0 : expected / INITIAL_LOSS_FACTOR;
  const pass = measured <= INITIAL_LOSS_FACTOR * expected && measured >= low;
  const shown = (x: number): string => x.toPrecision(4);
  const advice = pass
    ? l10n.t('The loss at step 0 ({0}) is within a factor {1} of {2}, the loss of scores near 0.', shown(measured), INITIAL_LOSS_FACTOR, shown(expected))
    : measured > expected
      ? l10n.t('The loss at step 0 ({0}) is more than {2} × the {1} that scores near 0 give: the init scale is too large (try init: xavier or he, or a smaller std), or the last layer has an activation it should not have, or the loss does not fit the data.', shown(measured), shown(expected), INITIAL_LOSS_FACTOR)
      : l10n.t('The loss at step 0 ({0}) is less than 1/{2} of the {1} that scores near 0 give: the model knows the labels before training (are the labels among the inputs?), or the loss is not the one the data needs.', shown(measured), shown(expected), INITIAL_LOSS_FACTOR);
  return { name: 'initial-loss', pass, expected, measured, advice, target: { key: !pass && measured < expected ? 'loss' : 'init' } };
}

function regRaisesLoss(spec: ModelSpec, base: Trainer, dataLoss: number): SanityCheck {
  const fileHasReg = spec.train.l2 > 0 || spec.train.l1 > 0;
  const reg = fileHasReg ? { l2: spec.train.l2, l1: spec.train.l1 } : { l2: PROBE_L2, l1: 0 };
  // The same weights (init depends on the seed only), so the data loss is the same: only the term differs.
  const measured = dataLoss + base.network.regLoss(reg);
  const pass = measured > dataLoss;
  const which = fileHasReg ? l10n.t('the file\'s regularization') : l10n.t('l2: {0} (the file has none)', PROBE_L2);
  const advice = pass
    ? l10n.t('Adding {0} raises the loss at step 0 from {1} to {2}.', which, dataLoss.toPrecision(4), measured.toPrecision(4))
    : l10n.t('Adding {0} leaves the loss at step 0 at {1}: every weight is 0 (init: zeros?), so the penalty is 0 and the units all learn the same thing.', which, dataLoss.toPrecision(4));
  return { name: 'reg-raises-loss', pass, expected: dataLoss, measured, advice, target: { key: pass ? 'l2' : 'init' } };
}

/** Pass bound of the gradient check: cs231n's "good" (≤ 1e-7), or ≤ 1e-4 for a model with kinks. */
export const GRADIENT_GOOD = 1e-7;
export const GRADIENT_KINKS = 1e-4;

/**
 * Whether the loss has non-differentiable points: a layer of `network` (spec's) with a kink (ReLU-like
 * activations, max pool, maxout: the layers' own `kink`, which the gradient check counts), the SVM's hinge, L1.
 */
export function hasKinks(spec: ModelSpec, network: Network): boolean {
  return spec.loss === 'svm' || spec.train.l1 > 0 || network.layers.some((l) => l.kink !== undefined);
}

function gradient(spec: ModelSpec, data: Dataset | undefined, network: Network): SanityCheck {
  const r = gradcheckModel(spec, { data });
  const kinks = hasKinks(spec, network);
  const expected = kinks ? GRADIENT_KINKS : GRADIENT_GOOD;
  const pass = r.maxRelError <= expected;
  const worst = r.params.reduce((w, p) => (p.relError > w.relError || Number.isNaN(p.relError) ? p : w), r.params[0]);
  const e = r.maxRelError.toExponential(2);
  const normWise = r.params.reduce((m, p) => Math.max(m, p.normRelError), 0).toExponential(1);
  const advice = pass
    ? l10n.t('The largest relative error between backprop and centered differences is {0} (at most {1}).', e, expected.toExponential(0))
    : r.maxRelError <= GRADIENT_KINKS
      // Between 1e-7 and 1e-4 without kinks: cs231n calls it too high, and notes that errors build up with depth.
      ? l10n.t('The gradient of {0} differs from centered differences by {1} (relative), above the {2} cs231n asks of a loss without kinks. Round-off alone reaches this size in a deep network whose gradient entries are small, and then the norm-wise error ({3}) is much smaller; if it is not, a backward pass is slightly wrong.', worst?.name ?? '?', e, expected.toExponential(0), normWise)
      : l10n.t('The gradient of {0} disagrees with centered differences (relative error {1}, above {2}): a backward pass is wrong.', worst?.name ?? '?', e, expected.toExponential(0));
  return { name: 'gradient', pass, expected, measured: r.maxRelError, advice, target: { key: 'layers', layer: Number(/layers\[(\d+)\]/.exec(worst?.name ?? '')?.[1] ?? 0) } };
}

/** Runs the five checks on a spec; `data`: its data set when it comes from files (loaded by the caller). */
export function runSanity(spec: ModelSpec, data?: Dataset): SanityReport {
  const off = withoutRegularization(spec);
  const base = new Trainer(off, 'float32', data);
  const rows = lossRows(base);
  const first = initialLoss(base, rows);
  const checks = [
    first,
    regRaisesLoss(spec, base, first.measured),
    overfitSmall(spec, base),
    gradient(spec, data, base.network),
    updateRatioCheck(spec, data),
  ];
  return { checks, pass: checks.every((c) => c.pass) };
}
