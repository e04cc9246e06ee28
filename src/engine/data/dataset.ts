import { Rng } from '../rng';
import type { Shape } from '../layers/layer';

/**
 * A data set: x is (n, ...shape) row-major float32. For classification y holds class indices; for
 * regression `targets` holds the numeric targets, (n, targetCount) row-major float32, and y is
 * empty (length 0) with classes 0.
 */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  /** One sample's shape: [features], or [channels, height, width] for images. */
  readonly shape: Shape;
  /** Values per sample (the product of shape). */
  readonly features: number;
  readonly classes: number;
  /** The name of each class, when the data names them (CSV text labels, CIFAR-10); index = class. */
  readonly labelNames?: readonly string[];
  /** Regression: the targets, (n, targetCount) row-major. */
  readonly targets?: Float32Array;
  /** Regression: values to predict per sample. */
  readonly targetCount?: number;
  /** Regression: the target columns' names, when the data names them (a CSV header). */
  readonly targetNames?: readonly string[];
}

/** Whether `data` has numeric targets (regression) rather than class labels. */
export function isRegressionSet(data: Dataset): data is Dataset & { targets: Float32Array; targetCount: number } {
  return data.targets !== undefined;
}

/** A regression set's metadata for `n` rows of `x` and `targets` (y empty, classes 0). */
export function regressionSet(x: Float32Array, targets: Float32Array, n: number, shape: readonly number[], targetNames?: readonly string[]): Dataset {
  const features = shape.reduce((a, b) => a * b, 1);
  const d: Dataset = { x, y: new Int32Array(0), n, shape: [...shape], features, classes: 0, targets, targetCount: n > 0 ? targets.length / n : 0 };
  return targetNames ? { ...d, targetNames } : d;
}

/** A dataset of the rows `rows` of `data`, in that order (copied, so the rows are contiguous). */
export function pickRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const n = rows.length;
  const f = data.features;
  const x = new Float32Array(n * f);
  const labelled = data.y.length > 0;
  const y = new Int32Array(labelled ? n : 0);
  const tc = data.targetCount ?? 0;
  const t = data.targets ? new Float32Array(n * tc) : undefined;
  for (let i = 0; i < n; i++) {
    const src = rows[i];
    x.set(data.x.subarray(src * f, (src + 1) * f), i * f);
    if (labelled) y[i] = data.y[src];
    if (t) t.set(data.targets!.subarray(src * tc, (src + 1) * tc), i * tc);
  }
  return withRows(data, x, y, n, t);
}

/** `data`'s metadata (shape, classes, names) with other rows (`targets`: theirs, for a regression set). */
export function withRows(data: Dataset, x: Float32Array, y: Int32Array, n: number, targets?: Float32Array): Dataset {
  const out: Dataset = { x, y, n, shape: data.shape, features: data.features, classes: data.classes };
  const named = data.labelNames ? { ...out, labelNames: data.labelNames } : out;
  if (!data.targets) return named;
  const t = targets ?? (n === data.n ? data.targets : undefined);
  if (!t || t.length !== n * data.targetCount!) throw new Error('withRows: a regression set needs the rows\' targets');
  const reg: Dataset = { ...named, targets: t, targetCount: data.targetCount };
  return data.targetNames ? { ...reg, targetNames: data.targetNames } : reg;
}

/** Rows start…end of a regression set's targets (a view), or undefined for class labels. */
function targetRows(data: Dataset, start: number, end: number): Float32Array | undefined {
  const tc = data.targetCount ?? 0;
  return data.targets?.subarray(start * tc, end * tc);
}

/**
 * How many samples of each class go to validation: class c holds count[c] samples and gives
 * floor or ceil of fraction·count[c], so that the total is round(fraction·n) (largest remainders
 * first, ties to the lower class). A class always keeps at least one training sample, so a class
 * of 1 sample stays in training (the total is then a little short of fraction·n).
 */
export function validationQuota(counts: ArrayLike<number>, fraction: number): Int32Array {
  const k = counts.length;
  const quota = new Int32Array(k);
  let n = 0;
  let given = 0;
  const room: number[] = [];
  for (let c = 0; c < k; c++) {
    n += counts[c];
    const want = fraction * counts[c];
    // The epsilon keeps 0.29·100 = 28.999999999999996 from losing a sample to rounding.
    quota[c] = Math.min(Math.floor(want + 1e-9), Math.max(0, counts[c] - 1));
    given += quota[c];
    if (quota[c] < counts[c] - 1) room.push(c);
  }
  const remainder = (c: number): number => fraction * counts[c] - quota[c];
  room.sort((a, b) => remainder(b) - remainder(a) || a - b);
  let left = Math.round(fraction * n) - given;
  for (const c of room) {
    if (left <= 0) break;
    // Only a true remainder earns the extra sample: a class never gives more than ceil(share).
    if (remainder(c) <= 1e-9) break;
    quota[c]++;
    left--;
  }
  return quota;
}

/**
 * Splits off a held-out fraction, stratified and seeded: class c contributes its
 * `validationQuota` share, the samples chosen at random; both sides come out in a seeded random
 * order. Every sample lands on exactly one side. Returns copies, so the training rows are
 * contiguous and a batch can be gathered cheaply (splitValidationInPlace: the same without them).
 */
export function splitValidation(data: Dataset, fraction: number, rng: Rng): { train: Dataset; validation: Dataset } {
  const rows = splitRows(data, fraction, rng);
  return { train: pickRows(data, rows.train), validation: pickRows(data, rows.validation) };
}

/**
 * The split of splitValidation — the same rows on each side, in the same order — without a copy
 * of the data: `data`'s rows are reordered in place, the training rows first, then the held-out
 * rows, and the two sides are views of those parts. `data` belongs to the split afterwards (its
 * rows are no longer in their first order; split it again and the result differs).
 */
export function splitValidationInPlace(data: Dataset, fraction: number, rng: Rng): { train: Dataset; validation: Dataset } {
  const rows = splitRows(data, fraction, rng);
  const nTrain = rows.train.length;
  const order = new Int32Array(data.n);
  order.set(rows.train);
  order.set(rows.validation, nTrain);
  permuteRows(data, order);
  const f = data.features;
  const labelled = data.y.length > 0;
  return {
    train: withRows(data, data.x.subarray(0, nTrain * f), labelled ? data.y.subarray(0, nTrain) : data.y, nTrain, targetRows(data, 0, nTrain)),
    validation: withRows(data, data.x.subarray(nTrain * f, data.n * f), labelled ? data.y.subarray(nTrain, data.n) : data.y, data.n - nTrain, targetRows(data, nTrain, data.n)),
  };
}

/**
 * The rows of each side of the split of splitValidation, in their order there. A regression set
 * (no classes to stratify by) is split as one class: round(fraction·n) samples held out at random,
 * at least one kept for training.
 */
function splitRows(data: Dataset, fraction: number, rng: Rng): { train: Int32Array; validation: Int32Array } {
  const labelled = data.y.length > 0;
  const classOf = (i: number): number => (labelled ? data.y[i] : 0);
  let classes = Math.max(1, data.classes);
  for (let i = 0; i < data.n; i++) if (classOf(i) >= classes) classes = classOf(i) + 1;
  const counts = new Int32Array(classes);
  for (let i = 0; i < data.n; i++) counts[classOf(i)]++;
  const quota = fraction > 0 ? validationQuota(counts, fraction) : new Int32Array(classes);
  const order = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) order[i] = i;
  rng.shuffle(order);
  // Walking the shuffled order, the first quota[c] samples of class c are held out: a uniform
  // random choice within each class, and both sides keep the shuffled order.
  let nVal = 0;
  for (let c = 0; c < classes; c++) nVal += quota[c];
  const val = new Int32Array(nVal);
  const train = new Int32Array(data.n - nVal);
  const taken = new Int32Array(classes);
  let v = 0, t = 0;
  for (let i = 0; i < data.n; i++) {
    const s = order[i];
    const c = classOf(s);
    if (taken[c] < quota[c]) {
      taken[c]++;
      val[v++] = s;
    } else {
      train[t++] = s;
    }
  }
  return { train, validation: val };
}

/**
 * Reorders the rows of `data` in place so that row i becomes the former row order[i] (`order` a
 * permutation of 0…n−1): each cycle of the permutation is followed once, holding one row aside,
 * so the extra memory is a row and a byte per sample.
 */
export function permuteRows(data: Dataset, order: ArrayLike<number>): void {
  const { x, y, n, features: f } = data;
  const labelled = y.length > 0;
  const t = data.targets;
  const tc = data.targetCount ?? 0;
  const done = new Uint8Array(n);
  const row = new Float32Array(f);
  const targetRow = new Float32Array(tc);
  for (let start = 0; start < n; start++) {
    if (done[start]) continue;
    done[start] = 1;
    if (order[start] === start) continue;
    row.set(x.subarray(start * f, (start + 1) * f));
    if (t) targetRow.set(t.subarray(start * tc, (start + 1) * tc));
    const label = labelled ? y[start] : 0;
    let to = start;
    for (;;) {
      const from = order[to];
      if (from === start) {
        x.set(row, to * f);
        if (labelled) y[to] = label;
        if (t) t.set(targetRow, to * tc);
        break;
      }
      x.copyWithin(to * f, from * f, (from + 1) * f);
      if (labelled) y[to] = y[from];
      if (t) t.copyWithin(to * tc, from * tc, (from + 1) * tc);
      done[from] = 1;
      to = from;
    }
  }
}
