/**
 * Compare over seeds: each variant's runs (one per seed) drawn as their mean with a min–max band,
 * and their final figures as mean ± std (src/training/aggregate.ts does the arithmetic).
 */
import type { Point } from 'chart.js';
import type { FinalMetrics } from '../src/training/protocol';
import { aggregateSeries, finalSpread, groupRuns, type BandPoint, type FinalFigure, type Spread } from '../src/training/aggregate';
import type { HistorySeries } from './series';
import type { Series } from './charts';
import { withAlpha } from './theme';

/** A run as the seeds need it (an overlaid run of the store). */
export interface SeedRun extends HistorySeries {
  label: string;
  group?: string;
  status: string;
  final: FinalMetrics | null;
  error: string | null;
}

/** A curve over seeds: the mean, and the min and max that bound its band. */
export interface Band {
  mean: Point[];
  min: Point[];
  max: Point[];
}

export interface SeedGroup {
  /** The variant, e.g. "adam". */
  label: string;
  /** Seeds asked for. */
  seeds: number;
  runs: SeedRun[];
  /** The smoothed training loss per step (what the overlay draws for one run). */
  loss: Band;
  /** Held-out accuracy per epoch when every seed has a held-out set, else the training one. */
  acc: Band;
  r2: Band;
  rmse: Band;
  final: Record<FinalFigure, Spread | null>;
}

/** An aggregated curve as the three point lists a band draws. */
export function band(points: BandPoint[]): Band {
  return {
    mean: points.map((p) => ({ x: p.x, y: p.mean })),
    min: points.map((p) => ({ x: p.x, y: p.min })),
    max: points.map((p) => ({ x: p.x, y: p.max })),
  };
}

/** Runs whose history has the held-out series give it; any without (no held-out set) makes it the training one. */
function heldOutOr(runs: SeedRun[], held: (r: SeedRun) => Point[], train: (r: SeedRun) => Point[]): Point[][] {
  return runs.every((r) => held(r).length > 0) ? runs.map(held) : runs.map(train);
}

/** The overlaid runs grouped by variant, with their curves and final figures over seeds. */
export function seedGroups(runs: readonly SeedRun[], seeds: number): SeedGroup[] {
  return groupRuns(runs).map(({ label, runs: rs }) => ({
    label, seeds, runs: rs,
    loss: band(aggregateSeries(rs.map((r) => r.smooth))),
    acc: band(aggregateSeries(heldOutOr(rs, (r) => r.valAcc, (r) => r.trainAcc))),
    r2: band(aggregateSeries(heldOutOr(rs, (r) => r.valR2, (r) => r.trainR2))),
    rmse: band(aggregateSeries(rs.map((r) => r.valRmse))),
    final: finalSpread(rs.map((r) => r.final)),
  }));
}

/**
 * A band's three series: the mean (its legend entry), then min and max under the same label (so
 * the legend lists the variant once and a click hides all three), max filled down to min.
 */
export function bandSeries(label: string, b: Band, color: string, o: Partial<Series> = {}): Series[] {
  const edge = { label, color: withAlpha(color, 0), width: 0, own: false, yAxisID: o.yAxisID };
  return [
    { label, data: () => b.mean, color, width: 2, own: true, ...o },
    { ...edge, data: () => b.min, band: 'min' },
    { ...edge, data: () => b.max, band: 'max', fill: { target: '-1', color: withAlpha(color, 0.3) } },
  ];
}
