import type { StepResult, Trainer } from '../engine/trainer';
import { initialLossVerdict } from '../engine/sanity';
import { isRegressionSet } from '../engine/data/dataset';
import { Doctor } from './doctor';
import type { EpochMetrics, FindingsMessage } from './protocol';

/**
 * The doctor reads the statistics of every this many steps from step 0, and only those: the steps
 * the charts sample depend on time (at most every 50 ms in VS Code), which would make the findings
 * depend on the machine's speed, and the panel's differ from `trainlens train`'s. A grid step the
 * charts do not sample takes its statistics for the doctor alone, unposted: one step in 20 costs
 * about a third more than the others (stats.ts's probe pass), so under 2 % of the run.
 */
export const DOCTOR_STATS_EVERY = 20;

/** The doctor of one RunLoop: fed by the loop, posting the findings when they change and at the end. */
export class RunDoctor {
  readonly doctor: Doctor;
  /** Whether the step under way is on the doctor's grid (set by wantsStats). */
  private onGrid = false;

  constructor(t: Trainer, statsLayers: number[], private readonly runId: string, private readonly post: (m: FindingsMessage) => void) {
    this.doctor = new Doctor(t.spec, { totalSteps: t.totalSteps, statsLayers, regression: isRegressionSet(t.trainSet) });
    // The step-0 data loss in eval mode over the fixed training sample the epochs' train score uses.
    const e = t.trainAccuracy();
    this.doctor.setInitial(initialLossVerdict(t.spec, t.trainSubset, e.loss - e.regLoss), e.loss);
  }

  /** Whether the next step (`step`, before it) is on the doctor's grid, and so must take statistics. */
  wantsStats(step: number): boolean {
    this.onGrid = step % DOCTOR_STATS_EVERY === 0;
    return this.onGrid;
  }

  /** After a step that counted (not one that diverged); `epoch`: the metrics when it ended an epoch. */
  afterStep(r: StepResult, epoch: EpochMetrics | undefined, epochs: number): void {
    if (r.stats && this.onGrid) this.doctor.pushStats(r.stats);
    this.onGrid = false;
    this.doctor.pushLoss(r.loss);
    if (epoch) this.doctor.pushEpoch(epoch);
    if (this.doctor.due(r.epochEnded, epochs)) {
      const findings = this.doctor.evaluate(false);
      if (findings) this.post({ type: 'findings', runId: this.runId, findings, final: false });
    }
  }

  /** The final diagnosis, posted whether or not it changed; `divergence`: where training went non-finite. */
  end(divergence?: { step: number; lr: number }): void {
    if (divergence) this.doctor.diverged(divergence.step, divergence.lr);
    this.doctor.evaluate(true);
    this.post({ type: 'findings', runId: this.runId, findings: this.doctor.findings(), final: true });
  }
}
