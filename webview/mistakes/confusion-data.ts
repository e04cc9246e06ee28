/**
 * The Mistakes tab's figures (pure): a confusion matrix's row-normalized fractions, totals and
 * accuracy, the epochs that have one, and the gallery's filter to one (true, predicted) pair.
 */
import type { EpochMetrics, Mistake } from '../../src/training/protocol';

export interface ConfusionFigures {
  classes: number;
  /** counts[true][predicted], as sent. */
  counts: number[][];
  /** Each row divided by its total (a row without samples stays 0). */
  fractions: number[][];
  rowTotals: number[];
  /** Samples counted (the held-out set's size). */
  total: number;
  /** On the diagonal. */
  correct: number;
  /** correct / total; null with no samples. */
  accuracy: number | null;
}

/** The figures of confusion[true][predicted]; a ragged or non-finite cell counts as 0. */
export function confusionFigures(m: readonly (readonly number[])[]): ConfusionFigures {
  const classes = m.length;
  const counts = m.map((row) => Array.from({ length: classes }, (_, j) => (Number.isFinite(row[j]) ? row[j] : 0)));
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const fractions = counts.map((row, i) => row.map((v) => (rowTotals[i] > 0 ? v / rowTotals[i] : 0)));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = counts.reduce((a, row, i) => a + row[i], 0);
  return { classes, counts, fractions, rowTotals, total, correct, accuracy: total > 0 ? correct / total : null };
}

/** An epoch that has a confusion matrix. */
export interface ConfusionEpoch {
  epoch: number;
  step: number;
  confusion: number[][];
  valAcc: number | null;
}

/** The epochs with a confusion matrix, oldest first (the slider's stops). */
export function confusionEpochs(epochs: readonly EpochMetrics[]): ConfusionEpoch[] {
  return epochs.flatMap((e) => (e.confusion && e.confusion.length > 0 ? [{ epoch: e.epoch, step: e.step, confusion: e.confusion, valAcc: e.valAcc }] : []));
}

/** A cell of the matrix that filters the gallery: its true and predicted class. */
export interface ClassPair {
  label: number;
  predicted: number;
}

/** The mistakes of one pair (all of them without a pair), with their places in the list (their images' order). */
export function filterMistakes(items: readonly Mistake[], pair: ClassPair | null): Array<{ item: Mistake; at: number }> {
  return items.flatMap((item, at) => (!pair || (item.label === pair.label && item.predicted === pair.predicted) ? [{ item, at }] : []));
}

/**
 * A cell's fill strength from its row fraction: 0 stays the background; anything above 0 at least
 * `floor` so a single mistake among many is still seen; 1 full.
 */
export function cellStrength(fraction: number, floor = 0.12): number {
  if (!(fraction > 0)) return 0;
  return Math.min(1, floor + (1 - floor) * fraction);
}
