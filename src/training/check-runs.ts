import * as l10n from '@vscode/l10n';
import type { ModelSpec } from '../model/spec';
import type { L10nBundle, LrFindState, SanityState, WorkerToHost } from './protocol';
import type { LrPoint } from './lr-find';
import { oneShotWorker } from './one-shot';
import { Listeners } from './listeners';
import type { WorkerLike, Workers } from '../platform/types';

/**
 * The host's sanity checks and learning-rate range tests: each in a worker of its own (the host
 * never waits for one, and cancelling one terminates its worker), the latest state of each model
 * file kept for its panel. No VS Code dependency, so it is tested under plain Node too.
 */

export type CheckKind = 'sanity' | 'lrFind';

export type ChecksEvent =
  | { type: 'sanity'; source: string; state: SanityState }
  | { type: 'lrFind'; source: string; state: LrFindState }
  /** A step of a running range test (for progress). */
  | { type: 'lrPoint'; source: string; point: LrPoint; steps: number };

/** What a check's promise rejects with when it was cancelled (or replaced by a new one). */
export class CheckCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface CheckRunsOptions {
  /** The most a check's loaded samples may take as float32 (a setting), read as each worker starts. */
  memoryLimit?: () => number;
  /** The strings of the display language, for what workers say (absent: English). */
  l10n?: () => L10nBundle | undefined;
}

interface Running {
  worker: WorkerLike;
  cancel: () => void;
}

export class CheckRuns {
  private readonly sanityStates = new Map<string, SanityState>();
  private readonly lrStates = new Map<string, LrFindState>();
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Listeners<ChecksEvent>('checks');
  private counter = 0;

  constructor(private readonly workers: Workers, private readonly options: CheckRunsOptions = {}) {}

  onEvent(listener: (e: ChecksEvent) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  /** The latest sanity checks of a model file (running, done or failed). */
  sanityState(source: string): SanityState | undefined {
    return this.sanityStates.get(source);
  }

  /** The latest range test of a model file. */
  lrFindState(source: string): LrFindState | undefined {
    return this.lrStates.get(source);
  }

  isRunning(kind: CheckKind, source: string): boolean {
    return this.running.has(`${kind} ${source}`);
  }

  /** Runs the sanity checks; a check of the same file that is still running is cancelled first. */
  async sanity(source: string, spec: ModelSpec, baseDir: string | null): Promise<SanityState> {
    const previous = this.sanityStates.get(source);
    const running = this.setSanity(source, { state: 'running', report: previous?.report ?? null, error: null, ms: null });
    try {
      const m = await this.run('sanity', source, spec, baseDir);
      if (m.type !== 'sanity') throw new Error(`unexpected ${m.type}`);
      return this.setSanity(source, { state: 'done', report: m.report, error: null, ms: m.ms });
    } catch (e) {
      // A check that a newer one replaced leaves the state to the newer one.
      if (this.sanityStates.get(source) === running) {
        this.setSanity(source, failedState(e, previous?.state === 'done' ? previous : undefined, l10n.t('The sanity checks were cancelled.'), { report: null, ms: null }));
      }
      throw e;
    }
  }

  /** Runs the learning-rate range test, as sanity(). */
  async lrFind(source: string, spec: ModelSpec, baseDir: string | null): Promise<LrFindState> {
    const previous = this.lrStates.get(source);
    const lr = spec.optimizer.lr;
    const running = this.setLr(source, { state: 'running', result: previous?.result ?? null, error: null, ms: null, lr });
    try {
      const m = await this.run('lrFind', source, spec, baseDir);
      if (m.type !== 'lrFind') throw new Error(`unexpected ${m.type}`);
      return this.setLr(source, { state: 'done', result: m.result, error: null, ms: m.ms, lr });
    } catch (e) {
      if (this.lrStates.get(source) === running) {
        this.setLr(source, failedState(e, previous?.state === 'done' ? previous : undefined, l10n.t('The learning-rate range test was cancelled.'), { result: null, ms: null, lr }));
      }
      throw e;
    }
  }

  /** Cancels a running check (its worker is terminated); false when none was running. */
  cancel(kind: CheckKind, source: string): boolean {
    const r = this.running.get(`${kind} ${source}`);
    r?.cancel();
    return r !== undefined;
  }

  /** Forgets a model file's results (its panel then shows none). */
  forget(source: string): void {
    this.sanityStates.delete(source);
    this.lrStates.delete(source);
  }

  dispose(): void {
    for (const r of [...this.running.values()]) r.cancel();
    this.listeners.clear();
  }

  private setSanity(source: string, state: SanityState): SanityState {
    this.sanityStates.set(source, state);
    this.emit({ type: 'sanity', source, state });
    return state;
  }

  private setLr(source: string, state: LrFindState): LrFindState {
    this.lrStates.set(source, state);
    this.emit({ type: 'lrFind', source, state });
    return state;
  }

  /** Starts a worker on one request; resolves with its answer, rejects with its error or CheckCancelled. */
  private run(kind: CheckKind, source: string, spec: ModelSpec, baseDir: string | null): Promise<WorkerToHost> {
    const key = `${kind} ${source}`;
    this.running.get(key)?.cancel();
    const runId = `${kind}-${++this.counter}`;
    const what = kind === 'sanity' ? l10n.t('The sanity-check worker') : l10n.t('The range-test worker');
    const shot = oneShotWorker(() => this.workers.start(), { type: kind, runId, spec, baseDir, memoryLimit: this.options.memoryLimit?.(), l10n: this.options.l10n?.() }, {
      accept: (m) => m.type === kind,
      onMessage: (m) => {
        if (m.type === 'lrPoint') this.emit({ type: 'lrPoint', source, point: m.point, steps: m.steps });
      },
      crashed: (e) => new Error(l10n.t('{0} crashed: {1}', what, e.message)),
      exited: (code) => new Error(l10n.t('{0} exited unexpectedly (code {1}).', what, String(code))),
      onSettled: () => {
        if (this.running.get(key)?.worker === shot.worker) this.running.delete(key);
      },
    });
    this.running.set(key, { worker: shot.worker, cancel: () => shot.cancel(new CheckCancelled()) });
    return shot.answer;
  }

  private emit(e: ChecksEvent): void {
    this.listeners.emit(e);
  }
}

/**
 * The state after a check ended without a result: cancelled, the previous result again when there
 * was one (else failed, saying so); failed with the error's message otherwise.
 */
function failedState<S extends { state: string; error: string | null }>(e: unknown, previous: S | undefined, cancelledText: string, empty: Omit<S, 'state' | 'error'>): S {
  if (e instanceof CheckCancelled && previous) return previous;
  const error = e instanceof CheckCancelled ? cancelledText : e instanceof Error ? e.message : String(e);
  return { ...empty, state: 'failed', error } as S;
}
