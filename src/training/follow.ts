/**
 * The sample a live run follows (the panel's Inspect tab while training): inspected at once when
 * it is chosen, then again as the weights change, at most every INSPECT_FOLLOW_MS, and after every
 * single step taken while paused. A target the run cannot inspect (out of range, or a failure) is
 * dropped with a warning: following never fails the run (the host checks ranges before asking).
 */
import { inspectSample } from '../engine/inspect';
import type { Trainer } from '../engine/trainer';
import { INSPECT_FOLLOW_MS, type InspectMessage, type InspectTarget } from './protocol';

export class SampleFollower {
  private target: InspectTarget | null = null;
  /** When the last inspection was posted. */
  private last = -Infinity;

  constructor(
    private readonly trainer: Trainer,
    private readonly runId: string,
    private readonly post: (m: InspectMessage) => void,
    private readonly now: () => number,
  ) {}

  /** Follows `target` from now on (inspected at once), or stops following (null). */
  follow(target: InspectTarget | null): void {
    this.target = target ? { split: target.split, sample: target.sample } : null;
    if (this.target) this.inspect();
  }

  get following(): InspectTarget | null {
    return this.target;
  }

  /** After a training step: inspect again when INSPECT_FOLLOW_MS have passed, or at once after a single step taken while paused. */
  afterStep(single: boolean): void {
    if (this.target && (single || this.now() - this.last >= INSPECT_FOLLOW_MS)) this.inspect();
  }

  private inspect(): void {
    const t = this.trainer;
    const target = this.target!;
    const set = target.split === 'train' ? t.trainSet : t.validationSet;
    let m: InspectMessage;
    try {
      m = { type: 'inspect', runId: this.runId, result: inspectSample(t.spec, t.network, set, target, { origin: 'live', step: t.step }) };
    } catch (e) {
      console.warn(`TrainLens: stopped following ${target.split} sample ${target.sample}: ${e instanceof Error ? e.message : String(e)}`);
      this.target = null;
      return;
    }
    this.last = this.now();
    this.post(m);
  }
}
