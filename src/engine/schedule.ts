import type { ScheduleSpec } from '../model/spec';

/**
 * The learning rate at a point in training. epoch is fractional: completed epochs plus the fraction
 * of the current one done (step / stepsPerEpoch).
 *   none:   lr
 *   step:   lr·gamma^⌊epoch/every⌋            (drops by gamma every `every` epochs)
 *   exp:    lr·gamma^⌊epoch⌋                  (drops by gamma after each completed epoch)
 *   cosine: min + ½(lr − min)(1 + cos(π·epoch/totalEpochs))   (smooth, lr at 0 → min at the end, then stays)
 */
export function learningRate(baseLr: number, schedule: ScheduleSpec | undefined, epoch: number, totalEpochs: number): number {
  if (!schedule) return baseLr;
  switch (schedule.type) {
    case 'step':
      return baseLr * Math.pow(schedule.gamma, Math.floor(epoch / schedule.every));
    case 'exp':
      return baseLr * Math.pow(schedule.gamma, Math.floor(epoch));
    case 'cosine': {
      const progress = totalEpochs > 0 ? Math.min(epoch / totalEpochs, 1) : 1;
      return schedule.min + 0.5 * (baseLr - schedule.min) * (1 + Math.cos(Math.PI * progress));
    }
  }
}
