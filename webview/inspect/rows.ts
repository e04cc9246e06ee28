/**
 * A list of Inspect rows (a title, a detail line, a figure). A new list with the same keys (the
 * same network, a newer result) repaints each figure in place; another list is built anew.
 */
import { el } from '../dom';
import { Figure } from './figure';
import type { RowSpec } from './rows-data';

interface Row {
  key: string;
  detail: HTMLElement;
  figure: Figure;
}

export class RowList {
  private rows: Row[] = [];
  private specs: RowSpec[] = [];

  constructor(readonly el: HTMLElement) {}

  set(specs: RowSpec[], width: number): void {
    const same = specs.length === this.rows.length && specs.every((s, i) => s.key === this.rows[i].key);
    if (!same) this.build(specs);
    this.specs = specs;
    this.paint(width);
  }

  /** Repaints at another width (a resize, the tab shown). */
  paint(width: number): void {
    this.specs.forEach((s, i) => {
      const r = this.rows[i];
      r.detail.textContent = s.detail;
      r.figure.set(s.data, width);
    });
  }

  private build(specs: RowSpec[]): void {
    this.el.textContent = '';
    this.rows = specs.map((s) => {
      const box = el('div', undefined, 'insp-row');
      box.dataset.key = s.key;
      const head = el('div', undefined, 'insp-row-head');
      const detail = el('span', s.detail, 'insp-row-detail');
      head.append(el('span', s.title, 'insp-row-name'), detail);
      const figure = new Figure();
      const scroll = el('div', undefined, 'insp-fig-box');
      scroll.append(figure.canvas);
      box.append(head, scroll);
      this.el.append(box);
      return { key: s.key, detail, figure };
    });
  }
}
