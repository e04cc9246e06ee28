import * as l10n from '@vscode/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelSpec } from '../model/spec';
import type { EpochMetrics, FinalMetrics, Marker, RunHistory as SeriesHistory, RunInfo, RunStatus, StatsPoint, SurfacePoint } from '../training/protocol';
import {
  Decimated, Ema, MAX_EPOCH_POINTS, MAX_LOSS_POINTS, MAX_STATS_POINTS, PATH_CAP, SMOOTHING, type LossPoint, type SeriesDelta, type SeriesState,
} from '../training/history';

/**
 * Kept runs on disk, one folder per run:
 *   run.json      what the run was and how it ended (rewritten atomically: temp file, then rename)
 *   metrics.jsonl its history as the extension host keeps it (history.ts: bounded however long
 *                 the run, every step of a short one): what each progress message kept, appended;
 *                 rewritten atomically as one 'state' line when the history thins, so the file stays
 *                 a few MB however long the run trains
 *                 (a surface run's path too: its points, kept as the session keeps them)
 *   weights.bin   final weights, float32 little-endian, in the order of `weights` in run.json
 * A crash or reload loses at most the history not yet flushed (flushed at least every second);
 * a run found as 'running' with nothing training it is marked 'interrupted', never dropped.
 * No VS Code dependency: the extension gives it a folder (workspace storage or a workspace folder).
 */

export type StoredStatus = RunStatus | 'interrupted';

export interface StoredWeights {
  name: string;
  shape: number[];
  /** Offset in floats into weights.bin. */
  offset: number;
  length: number;
}

export interface StoredRun {
  version: 1;
  runId: string;
  /** The user's name for it; '' until renamed. */
  name: string;
  /** Model file URI or path, as the run manager keys runs. */
  source: string;
  title: string;
  /** ms since the epoch */
  created: number;
  updated: number;
  status: StoredStatus;
  seed: number;
  spec: ModelSpec;
  info: RunInfo | null;
  final: FinalMetrics | null;
  error: string | null;
  weights: StoredWeights[];
}

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

const META = 'run.json';
const HISTORY = 'metrics.jsonl';
const WEIGHTS = 'weights.bin';
const RUN_ID = /^[A-Za-z0-9._-]+$/;

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export class RunStore {
  /** History lines waiting to be appended, per run. */
  private readonly pending = new Map<string, HistoryLine[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly root: string, private readonly flushMs = 1000) {}

  private dir(runId: string): string {
    if (!RUN_ID.test(runId)) throw new Error(`run store: bad run id '${runId}'`);
    return path.join(this.root, runId);
  }

  /** Records a new run (status 'running'). */
  create(run: Omit<StoredRun, 'version' | 'updated' | 'weights' | 'final' | 'error' | 'name' | 'status'> & { name?: string }): StoredRun {
    const stored: StoredRun = {
      version: 1, name: run.name ?? '', status: 'running', final: null, error: null, weights: [],
      ...run, updated: run.created,
    };
    fs.mkdirSync(this.dir(run.runId), { recursive: true });
    this.writeMeta(stored);
    return stored;
  }

  /**
   * Queues history lines; they reach the disk within flushMs (or at flush()). Deltas that follow
   * on from one another are merged into one line.
   */
  append(runId: string, lines: readonly HistoryLine[]): void {
    if (lines.length === 0) return;
    const queue = this.pending.get(runId) ?? [];
    for (const l of lines) {
      const last = queue[queue.length - 1];
      if (l.t === 'delta' && last?.t === 'delta' && follows(last, l)) mergeDelta(last, l);
      else queue.push(l.t === 'delta' ? copyDelta(l) : l);
    }
    this.pending.set(runId, queue);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Replaces a run's history with one 'state' line, atomically; what was queued for it is dropped (the state holds it). */
  replaceHistory(runId: string, state: Extract<HistoryLine, { t: 'state' }>): void {
    this.pending.delete(runId);
    try {
      writeAtomic(path.join(this.dir(runId), HISTORY), JSON.stringify(state) + '\n');
    } catch (e) {
      console.error(`TrainLens: could not save the history of ${runId}:`, e);
    }
  }

  /** Appends every queued line now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [runId, lines] of this.pending) {
      try {
        fs.appendFileSync(path.join(this.dir(runId), HISTORY), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      } catch (e) {
        console.error(`TrainLens: could not save the history of ${runId}:`, e);
      }
    }
    this.pending.clear();
  }

  /** Updates a run's record (status, final metrics, name, …) atomically. */
  update(runId: string, change: Partial<Omit<StoredRun, 'version' | 'runId'>>): StoredRun | undefined {
    const current = this.read(runId);
    if (!current) return undefined;
    const next: StoredRun = { ...current, ...change, updated: Date.now() };
    this.writeMeta(next);
    return next;
  }

  /** Saves final weights (atomically) and lists them in run.json. */
  saveWeights(runId: string, weights: ReadonlyArray<{ name: string; shape: number[]; values: Float32Array }>): void {
    const total = weights.reduce((s, w) => s + w.values.length, 0);
    const data = new Float32Array(total);
    const index: StoredWeights[] = [];
    let offset = 0;
    for (const w of weights) {
      data.set(w.values, offset);
      index.push({ name: w.name, shape: w.shape, offset, length: w.values.length });
      offset += w.values.length;
    }
    writeAtomic(path.join(this.dir(runId), WEIGHTS), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.update(runId, { weights: index });
  }

  loadWeights(runId: string): Array<{ name: string; shape: number[]; values: Float32Array }> {
    const meta = this.read(runId);
    if (!meta || meta.weights.length === 0) return [];
    const bytes = fs.readFileSync(path.join(this.dir(runId), WEIGHTS));
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return meta.weights.map((w) => ({ name: w.name, shape: w.shape, values: all.slice(w.offset, w.offset + w.length) }));
  }

  /** A run's record, or undefined when it is missing or unreadable. */
  read(runId: string): StoredRun | undefined {
    const file = path.join(this.dir(runId), META);
    try {
      const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun;
      return meta.version === 1 && meta.runId === runId ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every readable run, newest first. */
  list(): StoredRun[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return [];
    }
    const runs: StoredRun[] = [];
    for (const n of names) {
      if (!RUN_ID.test(n)) continue;
      const r = this.read(n);
      if (r) runs.push(r);
    }
    return runs.sort((a, b) => b.created - a.created);
  }

  /** A run's history; a torn last line (a crash mid-append) is skipped and counted. */
  history(runId: string): RunHistory {
    this.flushRun(runId);
    let loss = new Decimated<LossPoint>(MAX_LOSS_POINTS);
    let epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
    let stats = new Decimated<StatsPoint>(MAX_STATS_POINTS);
    let markers: Marker[] = [];
    let surfacePath: Decimated<SurfacePoint> | undefined;
    let skipped = 0;
    const ema = new Ema(SMOOTHING); // for losses kept before the history was bounded
    const result = (): RunHistory => ({
      loss: loss.state(), epochs: epochs.state(), stats: stats.state(), markers, skipped, ...(surfacePath ? { path: surfacePath.items.slice() } : {}),
    });
    let text = '';
    try {
      text = fs.readFileSync(path.join(this.dir(runId), HISTORY), 'utf8');
    } catch {
      return result();
    }
    // A delta that does not follow on (a line lost before it) is taken from where it starts.
    const apply = <T>(series: Decimated<T>, d: SeriesDelta<T>): void => {
      if (series.apply(d) !== null) return;
      skipped++;
      if (d.from > series.count) {
        series.count = d.from;
        series.apply(d);
      }
    };
    for (const line of text.split('\n')) {
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
    return result();
  }

  /** Marks runs recorded as running that nothing is training now (a reload or crash) as interrupted. */
  markInterrupted(live: ReadonlySet<string>): StoredRun[] {
    const changed: StoredRun[] = [];
    for (const r of this.list()) {
      if (r.status !== 'running' || live.has(r.runId)) continue;
      const next = this.update(r.runId, { status: 'interrupted', error: r.error ?? interruptedMessage() });
      if (next) changed.push(next);
    }
    return changed;
  }

  delete(runId: string): void {
    this.pending.delete(runId);
    fs.rmSync(this.dir(runId), { recursive: true, force: true });
  }

  /** Bytes on disk of one run. */
  size(runId: string): number {
    let total = 0;
    try {
      for (const f of fs.readdirSync(this.dir(runId))) total += fs.statSync(path.join(this.dir(runId), f)).size;
    } catch {
      // gone
    }
    return total;
  }

  /**
   * Runs to delete, oldest first, to bring the store under `capBytes` (running runs are never
   * candidates). Nothing is deleted here: the caller asks the user first.
   */
  pruneCandidates(capBytes: number): { total: number; runs: Array<{ run: StoredRun; bytes: number }> } {
    const all = this.list().map((run) => ({ run, bytes: this.size(run.runId) }));
    const total = all.reduce((s, r) => s + r.bytes, 0);
    const runs: Array<{ run: StoredRun; bytes: number }> = [];
    let excess = total - capBytes;
    for (const r of all.slice().reverse()) {
      if (excess <= 0) break;
      if (r.run.status === 'running') continue;
      runs.push(r);
      excess -= r.bytes;
    }
    return { total, runs };
  }

  dispose(): void {
    this.flush();
  }

  private flushRun(runId: string): void {
    if (this.pending.has(runId)) this.flush();
  }

  private writeMeta(run: StoredRun): void {
    writeAtomic(path.join(this.dir(run.runId), META), JSON.stringify(run, null, 1));
  }
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

/** Why a run is kept as interrupted. */
export function interruptedMessage(): string {
  return l10n.t('Training was interrupted (VS Code closed or reloaded while it ran).');
}
