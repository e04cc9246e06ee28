/** The header: title, status badge, summary lines, error, and which toolbar buttons make sense. */
import type { PanelAction, RunInfo } from '../src/training/protocol';
import { int, num, pct, rate, seconds } from './format';
import type { RunStore } from './store';

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

type Button = HTMLElement & { disabled: boolean };
const button = (a: PanelAction): Button => $(`btn-${a}`) as Button;

function details(info: RunInfo, store: RunStore): string {
  const swaps = store.run?.markers.filter((m) => m.kind === 'optimizer') ?? [];
  const last = swaps[swaps.length - 1];
  // After a swap the rule in use is the marker's "from → to".
  const optimizer = last ? last.label.split('→').pop()!.trim() : info.optimizer;
  const parts = [
    `${int(info.parameters)} parameters`,
    `${int(info.trainSize)} training / ${int(info.validationSize)} held-out samples`,
    `batch ${info.batchSize}`,
    `optimizer ${optimizer}`,
    `init ${info.init}`,
  ];
  if (last) parts.push(`swapped ${last.label} at step ${last.step}`);
  return parts.join(' · ');
}

function summary(store: RunStore): string {
  const run = store.run!;
  const info = run.info;
  const last = run.epochs[run.epochs.length - 1];
  const acc = last ? ` · train acc ${pct(last.trainAcc)}${last.valAcc !== null ? ` · val acc ${pct(last.valAcc)}` : ''}` : '';
  if (run.status === 'running' || !run.final) {
    const epoch = info.stepsPerEpoch > 0 ? Math.min(info.epochs, Math.ceil(run.step / info.stepsPerEpoch)) : last?.epoch ?? 0;
    const loss = store.lastSmoothed;
    return `epoch ${epoch}/${info.epochs} · step ${int(run.step)}/${int(info.totalSteps)}` +
      (loss !== undefined ? ` · smoothed loss ${num(loss)}` : '') + acc +
      (run.status === 'running' && !run.paused && run.samplesPerSec > 0 ? ` · ${rate(run.samplesPerSec)}` : '');
  }
  const f = run.final;
  return `final: loss ${num(f.loss)}${f.regLoss > 0 ? ` (reg ${num(f.regLoss)})` : ''} · train acc ${pct(f.trainAcc)}` +
    (f.valAcc !== null ? ` · val acc ${pct(f.valAcc)} · val loss ${num(f.valLoss)}` : '') +
    ` · ${int(f.steps)} steps, ${f.epochs} epochs in ${seconds(f.seconds)} · ${rate(f.samplesPerSec)}`;
}

/** What the badge says: the status, "paused" while paused, "interrupted" for a stale running run. */
export function badge(store: RunStore): string {
  const run = store.run;
  if (!run) return '';
  if (run.status === 'running') return store.stale ? 'interrupted' : run.paused ? 'paused' : 'running';
  return run.status;
}

export function renderHeader(store: RunStore): void {
  const run = store.run;
  const status = $('run-status');
  const error = $('run-error');
  $('run-stale').hidden = !(run && store.stale);
  if (!run) {
    $('run-title').textContent = 'TrainLens';
    status.hidden = true;
    error.hidden = true;
  } else {
    $('run-title').textContent = run.info.title;
    const b = badge(store);
    status.hidden = false;
    status.textContent = b;
    status.className = `badge ${b}`;
    $('run-summary').textContent = summary(store);
    $('run-details').textContent = details(run.info, store);
    error.hidden = !run.error;
    error.textContent = run.error ?? '';
  }
  const live = Boolean(run && run.status === 'running' && !store.stale);
  const paused = Boolean(run?.paused);
  const checking = store.gradcheck?.state === 'running';
  // The panel belongs to one model file: training it, swapping in it or checking it make sense
  // with no run yet (the host runs the command on the panel's file).
  button('train').disabled = live;
  button('pause').disabled = !live || paused;
  button('pause').hidden = live && paused;
  button('resume').disabled = !live || !paused;
  button('resume').hidden = !(live && paused);
  button('step').disabled = !live || !paused;
  button('stop').disabled = !live;
  button('swapOptimizer').disabled = false;
  button('swapInit').disabled = false;
  button('gradcheck').disabled = checking;
}
