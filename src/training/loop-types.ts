/** What the worker drives: a network's RunLoop or a surface's SurfaceLoop, the same controls for both. */
import type { OptimizerSpec } from '../model/spec';
import type { DoneMessage, ErrorMessage, InspectTarget } from './protocol';

export interface TrainingLoop {
  /** The run has ended (done or error posted). */
  readonly done: boolean;
  /** Paused (by pause(), or a network run's pauseEachEpoch gate): only stepOnce() lets an update through. */
  readonly paused: boolean;
  /** Whether the loop has work it can do now (not paused, or a Step pending; a paced loop: its next step is due). */
  readonly runnable: boolean;
  /** A paced loop waiting for its next step: milliseconds until it is due (absent: not waiting on the clock). */
  readonly idleMs?: number;
  pause(): void;
  resume(): void;
  /** While paused: one more step. */
  stepOnce(): void;
  /** Swaps the update rule before the next step (fresh state); marked on the charts. */
  setOptimizer(spec: OptimizerSpec): void;
  /** Follows a sample for Inspect (null: stop); a surface has none. */
  follow(target: InspectTarget | null): void;
  /** Runs until the budget is spent, the run ends, or it waits (paused, paced); the last message once ended. */
  runSlice(budgetMs: number): DoneMessage | ErrorMessage | undefined;
  /** Posts everything gathered since the last post. */
  flush(): void;
}
