/** The header: title, status badge, summary lines, error, and which toolbar buttons make sense. */
import type { PanelAction, RunInfo, RunStatus } from '../src/training/protocol';
import * as l10n from '@vscode/l10n';
import { int, num, pct, r2, rate, seconds } from './format';
import type { RunStore } from './store';
import { paletteColor, readTheme } from './theme';
import { renderSeedTable } from './seed-table';
import { surfaceHeader } from './surface/layout';

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

type Button = HTMLElement & { disabled: boolean };
const button = (a: PanelAction): Button => $(`btn-${a}`) as Button;

function details(info: RunInfo, store: RunStore): string {
  const swaps = store.run?.markers.filter((m) => m.kind === 'optimizer') ?? [];
  const last = swaps[swaps.length - 1];
  // After a swap the rule in use is the marker's "from → to".
  const optimizer = last ? last.label.split('→').pop()!.trim() : info.optimizer;
  const parts = [
    l10n.t('{0} parameters', int(info.parameters)),
    l10n.t('{0} training / {1} held-out samples', int(info.trainSize), int(info.validationSize)),
    l10n.t('batch {0}', info.batchSize),
    l10n.t('optimizer {0}', optimizer),
    l10n.t('init {0}', info.init),
  ];
  if (last) parts.push(l10n.t('swapped {0} at step {1}', last.label, last.step));
  if (info.threads) parts.push(threadsText(info.threads));
  return parts.join(' · ');
}

type ThreadsInfo = NonNullable<RunInfo['threads']>;

/** The threads the run's kernels use ("2 threads"), and why not more when fewer than asked for run. */
export function threadsText(t: ThreadsInfo): string {
  // Without a shared memory the single-threaded build runs: one thread, whatever was asked for.
  const count = !t.shared ? l10n.t('1 thread')
    : t.threads < t.requested ? l10n.t('{0} of {1} threads', t.threads, t.requested)
      : t.threads === 1 ? l10n.t('1 thread') : l10n.t('{0} threads', t.threads);
  const why = shortfall(t);
  return why ? `${count} (${why})` : count;
}

/** Why fewer threads than asked for run, in the user's words (the engine's English detail kept). */
function shortfall(t: ThreadsInfo): string | undefined {
  switch (t.why) {
    case 'no-shared-memory': {
      const detail = t.reason?.replace(/^single-threaded build: /, '');
      return detail ? l10n.t('single-threaded build: {0}', detail) : l10n.t('single-threaded build');
    }
    case 'no-kernels': return l10n.t('no WebAssembly kernels');
    case 'helpers-starting': return l10n.t('helper threads starting');
    case 'small-model': return l10n.t('kernel calls too small to spread');
    default:
      if (t.shared) return t.reason;
      return t.variant === null ? l10n.t('no WebAssembly kernels') : l10n.t('single-threaded build');
  }
}

interface Scores {
  trainAcc: number | null;
  valAcc: number | null;
  trainR2?: number | null;
  valR2?: number | null;
  valRmse?: number | null;
}

/** The accuracies of an epoch or a run's end; for regression, R² and the held-out RMSE. */
function scores(m: Scores): string {
  if (m.trainR2 !== null && m.trainR2 !== undefined) {
    const parts = [l10n.t('train R² {0}', r2(m.trainR2))];
    if (m.valR2 !== null && m.valR2 !== undefined) parts.push(l10n.t('val R² {0}', r2(m.valR2)));
    if (m.valRmse !== null && m.valRmse !== undefined) parts.push(l10n.t('val RMSE {0}', num(m.valRmse)));
    return parts.join(' · ');
  }
  return l10n.t('train acc {0}', pct(m.trainAcc)) + (m.valAcc !== null ? ` · ${l10n.t('val acc {0}', pct(m.valAcc))}` : '');
}

/** The held-out figure of an overlaid run's end (the training one without a held-out set). */
function overlayScore(f: Scores): string {
  if (f.trainR2 !== null && f.trainR2 !== undefined) {
    return f.valR2 !== null && f.valR2 !== undefined ? l10n.t('val R² {0}', r2(f.valR2)) : l10n.t('train R² {0}', r2(f.trainR2));
  }
  return f.valAcc !== null ? l10n.t('val acc {0}', pct(f.valAcc)) : l10n.t('train acc {0}', pct(f.trainAcc));
}

function summary(store: RunStore): string {
  const run = store.run!;
  const info = run.info;
  const last = store.lastEpoch;
  const acc = last ? ` · ${scores(last)}` : '';
  if (run.status === 'running' || !run.final) {
    const epoch = info.stepsPerEpoch > 0 ? Math.min(info.epochs, Math.ceil(run.step / info.stepsPerEpoch)) : last?.epoch ?? 0;
    const loss = store.lastSmoothed;
    return l10n.t('epoch {0}/{1} · step {2}/{3}', epoch, info.epochs, int(run.step), int(info.totalSteps)) +
      (loss !== undefined ? ` · ${l10n.t('smoothed loss {0}', num(loss))}` : '') + acc +
      (run.status === 'running' && !run.paused && run.samplesPerSec > 0 ? ` · ${rate(run.samplesPerSec)}` : '');
  }
  const f = run.final;
  const loss = f.regLoss > 0 ? l10n.t('final: loss {0} (reg {1})', num(f.loss), num(f.regLoss)) : l10n.t('final: loss {0}', num(f.loss));
  return `${loss} · ${scores(f)}` +
    (f.valLoss !== null ? ` · ${l10n.t('val loss {0}', num(f.valLoss))}` : '') +
    ` · ${l10n.t('{0} steps, {1} epochs in {2}', int(f.steps), f.epochs, seconds(f.seconds))} · ${rate(f.samplesPerSec)}`;
}

/** What the badge says: the status, "paused" while paused, "interrupted" for a stale running run. */
export function badge(store: RunStore): Badge | '' {
  const run = store.run;
  if (!run) return '';
  if (run.status === 'running') return store.stale ? 'interrupted' : run.paused ? 'paused' : 'running';
  return run.status;
}

type Badge = RunStatus | 'interrupted' | 'paused';

/** The badge in the user's words (its English name stays its CSS class). */
function badgeText(b: Badge): string {
  switch (b) {
    case 'running': return l10n.t('running');
    case 'paused': return l10n.t('paused');
    case 'interrupted': return l10n.t('interrupted');
    case 'finished': return l10n.t('finished');
    case 'stopped': return l10n.t('stopped');
    case 'failed': return l10n.t('failed');
  }
}

/** The overlaid runs under the header: title, then per run its colour, label, status and result. */
function renderOverlays(store: RunStore): void {
  const bar = $('overlay-bar');
  const on = store.overlays.length > 0;
  document.body.classList.toggle('overlaid', on);
  bar.hidden = !on;
  if (!on) {
    renderSeedTable([]);
    return;
  }
  $('overlay-title').textContent = store.overlayTitle ?? '';
  const theme = readTheme();
  const list = $('overlay-list');
  // Over seeds, the result table stands for the list: one row per variant, mean ± std.
  list.hidden = renderSeedTable(store.seedGroups);
  if (list.hidden) return;
  list.replaceChildren(...store.overlays.map((o, k) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = paletteColor(theme, k);
    const result = o.final
      ? `${l10n.t('final: loss {0}', num(o.final.loss))} · ${overlayScore(o.final)}`
      : o.smooth.length > 0 ? l10n.t('smoothed loss {0}', num(o.smooth[o.smooth.length - 1].y as number)) : '';
    const muted = document.createElement('span');
    muted.className = 'muted';
    muted.textContent = `${statusText(o.status)}${result ? ` · ${result}` : ''}`;
    li.append(swatch, document.createTextNode(o.label), muted);
    if (o.error) li.title = o.error;
    return li;
  }));
}

/** A run's status in the user's words. */
function statusText(status: string): string {
  switch (status) {
    case 'running': case 'finished': case 'stopped': case 'failed': case 'interrupted': case 'paused': return badgeText(status);
    default: return status;
  }
}

export function renderHeader(store: RunStore): void {
  renderOverlays(store);
  const run = store.run;
  // Overlaid runs stand in for the file's own run: no "no run yet" under them.
  $('run-summary').hidden = !run && store.overlays.length > 0;
  const status = $('run-status');
  const error = $('run-error');
  $('run-stale').hidden = !(run && store.stale);
  if (!run) {
    // No run of its own (a kept or compared run overlaid, or nothing yet): the model file's name.
    $('run-title').textContent = $('run-title').dataset.file || 'TrainLens';
    status.hidden = true;
    error.hidden = true;
  } else {
    $('run-title').textContent = run.info.title;
    const b = badge(store);
    status.hidden = false;
    status.textContent = b ? badgeText(b) : '';
    status.className = `badge ${b}`;
    // A surface run speaks of its surface, start and steps rather than epochs and samples.
    const surface = surfaceHeader(store);
    $('run-summary').textContent = surface?.summary ?? summary(store);
    $('run-details').textContent = surface?.details ?? details(run.info, store);
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
