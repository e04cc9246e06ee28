/**
 * Pause, resume and Step of a loop driven in slices (RunLoop and SurfaceLoop): while paused, each
 * Step lets exactly one more update through; resuming forgets Steps not yet taken.
 */
export abstract class PausableLoop {
  private pausedNow: boolean;
  private stepsWhilePaused = 0;

  constructor(startPaused: boolean) {
    this.pausedNow = startPaused;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  /** Pauses before the next update and posts what the run has so far. */
  pause(): void {
    this.hold();
    this.flush();
  }

  resume(): void {
    this.pausedNow = false;
    this.stepsWhilePaused = 0;
  }

  /** While paused: one more update (the Step button); running, nothing. */
  stepOnce(): void {
    if (this.pausedNow) this.stepsWhilePaused++;
  }

  /** Posts everything gathered since the last post. */
  abstract flush(): void;

  /** Pauses without posting (the caller posts next). */
  protected hold(): void {
    this.pausedNow = true;
  }

  /** Whether an update may be taken now: running, or a Step is pending. */
  protected get canStep(): boolean {
    return !this.pausedNow || this.stepsWhilePaused > 0;
  }

  /** Before an update: false when paused with no Step pending (the slice ends there); else true, using up a pending Step. */
  protected takeStep(): boolean {
    if (!this.pausedNow) return true;
    if (this.stepsWhilePaused === 0) return false;
    this.stepsWhilePaused--;
    return true;
  }
}
