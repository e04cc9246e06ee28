/**
 * A run's kernel helper threads, seen from the extension host: takes the run's share of the cores
 * from the budget, starts as many helpers as the share allows from what the worker offered
 * (HelpersMessage), and watches them: a helper that crashes or exits fails the run with a reason,
 * as a dead training worker does, even while the worker waits for that helper's part.
 */
import * as l10n from '@vscode/l10n';
import type { HelperInit } from '../engine/wasm/threads';
import type { ThreadBudget } from './thread-budget';
import type { KernelHelperData } from './kernel-helper';
import type { WorkerLike } from '../platform/types';

export interface RunThreadsOptions {
  budget: ThreadBudget;
  /** Starts a helper (Node: a worker thread on dist/kernel-helper.js; see Workers.helpers). */
  helpers: { start(data: KernelHelperData): WorkerLike };
}

export class RunThreads {
  /** The run's share of the cores now. */
  share = 1;
  private offered: HelperInit[] = [];
  private readonly helpers: WorkerLike[] = [];
  private ended = false;

  constructor(
    private readonly options: RunThreadsOptions,
    /** Passes a new share on to the worker. */
    private readonly tellWorker: (count: number) => void,
    /** Fails the run with this reason. */
    private readonly fail: (reason: string) => void,
  ) {}

  /** Joins the budget; the run's first share. */
  join(): number {
    this.share = this.options.budget.join(this);
    return this.share;
  }

  /** The most threads the run may be given (the budget's total). */
  get max(): number {
    return this.options.budget.threads;
  }

  /** The budget's new share for this run. */
  setThreads(count: number): void {
    if (this.ended || count === this.share) return;
    this.share = count;
    this.tellWorker(count);
    this.spawn();
  }

  /** The run cannot use more than `count` threads (its model is too small to spread). */
  cap(count: number): void {
    if (!this.ended) this.options.budget.cap(this, count);
  }

  /** What the worker offered: starts the helpers the share allows. */
  offer(helpers: HelperInit[]): void {
    this.offered = helpers;
    this.spawn();
  }

  /** Helper threads started so far (the tests kill one). */
  get workers(): readonly WorkerLike[] {
    return this.helpers;
  }

  /** The run ended: leaves the budget and ends the helpers. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.budget.leave(this);
    for (const h of this.helpers) h.terminate();
  }

  private spawn(): void {
    while (!this.ended && this.helpers.length < Math.min(this.share - 1, this.offered.length)) {
      const data: KernelHelperData = { ...this.offered[this.helpers.length], lowerPriority: true };
      const index = data.index;
      const worker = this.options.helpers.start(data);
      worker.onError((message) => {
        if (!this.ended) this.fail(l10n.t('Kernel helper thread {0} of this run crashed: {1}', String(index), message));
      });
      worker.onExit((code) => {
        if (!this.ended) this.fail(l10n.t('Kernel helper thread {0} of this run exited unexpectedly (code {1}).', String(index), String(code)));
      });
      this.helpers.push(worker);
    }
  }
}
