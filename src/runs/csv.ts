import type { RunHistory } from './store';

/**
 * A run's metrics as CSV: one row per kept training step (every step of a run of up to 20,000;
 * evenly spaced ones of a longer run, as its history keeps them), with the epoch's figures on the
 * row of the step that ended it; empty cells where there is no value.
 *   step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds
 */
export function metricsCsv(h: RunHistory): string {
  const loss = new Map(h.loss.items.map(([l], i) => [1 + i * h.loss.stride, l]));
  const byStep = new Map(h.epochs.items.map((e) => [e.step, e]));
  const steps = [...new Set([...loss.keys(), ...byStep.keys()])].sort((a, b) => a - b);
  const cell = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '' : String(x));
  const rows = ['step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds'];
  for (const step of steps) {
    const e = byStep.get(step);
    rows.push([step, cell(loss.get(step)), cell(e?.epoch), cell(e?.loss), cell(e?.trainAcc), cell(e?.valLoss), cell(e?.valAcc), cell(e?.seconds)].join(','));
  }
  return rows.join('\n') + '\n';
}
