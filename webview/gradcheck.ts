/** The gradient-check card: one row per parameter, cs231n's verdict on its relative error. */
import type { ModelCheck } from '../src/training/protocol';
import { KINK_KINDS, zeroPerKind, type KinkKind } from '../src/engine/kinks';
import { exp, int } from './format';
import type { GradcheckState } from './store';
import * as l10n from '@vscode/l10n';

type Verdict = ModelCheck['params'][number]['verdict'];
/**
 * A parameter's row as a kept result may hold it: results from before per-kind kink counts and the
 * norm-wise column lack those fields.
 */
type ParamRow = Omit<ModelCheck['params'][number], 'normRelError' | 'kinksByKind'>
  & { normRelError?: number; kinksByKind?: Partial<Record<KinkKind, number>> };

/** The kinds in the engine's order, with their names in the card. */
function kindNames(): Array<[KinkKind, string]> {
  return [['relu', l10n.t('ReLU')], ['maxpool', l10n.t('max pool')], ['maxout', l10n.t('maxout')], ['hinge', l10n.t('hinge')], ['l1', l10n.t('L1')]];
}

/**
 * "ReLU 2 · hinge 1": the skipped entries by kind, the kinds with any (every kind with `all`);
 * empty when the result predates per-kind counts.
 */
export function kinkBreakdown(byKind: Partial<Record<KinkKind, number>> | undefined, all = false): string {
  if (!byKind) return '';
  return kindNames().filter(([k]) => all || (byKind[k] ?? 0) > 0).map(([k, name]) => `${name} ${int(byKind[k] ?? 0)}`).join(' · ');
}

/**
 * The kinks cell: the total, then the kinds that have any in a muted line, which wraps only between
 * kinds ("max pool 4" stays whole).
 */
function kinksCell(total: number, byKind: Partial<Record<KinkKind, number>> | undefined): HTMLTableCellElement {
  const td = el('td', int(total), 'num');
  const detail = kinkBreakdown(byKind).split(' · ').map((kind) => kind.replace(/ /g, '\u00a0')).join(' · ');
  if (detail) td.append(el('div', detail, 'muted kinds'));
  return td;
}

/** Per kind, the sum over the parameters (undefined when a kept result has no per-kind counts). */
function totalByKind(params: readonly ParamRow[]): Record<KinkKind, number> | undefined {
  if (!params.every((p) => p.kinksByKind)) return undefined;
  const sum = zeroPerKind();
  for (const p of params) for (const k of KINK_KINDS) sum[k] += p.kinksByKind![k] ?? 0;
  return sum;
}

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

/**
 * Whether the result was kept from a version that measured only norm-wise: its relError is then
 * ‖a − n‖ / max(‖a‖, ‖n‖), shown in that column, and its per-entry figure is unknown.
 */
function normWiseOnly(r: ModelCheck): boolean {
  return (r.params as readonly ParamRow[]).some((p) => p.normRelError === undefined);
}

/** The card's table; byKind: the per-kind kink totals over the parameters (totalByKind), for its foot. */
function table(r: ModelCheck, byKind: Record<KinkKind, number> | undefined): HTMLTableElement {
  const params: readonly ParamRow[] = r.params;
  const legacy = normWiseOnly(r);
  const perEntry = (x: number): string => (legacy ? '–' : exp(x));
  const normWise = (p: ParamRow): string => exp(legacy ? p.relError : p.normRelError!);
  // Every entry skipped at a kink: nothing was compared, so no figure and no verdict.
  const none = (p: ParamRow): boolean => p.checked === 0;
  const t = el('table');
  const head = el('tr');
  for (const h of [l10n.t('parameter'), l10n.t('relative error'), l10n.t('norm-wise'), l10n.t('verdict'), l10n.t('checked / size'), l10n.t('kinks')]) head.append(el('th', h));
  t.append(el('thead'));
  t.tHead!.append(head);
  const body = el('tbody');
  for (const p of params) {
    const tr = el('tr');
    tr.append(el('td', p.name, 'name'), el('td', none(p) ? '–' : perEntry(p.relError), 'num'), el('td', none(p) ? '–' : normWise(p), 'num muted'),
      none(p) ? el('td', l10n.t('not checked'), 'muted') : verdictCell(p.verdict), el('td', `${int(p.checked)} / ${int(p.size)}`, 'num'), kinksCell(p.kinks, p.kinksByKind));
    body.append(tr);
  }
  t.append(body);
  const foot = el('tfoot');
  const tr = el('tr');
  const normMax = legacy ? exp(r.maxRelError) : exp(Math.max(0, ...params.filter((p) => !none(p)).map((p) => p.normRelError!)));
  tr.append(el('td', l10n.t('max')), el('td', perEntry(r.maxRelError), 'num'), el('td', normMax, 'num muted'), verdictCell(overall(r.maxRelError)),
    el('td', l10n.t('batch of {0}', r.batch), 'num muted'), kinksCell(params.reduce((s, p) => s + p.kinks, 0), byKind));
  foot.append(tr);
  t.append(foot);
  return t;
}

/** What the columns measure, and what becomes of tiny gradients and kinks. */
function explanation(r: ModelCheck): HTMLElement {
  return el('p', [
    ...(normWiseOnly(r) ? [l10n.t('This result was kept from a version that measured only the norm-wise error, and its verdicts were read on that; check again for the per-entry figure.')] : []),
    l10n.t('Relative error, per entry: |a − n| / max(1e-8, |a| + |n|) (a analytic, n numeric; cs231n\'s), the largest over the checked entries; the verdict reads it.'),
    l10n.t('Where both gradients are tiny (|a| + |n| < 1e-8) the floor makes it absolute, |a − n| / 1e-8: the ratio of two numbers near 0 is round-off noise, and the floor keeps it from blowing up while a real disagreement still shows.'),
    l10n.t('Norm-wise: ‖a − n‖ / max(‖a‖, ‖n‖) over the same entries, more lenient.'),
    l10n.t('Kinks: entries whose ±h step crossed a kink (ReLU at 0, a max-pool or maxout winner, an SVM hinge at its margin, an L1 weight at 0) at h, h/10 and h/100, skipped and counted by kind; one that crossed two kinds counts under both.'),
  ].join(' '), 'muted gradcheck-note');
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
    const byKind = totalByKind(g.result.params);
    body.append(table(g.result, byKind));
    if (byKind) body.append(el('p', l10n.t('Entries skipped at kinks, by kind: {0}', kinkBreakdown(byKind, true)), 'gradcheck-kinds'));
    body.append(explanation(g.result));
  }
}
