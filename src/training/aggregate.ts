/**
 * A variant of a comparison trained over several seeds, summarized (pure: no vscode, no Node; the
 * panel's browser code uses it too).
 *
 * Curves: per x (a step for the loss, an epoch for accuracy), the mean, min and max over the seeds,
 * taken only at the x where every seed has a finite point. Runs that are still training, a history
 * thinned at another stride or a point left out (a non-finite loss, a log figure ≤ 0) leave a gap
 * there rather than a mean over fewer seeds.
 *
 * Final figures: the mean and the sample standard deviation (n − 1 in the denominator) over the
 * seeds that have the figure; no deviation from a single value.
 */
import type { FinalMetrics } from './protocol';

/** A chart point; one whose x or y is null or not finite is a gap. */
export interface XY {
  x: number | null;
  y: number | null;
}

/** Mean, min and max of the seeds at one x. */
export interface BandPoint {
  x: number;
  mean: number;
  min: number;
  max: number;
}

/** The mean, min and max at each x that every series has, in increasing x. */
export function aggregateSeries(series: ReadonlyArray<ReadonlyArray<XY>>): BandPoint[] {
  if (series.length === 0) return [];
  const maps = series.map((s) => {
    const m = new Map<number, number>();
    for (const { x, y } of s) if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) m.set(x, y);
    return m;
  });
  const out: BandPoint[] = [];
  for (const [x, first] of maps[0]) {
    let sum = first;
    let min = first;
    let max = first;
    let all = true;
    for (let i = 1; i < maps.length; i++) {
      const y = maps[i].get(x);
      if (y === undefined) {
        all = false;
        break;
      }
      sum += y;
      if (y < min) min = y;
      if (y > max) max = y;
    }
    if (all) out.push({ x, mean: sum / maps.length, min, max });
  }
  return out.sort((a, b) => a.x - b.x);
}

/** A figure over seeds: how many had it, their mean, the sample std (null for fewer than two), min and max. */
export interface Spread {
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
}

/** The spread of the finite values among `values` (null and NaN left out); null when none is. */
export function spread(values: ReadonlyArray<number | null | undefined>): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  // Two passes: the squared deviations from the mean, not E[x²] − E[x]², which cancels badly.
  const std = n < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1));
  return { n, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

/** The final figures the result table gives per variant. */
export const FINAL_FIGURES = ['loss', 'valLoss', 'trainAcc', 'valAcc', 'trainR2', 'valR2', 'valRmse'] as const;
export type FinalFigure = typeof FINAL_FIGURES[number];

/** Each final figure's spread over the runs that ended with final metrics (a failed or stopped-early run has none). */
export function finalSpread(finals: ReadonlyArray<FinalMetrics | null>): Record<FinalFigure, Spread | null> {
  const ended = finals.filter((f): f is FinalMetrics => f !== null);
  const out = {} as Record<FinalFigure, Spread | null>;
  for (const k of FINAL_FIGURES) out[k] = spread(ended.map((f) => f[k]));
  return out;
}

/** Runs that share a group (a variant's seeds), in the order their groups first appear. */
export function groupRuns<T extends { group?: string; label: string }>(runs: readonly T[]): Array<{ label: string; runs: T[] }> {
  const groups = new Map<string, T[]>();
  for (const r of runs) {
    const key = r.group ?? r.label;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups].map(([label, rs]) => ({ label, runs: rs }));
}
