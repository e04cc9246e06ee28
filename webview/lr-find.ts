/**
 * The learning-rate finder card (in #slot-lrfind, Checks tab): the range test's loss against lr,
 * the suggestion marked, and "Use this lr", which asks the host to write it into the model file.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import type { LrFindState, WebviewToHost } from '../src/training/protocol';
import { writtenLr } from '../src/training/lr-suggestion';
import { el } from './dom';
import { seconds, short } from './format';
import { LrChart } from './lr-chart';
import { lrCurves } from './lr-find-data';
import { isTabShown, onTabShown } from './tabs';
import { onThemeChange } from './theme';

type Button = HTMLElement & { disabled: boolean };

function button(id: string, text: string, icon: string, secondary: boolean, onClick: () => void): Button {
  const b = el('vscode-button', text) as Button;
  b.id = id;
  b.setAttribute('icon', icon);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

/** The sentence under the chart: the suggestion and where the run stopped. */
function describe(s: LrFindState): string {
  const r = s.result!;
  const parts: string[] = [];
  const g = r.suggestion;
  if (g) {
    parts.push(l10n.t('Suggested lr {0}: the loss, smoothed without lag, falls fastest there (step {1} of {2}, {3} per decade of lr).', writtenLr(g.lr), g.step, r.steps, g.slope.toFixed(3)));
  } else {
    parts.push(l10n.t('No suggestion: the loss, smoothed without lag, did not fall anywhere between lr {0} and {1}.', short(r.lrMin), short(r.lrMax)));
  }
  if (s.lr !== null) parts.push(l10n.t('The file has lr {0}.', s.lr));
  if (r.stopReason === 'blow-up') parts.push(l10n.t('The test stopped at step {0}, where the smoothed loss blew up.', r.stoppedAt ?? '?'));
  if (r.stopReason === 'non-finite') parts.push(l10n.t('The test stopped at step {0}, where the loss or a gradient went non-finite.', r.stoppedAt ?? '?'));
  return parts.join(' ');
}

export class LrFindView {
  private readonly note: HTMLElement;
  private readonly box: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private readonly use: Button;
  private readonly chart: LrChart;
  private state: LrFindState | null = null;
  /** The chart waits for the Checks tab to show (a hidden canvas has no size). */
  private pending = false;

  constructor(slot: HTMLElement, post: (m: WebviewToHost) => void) {
    const card = el('section', undefined, 'card');
    card.id = 'card-lrfind';
    const head = el('div', undefined, 'card-head');
    this.note = el('span', '', 'note');
    this.note.id = 'note-lrfind';
    head.append(el('h3', l10n.t('Learning-rate finder')), this.note,
      button('lrfind-run', l10n.t('Find learning rate'), 'graph', true, () => post({ type: 'action', action: 'lrFind' })));
    const why = el('p', l10n.t('The range test: one throwaway run from the file\'s init in which the learning rate grows exponentially, 1e-7 to 10 over 100 steps, with the training loss of each step. A good lr is where the loss, smoothed without lag, falls fastest, before it blows up.'), 'why');
    this.box = el('div', undefined, 'chart-box');
    this.box.hidden = true;
    this.canvas = el('canvas');
    this.canvas.id = 'chart-lrfind';
    this.canvas.dataset.points = '0';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', l10n.t('Training loss per step and smoothed, against the learning rate on a log axis, with the suggested learning rate marked'));
    this.box.append(this.canvas);
    this.text = el('p', l10n.t('Not run yet on this model file.'), 'muted lrfind-text');
    this.text.id = 'lrfind-text';
    this.use = button('lrfind-use', l10n.t('Use this lr'), 'lightbulb', false, () => post({ type: 'action', action: 'useLr' }));
    this.use.hidden = true;
    card.append(head, why, this.box, this.text, this.use);
    slot.append(card);
    this.chart = new LrChart(this.canvas);
    onTabShown('checks', () => this.pending && this.draw());
    onThemeChange(() => this.draw());
  }

  update(s: LrFindState): void {
    if (s === this.state) return;
    this.state = s;
    this.note.textContent = s.state === 'running' ? l10n.t('running…') : s.ms !== null ? l10n.t('took {0}', seconds(s.ms / 1000)) : '';
    this.text.className = s.state === 'failed' ? 'run-error lrfind-text' : 'lrfind-text';
    this.text.textContent = s.state === 'failed' ? (s.error ?? l10n.t('The learning-rate range test failed.'))
      : s.state === 'running' && !s.result ? l10n.t('Running the range test in the background…')
        : s.result ? describe(s) : '';
    const g = s.result?.suggestion;
    this.use.hidden = !g || s.state !== 'done';
    // The file already has it: nothing to write.
    this.use.disabled = !g || (s.lr !== null && writtenLr(g.lr) === s.lr);
    if (g) this.use.textContent = l10n.t('Use lr {0}', writtenLr(g.lr));
    this.box.hidden = !s.result;
    this.draw();
  }

  private draw(): void {
    const r = this.state?.result;
    if (!r) return;
    this.pending = !isTabShown('checks');
    if (this.pending) return;
    const curves = lrCurves(r);
    this.chart.draw(curves, { suggested: r.suggestion?.lr ?? null, current: this.state?.lr ?? null });
    this.canvas.dataset.suggested = String(r.suggestion?.lr ?? '');
    this.canvas.dataset.clipped = String(curves.clipped);
  }
}
