import type { RunManager } from './runs';
import type { TrainingSession } from './session';
import type { Variant } from '../model/variants';
import { Listeners } from './listeners';

/** How many variants train at once: two on a machine with two cores or more, else one. */
export function compareConcurrency(cores: number): number {
  return Math.max(1, Math.min(2, cores));
}

export type ComparisonState = 'running' | 'finished' | 'cancelled';

export type ComparisonEvent =
  | { type: 'variant'; comparison: Comparison; index: number; session: TrainingSession }
  | { type: 'ended'; comparison: Comparison; index: number; session: TrainingSession }
  | { type: 'state'; comparison: Comparison };

let counter = 0;

/**
 * Trains the variants of a comparison, `concurrency` at a time, in order: as one ends the next
 * starts. Cancel stops the running ones and starts no more. Each variant is an ordinary run of the
 * run manager (kept, charted), marked with its comparison. Over seeds (withSeeds), `variants` holds
 * one entry per variant and seed, a variant's seeds one after another, and `seeds` says how many.
 */
export class Comparison {
  readonly id = `cmp-${Date.now().toString(36)}-${++counter}`;
  readonly sessions: Array<TrainingSession | undefined>;
  state: ComparisonState = 'running';
  readonly finished: Promise<Comparison>;
  private next = 0;
  private active = 0;
  private resolve!: (c: Comparison) => void;
  private readonly listeners = new Listeners<ComparisonEvent>('comparison');

  constructor(
    private readonly runs: RunManager,
    readonly source: string,
    readonly title: string,
    readonly dimension: string,
    readonly variants: readonly Variant[],
    private readonly baseDir: string | null,
    readonly concurrency = compareConcurrency(runs.cores),
    readonly seeds = 1,
  ) {
    this.sessions = variants.map(() => undefined);
    this.finished = new Promise((r) => (this.resolve = r));
  }

  onEvent(l: (e: ComparisonEvent) => void): { dispose(): void } {
    return this.listeners.add(l);
  }

  /** Starts the first variants; the rest follow as runs end. */
  start(): this {
    this.fill();
    return this;
  }

  /** Variants that have ended (finished, stopped or failed). */
  get done(): number {
    return this.sessions.filter((s) => s && !s.running).length;
  }

  cancel(): void {
    if (this.state !== 'running') return;
    this.state = 'cancelled';
    for (const s of this.sessions) s?.stop();
    this.emit({ type: 'state', comparison: this });
    if (this.active === 0) this.resolve(this);
  }

  private fill(): void {
    while (this.state === 'running' && this.active < this.concurrency && this.next < this.variants.length) {
      const index = this.next++;
      const v = this.variants[index];
      const session = this.runs.startVariant(this.source, this.title, v.spec, {
        comparison: this.id, dimension: this.dimension, label: v.label, index, count: this.variants.length,
        ...(v.group !== undefined ? { group: v.group, seed: v.seed } : {}),
      }, this.baseDir);
      this.sessions[index] = session;
      this.active++;
      this.emit({ type: 'variant', comparison: this, index, session });
      void session.finished.then(() => this.ended(index, session));
    }
    if (this.active === 0 && (this.next >= this.variants.length || this.state !== 'running')) {
      if (this.state === 'running') {
        this.state = 'finished';
        this.emit({ type: 'state', comparison: this });
      }
      this.resolve(this);
    }
  }

  private ended(index: number, session: TrainingSession): void {
    this.active--;
    this.emit({ type: 'ended', comparison: this, index, session });
    this.fill();
  }

  private emit(e: ComparisonEvent): void {
    this.listeners.emit(e);
  }
}
