/**
 * Compare over seeds: the result table under the header, one row per variant with its seeds'
 * status and each final figure as mean ± sample std (n − 1) over the seeds that ended with it.
 */
import * as l10n from '@vscode/l10n';
import type { FinalFigure, Spread } from '../src/training/aggregate';
import { num, pct, r2 } from './format';
import type { SeedGroup } from './seeds';
import { paletteColor, readTheme } from './theme';

interface Column {
  figure: FinalFigure;
  title: string;
  format: (x: number) => string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', cls = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** The figures some variant has: held-out ones where there is a held-out set, R² and RMSE for regression. */
function columns(groups: SeedGroup[]): Column[] {
  const has = (f: FinalFigure): boolean => groups.some((g) => g.final[f] !== null);
  const cols: Column[] = [{ figure: 'loss', title: l10n.t('final loss'), format: num }];
  if (has('valR2') || has('trainR2')) {
    cols.push(has('valR2') ? { figure: 'valR2', title: l10n.t('val R²'), format: r2 } : { figure: 'trainR2', title: l10n.t('train R²'), format: r2 });
    if (has('valRmse')) cols.push({ figure: 'valRmse', title: l10n.t('val RMSE'), format: num });
  } else {
    cols.push(has('valAcc') ? { figure: 'valAcc', title: l10n.t('val acc'), format: (x) => pct(x) } : { figure: 'trainAcc', title: l10n.t('train acc'), format: (x) => pct(x) });
  }
  if (has('valLoss')) cols.push({ figure: 'valLoss', title: l10n.t('val loss'), format: num });
  return cols;
}

/** A deviation to two significant digits ("0.0051", "2.4e-5"); percentages keep the figure's own format. */
function twoDigits(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(1) : x.toPrecision(2);
}

/** "0.5123 ± 0.0051", "85.3% ± 1.2%"; one seed: the value alone; fewer seeds than asked: "(2 of 3)". */
export function meanStd(s: Spread | null, format: (x: number) => string, seeds: number): string {
  if (!s) return '–';
  const std = (x: number): string => (format === num ? twoDigits(x) : format(x));
  const text = s.std === null ? format(s.mean) : `${format(s.mean)} ± ${std(s.std)}`;
  return s.n < seeds ? `${text} ${l10n.t('({0} of {1})', s.n, seeds)}` : text;
}

/** "3 finished", "2 finished · 1 running". */
function seedStatus(g: SeedGroup): string {
  const counts = new Map<string, number>();
  for (const r of g.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => statusCount(status, n));
  const waiting = g.seeds - g.runs.length;
  if (waiting > 0) parts.push(l10n.t('{0} waiting', waiting));
  return parts.join(' · ');
}

function statusCount(status: string, n: number): string {
  switch (status) {
    case 'running': return l10n.t('{0} running', n);
    case 'finished': return l10n.t('{0} finished', n);
    case 'stopped': return l10n.t('{0} stopped', n);
    case 'failed': return l10n.t('{0} failed', n);
    case 'interrupted': return l10n.t('{0} interrupted', n);
    default: return `${n} ${status}`;
  }
}

function row(g: SeedGroup, k: number, cols: Column[], theme: ReturnType<typeof readTheme>): HTMLTableRowElement {
  const tr = el('tr');
  const name = el('td', '', 'name');
  const swatch = el('span', '', 'swatch');
  swatch.style.background = paletteColor(theme, k);
  name.append(swatch, document.createTextNode(g.label));
  tr.append(name, el('td', seedStatus(g), 'muted'));
  for (const c of cols) {
    const s = g.final[c.figure];
    const td = el('td', meanStd(s, c.format, g.seeds), 'num');
    td.dataset.figure = c.figure;
    if (s) {
      td.dataset.mean = String(s.mean);
      td.dataset.std = s.std === null ? '' : String(s.std);
      td.dataset.n = String(s.n);
    }
    tr.append(td);
  }
  const errors = g.runs.flatMap((r) => (r.error ? [r.error] : []));
  if (errors.length > 0) tr.title = errors.join('\n');
  return tr;
}

/**
 * Draws the table into the overlay bar (after the overlay list) when the overlays are seeds of
 * variants, and says so; otherwise removes it and returns false.
 */
export function renderSeedTable(groups: SeedGroup[]): boolean {
  const bar = document.getElementById('overlay-bar');
  let table = document.getElementById('seed-table') as HTMLTableElement | null;
  if (groups.length === 0 || !bar) {
    table?.remove();
    return false;
  }
  if (!table) {
    table = el('table', '', 'seed-table');
    table.id = 'seed-table';
    bar.append(table);
  }
  const cols = columns(groups);
  const head = el('tr');
  head.append(el('th', l10n.t('variant')), el('th', l10n.t('seeds ({0} each)', groups[0].seeds)), ...cols.map((c) => el('th', l10n.t('{0}, mean ± std', c.title))));
  const theme = readTheme();
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  tbody.append(...groups.map((g, k) => row(g, k, cols, theme)));
  table.replaceChildren(thead, tbody);
  return true;
}
