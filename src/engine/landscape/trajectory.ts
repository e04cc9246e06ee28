/**
 * Recording the weights a run visits (WeightTrajectory), for the loss landscape: snapshots at
 * steps planned from the run's length, evenly spaced from step 0 to the last, so a step costs a
 * comparison and a planned one a copy of θ.
 */
import type { WeightTrajectory } from './types';
import type { WeightVector } from './weights';

/** Snapshots a trajectory holds at most… */
export const MAX_SNAPSHOTS = 41;
/** …and the bytes they may take in all (fewer snapshots for a large network, never fewer than 2). */
export const TRAJECTORY_BYTES = 32 * 1024 * 1024;

/** The steps to take snapshots at: 0, evenly spaced steps, and totalSteps; distinct, ascending. */
export function snapshotSteps(totalSteps: number, weights: number): number[] {
  const byMemory = Math.floor(TRAJECTORY_BYTES / (4 * Math.max(1, weights)));
  const k = Math.max(2, Math.min(MAX_SNAPSHOTS, byMemory, totalSteps + 1));
  const steps: number[] = [];
  for (let i = 0; i < k; i++) {
    const s = Math.round((i * totalSteps) / (k - 1));
    if (steps[steps.length - 1] !== s) steps.push(s);
  }
  return steps;
}

export class TrajectoryRecorder {
  private readonly plan: number[];
  private next = 0;
  private readonly steps: number[] = [];
  private readonly snapshots: Float32Array[] = [];

  constructor(private readonly vector: WeightVector, totalSteps: number) {
    this.plan = snapshotSteps(totalSteps, vector.length);
  }

  /** Before the step that starts with `step` updates applied: a snapshot if one is planned there. */
  before(step: number): void {
    while (this.next < this.plan.length && this.plan[this.next] < step) this.next++;
    if (this.plan[this.next] === step && this.steps[this.steps.length - 1] !== step) this.take(step);
  }

  /**
   * The trajectory when the run ends after `step` updates (finished or stopped): the snapshots so
   * far and the current weights (unless just taken). A run stopped before its first step has one.
   */
  finish(step: number): WeightTrajectory {
    if (this.steps[this.steps.length - 1] !== step) this.take(step);
    return { steps: [...this.steps], snapshots: [...this.snapshots] };
  }

  private take(step: number): void {
    const s = new Float32Array(this.vector.length);
    this.vector.read(s);
    this.steps.push(step);
    this.snapshots.push(s);
  }
}
