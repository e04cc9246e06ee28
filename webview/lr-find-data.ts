/** What the learning-rate finder's chart draws, from the range test's result. No DOM. */
import type { LrFindResult } from '../src/training/lr-find';

export interface XY {
  x: number;
  y: number;
}

export interface LrCurves {
  /** The loss of each step against its lr (non-finite losses as NaN: a gap). */
  raw: XY[];
  /**
   * The smoothed curve the suggestion is read from: the centred (zero-lag) loss over the points
   * before the stop, or, for a result kept from before it existed, the live EMA.
   */
  smoothed: XY[];
  /** The y axis's top: 10 % above the highest smoothed value and the first loss. */
  top: number;
  /** The y axis's bottom: 0 unless a loss is negative. */
  bottom: number;
  /** Raw losses above `top` (or not finite), drawn off the chart. */
  clipped: number;
}

const finite = (y: number): number => (Number.isFinite(y) ? y : NaN);

export function lrCurves(r: Pick<LrFindResult, 'points' | 'stoppedAt'> & { centred?: number[] }): LrCurves {
  const raw = r.points.map((p) => ({ x: p.lr, y: finite(p.loss) }));
  const before = r.stoppedAt === null ? r.points : r.points.slice(0, r.stoppedAt);
  const centred = r.centred && r.centred.length > 0 ? r.centred : undefined;
  const smoothed = centred
    ? centred.map((y, k) => ({ x: r.points[k].lr, y: finite(y) }))
    : before.map((p) => ({ x: p.lr, y: finite(p.smoothed) }));
  const values = [...smoothed.map((p) => p.y), raw[0]?.y ?? NaN].filter(Number.isFinite);
  const high = values.length > 0 ? Math.max(...values) : 1;
  const low = Math.min(0, ...raw.map((p) => p.y).filter(Number.isFinite));
  const top = high > 0 ? high * 1.1 : high + 1;
  return { raw, smoothed, top, bottom: low, clipped: raw.filter((p) => !(p.y <= top)).length };
}
