/**
 * The Tune tab's table of trials (vscode-table): #, round, each parameter searched, the validation
 * score (± std over seeds), validation loss, epochs, status. A click on a column sorts by it.
 */
import * as l10n from '@vscode/l10n';
import type { TrialResult } from '../src/model/tune';
import type { TuneState } from '../src/training/protocol';
import { num, short } from './format';
import { nextSort, scoreCell, sortTrials, statusText, trialScore, type Sort, type SortKey } from './tune-data';

interface Column {
  key: SortKey;
  title: string;
  text: (t: TrialResult) => string;
  /** The exact figure behind the cell, for the tests. */
  value?: (t: TrialResult) => number | undefined;
}

function columns(tune: TuneState): Column[] {
  const score = tune.metric === 'valR2' ? l10n.t('val R²') : l10n.t('val acc');
  return [
    { key: '#', title: '#', text: (t) => String(t.index) },
    { key: 'round', title: l10n.t('round'), text: (t) => String(t.round) },
    ...tune.params.map((p): Column => ({
      key: p, title: p,
      text: (t) => (typeof t.params[p] === 'number' ? short(t.params[p] as number) : String(t.params[p] ?? '–')),
      value: (t) => (typeof t.params[p] === 'number' ? (t.params[p] as number) : undefined),
    })),
    {
      key: 'score', title: score, value: (t) => trialScore(t, tune.metric), text: (t) => scoreCell(t, tune.metric, tune.seeds),
    },
    { key: 'valLoss', title: l10n.t('val loss'), text: (t) => num(t.valLoss), value: (t) => t.valLoss },
    { key: 'epochs', title: l10n.t('epochs'), text: (t) => String(t.epochs), value: (t) => t.epochs },
    { key: 'status', title: l10n.t('status'), text: (t) => statusText(t) },
  ];
}

function node<K extends string>(tag: K, text = ''): HTMLElement {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  return e;
}

/** Replaces the box's table with the trials in the given order; onSort gets the order a header click asks for. */
export function renderTrialTable(box: HTMLElement, tune: TuneState, sort: Sort, onSort: (s: Sort) => void): void {
  const cols = columns(tune);
  const table = node('vscode-table');
  table.id = 'tune-table';
  table.setAttribute('zebra', '');
  table.setAttribute('bordered-columns', '');
  table.setAttribute('resizable', '');
  table.dataset.sort = `${sort.key}:${sort.descending ? 'desc' : 'asc'}`;
  // Narrow columns for the counts, the rest shared out.
  // Shares of the width: the figures' columns fixed, the parameters' splitting the rest.
  // (A score ± its std over seeds takes more room.)
  const widths: Partial<Record<SortKey, number>> = tune.seeds > 1
    ? { '#': 5, round: 10, score: 22, valLoss: 11, epochs: 11, status: 18 }
    : { '#': 5, round: 10, score: 15, valLoss: 14, epochs: 11, status: 18 };
  const fixed = Object.values(widths).reduce((a, b) => a + b, 0);
  const each = (100 - fixed) / Math.max(1, tune.params.length);
  (table as HTMLElement & { columns: string[] }).columns = cols.map((c) => `${(widths[c.key] ?? each).toFixed(2)}%`);
  const header = node('vscode-table-header');
  header.setAttribute('slot', 'header');
  for (const c of cols) {
    const arrow = c.key === sort.key ? (sort.descending ? ' ▼' : ' ▲') : '';
    const cell = node('vscode-table-header-cell', c.title + arrow);
    cell.dataset.key = c.key;
    cell.classList.add('sortable');
    cell.title = l10n.t('Sort by {0}', c.title);
    cell.addEventListener('click', () => onSort(nextSort(sort, c.key)));
    header.append(cell);
  }
  const body = node('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const t of sortTrials(tune.trials, sort, tune.metric)) {
    const row = node('vscode-table-row');
    row.dataset.index = String(t.index);
    row.dataset.status = t.status;
    if (t.index === tune.best) row.classList.add('best');
    for (const c of cols) {
      const cell = node('vscode-table-cell', c.text(t));
      cell.dataset.key = c.key;
      const v = c.value?.(t);
      if (v !== undefined) cell.dataset.value = String(v);
      // Why it stopped early, on hover.
      if (c.key === 'status' && t.reason) cell.title = t.reason;
      row.append(cell);
    }
    body.append(row);
  }
  table.append(header, body);
  box.replaceChildren(table);
}
