/** The gradient-check card: one row per parameter, cs231n's verdict on its relative error. */
import type { ModelCheck } from '../src/training/protocol';
import { exp, int } from './format';
import type { GradcheckState } from './store';
import * as l10n from '@vscode/l10n';

type Verdict = ModelCheck['params'][number]['verdict'];

const VERDICT_CLASS: Record<Verdict, string> = {
  good: 'good', 'kinks only': 'kinks', uncomfortable: 'uncomfortable', wrong: 'wrong',
};

/** cs231n's reading of the largest relative error (the same thresholds as the engine's verdict). */
function overall(max: number): Verdict {
  if (!(max <= 1e-2)) return 'wrong';
  if (max > 1e-4) return 'uncomfortable';
  if (max > 1e-7) return 'kinks only';
  return 'good';
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function verdictCell(v: Verdict): HTMLTableCellElement {
  const td = el('td', undefined, `verdict ${VERDICT_CLASS[v]}`);
  td.append(el('span', undefined, 'dot'), document.createTextNode(verdictText(v)));
  return td;
}

/** cs231n's verdict in the user's words (its English name stays the CSS class). */
function verdictText(v: Verdict): string {
  switch (v) {
    case 'good': return l10n.t('good');
    case 'kinks only': return l10n.t('kinks only');
    case 'uncomfortable': return l10n.t('uncomfortable');
    case 'wrong': return l10n.t('wrong');
  }
}

function table(r: ModelCheck): HTMLTableElement {
  const t = el('table');
  const head = el('tr');
  for (const h of [l10n.t('parameter'), l10n.t('relative error'), l10n.t('verdict'), l10n.t('checked / size'), l10n.t('kinks')]) head.append(el('th', h));
  t.append(el('thead'));
  t.tHead!.append(head);
  const body = el('tbody');
  for (const p of r.params) {
    const tr = el('tr');
    tr.append(el('td', p.name, 'name'), el('td', exp(p.relError), 'num'), verdictCell(p.verdict),
      el('td', `${int(p.checked)} / ${int(p.size)}`, 'num'), el('td', int(p.kinks), 'num'));
    body.append(tr);
  }
  t.append(body);
  const foot = el('tfoot');
  const tr = el('tr');
  const label = el('td', l10n.t('max'));
  tr.append(label, el('td', exp(r.maxRelError), 'num'), verdictCell(overall(r.maxRelError)),
    el('td', l10n.t('batch of {0}', r.batch), 'num muted'), el('td', int(r.params.reduce((s, p) => s + p.kinks, 0)), 'num'));
  foot.append(tr);
  t.append(foot);
  return t;
}

let shown: GradcheckState | null | undefined;

export function renderGradcheck(g: GradcheckState | null): void {
  if (g === shown) return;
  shown = g;
  const group = document.getElementById('group-gradcheck')!;
  const body = document.getElementById('gradcheck-body')!;
  const note = document.getElementById('note-gradcheck')!;
  group.hidden = !g;
  body.textContent = '';
  note.textContent = '';
  if (!g) return;
  if (g.state === 'running') {
    note.textContent = l10n.t('running…');
    body.append(el('p', l10n.t('Checking every parameter\'s gradient against centered differences in float64…'), 'muted'));
    if (!g.result) return;
  }
  if (g.state === 'failed') body.append(el('p', g.error ?? l10n.t('The gradient check failed.'), 'run-error'));
  if (g.result) {
    if (g.state === 'running') note.textContent = l10n.t('running… (previous result below)');
    body.append(table(g.result));
  }
}
