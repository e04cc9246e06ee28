import type { EpochMetrics } from '../training/protocol';
import type { RunHistory } from './store';

type Column = [name: string, value: (e: EpochMetrics) => number | null | undefined];

/** The epoch columns between epoch_loss and seconds: accuracies, or for regression R² and RMSE. */
const CLASSIFICATION: Column[] = [['train_acc', (e) => e.trainAcc], ['val_loss', (e) => e.valLoss], ['val_acc', (e) => e.valAcc]];
const REGRESSION: Column[] = [['train_r2', (e) => e.trainR2], ['val_loss', (e) => e.valLoss], ['val_r2', (e) => e.valR2], ['val_rmse', (e) => e.valRmse]];

/**
 * A run's metrics as CSV: one row per kept training step (every step of a run of up to 20,000;
 * evenly spaced ones of a longer run, as its history keeps them), with the epoch's figures on the
 * row of the step that ended it; empty cells where there is no value.
 *   step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds
 * A regression run (its epochs have R²) has R² and the held-out RMSE instead of the accuracies:
 *   step,loss,epoch,epoch_loss,train_r2,val_loss,val_r2,val_rmse,seconds
 */
export function metricsCsv(h: RunHistory): string {
  const loss = new Map(h.loss.items.map(([l], i) => [1 + i * h.loss.stride, l]));
  const byStep = new Map(h.epochs.items.map((e) => [e.step, e]));
  const steps = [...new Set([...loss.keys(), ...byStep.keys()])].sort((a, b) => a - b);
  const cell = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '' : String(x));
  const regression = h.epochs.items.some((e) => e.trainR2 !== null && e.trainR2 !== undefined);
  const columns = regression ? REGRESSION : CLASSIFICATION;
  const rows = [['step', 'loss', 'epoch', 'epoch_loss', ...columns.map(([name]) => name), 'seconds'].join(',')];
  for (const step of steps) {
    const e = byStep.get(step);
    rows.push([step, cell(loss.get(step)), cell(e?.epoch), cell(e?.loss), ...columns.map(([, v]) => cell(e ? v(e) : undefined)), cell(e?.seconds)].join(','));
  }
  return rows.join('\n') + '\n';
}
