import type { RunHistory } from './store';

/**
 * A run's metrics as CSV: one row per training step (its loss), with the epoch's figures on the
 * row of the step that ended it; empty cells where there is no value.
 *   step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds
 */
export function metricsCsv(h: RunHistory): string {
  const byStep = new Map(h.epochs.map((e) => [e.step, e]));
  const cell = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '' : String(x));
  const rows = ['step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds'];
  const steps = Math.max(h.losses.length, ...h.epochs.map((e) => e.step));
  for (let step = 1; step <= steps; step++) {
    const e = byStep.get(step);
    rows.push([step, cell(h.losses[step - 1]), cell(e?.epoch), cell(e?.loss), cell(e?.trainAcc), cell(e?.valLoss), cell(e?.valAcc), cell(e?.seconds)].join(','));
  }
  return rows.join('\n') + '\n';
}
