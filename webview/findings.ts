/**
 * The Findings card (in #slot-findings, Findings tab): the training doctor's findings of the panel's
 * run, one line each (code, step, layer, then what was measured), with a button that applies its first fix
 * to the model file (the host makes the same undoable edit as the quick fix). The tab's badge counts them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import * as l10n from '@vscode/l10n';
import type { Finding } from '../src/training/doctor-types';
import type { HostToWebview, WebviewToHost } from '../src/training/protocol';
import { setTabBadge } from './tabs';
import { el } from './dom';

/**
 * One finding: a head line (severity dot, code, step, layer, the fix's button at the right) and its
 * message under it, the whole width (a message runs to several lines: a table column would squeeze it).
 */
function row(f: Finding, runId: string, post: (m: WebviewToHost) => void): HTMLElement {
  const r = el('div', undefined, `finding ${f.severity}`);
  Object.assign(r.dataset, { code: f.code, step: String(f.step), layer: f.layer === null ? '' : String(f.layer), severity: f.severity });
  const head = el('div', undefined, 'finding-head');
  const code = el('span', '', 'code');
  code.append(el('span', '', 'dot'), document.createTextNode(f.code));
  head.append(code, el('span', l10n.t('step {0}', f.step), 'step'), el('span', f.layer === null ? '' : `layers[${f.layer}]`, 'layer-name'));
  const first = f.fixes[0];
  if (first) {
    const b = el('vscode-button', first.title ?? first.kind);
    b.setAttribute('secondary', '');
    b.setAttribute('icon', 'lightbulb');
    b.title = l10n.t('Edit the model file (undoable)');
    b.addEventListener('click', () => post({ type: 'applyFix', runId, code: f.code, layer: f.layer }));
    head.append(b);
  } else {
    head.append(el('span', l10n.t('edit by hand'), 'muted fix-none'));
  }
  r.append(head, el('p', f.message, 'message'));
  return r;
}

function list(findings: readonly Finding[], runId: string, post: (m: WebviewToHost) => void): HTMLElement {
  const l = el('div', undefined, 'findings-list');
  for (const f of findings) l.append(row(f, runId, post));
  return l;
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
    this.body.append(list(findings, runId, this.post));
  }
}
