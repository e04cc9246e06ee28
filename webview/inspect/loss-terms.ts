/**
 * The text of the Inspect tab (pure): the sample's title, whose weights, the label, and the loss's
 * terms one class (or output) at a time as the loss lesson writes them — softmax −log p_y; the SVM's
 * max(0, s_j − s_y + Δ) with the correct class excluded; mse's (s_i − y_i)² / C.
 */
import * as l10n from '@vscode/l10n';
import type { InspectResult } from '../../src/engine/inspect-types';
import type { InspectState, RunStatus } from '../../src/training/protocol';
import { num } from '../format';

/** One row of the scores table: a class (or, for mse, an output). */
export interface ScoreRow {
  index: number;
  name: string;
  score: number;
  /** softmax: the class's probability. */
  prob?: number;
  /** The row's part of the loss: softmax −log p at the label (null elsewhere); SVM its hinge (null at the label, excluded); mse (s − y)² / C. */
  term: number | null;
  /** SVM: the correct class, which the sum leaves out. */
  excluded: boolean;
  isLabel: boolean;
  isPredicted: boolean;
  /** mse: the target and the error s − y. */
  target?: number;
  error?: number;
  /** ∂L/∂score. */
  grad: number;
}

/** A class's name when the data names it, else "class k". */
export function className(k: number, names?: readonly string[]): string {
  return names?.[k] ?? l10n.t('class {0}', k);
}

/** The rows of the scores table, in class order. */
export function scoreRows(r: InspectResult): ScoreRow[] {
  const y = typeof r.label === 'number' ? r.label : -1;
  const c = r.scores.length;
  return r.scores.map((score, k) => {
    const row: ScoreRow = {
      index: k, name: r.lossName === 'mse' ? l10n.t('output {0}', k) : className(k, r.labelNames), score,
      term: null, excluded: false, isLabel: k === y, isPredicted: k === r.predicted, grad: r.dscores[k] ?? 0,
    };
    if (r.lossName === 'softmax') {
      row.prob = r.probs?.[k];
      if (k === y && row.prob !== undefined) row.term = -Math.log(row.prob);
    } else if (r.lossName === 'svm') {
      row.excluded = k === y;
      row.term = k === y ? null : (r.margins?.[k] ?? 0);
    } else {
      const target = Array.isArray(r.label) ? r.label[k] : undefined;
      const error = r.errors?.[k] ?? (target !== undefined ? score - target : undefined);
      Object.assign(row, { target, error, term: error !== undefined ? (error * error) / c : null });
    }
    return row;
  });
}

/** The loss written out with this sample's numbers, e.g. "L = −log p_y = −log 0.912 = 0.0921". */
export function lossLine(r: InspectResult): string {
  const rows = scoreRows(r);
  if (r.lossName === 'softmax') {
    const p = rows.find((x) => x.isLabel)?.prob;
    return `L = −log p_y = −log ${num(p)} = ${num(r.loss)}`;
  }
  if (r.lossName === 'svm') {
    const terms = rows.filter((x) => !x.excluded).map((x) => num(x.term ?? 0));
    return `L = Σ_{j≠y} max(0, s_j − s_y + Δ) = ${terms.join(' + ') || '0'} = ${num(r.loss)}   (Δ = ${num(r.margin ?? 1)})`;
  }
  const squares = rows.map((x) => `(${num(x.error)})²`);
  return `L = Σ (s_i − y_i)² / ${rows.length} = (${squares.join(' + ')}) / ${rows.length} = ${num(r.loss)}`;
}

/** What the sample's label is: the class's name, or the regression targets. */
export function labelText(r: InspectResult): string {
  return typeof r.label === 'number' ? className(r.label, r.labelNames) : r.label.map((v) => num(v)).join(', ');
}

/** "sample 12 of the validation set" */
export function sampleTitle(split: 'train' | 'val', sample: number): string {
  return split === 'val' ? l10n.t('Sample {0} of the validation set', sample) : l10n.t('Sample {0} of the training set', sample);
}

/** Whose weights the result used: initial, the live run at step N (following it), a finished (or stopped) or kept run. */
export function weightsText(s: Pick<InspectState, 'live'>, r: Pick<InspectResult, 'weights' | 'step'>, runStatus?: RunStatus): string {
  switch (r.weights) {
    case 'initial': return l10n.t('initial weights');
    case 'trained': return l10n.t('trained weights, step {0}', r.step);
    case 'live': return s.live ? l10n.t('live run at step {0}, following it', r.step) : l10n.t('live run at step {0}', r.step);
    case 'final':
      if (runStatus === 'stopped') return l10n.t('stopped run, step {0}', r.step);
      return runStatus === 'failed' ? l10n.t('the run\'s last good weights, step {0}', r.step) : l10n.t('finished run, step {0}', r.step);
    case 'kept': return l10n.t('kept run, step {0}', r.step);
  }
}

/** The prediction in words: "predicted spiral 2 ✓" when right, "predicted 1 ✗" when wrong; regression: the outputs. */
export function predictionText(r: InspectResult): string {
  if (r.predicted === null) return l10n.t('predicted {0}', r.scores.map((v) => num(v)).join(', '));
  const right = r.predicted === r.label;
  return `${l10n.t('predicted {0}', className(r.predicted, r.labelNames))} ${right ? '✓' : '✗'}`;
}

/** The sample index typed into the picker, when it is a whole number ≥ 0. */
export function parseIndex(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}
