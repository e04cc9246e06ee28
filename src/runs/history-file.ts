import type { EpochMetrics, Marker, RunHistory as SeriesHistory, StatsPoint, SurfacePoint } from '../training/protocol';
import {
  Decimated, Ema, MAX_EPOCH_POINTS, MAX_LOSS_POINTS, MAX_STATS_POINTS, PATH_CAP, SMOOTHING, type LossPoint, type SeriesDelta, type SeriesState,
} from '../training/history';

/** A kept run's metrics.jsonl: its lines, how queued lines merge, and how the file reads back. */

/** What a progress message added to a run's bounded history (see SeriesDelta). */
export interface HistoryDelta {
  t: 'delta';
  loss: SeriesDelta<LossPoint>;
  epochs: SeriesDelta<EpochMetrics>;
  stats: SeriesDelta<StatsPoint>;
  /** A surface run: what its path kept (absent for networks, and in messages without a step). */
  path?: SeriesDelta<SurfacePoint>;
}

/** One line of metrics.jsonl. */
export type HistoryLine =
  | HistoryDelta
  /** The whole history: the first line of a file rewritten when the history thinned. */
  | { t: 'state'; loss: SeriesState<LossPoint>; epochs: SeriesState<EpochMetrics>; stats: SeriesState<StatsPoint>; markers: Marker[]; path?: SeriesState<SurfacePoint> }
  | { t: 'marker'; v: Marker }
  // Lines of runs kept before the history was bounded: still read.
  /** first: the 1-based step of v[0] */
  | { t: 'losses'; first: number; v: number[] }
  | { t: 'epoch'; v: EpochMetrics }
  | { t: 'stats'; v: StatsPoint };

/** A kept run's history: as the panel draws it, with its markers. */
export interface RunHistory extends SeriesHistory {
  markers: Marker[];
  /** A surface run: its path (thinned evenly past MAX_PATH_POINTS); absent for networks. */
  path?: SurfacePoint[];
  /** Lines that could not be read (a torn last line after a crash), or that did not follow on. */
  skipped: number;
}

/** Adds lines to a queue of lines not yet written: deltas that follow on from one another are merged into one. */
export function queueLines(queue: HistoryLine[], lines: readonly HistoryLine[]): void {
  for (const l of lines) {
    const last = queue[queue.length - 1];
    if (l.t === 'delta' && last?.t === 'delta' && follows(last, l)) mergeDelta(last, l);
    else queue.push(l.t === 'delta' ? copyDelta(l) : l);
  }
}

/** A history file's text (undefined: no file); a torn line (a crash mid-append) is skipped and counted. */
export function parseHistory(text: string | undefined): RunHistory {
  let loss = new Decimated<LossPoint>(MAX_LOSS_POINTS);
  let epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  let stats = new Decimated<StatsPoint>(MAX_STATS_POINTS);
  let markers: Marker[] = [];
  let surfacePath: Decimated<SurfacePoint> | undefined;
  let skipped = 0;
  const ema = new Ema(SMOOTHING); // for losses kept before the history was bounded
  // A delta that does not follow on (a line lost before it) is taken from where it starts.
  const apply = <T>(series: Decimated<T>, d: SeriesDelta<T>): void => {
    if (series.apply(d) !== null) return;
    skipped++;
    if (d.from > series.count) {
      series.count = d.from;
      series.apply(d);
    }
  };
  for (const line of (text ?? '').split('\n')) {
    if (!line) continue;
    let l: HistoryLine;
    try {
      l = JSON.parse(line) as HistoryLine;
    } catch {
      skipped++;
      continue;
    }
    switch (l.t) {
      case 'state':
        loss = new Decimated(MAX_LOSS_POINTS, l.loss);
        epochs = new Decimated(MAX_EPOCH_POINTS, l.epochs);
        stats = new Decimated(MAX_STATS_POINTS, l.stats);
        markers = l.markers.slice();
        surfacePath = l.path ? new Decimated(PATH_CAP, l.path) : undefined;
        break;
      case 'delta':
        apply(loss, l.loss);
        apply(epochs, l.epochs);
        apply(stats, l.stats);
        if (l.path) apply(surfacePath ??= new Decimated<SurfacePoint>(PATH_CAP), l.path);
        break;
      case 'marker': markers.push(l.v); break;
      case 'losses':
        // A hole (a torn line of the old format) is a step without a loss.
        while (loss.count < l.first - 1) loss.push([NaN, NaN]);
        for (const v of l.v) loss.push([v, ema.push(v)]);
        break;
      case 'epoch': epochs.push(l.v); break;
      case 'stats': stats.push(l.v); break;
      default: skipped++;
    }
  }
  return { loss: loss.state(), epochs: epochs.state(), stats: stats.state(), markers, skipped, ...(surfacePath ? { path: surfacePath.items.slice() } : {}) };
}

function follows(a: HistoryDelta, b: HistoryDelta): boolean {
  return b.loss.from === a.loss.count && b.epochs.from === a.epochs.count && b.stats.from === a.stats.count &&
    (!a.path || !b.path || b.path.from === a.path.count);
}

function copySeries<T>(x: SeriesDelta<T>): SeriesDelta<T> {
  return { from: x.from, items: x.items.slice(), count: x.count };
}

function copyDelta(d: HistoryDelta): HistoryDelta {
  return { t: 'delta', loss: copySeries(d.loss), epochs: copySeries(d.epochs), stats: copySeries(d.stats), ...(d.path ? { path: copySeries(d.path) } : {}) };
}

/** Appends delta b (which follows on from a) to a. */
function mergeDelta(a: HistoryDelta, b: HistoryDelta): void {
  const m = <T>(x: SeriesDelta<T>, y: SeriesDelta<T>): void => {
    x.items.push(...y.items);
    x.count = y.count;
  };
  m(a.loss, b.loss);
  m(a.epochs, b.epochs);
  m(a.stats, b.stats);
  if (b.path) {
    if (a.path) m(a.path, b.path);
    else a.path = copySeries(b.path);
  }
}
