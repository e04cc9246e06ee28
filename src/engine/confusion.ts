/**
 * The confusion matrix and the most confident mistakes of a labelled set, collected from the score
 * rows of an evaluation as it goes (Trainer.evaluate's per-chunk hook): no second forward pass.
 * One collector is made per run and reused for every epoch; its buffers grow only when the number
 * of classes does.
 */
import type { LossName } from '../model/spec';
import { argmax } from './loss';

/** A sample the scores classify wrong (the fields of the protocol's Mistake). */
export interface ScoredMistake {
  /** Row index in the set. */
  index: number;
  label: number;
  predicted: number;
  /** softmax: the predicted class's probability; svm (and any other loss): s_predicted − s_label. */
  confidence: number;
}

/** The first class with the highest score of row `row` of scores (n, c): ties go to the lower class, as the losses count them. */
export function predictedClass(scores: ArrayLike<number>, row: number, c: number): number {
  return argmax(scores, row * c, c);
}

/**
 * How sure a wrong answer is. softmax: the predicted class's probability, exp(s_p − m) / Σ_j
 * exp(s_j − m) with m the row's highest score (stable; in double precision); svm: s_p − s_label.
 */
export function mistakeConfidence(scores: ArrayLike<number>, row: number, c: number, label: number, predicted: number, loss: LossName): number {
  const o = row * c;
  if (loss !== 'softmax') return scores[o + predicted] - scores[o + label];
  let max = -Infinity;
  for (let j = 0; j < c; j++) if (scores[o + j] > max) max = scores[o + j];
  let sum = 0;
  for (let j = 0; j < c; j++) sum += Math.exp(scores[o + j] - max);
  return Math.exp(scores[o + predicted] - max) / sum;
}

/** The rows of scores (n, c) whose predicted class is not labels[offset + row], in order. */
export function misclassifiedRows(scores: ArrayLike<number>, labels: ArrayLike<number>, offset: number, n: number, c: number): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < n; i++) if (predictedClass(scores, i, c) !== labels[offset + i]) wrong.push(i);
  return wrong;
}

/** Whether confidence a ranks before b: higher first; NaN (scores gone non-finite) after every number. */
function moreConfident(a: number, b: number): boolean {
  return a > b || (Number.isNaN(b) && !Number.isNaN(a));
}

/**
 * Collects, over the rows added since reset(): counts[true][predicted], how many rows are wrong,
 * and the `keep` most confident mistakes, most confident first, ties to the lower index (rows
 * arrive in index order, so a later row never passes an equal one).
 */
export class ConfusionCollector {
  /** Rows added since reset(). */
  rows = 0;
  /** Rows whose predicted class is not their label. */
  wrong = 0;
  private classes = 0;
  private loss: LossName = 'softmax';
  private counts = new Int32Array(0);
  /** The kept mistakes, sorted: their confidences, rows, labels and predicted classes. */
  private kept = 0;
  private readonly confidence: Float64Array;
  private readonly index: Int32Array;
  private readonly label: Int32Array;
  private readonly predicted: Int32Array;

  constructor(readonly keep: number) {
    this.confidence = new Float64Array(keep);
    this.index = new Int32Array(keep);
    this.label = new Int32Array(keep);
    this.predicted = new Int32Array(keep);
  }

  /** Starts a new count over `classes` classes, the mistakes' confidence read as `loss` defines it. */
  reset(classes: number, loss: LossName): void {
    if (this.counts.length < classes * classes) this.counts = new Int32Array(classes * classes);
    this.counts.fill(0, 0, classes * classes);
    this.classes = classes;
    this.loss = loss;
    this.rows = this.wrong = this.kept = 0;
  }

  /**
   * Adds n rows of scores (n, c) (c ≥ the classes given to reset), the rows' labels at labels[start…],
   * their indices start, start + 1, ….
   */
  add(scores: ArrayLike<number>, labels: ArrayLike<number>, start: number, n: number, c: number): void {
    const k = this.classes;
    for (let i = 0; i < n; i++) {
      const y = labels[start + i];
      const p = predictedClass(scores, i, c);
      if (y >= 0 && y < k && p < k) this.counts[y * k + p]++;
      if (p === y) continue;
      this.wrong++;
      this.offer(mistakeConfidence(scores, i, c, y, p, this.loss), start + i, y, p);
    }
    this.rows += n;
  }

  /** Inserts a mistake into the kept ones when it is among the `keep` most confident so far. */
  private offer(confidence: number, index: number, label: number, predicted: number): void {
    // After every kept one at least as confident.
    let at = this.kept;
    while (at > 0 && moreConfident(confidence, this.confidence[at - 1])) at--;
    if (at >= this.keep) return;
    const last = Math.min(this.kept, this.keep - 1);
    for (let j = last; j > at; j--) {
      this.confidence[j] = this.confidence[j - 1];
      this.index[j] = this.index[j - 1];
      this.label[j] = this.label[j - 1];
      this.predicted[j] = this.predicted[j - 1];
    }
    this.confidence[at] = confidence;
    this.index[at] = index;
    this.label[at] = label;
    this.predicted[at] = predicted;
    if (this.kept < this.keep) this.kept++;
  }

  /** The matrix counted so far: matrix[true class][predicted class]. */
  matrix(): number[][] {
    const k = this.classes;
    const out: number[][] = [];
    for (let y = 0; y < k; y++) out.push(Array.from(this.counts.subarray(y * k, (y + 1) * k)));
    return out;
  }

  /** The kept mistakes, most confident first. */
  mistakes(): ScoredMistake[] {
    const out: ScoredMistake[] = [];
    for (let j = 0; j < this.kept; j++) {
      out.push({ index: this.index[j], label: this.label[j], predicted: this.predicted[j], confidence: this.confidence[j] });
    }
    return out;
  }
}
