/**
 * The scores and the loss's terms of the inspected sample, as a table: softmax — score,
 * probability (a bar) and −log p_y at the label; SVM — each max(0, s_j − s_y + Δ), the correct
 * class "excluded"; mse — prediction, target, error and (s − y)² / C. Then the loss written out.
 */
import * as l10n from '@vscode/l10n';
import type { InspectResult } from '../../src/engine/inspect-types';
import { el } from '../dom';
import { num, pct } from '../format';
import { lossLine, scoreRows, type ScoreRow } from './loss-terms';

function headers(r: InspectResult): string[] {
  const first = r.lossName === 'mse' ? l10n.t('output') : l10n.t('class');
  if (r.lossName === 'softmax') return [first, l10n.t('score s'), l10n.t('probability p'), '−log p_y', '∂L/∂s'];
  if (r.lossName === 'svm') return [first, l10n.t('score s'), 'max(0, s_j − s_y + Δ)', '∂L/∂s'];
  return [first, l10n.t('prediction s'), l10n.t('target y'), l10n.t('error s − y'), '(s − y)² / C', '∂L/∂s'];
}

function numCell(v: number | null | undefined, className = 'num'): HTMLElement {
  return el('td', v === null || v === undefined ? '' : num(v), className);
}

/** The class cell: its name, then "label" and "predicted" tags. */
function nameCell(x: ScoreRow): HTMLElement {
  const td = el('td', undefined, 'insp-class');
  td.append(el('span', x.name));
  if (x.isLabel) td.append(el('span', l10n.t('label'), 'insp-tag insp-tag-label'));
  if (x.isPredicted) td.append(el('span', l10n.t('predicted'), 'insp-tag insp-tag-pred'));
  return td;
}

function probCell(p: number | undefined): HTMLElement {
  const td = el('td', undefined, 'insp-prob');
  const bar = el('span', undefined, 'insp-bar');
  const fill = el('span', undefined, 'insp-bar-fill');
  fill.style.width = `${Math.max(0, Math.min(1, p ?? 0)) * 100}%`;
  bar.append(fill);
  td.append(bar, el('span', pct(p ?? null, 1), 'num'));
  return td;
}

function rowCells(r: InspectResult, x: ScoreRow): HTMLElement[] {
  if (r.lossName === 'softmax') return [nameCell(x), numCell(x.score), probCell(x.prob), numCell(x.term, 'num insp-term'), numCell(x.grad)];
  if (r.lossName === 'svm') {
    return [nameCell(x), numCell(x.score), x.excluded ? el('td', l10n.t('excluded'), 'num muted insp-excluded') : numCell(x.term, 'num insp-term'), numCell(x.grad)];
  }
  return [nameCell(x), numCell(x.score), numCell(x.target), numCell(x.error), numCell(x.term, 'num insp-term'), numCell(x.grad)];
}

/** Fills `box` with the table and the loss line. */
export function renderScores(box: HTMLElement, r: InspectResult): void {
  const table = el('table', undefined, 'insp-scores');
  const head = el('tr');
  for (const h of headers(r)) head.append(el('th', h));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  for (const x of scoreRows(r)) {
    const tr = el('tr');
    tr.dataset.class = String(x.index);
    tr.classList.toggle('insp-label', x.isLabel);
    tr.classList.toggle('insp-pred', x.isPredicted);
    tr.append(...rowCells(r, x));
    table.tBodies[0].append(tr);
  }
  const line = el('p', lossLine(r), 'insp-loss-line');
  line.id = 'insp-loss-line';
  const scroll = el('div', undefined, 'insp-table-box');
  scroll.append(table);
  box.replaceChildren(scroll, line);
}
