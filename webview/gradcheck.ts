/** The gradient-check card: one row per parameter, cs231n's verdict on its relative error. */
import type { ModelCheck } from '../src/training/protocol';
import { exp, int } from './format';
import type { GradcheckState } from './store';

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
  td.append(el('span', undefined, 'dot'), document.createTextNode(v));
  return td;
}

function table(r: ModelCheck): HTMLTableElement {
  const t = el('table');
  const head = el('tr');
  for (const h of ['parameter', 'relative error', 'verdict', 'checked / size', 'kinks']) head.append(el('th', h));
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
  const label = el('td', 'max');
  tr.append(label, el('td', exp(r.maxRelError), 'num'), verdictCell(overall(r.maxRelError)),
    el('td', `batch of ${r.batch}`, 'num muted'), el('td', int(r.params.reduce((s, p) => s + p.kinks, 0)), 'num'));
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
    note.textContent = 'running…';
    body.append(el('p', 'Checking every parameter\'s gradient against centered differences in float64…', 'muted'));
    if (!g.result) return;
  }
  if (g.state === 'failed') body.append(el('p', g.error ?? 'The gradient check failed.', 'run-error'));
  if (g.result) {
    if (g.state === 'running') note.textContent = 'running… (previous result below)';
    body.append(table(g.result));
  }
}
