import type { StepResult, Trainer } from '../engine/trainer';
import { initialLossVerdict } from '../engine/sanity';
import { isRegressionSet } from '../engine/data/dataset';
import { Doctor } from './doctor';
import type { EpochMetrics, FindingsMessage } from './protocol';

/**
 * A run that takes no statistics of its own (the CLI without --stats-every) takes them for the
 * doctor every this many steps from step 0, unposted: one step in 20 costs about a third more
 * than the others (stats.ts's probe pass), so under 2 % of the run.
 */
export const DOCTOR_STATS_EVERY = 20;

/** The doctor of one RunLoop: fed by the loop, posting the findings when they change and at the end. */
export class RunDoctor {
  readonly doctor: Doctor;

  constructor(t: Trainer, statsLayers: number[], private readonly runId: string, private readonly post: (m: FindingsMessage) => void) {
    this.doctor = new Doctor(t.spec, { totalSteps: t.totalSteps, statsLayers, regression: isRegressionSet(t.trainSet) });
    // The step-0 data loss in eval mode over the fixed training sample the epochs' train score uses.
    const e = t.trainAccuracy();
    this.doctor.setInitial(initialLossVerdict(t.spec, t.trainSubset, e.loss - e.regLoss), e.loss);
  }

  /** Whether the next step takes statistics for the doctor alone (the run takes none). */
  wantsStats(step: number, statsEvery: number): boolean {
    return statsEvery <= 0 && step % DOCTOR_STATS_EVERY === 0;
  }

  /** After a step that counted (not one that diverged); `epoch`: the metrics when it ended an epoch. */
  afterStep(r: StepResult, epoch: EpochMetrics | undefined, epochs: number): void {
    if (r.stats) this.doctor.pushStats(r.stats);
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
