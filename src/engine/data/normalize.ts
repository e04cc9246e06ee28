import type { Normalize } from '../../model/spec';
import { withRows, type Dataset } from './dataset';

/** Per feature, x′ = (x − offset) / scale. */
export interface Normalization {
  mode: Normalize;
  offset: Float64Array;
  scale: Float64Array;
}

/**
 * The per-feature statistics of `train` (never of validation data, which would leak it):
 * - standard: offset = mean, scale = population std (divide by n); a constant column gets scale 1;
 * - minmax: offset = min, scale = max − min, so training values land in [0, 1]; a constant column
 *   gets scale 1, so its training values become 0;
 * - none: offset 0, scale 1.
 * Computed in double precision. An empty set gives offset 0, scale 1.
 */
export function normalizationOf(train: Dataset, mode: Normalize): Normalization {
  const f = train.features;
  const n = train.n;
  const offset = new Float64Array(f);
  const scale = new Float64Array(f).fill(1);
  if (mode === 'none' || n === 0) return { mode, offset, scale };
  const x = train.x;
  if (mode === 'standard') {
    for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) offset[k] += x[i * f + k];
    for (let k = 0; k < f; k++) offset[k] /= n;
    const ss = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < f; k++) {
        const d = x[i * f + k] - offset[k];
        ss[k] += d * d;
      }
    }
    for (let k = 0; k < f; k++) {
      const std = Math.sqrt(ss[k] / n);
      scale[k] = std > 0 ? std : 1;
    }
  } else {
    const max = new Float64Array(f).fill(-Infinity);
    offset.fill(Infinity);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < f; k++) {
        const v = x[i * f + k];
        if (v < offset[k]) offset[k] = v;
        if (v > max[k]) max[k] = v;
      }
    }
    for (let k = 0; k < f; k++) scale[k] = max[k] > offset[k] ? max[k] - offset[k] : 1;
  }
  return { mode, offset, scale };
}

/** A copy of `data` normalized with `norm`; `inPlace`: `data` itself, its values rewritten. */
export function applyNormalization(data: Dataset, norm: Normalization, inPlace = false): Dataset {
  if (norm.mode === 'none') return data;
  const f = data.features;
  const x = inPlace ? data.x : new Float32Array(data.n * f);
  for (let i = 0; i < data.n; i++) {
    for (let k = 0; k < f; k++) x[i * f + k] = (data.x[i * f + k] - norm.offset[k]) / norm.scale[k];
  }
  return inPlace ? data : withRows(data, x, data.y, data.n);
}

/**
 * Normalizes both sides of a split with the training side's statistics (see normalizationOf);
 * returns new sets (the inputs are left as they are; `inPlace`: the inputs, their values
 * rewritten) and the statistics, which a model trained on them needs again at inference.
 */
export function normalize(train: Dataset, validation: Dataset, mode: Normalize, inPlace = false): { train: Dataset; validation: Dataset; normalization: Normalization } {
  const normalization = normalizationOf(train, mode);
  return { train: applyNormalization(train, normalization, inPlace), validation: applyNormalization(validation, normalization, inPlace), normalization };
}
