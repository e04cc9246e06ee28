/**
 * The Sanity card (in #slot-sanity, Checks tab): cs231n's checks before training as a table of
 * check, expected, measured, pass/fail and advice; update-ratio with a row per weighted layer.
 */
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import type { LayerRatio, SanityCheck } from '../src/engine/sanity-types';
import type { SanityState, WebviewToHost } from '../src/training/protocol';
import { checkFigures, checkTitle, sanitySummary } from './sanity-text';
import { exp, seconds } from './format';
import { el, vscodeTable } from './dom';

const COLUMNS = (): string[] => [l10n.t('check'), l10n.t('expected'), l10n.t('measured'), l10n.t('result'), l10n.t('advice')];

// Narrow panels get vscode-table's compact view, which labels each cell with its column's header.
const cell = (text: string, className = ''): HTMLElement => el('vscode-table-cell', text, className);

function verdict(pass: boolean): HTMLElement {
  const c = cell('', `verdict ${pass ? 'pass' : 'fail'}`);
  c.append(el('span', '', 'dot'), document.createTextNode(pass ? l10n.t('pass') : l10n.t('fail')));
  return c;
}

function checkRow(c: SanityCheck): HTMLElement {
  const f = checkFigures(c);
  const row = el('vscode-table-row', undefined, c.pass ? 'check pass' : 'check fail');
  Object.assign(row.dataset, { name: c.name, pass: String(c.pass), expected: String(c.expected), measured: String(c.measured) });
  const title = cell(checkTitle(c.name), 'name');
  title.append(el('div', c.name, 'muted id'));
  row.append(title, cell(f.expected, 'num'), cell(f.measured, 'num'), verdict(c.pass), cell(c.advice, 'advice'));
  return row;
}

/** update-ratio's layers: median ‖ΔW‖/‖W‖ over the check's steps, each against the band. */
function layerRow(l: LayerRatio): HTMLElement {
  const row = el('vscode-table-row', undefined, 'layer');
  Object.assign(row.dataset, { layer: l.name, pass: String(l.pass), measured: String(l.median) });
  // No line break inside a figure ("5.5e-3" breaks after its hyphen otherwise).
  const range = l.ratios.length > 0 ? `${exp(Math.min(...l.ratios), 1)} – ${exp(Math.max(...l.ratios), 1)}`.replace(/e-/g, 'e-\u2060') : '–';
  row.append(cell(l.name, 'name layer-name'), cell('', 'num'), cell(exp(l.median), 'num'), verdict(l.pass),
    cell(l10n.t('median of {0} steps (range {1})', l.ratios.length, range), 'advice muted'));
  return row;
}

function table(checks: readonly SanityCheck[]): HTMLElement {
  const rows = checks.flatMap((c) => [checkRow(c), ...(c.layers ?? []).map(layerRow)]);
  // The figures' columns as wide as "measured" and "≈ 1.099" need; the advice takes the rest.
  return vscodeTable('sanity-table', ['22%', '84px', '84px', '68px', 'auto'], COLUMNS(), rows);
}

/** The card, rendered once; update() fills it from each state the host sends. */
export class SanityView {
  private readonly note: HTMLElement;
  private readonly body: HTMLElement;
  private shown: SanityState | null = null;

  constructor(slot: HTMLElement, post: (m: WebviewToHost) => void) {
    const card = el('section', undefined, 'card');
    card.id = 'card-sanity';
    const head = el('div', undefined, 'card-head');
    const run = el('vscode-button', l10n.t('Run sanity checks'));
    run.id = 'sanity-run';
    run.setAttribute('secondary', '');
    run.setAttribute('icon', 'checklist');
    run.addEventListener('click', () => post({ type: 'action', action: 'sanity' }));
    this.note = el('span', '', 'note');
    this.note.id = 'note-sanity';
    head.append(el('h3', l10n.t('Sanity checks')), this.note, run);
    const why = el('p', l10n.t('cs231n\'s checks before a real run: the loss at step 0 with regularization off, that regularization raises it, that 20 training samples can be fit to 100 %, the gradient check, and ‖ΔW‖/‖W‖ per layer over the first steps against 1e-3.'), 'why');
    this.body = el('div', undefined, 'sanity-body');
    this.body.id = 'sanity-body';
    this.body.append(el('p', l10n.t('Not run yet on this model file.'), 'muted'));
    card.append(head, why, this.body);
    slot.append(card);
  }

  update(s: SanityState): void {
    if (s === this.shown) return;
    this.shown = s;
    this.body.textContent = '';
    this.body.dataset.state = s.state;
    this.note.textContent = s.state === 'running' ? l10n.t('running…') : s.ms !== null ? l10n.t('took {0}', seconds(s.ms / 1000)) : '';
    if (s.state === 'failed') this.body.append(el('p', s.error ?? l10n.t('The sanity checks failed.'), 'run-error'));
    if (s.state === 'running') this.body.append(el('p', s.report ? l10n.t('Running the checks again; the previous result is below.') : l10n.t('Running the checks in the background…'), 'muted'));
    if (!s.report) return;
    const summary = el('p', sanitySummary(s.report.checks), `sanity-summary ${s.report.pass ? 'pass' : 'fail'}`);
    this.body.append(summary, table(s.report.checks));
  }
}
