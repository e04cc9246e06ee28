import { TrainingSession, type SessionEvent } from './session';
import type { ModelSpec } from '../model/spec';

export type RunsEvent = SessionEvent | { type: 'created'; session: TrainingSession };

/**
 * The host's runs: at most one active run per model file, the latest run of each kept for the
 * panel. No VS Code dependency, so it is tested under plain Node too.
 */
export class RunManager {
  private readonly bySource = new Map<string, TrainingSession>();
  private readonly listeners = new Set<(e: RunsEvent) => void>();
  private counter = 0;
  /** The run started last, shown by the panel. */
  latest: TrainingSession | undefined;

  constructor(private readonly workerPath: string, private readonly progressIntervalMs = 100) {}

  onEvent(listener: (e: RunsEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The latest run of a model file, running or not. */
  get(source: string): TrainingSession | undefined {
    return this.bySource.get(source);
  }

  isRunning(source: string): boolean {
    return this.bySource.get(source)?.running ?? false;
  }

  get anyRunning(): boolean {
    return [...this.bySource.values()].some((s) => s.running);
  }

  /** Starts a run; a model file that is already training keeps its run. */
  start(source: string, title: string, spec: ModelSpec): TrainingSession {
    const current = this.bySource.get(source);
    if (current?.running) return current;
    const runId = `run-${Date.now().toString(36)}-${++this.counter}`;
    const session = new TrainingSession(spec, {
      workerPath: this.workerPath, runId, source, title, progressIntervalMs: this.progressIntervalMs,
    });
    this.bySource.set(source, session);
    this.latest = session;
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
  }

  private emit(e: RunsEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('TrainLens: a runs listener failed', err);
      }
    }
  }
}
