/**
 * The confusion matrix of the held-out set as a table: rows the true class, columns the predicted
 * one, the count in each cell, filled by the row's fraction (the diagonal in the theme's blue,
 * mistakes in its red; 0 stays the background), the row's total at its end. Clicking a mistake's
 * cell filters the gallery to that pair (again: all).
 */
import * as l10n from '@vscode/l10n';
import { el } from '../dom';
import { pct } from '../format';
import { luminance, mix, type ChartTheme } from '../theme';
import { className } from '../inspect/loss-terms';
import { cellStrength, type ClassPair, type ConfusionFigures } from './confusion-data';

/** Of the two colours, the one that contrasts more with the fill (WCAG contrast ratio). */
export function readableOn(fill: string, a: string, b: string): string {
  const ratio = (x: string): number => {
    const [hi, lo] = [luminance(fill), luminance(x)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  return ratio(a) >= ratio(b) ? a : b;
}

function cell(f: ConfusionFigures, i: number, j: number, t: ChartTheme, names: readonly string[] | undefined, pair: ClassPair | null): HTMLElement {
  const count = f.counts[i][j];
  const td = el('td', String(count), 'mist-cell');
  const strength = cellStrength(f.fractions[i][j]);
  const fill = mix(t.background, i === j ? t.series[0] : t.series[4], strength * (t.highContrast ? 1 : 0.85));
  td.style.background = fill;
  td.style.color = readableOn(fill, t.foreground, t.background);
  Object.assign(td.dataset, { true: String(i), predicted: String(j), count: String(count), fraction: String(f.fractions[i][j]) });
  td.title = l10n.t('true {0}, predicted {1}: {2} of {3} ({4})', className(i, names), className(j, names), count, f.rowTotals[i], pct(f.fractions[i][j]));
  if (i !== j && count > 0) {
    td.classList.add('mist-pick');
    td.tabIndex = 0;
    if (pair && pair.label === i && pair.predicted === j) td.classList.add('mist-selected');
  }
  return td;
}

/** Fills `box` with the matrix; onPick gets the (true, predicted) pair of a clicked mistake cell. */
export function renderConfusion(box: HTMLElement, f: ConfusionFigures, t: ChartTheme, names: readonly string[] | undefined, pair: ClassPair | null, onPick: (p: ClassPair) => void): void {
  const table = el('table', undefined, 'mist-matrix');
  table.id = 'mist-matrix';
  table.dataset.total = String(f.total);
  const head = el('tr');
  head.append(el('th', l10n.t('true ↓ predicted →'), 'mist-corner'));
  // Without names, the classes' numbers alone (ten columns of "class k" do not fit a narrow panel).
  const short = (k: number): string => names?.[k] ?? String(k);
  for (let j = 0; j < f.classes; j++) head.append(el('th', short(j), 'mist-col'));
  head.append(el('th', l10n.t('total'), 'mist-col muted'));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (let i = 0; i < f.classes; i++) {
    const tr = el('tr');
    tr.append(el('th', short(i), 'mist-row'));
    for (let j = 0; j < f.classes; j++) tr.append(cell(f, i, j, t, names, pair));
    tr.append(el('td', String(f.rowTotals[i]), 'mist-total muted'));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  const pick = (e: Event): void => {
    const td = (e.target as HTMLElement).closest<HTMLElement>('td.mist-pick');
    if (td) onPick({ label: Number(td.dataset.true), predicted: Number(td.dataset.predicted) });
  };
  table.addEventListener('click', pick);
  table.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') pick(e);
  });
  const scroll = el('div', undefined, 'mist-matrix-box');
  scroll.append(table);
  box.replaceChildren(scroll);
}
