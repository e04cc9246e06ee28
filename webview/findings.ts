/**
 * The Findings card (in #slot-findings, Findings tab): the training doctor's findings of the panel's
 * run, one row each (code, step, layer, what was measured), with a button that applies its first fix
 * to the model file (the host makes the same undoable edit as the quick fix). The tab's badge counts them.
 */
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import type { Finding } from '../src/training/doctor-types';
import type { HostToWebview, WebviewToHost } from '../src/training/protocol';
import { setTabBadge } from './tabs';
import { el } from './dom';

const cell = (text: string, className = ''): HTMLElement => el('vscode-table-cell', text, className);

function row(f: Finding, runId: string, post: (m: WebviewToHost) => void): HTMLElement {
  const r = el('vscode-table-row', undefined, `finding ${f.severity}`);
  Object.assign(r.dataset, { code: f.code, step: String(f.step), layer: f.layer === null ? '' : String(f.layer), severity: f.severity });
  const code = cell('', 'code');
  code.append(el('span', '', 'dot'), document.createTextNode(f.code));
  const fix = cell('', 'fix');
  const first = f.fixes[0];
  if (first) {
    const b = el('vscode-button', first.title ?? first.kind);
    b.setAttribute('secondary', '');
    b.setAttribute('icon', 'lightbulb');
    b.title = l10n.t('Edit the model file (undoable)');
    b.addEventListener('click', () => post({ type: 'applyFix', runId, code: f.code, layer: f.layer }));
    fix.append(b);
  } else {
    fix.append(el('span', l10n.t('edit by hand'), 'muted'));
  }
  r.append(code, cell(String(f.step), 'num'), cell(f.layer === null ? '–' : `layers[${f.layer}]`, 'layer-name'), cell(f.message, 'advice'), fix);
  return r;
}

function table(findings: readonly Finding[], runId: string, post: (m: WebviewToHost) => void): HTMLElement {
  const t = el('vscode-table', undefined, 'findings-table');
  t.setAttribute('zebra', '');
  t.setAttribute('bordered-rows', '');
  t.setAttribute('responsive', '');
  t.setAttribute('breakpoint', '480');
  t.setAttribute('columns', JSON.stringify(['16%', '64px', '80px', 'auto', '24%']));
  const head = el('vscode-table-header');
  head.setAttribute('slot', 'header');
  for (const h of [l10n.t('finding'), l10n.t('step'), l10n.t('layer'), l10n.t('what it says'), l10n.t('fix')]) head.append(el('vscode-table-header-cell', h));
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const f of findings) body.append(row(f, runId, post));
  t.append(head, body);
  return t;
}

/** The card; it listens to the host's snapshot and findings messages itself. */
export class FindingsView {
  private readonly body: HTMLElement;
  private runId = '';

  constructor(slot: HTMLElement, private readonly post: (m: WebviewToHost) => void) {
    const card = el('section', undefined, 'card');
    card.id = 'card-findings';
    const head = el('div', undefined, 'card-head');
    head.append(el('h3', l10n.t('Training doctor')));
    const why = el('p', l10n.t('What the run\'s curves and layer statistics say, checked while it trains and at its end: the learning rate, plateaus, over- and underfitting, dead or saturated units, update ratios and the loss at step 0. Each finding is also a diagnostic on its line of the model file, with quick fixes.'), 'why');
    this.body = el('div', undefined, 'findings-body');
    this.body.id = 'findings-body';
    card.append(head, why, this.body);
    slot.append(card);
    this.update('', []);
    window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
      const m = e.data;
      if (m.type === 'snapshot' && m.run) this.update(m.run.info.runId, m.run.findings ?? []);
      else if (m.type === 'findings' && (m.runId === this.runId || this.runId === '')) this.update(m.runId, m.findings);
    });
  }

  update(runId: string, findings: readonly Finding[]): void {
    this.runId = runId;
    this.body.textContent = '';
    this.body.dataset.count = String(findings.length);
    setTabBadge('findings', findings.length);
    if (findings.length === 0) {
      this.body.append(el('p', runId ? l10n.t('No findings for this run so far.') : l10n.t('Train the model to see what its curves say.'), 'muted'));
      return;
    }
    this.body.append(table(findings, runId, this.post));
  }
}
