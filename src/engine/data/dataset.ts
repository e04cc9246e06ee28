import { Rng } from '../rng';
import type { Shape } from '../layers/layer';

/** A labelled classification set: x is (n, ...shape) row-major float32, y holds class indices. */
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
}

/** A dataset of the rows `rows` of `data`, in that order (copied, so the rows are contiguous). */
export function pickRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const n = rows.length;
  const f = data.features;
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = rows[i];
    x.set(data.x.subarray(src * f, (src + 1) * f), i * f);
    y[i] = data.y[src];
  }
  return withRows(data, x, y, n);
}

/** `data`'s metadata (shape, classes, names) with other rows. */
export function withRows(data: Dataset, x: Float32Array, y: Int32Array, n: number): Dataset {
  const out: Dataset = { x, y, n, shape: data.shape, features: data.features, classes: data.classes };
  return data.labelNames ? { ...out, labelNames: data.labelNames } : out;
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
  return {
    train: withRows(data, data.x.subarray(0, nTrain * f), data.y.subarray(0, nTrain), nTrain),
    validation: withRows(data, data.x.subarray(nTrain * f, data.n * f), data.y.subarray(nTrain, data.n), data.n - nTrain),
  };
}

/** The rows of each side of the split of splitValidation, in their order there. */
function splitRows(data: Dataset, fraction: number, rng: Rng): { train: Int32Array; validation: Int32Array } {
  let classes = data.classes;
  for (let i = 0; i < data.n; i++) if (data.y[i] >= classes) classes = data.y[i] + 1;
  const counts = new Int32Array(classes);
  for (let i = 0; i < data.n; i++) counts[data.y[i]]++;
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
    const c = data.y[s];
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
  const done = new Uint8Array(n);
  const row = new Float32Array(f);
  for (let start = 0; start < n; start++) {
    if (done[start]) continue;
    done[start] = 1;
    if (order[start] === start) continue;
    row.set(x.subarray(start * f, (start + 1) * f));
    const label = y[start];
    let to = start;
    for (;;) {
      const from = order[to];
      if (from === start) {
        x.set(row, to * f);
        y[to] = label;
        break;
      }
      x.copyWithin(to * f, from * f, (from + 1) * f);
      y[to] = y[from];
      done[from] = 1;
      to = from;
    }
  }
}
