import * as l10n from '@vscode/l10n';
import type { ModelSpec } from '../model/spec';
import type { FinalMetrics, RunInfo, RunStatus } from '../training/protocol';
import type { StoreFiles } from '../platform/types';
import { parseHistory, queueLines, type HistoryLine, type RunHistory } from './history-file';

export type { HistoryDelta, HistoryLine, RunHistory } from './history-file';

/**
 * Kept runs, one folder per run under the store's root (StoreFiles: a folder on disk, or
 * workspace.fs in a browser):
 *   run.json      what the run was and how it ended (rewritten atomically: temp file, then rename)
 *   metrics.jsonl its history as the extension host keeps it (history.ts: bounded however long
 *                 the run, every step of a short one): what each progress message kept, appended;
 *                 rewritten atomically as one 'state' line when the history thins, so the file stays
 *                 a few MB however long the run trains
 *                 (a surface run's path too: its points, kept as the session keeps them)
 *   weights.bin   final weights, float32 little-endian, in the order of `weights` in run.json
 * A crash or reload loses at most the history not yet flushed (flushed at least every flushMs);
 * a run found as 'running' with nothing training it is marked 'interrupted', never dropped.
 * Writes are queued in the order they are asked for (callers need not wait for them); every read
 * waits for the writes asked for before it. No VS Code dependency.
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

export type StoredWeightValues = Array<{ name: string; shape: number[]; values: Float32Array }>;

const META = 'run.json';
const HISTORY = 'metrics.jsonl';
const WEIGHTS = 'weights.bin';
const RUN_ID = /^[A-Za-z0-9._-]+$/;
/** The queue key of a write that comes after every write queued before it (not a run id: it has a space). */
const STORE_WIDE = 'the store';

export class RunStore {
  /** History lines waiting to be appended, per run. */
  private readonly pending = new Map<string, HistoryLine[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Each run's last queued write: a run's writes happen one after another, in the order asked;
   * different runs' writes go on at the same time (on the web each is a few round trips through
   * workspace.fs, and a Tune keeps dozens of runs at once). Absent once a run's writes are done.
   */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(readonly files: StoreFiles, private readonly flushMs = 1000) {}

  /** A run's folder (relative to the root), its id checked at once. */
  private dir(runId: string): string {
    if (!RUN_ID.test(runId)) throw new Error(`run store: bad run id '${runId}'`);
    return runId;
  }

  /**
   * Runs a write after the writes queued before it for the same run (`key`; STORE_WIDE: after every
   * write queued so far); a failure is logged (the result is then undefined) and never stops the queue.
   */
  private queue<T>(what: string, key: string, write: () => Promise<T>): Promise<T | undefined> {
    // A run's write also waits for a store-wide one queued before it (which may touch that run).
    const before = key === STORE_WIDE ? this.settled() : Promise.all([this.chains.get(key), this.chains.get(STORE_WIDE)]);
    const done = before.then(write).catch((e: unknown) => {
      console.error(`TrainLens: could not ${what} ${key}:`, e);
      return undefined;
    });
    this.chains.set(key, done);
    void done.then(() => {
      if (this.chains.get(key) === done) this.chains.delete(key);
    });
    return done;
  }

  /** The writes queued so far for `runId` are done; without it, every write queued so far. */
  private async settled(runId?: string): Promise<void> {
    if (runId !== undefined) await this.chains.get(runId);
    else await Promise.all([...this.chains.values()]);
  }

  /** Every write asked for so far (the queued history lines included) is done, and any queued meanwhile. */
  async flushed(): Promise<void> {
    this.flush();
    while (this.chains.size > 0) await this.settled();
  }

  /** Records a new run (status 'running'). */
  create(run: Omit<StoredRun, 'version' | 'updated' | 'weights' | 'final' | 'error' | 'name' | 'status'> & { name?: string }): StoredRun {
    const stored: StoredRun = {
      version: 1, name: run.name ?? '', status: 'running', final: null, error: null, weights: [],
      ...run, updated: run.created,
    };
    const dir = this.dir(run.runId);
    void this.queue('keep the run', run.runId, async () => {
      await this.files.mkdir(dir);
      await this.writeMeta(stored);
    });
    return stored;
  }

  /**
   * Queues history lines; they are written within flushMs (or at flush()). Deltas that follow
   * on from one another are merged into one line.
   */
  append(runId: string, lines: readonly HistoryLine[]): void {
    if (lines.length === 0) return;
    const queue = this.pending.get(runId) ?? [];
    queueLines(queue, lines);
    this.pending.set(runId, queue);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Replaces a run's history with one 'state' line, atomically; what was queued for it is dropped (the state holds it). */
  replaceHistory(runId: string, state: Extract<HistoryLine, { t: 'state' }>): Promise<void> {
    this.pending.delete(runId);
    const file = `${this.dir(runId)}/${HISTORY}`;
    const text = JSON.stringify(state) + '\n';
    return this.queue('save the history of', runId, () => this.files.writeAtomic(file, text));
  }

  /** Queues the writing of every queued line now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [runId, lines] of this.pending) {
      const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      void this.queue('save the history of', runId, () => this.files.append(`${this.dir(runId)}/${HISTORY}`, text));
    }
    this.pending.clear();
  }

  /** Updates a run's record (status, final metrics, name, …) atomically; undefined when it is not kept. */
  update(runId: string, change: Partial<Omit<StoredRun, 'version' | 'runId'>>): Promise<StoredRun | undefined> {
    this.dir(runId);
    return this.queue('save the record of', runId, () => this.updateNow(runId, change));
  }

  /** Saves final weights (atomically) and lists them in run.json. */
  saveWeights(runId: string, weights: Readonly<StoredWeightValues>): Promise<void> {
    const total = weights.reduce((s, w) => s + w.values.length, 0);
    const data = new Float32Array(total);
    const index: StoredWeights[] = [];
    let offset = 0;
    for (const w of weights) {
      data.set(w.values, offset);
      index.push({ name: w.name, shape: w.shape, offset, length: w.values.length });
      offset += w.values.length;
    }
    const file = `${this.dir(runId)}/${WEIGHTS}`;
    return this.queue('save the weights of', runId, async () => {
      await this.files.writeAtomic(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      await this.updateNow(runId, { weights: index });
    });
  }

  async loadWeights(runId: string): Promise<StoredWeightValues> {
    const meta = await this.read(runId);
    if (!meta || meta.weights.length === 0) return [];
    const bytes = await this.files.read(`${this.dir(runId)}/${WEIGHTS}`);
    if (!bytes) throw new Error(`run store: the weights of ${runId} are missing`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return meta.weights.map((w) => ({ name: w.name, shape: w.shape, values: all.slice(w.offset, w.offset + w.length) }));
  }

  /** A run's record, or undefined when it is missing or unreadable. */
  async read(runId: string): Promise<StoredRun | undefined> {
    const dir = this.dir(runId);
    await this.settled(runId);
    return this.meta(runId, dir);
  }

  /** Every readable run, newest first. */
  async list(): Promise<StoredRun[]> {
    await this.settled();
    return this.listNow();
  }

  private async listNow(): Promise<StoredRun[]> {
    let names: string[];
    try {
      names = await this.files.list('');
    } catch {
      return [];
    }
    const runs = await Promise.all(names.filter((n) => RUN_ID.test(n)).map((n) => this.meta(n, n)));
    return runs.filter((r): r is StoredRun => r !== undefined).sort((a, b) => b.created - a.created);
  }

  /** A run's history; a torn last line (a crash mid-append) is skipped and counted. */
  async history(runId: string): Promise<RunHistory> {
    const dir = this.dir(runId);
    if (this.pending.has(runId)) this.flush();
    await this.settled(runId);
    let text: string | undefined;
    try {
      const bytes = await this.files.read(`${dir}/${HISTORY}`);
      text = bytes && new TextDecoder().decode(bytes);
    } catch {
      text = undefined;
    }
    return parseHistory(text);
  }

  /**
   * Marks runs recorded as running that nothing is training now (a reload or crash) as
   * interrupted; queued as one write, so reads asked for after it see them marked.
   */
  async markInterrupted(live: ReadonlySet<string>): Promise<StoredRun[]> {
    const changed = await this.queue('mark interrupted runs in', STORE_WIDE, async () => {
      const marked: StoredRun[] = [];
      for (const r of await this.listNow()) {
        if (r.status !== 'running' || live.has(r.runId)) continue;
        const next = await this.updateNow(r.runId, { status: 'interrupted', error: r.error ?? interruptedMessage() });
        if (next) marked.push(next);
      }
      return marked;
    });
    return changed ?? [];
  }

  delete(runId: string): Promise<void> {
    this.pending.delete(runId);
    const dir = this.dir(runId);
    return this.queue('delete', runId, () => this.files.remove(dir));
  }

  /** Bytes on disk of one run. */
  async size(runId: string): Promise<number> {
    const dir = this.dir(runId);
    await this.settled(runId);
    try {
      return await this.files.size(dir);
    } catch {
      return 0; // gone
    }
  }

  /**
   * Runs to delete, oldest first, to bring the store under `capBytes` (running runs are never
   * candidates). Nothing is deleted here: the caller asks the user first.
   */
  async pruneCandidates(capBytes: number): Promise<{ total: number; runs: Array<{ run: StoredRun; bytes: number }> }> {
    const all = await Promise.all((await this.list()).map(async (run) => ({ run, bytes: await this.size(run.runId) })));
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

  /** Queues what is left to write (flushed() says when it is written). */
  dispose(): void {
    this.flush();
  }

  /** Reads a record without waiting for the queue (inside a queued write, or after waiting). */
  private async meta(runId: string, dir: string): Promise<StoredRun | undefined> {
    try {
      const bytes = await this.files.read(`${dir}/${META}`);
      if (!bytes) return undefined;
      const meta = JSON.parse(new TextDecoder().decode(bytes)) as StoredRun;
      return meta.version === 1 && meta.runId === runId ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  private async updateNow(runId: string, change: Partial<Omit<StoredRun, 'version' | 'runId'>>): Promise<StoredRun | undefined> {
    const current = await this.meta(runId, this.dir(runId));
    if (!current) return undefined;
    const next: StoredRun = { ...current, ...change, updated: Date.now() };
    await this.writeMeta(next);
    return next;
  }

  private writeMeta(run: StoredRun): Promise<void> {
    return this.files.writeAtomic(`${this.dir(run.runId)}/${META}`, JSON.stringify(run, null, 1));
  }
}

/** Why a run is kept as interrupted. */
export function interruptedMessage(): string {
  return l10n.t('Training was interrupted (VS Code closed or reloaded while it ran).');
}
