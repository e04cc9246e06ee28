import * as l10n from '@vscode/l10n';
import { TrainingSession, type SessionEvent } from './session';
import type { ModelSpec } from '../model/spec';
import type { ExportedMessage, GradcheckMessage, InspectMessage, InspectTarget, L10nBundle, ModelCheck, ParamValues, VariantInfo } from './protocol';
import type { InspectResult, InspectWeights } from '../engine/inspect-types';
import { oneShotWorker } from './one-shot';
import { Listeners } from './listeners';
import type { ThreadBudget } from './thread-budget';
import type { WorkerLike, Workers } from '../platform/types';

export type GradcheckEvent = {
  type: 'gradcheck'; source: string; state: 'running' | 'done' | 'failed'; result: ModelCheck | null; error: string | null;
};
export type RunsEvent = SessionEvent | { type: 'created'; session: TrainingSession } | GradcheckEvent;

export interface RunManagerOptions {
  progressIntervalMs?: number;
  statsEvery?: number;
  statsMinMs?: number;
  /** The most a run's loaded samples may take as float32, read when each worker starts (a setting). */
  memoryLimit?: () => number;
  /** The strings of the display language, for what workers say (absent: English). */
  l10n?: () => L10nBundle | undefined;
  /** Training workers' JavaScript heap limit in MB (absent: Node's default). */
  workerHeapMB?: number;
  /**
   * The cores the runs divide between them for their kernel threads (absent: every run on one
   * thread). Helper threads come from workers.helpers (none there: every run on one thread).
   */
  threads?: ThreadBudget;
  /** Stop runs through shared memory or, false, through messages (default: workers.sharedMemory). */
  sharedControl?: boolean;
  /** After Stop, how long a worker may take to answer before it is terminated (default: the session's, 2 s). */
  stopGraceMs?: number;
}

/**
 * The host's runs: at most one active run per model file, each in its own worker, and the latest
 * run of each file kept for its panel. No VS Code dependency, so it is tested under plain Node too.
 */
export class RunManager {
  private readonly bySource = new Map<string, TrainingSession>();
  /** Running variants of comparisons, by run id. */
  private readonly variants = new Map<string, TrainingSession>();
  private readonly checks = new Map<string, ModelCheck>();
  private readonly listeners = new Listeners<RunsEvent>('runs');
  private counter = 0;
  /** The run started last. */
  latest: TrainingSession | undefined;

  constructor(private readonly workers: Workers, private readonly options: RunManagerOptions = {}) {}

  /** Logical cores of the machine (how many comparison variants or tune trials train at once). */
  get cores(): number {
    return this.workers.cores;
  }

  onEvent(listener: (e: RunsEvent) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  /** The latest run of a model file, running or not. */
  get(source: string): TrainingSession | undefined {
    return this.bySource.get(source);
  }

  /** The latest gradient check of a model file. */
  lastCheck(source: string): ModelCheck | undefined {
    return this.checks.get(source);
  }

  isRunning(source: string): boolean {
    return this.bySource.get(source)?.running ?? false;
  }

  /** Model files that are training now. */
  runningSources(): string[] {
    return [...this.bySource.entries()].filter(([, s]) => s.running).map(([k]) => k);
  }

  get anyRunning(): boolean {
    return [...this.bySource.values()].some((s) => s.running) || this.runningVariants().length > 0;
  }

  /** Starts a run; a model file that is already training keeps its run. */
  start(source: string, title: string, spec: ModelSpec, baseDir: string | null = null): TrainingSession {
    const current = this.bySource.get(source);
    if (current?.running) return current;
    return this.launch(source, title, spec, null, baseDir);
  }

  /**
   * Replaces the run of a model file with a fresh one (new weights), keeping the old one's curves
   * to draw faded beside it: what an init swap does.
   */
  restart(source: string, title: string, spec: ModelSpec, baseDir: string | null = null): TrainingSession {
    const current = this.bySource.get(source);
    current?.stop();
    return this.launch(source, title, spec, current ? current.asPrevious() : null, baseDir);
  }

  /**
   * Starts one variant of a comparison. Variants are kept apart from the file's own run (which
   * get(), Stop and the CodeLens act on), so a comparison and a plain run of the file coexist.
   * `gate`: the run pauses after every epoch but the last until resumed or stopped (tune trials).
   */
  startVariant(source: string, title: string, spec: ModelSpec, variant: VariantInfo, baseDir: string | null = null, gate = false): TrainingSession {
    const session = this.launch(source, title, spec, null, baseDir, variant, gate);
    const done = (): void => void this.variants.delete(session.runId);
    void session.finished.then(done, done);
    return session;
  }

  /** Variants of comparisons that are running now. */
  runningVariants(): TrainingSession[] {
    return [...this.variants.values()].filter((s) => s.running);
  }

  private launch(
    source: string, title: string, spec: ModelSpec, previous: TrainingSession['previous'], baseDir: string | null, variant?: VariantInfo,
    gate = false,
  ): TrainingSession {
    const runId = `run-${Date.now().toString(36)}-${++this.counter}`;
    const session = new TrainingSession(spec, {
      workers: this.workers, runId, source, title, previous, baseDir, variant,
      progressIntervalMs: this.options.progressIntervalMs, stopGraceMs: this.options.stopGraceMs, statsEvery: this.options.statsEvery, statsMinMs: this.options.statsMinMs,
      memoryLimit: this.options.memoryLimit?.(), l10n: this.options.l10n?.(), heapLimitMB: this.options.workerHeapMB, pauseEachEpoch: gate,
      sharedControl: this.options.sharedControl,
      // A surface run's steps are two numbers: no kernels, no share of the cores.
      ...(this.options.threads && this.workers.helpers && !spec.surface
        ? { threads: { budget: this.options.threads, helpers: this.workers.helpers } }
        : {}),
    });
    session.gradcheck = this.checks.get(source) ?? null;
    if (variant) {
      this.variants.set(runId, session);
    } else {
      this.bySource.set(source, session);
      this.latest = session;
    }
    session.onEvent((e) => this.emit(e));
    this.emit({ type: 'created', session });
    return session;
  }

  stop(source: string): boolean {
    const s = this.bySource.get(source);
    if (!s?.running) return false;
    s.stop();
    return true;
  }

  stopAll(): void {
    for (const s of this.bySource.values()) s.stop();
    for (const s of this.variants.values()) s.stop();
  }

  /** Gradient-checks a model in a worker of its own, so neither the host nor a run waits for it. */
  gradcheck(source: string, spec: ModelSpec, baseDir: string | null = null): Promise<ModelCheck> {
    const runId = `check-${++this.counter}`;
    this.emit({ type: 'gradcheck', source, state: 'running', result: null, error: null });
    const shot = oneShotWorker(this.startOneShot, { type: 'gradcheck', runId, spec, baseDir, memoryLimit: this.options.memoryLimit?.(), l10n: this.options.l10n?.() }, {
      accept: (m) => m.type === 'gradcheck',
      crashed: (e) => new Error(l10n.t('The gradient-check worker crashed: {0}', e.message)),
      exited: (code) => new Error(l10n.t('The gradient-check worker exited unexpectedly (code {0}).', String(code))),
    });
    return shot.answer.then((m) => {
      const result = (m as GradcheckMessage).result;
      this.checks.set(source, result);
      const s = this.bySource.get(source);
      if (s) s.gradcheck = result;
      this.emit({ type: 'gradcheck', source, state: 'done', result, error: null });
      return result;
    }, (e: Error) => {
      this.emit({ type: 'gradcheck', source, state: 'failed', result: null, error: e.message });
      throw e;
    });
  }

  /**
   * Exports a model to PyTorch in a worker of its own (the data is read there, never in the
   * host): the script, weights and data files, for the host to write. With `run`, that run's
   * weights. Resolves to the files; rejects with the export's one-line reason.
   */
  exportPyTorch(
    spec: ModelSpec, source: string, baseDir: string | null,
    run: { weights: ParamValues[]; steps: number; epochs: number } | null,
  ): Promise<ExportedMessage['files']> {
    const runId = `export-${++this.counter}`;
    const request = { type: 'export' as const, runId, spec, baseDir, source, run, memoryLimit: this.options.memoryLimit?.(), l10n: this.options.l10n?.() };
    const shot = oneShotWorker(this.startOneShot, request, {
      accept: (m) => m.type === 'exported',
      crashed: (e) => e,
      exited: (code) => new Error(l10n.t('The export worker exited unexpectedly (code {0}).', String(code))),
    });
    return shot.answer.then((m) => (m as ExportedMessage).files);
  }

  /**
   * One sample forward and backward in a worker of its own (the data is read there): with these
   * weights (a finished or kept run's), or as initialized from the seed (null). Rejects with the
   * worker's one-line reason (e.g. a sample out of range).
   */
  inspect(
    spec: ModelSpec, baseDir: string | null, target: InspectTarget,
    weights: { values: ParamValues[]; origin: InspectWeights; step: number } | null,
  ): Promise<InspectResult> {
    const runId = `inspect-${++this.counter}`;
    const request = {
      type: 'inspect' as const, runId, spec, baseDir, target, weights: weights?.values ?? null, origin: weights?.origin ?? 'initial' as const,
      step: weights?.step ?? 0, memoryLimit: this.options.memoryLimit?.(), l10n: this.options.l10n?.(),
    };
    const shot = oneShotWorker(this.startOneShot, request, {
      accept: (m) => m.type === 'inspect',
      crashed: (e) => new Error(l10n.t('The inspect worker crashed: {0}', e.message)),
      exited: (code) => new Error(l10n.t('The inspect worker exited unexpectedly (code {0}).', String(code))),
    });
    return shot.answer.then((m) => (m as InspectMessage).result);
  }

  /** A worker for one request (no heap limit: as before, only training workers have one). */
  private readonly startOneShot = (): WorkerLike => this.workers.start();

  private emit(e: RunsEvent): void {
    this.listeners.emit(e);
  }
}
