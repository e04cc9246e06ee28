import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelSpec } from '../model/spec';
import type { EpochMetrics, FinalMetrics, Marker, RunInfo, RunStatus, StatsPoint } from '../training/protocol';

/**
 * Kept runs on disk, one folder per run:
 *   run.json      what the run was and how it ended (rewritten atomically: temp file, then rename)
 *   metrics.jsonl its history, appended as it arrives (losses, epochs, statistics, markers)
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

/** One line of metrics.jsonl. */
export type HistoryLine =
  /** first: the 1-based step of v[0], as in progress messages */
  | { t: 'losses'; first: number; v: number[] }
  | { t: 'epoch'; v: EpochMetrics }
  | { t: 'stats'; v: StatsPoint }
  | { t: 'marker'; v: Marker };

export interface RunHistory {
  /** losses[i]: the training loss of step i + 1 */
  losses: number[];
  epochs: EpochMetrics[];
  stats: StatsPoint[];
  markers: Marker[];
  /** Lines that could not be read (a torn last line after a crash). */
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
  private readonly pending = new Map<string, string[]>();
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

  /** Queues history lines; they reach the disk within flushMs (or at flush()). */
  append(runId: string, lines: readonly HistoryLine[]): void {
    if (lines.length === 0) return;
    const queue = this.pending.get(runId) ?? [];
    for (const l of lines) queue.push(JSON.stringify(l));
    this.pending.set(runId, queue);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Appends every queued line now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [runId, lines] of this.pending) {
      try {
        fs.appendFileSync(path.join(this.dir(runId), HISTORY), lines.join('\n') + '\n');
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
    const h: RunHistory = { losses: [], epochs: [], stats: [], markers: [], skipped: 0 };
    let text = '';
    try {
      text = fs.readFileSync(path.join(this.dir(runId), HISTORY), 'utf8');
    } catch {
      return h;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let l: HistoryLine;
      try {
        l = JSON.parse(line) as HistoryLine;
      } catch {
        h.skipped++;
        continue;
      }
      switch (l.t) {
        case 'losses':
          for (let i = 0; i < l.v.length; i++) h.losses[l.first - 1 + i] = l.v[i];
          break;
        case 'epoch': h.epochs.push(l.v); break;
        case 'stats': h.stats.push(l.v); break;
        case 'marker': h.markers.push(l.v); break;
        default: h.skipped++;
      }
    }
    return h;
  }

  /** Marks runs recorded as running that nothing is training now (a reload or crash) as interrupted. */
  markInterrupted(live: ReadonlySet<string>): StoredRun[] {
    const changed: StoredRun[] = [];
    for (const r of this.list()) {
      if (r.status !== 'running' || live.has(r.runId)) continue;
      const next = this.update(r.runId, { status: 'interrupted', error: r.error ?? 'Training was interrupted (VS Code closed or reloaded while it ran).' });
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
