import type { Decimated, LossPoint } from './history';
import type { EpochMetrics, PanelProgress, StatsPoint } from './protocol';

/**
 * A run's model as the extension host keeps it and the panel mirrors it. Both apply a progress
 * message to it with the one function below, so they cannot drift apart: the host builds the
 * message from what its bounded history keeps (Decimated.keptOf), applies it to its own run, and forwards
 * the same message to the panel, which applies it to its mirror.
 */

/** The three bounded series of a run's history (history.ts). */
export interface RunSeries {
  loss: Decimated<LossPoint>;
  epochs: Decimated<EpochMetrics>;
  stats: Decimated<StatsPoint>;
}

/** What else a progress message updates: the newest figures of the run, named as the message names them. */
export type LiveRun = Pick<PanelProgress, 'latestStats' | 'lastLoss' | 'markers' | 'boundary' | 'filters' | 'step' | 'paused' | 'samplesPerSec'>;

/**
 * Applies a progress message to a run. Returns whether the history thinned (a copy written whole,
 * such as the run store's file, must be rewritten), or null when the message does not follow on
 * from what the run holds (nothing is changed: ask for the whole run again).
 */
export function applyProgress(series: RunSeries, run: LiveRun, p: PanelProgress): boolean | null {
  if (p.loss.from !== series.loss.count || p.epochs.from !== series.epochs.count || p.stats.from !== series.stats.count) return null;
  const thinned = [series.loss.apply(p.loss), series.epochs.apply(p.epochs), series.stats.apply(p.stats)].some((t) => t === true);
  if (p.latestStats) run.latestStats = p.latestStats;
  if (p.lastLoss !== null) run.lastLoss = p.lastLoss;
  for (const k of p.markers) run.markers.push(k);
  if (p.boundary) run.boundary = p.boundary;
  if (p.filters) run.filters = p.filters;
  run.step = p.step;
  run.paused = p.paused;
  run.samplesPerSec = p.samplesPerSec;
  return thinned;
}
