import { Worker } from 'node:worker_threads';
import type { ModelSpec } from '../model/spec';
import {
  CONTROL_STOP, type EpochMetrics, type FinalMetrics, type RunInfo, type RunSnapshot, type RunStatus,
  type StartMessage, type WorkerToHost,
} from './protocol';

export interface SessionOptions {
  workerPath: string;
  runId: string;
  source: string;
  title: string;
  progressIntervalMs?: number;
  /** After stop(), how long the worker may take to finish its step before it is terminated. */
  stopGraceMs?: number;
}

export type SessionEvent =
  | { type: 'started'; session: TrainingSession }
  | { type: 'progress'; session: TrainingSession; firstStep: number; losses: number[]; epochs: EpochMetrics[] }
  | { type: 'status'; session: TrainingSession };

/**
 * One training run, seen from the extension host: owns the worker thread and keeps the history it
 * has received, so a panel that opens late is refilled at once.
 */
export class TrainingSession {
  readonly info: RunInfo;
  status: RunStatus = 'running';
  readonly losses: number[] = [];
  readonly epochs: EpochMetrics[] = [];
  step = 0;
  epoch = 0;
  samplesPerSec = 0;
  final: FinalMetrics | null = null;
  error: string | null = null;
  readonly finished: Promise<TrainingSession>;

  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private resolveFinished!: (s: TrainingSession) => void;
  private stopTimer: NodeJS.Timeout | undefined;

  constructor(spec: ModelSpec, private readonly options: SessionOptions) {
    this.info = {
      runId: options.runId, source: options.source, title: options.title,
      parameters: 0, trainSize: 0, validationSize: 0, batchSize: 0, stepsPerEpoch: 0, totalSteps: 0,
      epochs: spec.train.epochs, optimizer: spec.optimizer.type,
    };
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const shared = new SharedArrayBuffer(4);
    this.control = new Int32Array(shared);
    this.worker = new Worker(options.workerPath);
    this.worker.on('message', (m: WorkerToHost) => this.receive(m));
    this.worker.on('error', (e) => this.end('failed', `The training worker crashed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (this.status === 'running') this.end('failed', `The training worker exited unexpectedly (code ${code}).`);
    });
    const start: StartMessage = {
      type: 'start', runId: options.runId, spec, control: shared,
      progressIntervalMs: options.progressIntervalMs ?? 100,
      statsEvery: 0,
    };
    this.worker.postMessage(start);
  }

  get runId(): string {
    return this.info.runId;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  onEvent(listener: (e: SessionEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Asks the worker to stop after its current step; terminates it if it does not answer in time. */
  stop(): void {
    if (!this.running) return;
    Atomics.store(this.control, 0, CONTROL_STOP);
    this.stopTimer ??= setTimeout(() => {
      if (this.running) {
        void this.worker.terminate();
        this.end('stopped', null);
      }
    }, this.options.stopGraceMs ?? 2000);
  }

  snapshot(): RunSnapshot {
    return {
      info: { ...this.info }, status: this.status, losses: this.losses.slice(), epochs: this.epochs.slice(),
      step: this.step, samplesPerSec: this.samplesPerSec, final: this.final, error: this.error,
    };
  }

  private receive(m: WorkerToHost): void {
    if (m.runId !== this.runId || !this.running) return;
    switch (m.type) {
      case 'started':
        {
          const { type, runId, ...shape } = m;
          Object.assign(this.info, shape);
        }
        this.emit({ type: 'started', session: this });
        break;
      case 'progress':
        for (const l of m.losses) this.losses.push(l);
        for (const e of m.epochs) this.epochs.push(e);
        this.step = m.step;
        this.epoch = m.epoch;
        this.samplesPerSec = m.samplesPerSec;
        this.emit({ type: 'progress', session: this, firstStep: m.firstStep, losses: m.losses, epochs: m.epochs });
        break;
      case 'stats':
        break; // charted by the panel in a later version
      case 'done':
        this.final = m.final;
        this.samplesPerSec = m.final.samplesPerSec;
        this.end(m.status, null);
        break;
      case 'error':
        this.end('failed', m.message);
        break;
    }
  }

  private end(status: Exclude<RunStatus, 'running'>, error: string | null): void {
    if (!this.running) return;
    this.status = status;
    this.error = error;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    void this.worker.terminate();
    this.emit({ type: 'status', session: this });
    this.resolveFinished(this);
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('TrainLens: a run listener failed', err);
      }
    }
  }
}
