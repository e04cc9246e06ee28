// The web test's check of a kept run's metrics CSV (Export Metrics as CSV…, src/runs/csv.ts): its
// columns, one row per step, the epochs' figures on the steps that ended them, against the kept run
// and against the desktop CLI's epochs for the same file.
import { StepError } from '../browser/common.mjs';

/** What src/runs/csv.ts says it writes for a classification run. */
const HEADER = 'step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds';
/**
 * Losses of the same run on the relaxed-SIMD kernels in Chromium and in Node 20, whose Math.log can
 * differ in the last place (measured on the spiral: 3e-16 relative, the weights bit for bit the same).
 */
const CLI_TOLERANCE = 1e-12;

const relative = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function parseCsv(text, name) {
  if (!text.endsWith('\n')) throw new StepError(`${name} does not end with a newline`);
  const [header, ...lines] = text.slice(0, -1).split('\n');
  if (header !== HEADER) throw new StepError(`${name}'s header is ${JSON.stringify(header)}, expected ${JSON.stringify(HEADER)}`);
  const columns = header.split(',');
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new StepError(`${name} row ${i + 2} has ${cells.length} cells: ${JSON.stringify(line)}`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j] === '' ? null : Number(cells[j])]));
  });
}

/** Every row a step, 1…steps in order, each with a finite positive loss. */
function checkSteps(rows, meta, name) {
  if (rows.length !== meta.final.steps) throw new StepError(`${name} has ${rows.length} rows, the run ${meta.final.steps} steps (every step is a row up to 20,000)`);
  const bad = rows.findIndex((r, i) => r.step !== i + 1 || !(Number.isFinite(r.loss) && r.loss > 0));
  if (bad >= 0) throw new StepError(`${name} row ${bad + 2}: ${JSON.stringify(rows[bad])}`);
}

/** The epoch rows, against the CLI's epoch lines (same steps, figures to CLI_TOLERANCE) and the run's final figures. */
function checkEpochs(rows, meta, cliEpochs, name) {
  const epochs = rows.filter((r) => r.epoch !== null);
  if (epochs.length !== meta.final.epochs) throw new StepError(`${name} has ${epochs.length} epoch rows, the run ${meta.final.epochs} epochs`);
  if (cliEpochs.length !== epochs.length) throw new StepError(`the CLI trained ${cliEpochs.length} epochs, ${name} lists ${epochs.length}`);
  let worst = 0;
  let accDiffer = 0;
  epochs.forEach((r, i) => {
    const c = cliEpochs[i];
    if (r.epoch !== c.epoch || r.step !== c.step) throw new StepError(`${name}: epoch ${r.epoch} ends at step ${r.step}, the CLI's epoch ${c.epoch} at step ${c.step}`);
    for (const v of [r.epoch_loss, r.val_loss, r.train_acc, r.val_acc, r.seconds]) {
      if (!Number.isFinite(v)) throw new StepError(`${name}: epoch ${r.epoch} has an empty or non-finite figure: ${JSON.stringify(r)}`);
    }
    worst = Math.max(worst, relative(r.epoch_loss, c.loss), relative(r.val_loss, c.valLoss));
    if (r.train_acc !== c.trainAcc || r.val_acc !== c.valAcc) accDiffer++;
  });
  if (!(worst <= CLI_TOLERANCE)) throw new StepError(`${name}'s epoch losses differ from the CLI's by up to ${worst} (relative)`);
  if (accDiffer > 0) throw new StepError(`${name}: ${accDiffer} of ${epochs.length} epochs have other accuracies than the CLI's`);
  const last = epochs[epochs.length - 1];
  if (last.step !== meta.final.steps || last.val_loss !== meta.final.valLoss || last.val_acc !== meta.final.valAcc) {
    throw new StepError(`${name}'s last epoch ${JSON.stringify(last)} is not the run's end (${meta.final.steps} steps, val loss ${meta.final.valLoss}, val acc ${meta.final.valAcc})`);
  }
  return { epochs, worst, last };
}

/** Checks the exported CSV text of the kept run `meta`; the CLI's epoch lines for the same file. */
export function checkCsv(ctx, text, meta, cliEpochs, name) {
  const rows = parseCsv(text, name);
  checkSteps(rows, meta, name);
  const { epochs, worst, last } = checkEpochs(rows, meta, cliEpochs, name);
  ctx.check(`${name}: header ${HEADER}; ${rows.length} rows, steps 1…${rows.length} (the run's ${meta.final.steps}), every loss finite; ` +
    `${epochs.length} epoch rows, the last (step ${last.step}) with the run's final val loss ${last.val_loss} and val acc ${last.val_acc}`);
  ctx.check(`against the CLI's training of the same file (relaxed SIMD, as Chromium): the same epoch steps; epoch and val losses within ${worst.toExponential(1)} relative, ` +
    `the same train and val accuracies in all ${epochs.length} epochs`);
}
