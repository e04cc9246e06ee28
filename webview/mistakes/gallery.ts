/**
 * The held-out mistakes of the newest epoch, most confident first: for image data the images with
 * "true → predicted (confidence)" under each, else a compact table (index, label, predicted,
 * confidence). Clicking one inspects that validation sample.
 */
import * as l10n from '@vscode/l10n';
import type { MistakesFrame } from '../../src/training/protocol';
import { el } from '../dom';
import { short } from '../format';
import { className } from '../inspect/loss-terms';
import { filterMistakes, type ClassPair } from './confusion-data';
import { renderTiles } from './images';

/** "2 → 0 (0.93)": the classes' names when given, else their numbers (the tile is small). */
export function mistakeCaption(label: number, predicted: number, confidence: number, names?: readonly string[]): string {
  const name = (k: number): string => names?.[k] ?? String(k);
  return `${name(label)} → ${name(predicted)} (${short(confidence)})`;
}

function table(frame: MistakesFrame, pair: ClassPair | null, names: readonly string[] | undefined, onPick: (sample: number) => void): HTMLElement {
  const t = el('table', undefined, 'mist-list');
  const head = el('tr');
  for (const h of [l10n.t('sample'), l10n.t('true class'), l10n.t('predicted'), l10n.t('confidence')]) head.append(el('th', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const { item } of filterMistakes(frame.items, pair)) {
    const tr = el('tr', undefined, 'mist-item');
    tr.dataset.sample = String(item.index);
    tr.tabIndex = 0;
    tr.title = l10n.t('Inspect validation sample {0}', item.index);
    tr.append(el('td', `#${item.index}`, 'num'), el('td', className(item.label, names)), el('td', className(item.predicted, names)), el('td', short(item.confidence), 'num'));
    tr.addEventListener('click', () => onPick(item.index));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') onPick(item.index);
    });
    tbody.append(tr);
  }
  t.append(thead, tbody);
  return t;
}

/** Fills `box` with the mistakes (of one pair when given). */
export function renderMistakes(box: HTMLElement, frame: MistakesFrame, pair: ClassPair | null, names: readonly string[] | undefined, onPick: (sample: number) => void): void {
  const shown = filterMistakes(frame.items, pair);
  box.dataset.count = String(shown.length);
  if (shown.length === 0) {
    box.replaceChildren(el('p', frame.total === 0 ? l10n.t('No mistakes: every held-out sample is classified right.') : l10n.t('None of the mistakes sent is of this pair.'), 'muted'));
    return;
  }
  if (frame.images) {
    const tiles = shown.map(({ item, at }) => ({
      at, sample: item.index, caption: mistakeCaption(item.label, item.predicted, item.confidence, names),
      title: l10n.t('Validation sample {0}: true {1}, predicted {2} — click to inspect', item.index, className(item.label, names), className(item.predicted, names)),
    }));
    renderTiles(box, frame.images, tiles, onPick);
    return;
  }
  const scroll = el('div', undefined, 'mist-list-box');
  scroll.append(table(frame, pair, names, onPick));
  box.replaceChildren(scroll);
}
