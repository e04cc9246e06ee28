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
import { el } from './dom';

const COLUMNS = (): string[] => [l10n.t('check'), l10n.t('expected'), l10n.t('measured'), l10n.t('result'), l10n.t('advice')];

function cell(text: string, label: string, className = ''): HTMLElement {
  const c = el('vscode-table-cell', text, className);
  c.setAttribute('column-label', label);
  return c;
}

function verdict(pass: boolean, label: string): HTMLElement {
  const c = cell('', label, `verdict ${pass ? 'pass' : 'fail'}`);
  c.append(el('span', '', 'dot'), document.createTextNode(pass ? l10n.t('pass') : l10n.t('fail')));
  return c;
}

function checkRow(c: SanityCheck): HTMLElement {
  const [name, expected, measured, result, advice] = COLUMNS();
  const f = checkFigures(c);
  const row = el('vscode-table-row', undefined, c.pass ? 'check pass' : 'check fail');
  Object.assign(row.dataset, { name: c.name, pass: String(c.pass), expected: String(c.expected), measured: String(c.measured) });
  const title = cell(checkTitle(c.name), name, 'name');
  title.append(el('div', c.name, 'muted id'));
  row.append(title, cell(f.expected, expected, 'num'), cell(f.measured, measured, 'num'), verdict(c.pass, result), cell(c.advice, advice, 'advice'));
  return row;
}

/** update-ratio's layers: median ‖ΔW‖/‖W‖ over the check's steps, each against the band. */
function layerRow(l: LayerRatio): HTMLElement {
  const [name, expected, measured, result, advice] = COLUMNS();
  const row = el('vscode-table-row', undefined, 'layer');
  Object.assign(row.dataset, { layer: l.name, pass: String(l.pass), measured: String(l.median) });
  const steps = l.ratios.map((r) => exp(r, 1)).join(' ');
  row.append(cell(l.name, name, 'name layer-name'), cell('', expected, 'num'), cell(exp(l.median), measured, 'num'), verdict(l.pass, result),
    cell(l10n.t('median of {0} steps: {1}', l.ratios.length, steps), advice, 'advice muted'));
  return row;
}

function table(checks: readonly SanityCheck[]): HTMLElement {
  const t = el('vscode-table', undefined, 'sanity-table');
  t.setAttribute('zebra', '');
  t.setAttribute('bordered-rows', '');
  t.setAttribute('responsive', '');
  t.setAttribute('breakpoint', '420');
  t.setAttribute('columns', JSON.stringify(['20%', '11%', '11%', '9%', '49%']));
  const head = el('vscode-table-header');
  head.setAttribute('slot', 'header');
  for (const h of COLUMNS()) head.append(el('vscode-table-header-cell', h));
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const c of checks) {
    body.append(checkRow(c));
    for (const l of c.layers ?? []) body.append(layerRow(l));
  }
  t.append(head, body);
  return t;
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
