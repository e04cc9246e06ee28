import * as l10n from '@vscode/l10n';
import type { ModelSpec, OptimizerSpec } from '../model/spec';
import type { Finding } from './doctor-types';
import { DEFAULT_STATS_EVERY } from '../engine/stats';
import type { Divergence } from '../engine/trainer';
import { Decimated, LossHistory, MAX_EPOCH_POINTS, MAX_STATS_POINTS, PATH_CAP, type SeriesDelta } from './history';
import { applyProgress } from './progress';
import {
  CONTROL_STEP, CONTROL_STOP, CONTROL_WORDS, toStatsPoint, type BoundaryGrid, type EpochMetrics, type FinalMetrics, type HostToWorker, type Marker,
  type FilterImages, type L10nBundle, type ModelCheck, type PanelProgress, type ParamValues, type PreviousRun, type ProgressMessage, type RunInfo, type RunSnapshot,
  type RunStatus, type StartMessage, type StatsPoint, type StepStats, type VariantInfo, type WorkerToHost,
  type InspectTarget, type MistakesFrame, type SampleImages, type SurfacePoint,
} from './protocol';
import type { InspectResult } from '../engine/inspect-types';
import type { WeightTrajectory } from '../engine/landscape/types';
import { Listeners } from './listeners';
import { RunThreads, type RunThreadsOptions } from './session-threads';
import type { WorkerLike, Workers } from '../platform/types';

export interface SessionOptions {
  /** How the run's worker is started (Node: a worker thread; web: a Web Worker). */
  workers: Workers;
  runId: string;
  source: string;
  title: string;
  progressIntervalMs?: number;
  /** Statistics every this many steps (default DEFAULT_STATS_EVERY), at most every statsMinMs. */
  statsEvery?: number;
  statsMinMs?: number;
  /** After stop(), how long the worker may take to finish its step before it is terminated. */
  stopGraceMs?: number;
  /** What this run replaces, drawn faded beside it (after an init swap). */
  previous?: PreviousRun | null;
  /** The model file's folder, for data paths. */
  baseDir?: string | null;
  /** Set for a variant of a comparison. */
  variant?: VariantInfo;
  /** The most the loaded samples may take as float32 (default 2 GiB). */
  memoryLimit?: number;
  /** The strings of the display language, for what the worker says (absent: English). */
  l10n?: L10nBundle;
  /** The worker's JavaScript heap limit in MB, where the platform sets one (absent: Node's default for the machine). */
  heapLimitMB?: number;
  /** Pause at the end of every epoch but the last until resumed or stopped (a tune trial's gate). */
  pauseEachEpoch?: boolean;
  /** Kernel threads: the budget the run takes its share of the cores from (absent: one thread). */
  threads?: RunThreadsOptions;
  /**
   * Stop through a SharedArrayBuffer the worker reads at every step (default: workers.sharedMemory);
   * false: through a 'stop' message, as where there is no shared memory (the worker then reads its
   * queue after every step).
   */
  sharedControl?: boolean;
}

export type SessionEvent =
  | { type: 'started'; session: TrainingSession }
  | {
    type: 'progress'; session: TrainingSession;
    /**
     * What the session's bounded history kept of the worker's message, as the session applied it
     * to itself (progress.ts): the panel and the run store mirror the run by applying the same.
     */
    progress: PanelProgress;
    /** Whether it thinned the history (a mirror written whole, the run store's file, is rewritten). */
    thinned: boolean;
    /** A surface run: what the path kept of the message's points (progress.path holds its items). */
    path?: SeriesDelta<SurfacePoint>;
  }
  | { type: 'status'; session: TrainingSession }
  /** The training doctor's findings changed (session.findings). */
  | { type: 'findings'; session: TrainingSession }
  /** The followed sample, inspected with the run's weights now (see follow()). */
  | { type: 'inspect'; session: TrainingSession; result: InspectResult };

export function describeInit(spec: ModelSpec): string {
  return spec.init.type === 'normal' || spec.init.type === 'uniform' ? `${spec.init.type}(${spec.init.std})` : spec.init.type;
}

/**
 * One training run, seen from the extension host: owns the worker thread and keeps the history it
 * has received, bounded (history.ts), so a panel that opens late is refilled at once however long
 * the run. The run store keeps the same history on disk.
 */
export class TrainingSession {
  readonly info: RunInfo;
  status: RunStatus = 'running';
  paused = false;
  readonly loss = new LossHistory();
  readonly epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  readonly stats = new Decimated<StatsPoint>(MAX_STATS_POINTS);
  /** A surface run: the point after each step (step 0: the start), thinned evenly past MAX_PATH_POINTS. */
  readonly path = new Decimated<SurfacePoint>(PATH_CAP);
  latestStats: StepStats | null = null;
  /** The newest step's loss. */
  lastLoss: number | null = null;
  readonly markers: Marker[] = [];
  boundary: BoundaryGrid | null = null;
  filters: FilterImages | null = null;
  step = 0;
  epoch = 0;
  samplesPerSec = 0;
  final: FinalMetrics | null = null;
  error: string | null = null;
  gradcheck: ModelCheck | null = null;
  /** The training doctor's findings so far (all of them; the last message's). */
  findings: Finding[] = [];
  /** The newest epoch's held-out mistakes (classification with a held-out set). */
  mistakes: MistakesFrame | null = null;
  /** Image data with a held-out set: the held-out samples to pick one to inspect (from 'started'). */
  gallery: SampleImages | null = null;
  /** The sample the worker follows (follow()), or null. */
  following: InspectTarget | null = null;
  /**
   * Steps the worker had taken when stop() was called (read from the worker's own counter, not
   * from progress, which lags; without shared control, from the worker's answer to the stop
   * message); null before a stop.
   */
  stepAtStop: number | null = null;
  /** Where and at which learning rate training went non-finite, when it did. */
  divergence: (Divergence & { lr: number }) | null = null;
  /** The weights at the end of the run (after 'done'). */
  finalWeights: ParamValues[] | null = null;
  /** The weights a finished network run visited (after 'done'), for the loss landscape; null for surfaces and before the end. */
  trajectory: WeightTrajectory | null = null;
  readonly previous: PreviousRun | null;
  readonly finished: Promise<TrainingSession>;

  private readonly worker: WorkerLike;
  /** The control words shared with the worker; null without shared control (Stop is then a message). */
  private readonly control: Int32Array | null;
  /** The run's kernel helper threads (absent: one thread). */
  readonly threads: RunThreads | undefined;
  private readonly listeners = new Listeners<SessionEvent>('run');
  private resolveFinished!: (s: TrainingSession) => void;
  private stopTimer: NodeJS.Timeout | undefined;
  private swappedOptimizer: OptimizerSpec | undefined;

  constructor(readonly spec: ModelSpec, private readonly options: SessionOptions) {
    this.info = {
      runId: options.runId, source: options.source, title: options.title,
      parameters: 0, trainSize: 0, validationSize: 0, batchSize: 0, stepsPerEpoch: 0, totalSteps: 0, layers: [], boundary: null,
      epochs: spec.train.epochs, optimizer: spec.optimizer.type, init: describeInit(spec),
      ...(options.variant ? { variant: options.variant } : {}),
    };
    this.previous = options.previous ?? null;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const shared = (options.sharedControl ?? options.workers.sharedMemory) ? new SharedArrayBuffer(4 * CONTROL_WORDS) : null;
    this.control = shared && new Int32Array(shared);
    this.worker = options.workers.start({ heapLimitMB: options.heapLimitMB });
    this.worker.onMessage((m) => this.receive(m));
    this.worker.onError((message, outOfMemory) => this.end('failed', outOfMemory
      // Node ends only the worker whose heap is full; the extension host and other runs go on.
      ? l10n.t('The training worker ran out of memory (its JavaScript heap is full). Train on fewer samples or a smaller model.')
      : l10n.t('The training worker crashed: {0}', message)));
    this.worker.onExit((code) => {
      if (this.status === 'running') this.end('failed', l10n.t('The training worker exited unexpectedly (code {0}).', String(code)));
    });
    this.threads = options.threads
      ? new RunThreads(options.threads, (count) => this.send({ type: 'setThreads', count }), (reason) => this.end('failed', reason))
      : undefined;
    const start: StartMessage = {
      type: 'start', runId: options.runId, spec, control: shared, baseDir: options.baseDir ?? null, memoryLimit: options.memoryLimit, l10n: options.l10n,
      progressIntervalMs: options.progressIntervalMs ?? 100,
      statsEvery: options.statsEvery ?? DEFAULT_STATS_EVERY,
      statsMinMs: options.statsMinMs ?? 50,
      ...(options.pauseEachEpoch ? { pauseEachEpoch: true } : {}),
      ...(this.threads ? { threads: this.threads.join(), maxThreads: this.threads.max } : {}),
    };
    this.worker.post(start);
  }

  get runId(): string {
    return this.info.runId;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  onEvent(listener: (e: SessionEvent) => void): { dispose(): void } {
    return this.listeners.add(listener);
  }

  /** Asks the worker to stop after its current step; terminates it if it does not answer in time. */
  stop(): void {
    if (!this.running) return;
    if (this.control) {
      this.stepAtStop ??= Atomics.load(this.control, CONTROL_STEP);
      Atomics.store(this.control, 0, CONTROL_STOP);
      this.send({ type: 'resume' }); // wakes a paused worker so it sees the stop at once
    } else {
      // No shared counter to read: the last step progress reported, until the worker's 'stopping'
      // answer says exactly (a worker stuck in a long step never answers; the grace timer ends it).
      this.stepAtStop ??= this.step;
      this.send({ type: 'stop' }); // the message wakes a paused worker too
    }
    this.stopTimer ??= setTimeout(() => {
      if (this.running) {
        this.worker.terminate();
        this.end('stopped', null);
      }
    }, this.options.stopGraceMs ?? 2000);
  }

  pause(): void {
    if (this.running) this.send({ type: 'pause' });
  }

  resume(): void {
    if (this.running) this.send({ type: 'resume' });
  }

  /** While paused: train one batch. */
  stepOnce(): void {
    if (this.running) this.send({ type: 'step' });
  }

  /**
   * Follows a sample while the run trains: the worker inspects it at once and then again as the
   * weights change, at most every INSPECT_FOLLOW_MS ('inspect' events); null stops following.
   * The caller checks the index against the run's split sizes (info.trainSize, info.validationSize):
   * the worker drops a sample it cannot inspect.
   */
  follow(target: InspectTarget | null): void {
    if (!this.running) return;
    this.following = target;
    this.send({ type: 'follow', target });
  }

  /** The update rule training uses now: the spec's, or the last one swapped in. */
  get optimizer(): OptimizerSpec {
    return this.swappedOptimizer ?? this.spec.optimizer;
  }

  /** Switches the update rule from the next step on; the weights stay. */
  setOptimizer(spec: OptimizerSpec): void {
    if (!this.running) return;
    this.swappedOptimizer = spec;
    this.info.optimizer = spec.type;
    this.send({ type: 'setOptimizer', spec });
  }

  /** What to keep of this run, faded, when a new one replaces it. */
  asPrevious(): PreviousRun {
    return { label: `previous (${this.info.init})`, loss: this.loss.series.state(), epochs: this.epochs.state(), stats: this.stats.state() };
  }

  snapshot(): RunSnapshot {
    return {
      info: { ...this.info }, status: this.status, paused: this.paused,
      loss: this.loss.series.state(), lastLoss: this.lastLoss, epochs: this.epochs.state(), stats: this.stats.state(),
      latestStats: this.latestStats,
      markers: this.markers.slice(), boundary: this.boundary, filters: this.filters,
      step: this.step, samplesPerSec: this.samplesPerSec, final: this.final, error: this.error,
      previous: this.previous, gradcheck: this.gradcheck, findings: this.findings,
      mistakes: this.mistakes, gallery: this.gallery,
      ...(this.spec.surface ? { path: this.path.items.slice() } : {}),
    };
  }

  private send(m: HostToWorker): void {
    try {
      this.worker.post(m);
    } catch {
      // The worker has already exited; its 'exit' event ends the run.
    }
  }

  private receive(m: WorkerToHost): void {
    if (m.runId !== this.runId || !this.running) return;
    switch (m.type) {
      case 'started': {
        const { type, runId, gallery, ...shape } = m;
        Object.assign(this.info, shape);
        this.gallery = gallery ?? null;
        this.emit({ type: 'started', session: this });
        break;
      }
      case 'progress': {
        const path = m.path ? this.path.keptOf(m.path) : undefined;
        const progress = this.kept(m, path);
        const thinned = applyProgress({ loss: this.loss.series, epochs: this.epochs, stats: this.stats }, this, progress) === true;
        const pathThinned = path ? this.path.apply(path) === true : false;
        this.epoch = m.epoch;
        if (m.mistakes) this.mistakes = m.mistakes;
        this.emit({ type: 'progress', session: this, progress, thinned: thinned || pathThinned, ...(path ? { path } : {}) });
        break;
      }
      case 'done':
        this.final = m.final;
        this.finalWeights = m.weights;
        this.trajectory = m.trajectory ?? null;
        this.samplesPerSec = m.final.samplesPerSec;
        this.paused = false;
        this.end(m.status, null);
        break;
      case 'error':
        // A divergence keeps the weights from before the step that went non-finite.
        if (m.weights) this.finalWeights = m.weights;
        // (The worker says it in the display language: it has the host's strings.)
        if (m.divergence && m.lr !== undefined) this.divergence = { ...m.divergence, lr: m.lr };
        this.end('failed', m.message);
        break;
      case 'findings':
        this.findings = m.findings;
        this.emit({ type: 'findings', session: this });
        break;
      case 'inspect':
        this.emit({ type: 'inspect', session: this, result: m.result });
        break;
      case 'gradcheck':
        break; // gradient checks run in workers of their own (see runGradcheck in runs.ts)
      case 'stopping':
        this.stepAtStop = m.step;
        break;
      case 'helpers':
        this.threads?.offer(m.helpers);
        break;
      case 'threads':
        this.info.threads = m.info;
        if (m.info.why === 'small-model') this.threads?.cap(1);
        this.emit({ type: 'status', session: this });
        break;
    }
  }

  /** What the bounded history keeps of a worker's progress message, as the panel receives it. */
  private kept(m: ProgressMessage, path: SeriesDelta<SurfacePoint> | undefined): PanelProgress {
    return {
      type: 'progress', runId: this.runId,
      loss: this.loss.keep(m.losses), epochs: this.epochs.keptOf(m.epochs), stats: this.stats.keptOf(m.stats.map(toStatsPoint)),
      latestStats: m.stats[m.stats.length - 1] ?? null, lastLoss: m.losses[m.losses.length - 1] ?? null,
      markers: m.markers, boundary: m.boundary, filters: m.filters, step: m.step, paused: m.paused, samplesPerSec: m.samplesPerSec,
      ...(m.mistakes ? { mistakes: m.mistakes } : {}),
      ...(path ? { path: path.items } : {}),
    };
  }

  private end(status: Exclude<RunStatus, 'running'>, error: string | null): void {
    if (!this.running) return;
    this.status = status;
    this.error = error;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.worker.terminate();
    this.threads?.end();
    this.emit({ type: 'status', session: this });
    this.resolveFinished(this);
  }

  emit(e: SessionEvent): void {
    this.listeners.emit(e);
  }
}
