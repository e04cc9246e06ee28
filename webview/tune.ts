/**
 * The Tune tab: the state of a random search as the host sends it — the lr × reg scatter, the
 * sortable table of trials, the best trial's curves, and the buttons that narrow around the best,
 * apply it to the file, or stop. Rendered into #slot-tune; charts are drawn only while the tab shows.
 */
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import * as l10n from '@vscode/l10n';
import type { HostToWebview, PanelAction, TuneState, WebviewToHost } from '../src/training/protocol';
import { isTabShown, onTabShown, showTab, showTabHeader } from './tabs';
import { onThemeChange } from './theme';
import { TuneScatter } from './tune-scatter';
import { BestCurves } from './tune-curves';
import { renderTrialTable } from './tune-table';
import { type Sort } from './tune-data';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function card(id: string, title: string, why: string, ...body: HTMLElement[]): HTMLElement {
  const section = el('section', { class: 'card', id: `card-${id}` });
  const head = el('div', { class: 'card-head' });
  head.append(el('h3', { id: `title-${id}` }, title), el('span', { class: 'note', id: `note-${id}` }));
  section.append(head, el('p', { class: 'why' }, why), ...body);
  return section;
}

/** "Round 2 · 14 of 20 trials ended · running" */
function progressLine(t: TuneState): string {
  const ended = t.trials.filter((x) => x.status !== 'running' && x.status !== 'pending').length;
  const round = Math.max(1, ...t.trials.map((x) => x.round));
  const state = t.state === 'running' ? l10n.t('running') : t.state === 'finished' ? l10n.t('finished') : l10n.t('stopped');
  const seeds = t.seeds > 1 ? ` · ${l10n.t('{0} seeds each', t.seeds)}` : '';
  return `${l10n.t('Round {0}', round)} · ${l10n.t('{0} of {1} trials ended', ended, t.planned)} · ${l10n.t('{0} epochs each', t.epochs)}${seeds} · ${state}`;
}

class TuneView {
  private state: TuneState | null = null;
  private sort: Sort = { key: 'score', descending: true };
  private readonly summary = el('div', { class: 'summary', id: 'tune-summary' });
  private readonly rule = el('div', { class: 'details', id: 'tune-rule' });
  private readonly buttons = el('div', { class: 'toolbar tune-actions' });
  private readonly table = el('div', { id: 'tune-table-box' });
  private readonly scatter: TuneScatter;
  private readonly curves: BestCurves;
  private dirty = false;
  private retheme = false;

  constructor(slot: HTMLElement, private readonly post: (m: WebviewToHost) => void) {
    const canvas = el('canvas', { id: 'chart-tune-scatter', 'data-points': '0', role: 'img', 'aria-label': l10n.t('Each trial at its log10 learning rate and log10 regularization, coloured by its validation score') });
    const legend = el('canvas', { id: 'tune-legend', class: 'tune-legend', 'aria-hidden': 'true' });
    const box = el('div', { class: 'chart-box tune-scatter' });
    box.append(canvas);
    const key = el('div', { class: 'tune-key muted' }, l10n.t('● ended · ▲ stopped early · ✕ diverged · ○ running · large ringed: the best'));
    this.scatter = new TuneScatter(canvas, legend);
    const lossCanvas = el('canvas', { id: 'chart-tune-loss', 'data-points': '0', role: 'img', 'aria-label': l10n.t('The best trial\'s training and validation loss') });
    const scoreCanvas = el('canvas', { id: 'chart-tune-score', 'data-points': '0', role: 'img', 'aria-label': l10n.t('The best trial\'s training and validation score per epoch') });
    const lossBox = el('div', { class: 'chart-box short' });
    lossBox.append(lossCanvas);
    const scoreBox = el('div', { class: 'chart-box short' });
    scoreBox.append(scoreCanvas);
    this.curves = new BestCurves(lossCanvas, scoreCanvas);
    for (const [action, label, title] of [
      ['tuneNarrow', l10n.t('Narrow around the best'), l10n.t('A second, finer round of trials around the best values (coarse to fine)')],
      ['tuneApply', l10n.t('Apply best'), l10n.t('Write the best trial\'s values into the model file (one undoable edit)')],
      ['tuneStop', l10n.t('Stop'), l10n.t('Stop the search: running trials stop, no more start')],
    ] as Array<[PanelAction, string, string]>) {
      const b = el('vscode-button', { id: `btn-${action}`, title, secondary: '', disabled: '' }, label);
      b.addEventListener('click', () => {
        if (!b.hasAttribute('disabled')) this.post({ type: 'action', action });
      });
      this.buttons.append(b);
    }
    slot.append(
      this.summary, this.rule, this.buttons,
      card('tune-scatter', l10n.t('Learning rate × regularization'), l10n.t('cs231n\'s random search: sample in log space, look where the good trials cluster, then search again around them.'), box, legend, key),
      card('tune-table', l10n.t('Trials'), l10n.t('Click a column to sort. Each trial is also kept as a run in the Runs view.'), this.table),
      card('tune-best', l10n.t('The best trial'), l10n.t('Its training curves: the loss per step and the validation score per epoch.'), lossBox, scoreBox),
    );
    this.summary.textContent = l10n.t('No search yet: run TrainLens: Tune… on the model file.');
    onTabShown('tune', () => this.drawCharts());
    onThemeChange(() => {
      // Re-themed when next drawn: a tab never shown creates no chart.
      this.retheme = true;
      this.dirty = true;
      this.drawCharts();
    });
  }

  set(tune: TuneState | null, reveal: boolean): void {
    this.state = tune;
    showTabHeader('tune', tune !== null);
    if (tune && reveal) showTab('tune');
    this.render();
  }

  private render(): void {
    const t = this.state;
    if (!t) return;
    this.summary.textContent = progressLine(t);
    this.summary.dataset.state = t.state;
    this.rule.textContent = [t.rule, t.saved].filter(Boolean).join(' ');
    const done = t.state !== 'running';
    this.enable('tuneNarrow', done && t.best !== null);
    this.enable('tuneApply', t.best !== null);
    this.enable('tuneStop', !done);
    renderTrialTable(this.table, t, this.sort, (key) => {
      this.sort = key;
      this.render();
    });
    this.dirty = true;
    this.drawCharts();
  }

  private enable(action: PanelAction, on: boolean): void {
    document.getElementById(`btn-${action}`)?.toggleAttribute('disabled', !on);
  }

  /** The charts, when the tab shows and something changed since they were drawn. */
  private drawCharts(): void {
    const t = this.state;
    if (!t || !this.dirty || !isTabShown('tune')) return;
    this.dirty = false;
    if (this.retheme) this.curves.retheme();
    this.retheme = false;
    this.scatter.draw(t);
    this.curves.draw(t);
  }
}

let view: TuneView | undefined;

/** Sets up the Tune tab in #slot-tune; post sends the buttons' actions to the host. */
export function initTune(post: (m: WebviewToHost) => void): void {
  const slot = document.getElementById('slot-tune');
  if (!slot) return;
  view = new TuneView(slot, post);
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
    const m = event.data;
    if (m?.type === 'tune') view?.set(m.tune, m.reveal);
  });
}
