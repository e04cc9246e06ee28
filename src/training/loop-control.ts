/**
 * Pause, resume and Step of a loop driven in slices (RunLoop and SurfaceLoop): while paused, each
 * Step lets exactly one more update through; resuming forgets Steps not yet taken.
 */
export class PauseState {
  private stepsWhilePaused = 0;

  constructor(public paused = false) {}

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.stepsWhilePaused = 0;
  }

  /** While paused: one more update (the Step button); running, nothing. */
  stepOnce(): void {
    if (this.paused) this.stepsWhilePaused++;
  }

  /** Whether an update may be taken now: running, or a Step is pending. */
  get canStep(): boolean {
    return !this.paused || this.stepsWhilePaused > 0;
  }

  /** Before an update: false when paused with no Step pending (the slice ends there); else true, using up a pending Step. */
  take(): boolean {
    if (!this.paused) return true;
    if (this.stepsWhilePaused === 0) return false;
    this.stepsWhilePaused--;
    return true;
  }
}
