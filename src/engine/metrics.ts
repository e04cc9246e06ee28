import type { FloatArray } from './tensor';

/** R² and RMSE of predictions over a set, as Trainer.evaluate reports them for regression. */
export interface RegressionScore {
  /**
   * Coefficient of determination, per target 1 − SS_res / SS_tot with SS_tot = Σ (t − mean t)²
   * over the set, then the plain mean over targets (sklearn's r2_score, multioutput
   * 'uniform_average'). A target constant over the set (SS_tot = 0) scores 1 when predicted
   * exactly and 0 otherwise, as sklearn does.
   */
  r2: number;
  /** √(Σ (prediction − t)² / (n·targets)): the square root of the mse data loss, in the targets' units. */
  rmse: number;
}

/** Each target's mean over n rows of targets (n, k) row-major, in float64. */
export function targetMeans(targets: ArrayLike<number>, n: number, k: number): Float64Array {
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mean[j] += targets[i * k + j];
  for (let j = 0; j < k; j++) mean[j] = n > 0 ? mean[j] / n : 0;
  return mean;
}

/**
 * Sums for R² and RMSE fed in chunks (float64): add() each chunk's predictions (rows, k) with the
 * rows of the targets they belong to, then score().
 */
export class RegressionSums {
  private readonly ssRes: Float64Array;
  private readonly ssTot: Float64Array;
  private rows = 0;

  constructor(private readonly k: number, private readonly mean: Float64Array) {
    this.ssRes = new Float64Array(k);
    this.ssTot = new Float64Array(k);
  }

  /** Predictions (n, k) for target rows offset … offset + n − 1. */
  add(predictions: FloatArray, targets: ArrayLike<number>, offset: number, n: number): void {
    const k = this.k;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const t = targets[(offset + i) * k + j];
        const r = predictions[i * k + j] - t;
        const d = t - this.mean[j];
        this.ssRes[j] += r * r;
        this.ssTot[j] += d * d;
      }
    }
    this.rows += n;
  }

  score(): RegressionScore {
    const k = this.k;
    if (this.rows === 0) return { r2: NaN, rmse: NaN };
    let r2 = 0;
    let res = 0;
    for (let j = 0; j < k; j++) {
      res += this.ssRes[j];
      r2 += this.ssTot[j] > 0 ? 1 - this.ssRes[j] / this.ssTot[j] : this.ssRes[j] === 0 ? 1 : 0;
    }
    return { r2: r2 / k, rmse: Math.sqrt(res / (this.rows * k)) };
  }
}

/** R² and RMSE of predictions (n, k) against targets (n, k) in one go. */
export function regressionScore(predictions: FloatArray, targets: ArrayLike<number>, n: number, k: number): RegressionScore {
  const sums = new RegressionSums(k, targetMeans(targets, n, k));
  sums.add(predictions, targets, 0, n);
  return sums.score();
}
