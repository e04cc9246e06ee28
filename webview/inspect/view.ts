/**
 * The Inspect tab (#slot-inspect): one sample through the network for the latest InspectState —
 * the picker, a header (the sample, its label and the prediction, the loss, whose weights), the
 * input, the forward pass layer by layer, the scores and the loss's terms, the backward pass layer
 * by layer back to ∂L/∂input, and "Show as Circuit". A newer result for the same network repaints
 * in place (a followed sample while its run trains).
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import * as l10n from '@vscode/l10n';
import type { InspectResult } from '../../src/engine/inspect-types';
import type { InspectState, RunStatus, SampleImages, WebviewToHost } from '../../src/training/protocol';
import { card, el } from '../dom';
import { num } from '../format';
import { isTabShown, onTabShown } from '../tabs';
import { onThemeChange, readTheme } from '../theme';
import { CircuitCard } from './circuit-card';
import { labelText, predictionText, sampleTitle, weightsText } from './loss-terms';
import { Picker } from './picker';
import { RowList } from './rows';
import { backwardRows, forwardRows, inputRow, type RowColors } from './rows-data';
import { renderScores } from './scores';

/** The theme's colours for values (blue below 0, orange above) and gradients (purple below, red above). */
function rowColors(): RowColors {
  const t = readTheme();
  return {
    values: { negative: t.series[0], zero: t.background, positive: t.series[1] },
    grads: { negative: t.series[3], zero: t.background, positive: t.series[4] },
    hot: t.series[4],
    background: t.background,
    edge: t.grid,
  };
}

export class InspectView {
  private state: InspectState | null = null;
  private readonly picker: Picker;
  private readonly status = el('div', '', 'insp-status');
  private readonly result = el('div', undefined, 'insp-result');
  private readonly title = el('h3', '', 'insp-title');
  private readonly live = el('vscode-badge', l10n.t('live'), 'insp-live');
  private readonly ring = el('vscode-progress-ring', undefined, 'insp-ring');
  private readonly facts = el('div', '', 'insp-facts');
  private readonly input = new RowList(el('div', undefined, 'insp-rows'));
  private readonly forward = new RowList(el('div', undefined, 'insp-rows'));
  private readonly backward = new RowList(el('div', undefined, 'insp-rows'));
  private readonly scores = el('div', undefined, 'insp-scores-box');
  private readonly circuit = new CircuitCard();
  /** The host asked to show the circuit: scrolled to when next drawn. */
  private circuitPending = false;
  /** The run's status the header was written for. */
  private headerStatus: RunStatus | undefined;
  /** The rows' width last drawn for. */
  private width = 0;

  /** runStatus: the status of a run by its id (a stopped run's weights are not a finished run's). */
  constructor(private readonly slot: HTMLElement, post: (m: WebviewToHost) => void, private readonly runStatus: (runId: string) => RunStatus | undefined = () => undefined) {
    this.picker = new Picker(post);
    this.status.id = 'insp-status';
    this.scores.id = 'insp-scores';
    this.input.el.id = 'insp-input';
    this.forward.el.id = 'insp-forward';
    this.backward.el.id = 'insp-backward';
    const head = el('section', undefined, 'card insp-head');
    head.id = 'card-insp-head';
    const titleRow = el('div', undefined, 'insp-title-row');
    titleRow.append(this.title, this.live, this.ring);
    head.append(titleRow, this.facts);
    this.result.append(
      head,
      card('insp-input', l10n.t('Input'), l10n.t('The sample as the network sees it. Hover a cell for its exact value.'), this.input.el),
      card('insp-forward', l10n.t('Forward, layer by layer'), l10n.t('Each engine layer\'s output for this sample; the activation after a nonlinearity is its own row. Blue below 0, orange above, each row scaled to its own largest magnitude.'), this.forward.el),
      card('insp-scores', l10n.t('Scores and the loss'), l10n.t('The last layer\'s scores and this sample\'s data loss (no regularization), term by term.'), this.scores),
      card('insp-backward', l10n.t('Backward, layer by layer'), l10n.t('The gradient of this sample\'s loss flowing back: ∂L/∂scores, then ∂L/∂(each layer\'s output), down to ∂L/∂input. Purple below 0, red above.'), this.backward.el),
      this.circuit.el,
    );
    this.result.hidden = true;
    slot.append(card('insp-pick', l10n.t('Inspect one example'), l10n.t('One sample forward and backward through the network, as cs231n\'s backprop lesson works it through: click a point of the decision boundary, an image, a mistake, or pick one here.'), this.picker.el), this.status, this.result);
    this.showStatus();
    onTabShown('inspect', () => this.paint());
    onThemeChange(() => this.paint());
    // Repainted when the width changes (not when the rows it drew change the height).
    new ResizeObserver(() => {
      if (this.forward.el.clientWidth !== this.width) this.paint();
    }).observe(slot);
  }

  /** The newest state from the host. */
  set(s: InspectState): void {
    this.state = s;
    this.picker.setTarget(s.target);
    Object.assign(this.slot.dataset, { state: s.state, split: s.target.split, sample: String(s.target.sample), live: String(s.live) });
    this.showStatus();
    this.paint();
  }

  /** The header again (the run's status may have changed: a stopped run's weights). */
  refreshHeader(): void {
    const r = this.state?.result;
    const runId = this.state?.runId;
    const status = runId ? this.runStatus(runId) : undefined;
    if (status === this.headerStatus) return;
    if (r && !this.result.hidden) this.header(r);
  }

  setGallery(g: SampleImages | null | undefined): void {
    this.picker.setGallery(g);
  }

  /** Brings the circuit card into view (the host's view: 'circuit') once a result has drawn it. */
  revealCircuit(): void {
    this.circuitPending = true;
    this.paint();
  }

  private showStatus(): void {
    const s = this.state;
    this.status.classList.toggle('insp-error', s?.state === 'failed');
    this.ring.hidden = s?.state !== 'running';
    this.result.classList.toggle('insp-busy', s?.state === 'running');
    if (!s) this.status.textContent = l10n.t('No sample yet: click a point of the decision boundary, an image, a mistake, or pick a sample above.');
    else if (s.state === 'failed') this.status.textContent = s.error ?? l10n.t('The sample could not be inspected.');
    else if (s.state === 'running' && !s.result) this.status.textContent = l10n.t('Computing: {0}…', sampleTitle(s.target.split, s.target.sample));
    else this.status.textContent = '';
    this.status.hidden = this.status.textContent === '';
  }

  /** Draws the result, when the tab is on show (a hidden tab has no width: drawn when shown). */
  private paint(): void {
    const r = this.state?.result ?? null;
    this.result.hidden = r === null;
    if (!r || !isTabShown('inspect')) return;
    const width = this.forward.el.clientWidth;
    this.width = width;
    if (width <= 0) return;
    this.header(r);
    const colors = rowColors();
    this.input.set([inputRow(r, colors)], width);
    this.forward.set(forwardRows(r, colors), width);
    renderScores(this.scores, r);
    this.backward.set(backwardRows(r, colors), width);
    this.circuit.set(r);
    if (this.circuitPending) {
      this.circuitPending = false;
      this.circuit.el.scrollIntoView({ block: 'start' });
    }
  }

  private header(r: InspectResult): void {
    const s = this.state;
    this.headerStatus = s?.runId ? this.runStatus(s.runId) : undefined;
    this.title.textContent = sampleTitle(r.split, r.sample);
    this.live.hidden = !s?.live;
    const label = el('b', labelText(r));
    this.facts.replaceChildren(
      l10n.t('label: '), label, ` · ${predictionText(r)} · `, l10n.t('loss {0}', num(r.loss)), ` · ${weightsText(s ?? { live: false }, r, this.headerStatus)}`,
    );
    this.facts.dataset.label = typeof r.label === 'number' ? String(r.label) : '';
    this.facts.dataset.predicted = r.predicted === null ? '' : String(r.predicted);
  }
}
