/** The surface card's legend: each path's colour, label and f, then the surface's critical points. */
import * as l10n from '@vscode/l10n';
import type { SurfaceFrame } from '../../src/engine/surface/types';
import { el } from '../dom';
import type { ChartTheme } from '../theme';
import type { PathSource } from './runs';
import { kindText, legendText, markText, positionText } from './text';

const GLYPH = { minimum: '★', saddle: '✕', maximum: '▲' } as const;

export function renderLegend(list: HTMLElement, sources: readonly PathSource[], t: ChartTheme, frame: SurfaceFrame): void {
  const paths = sources.map((s) => {
    const li = el('li', undefined, 'surface-run');
    const swatch = el('span', undefined, 'swatch');
    swatch.style.background = s.color;
    li.dataset.color = s.color;
    li.dataset.label = s.label;
    li.append(swatch, el('span', legendText(s.label, s.points[s.points.length - 1], s.running)));
    return li;
  });
  // The critical points by kind (each one named on hover, and in the entry's tooltip).
  const marks = (['minimum', 'saddle', 'maximum'] as const).flatMap((kind) => {
    const points = frame.critical.filter((c) => c.kind === kind);
    if (points.length === 0) return [];
    const li = el('li', undefined, 'surface-mark muted');
    li.append(el('span', GLYPH[kind], 'glyph'), el('span', points.length > 1 ? `${kindText(kind)} × ${points.length}` : kindText(kind)));
    li.title = points.map(markText).join('\n');
    return [li];
  });
  const start = el('li', undefined, 'surface-mark muted');
  start.append(el('span', '○', 'glyph'), el('span', l10n.t('start {0}', positionText(frame.start[0], frame.start[1]))));
  list.style.setProperty('--surface-ink', t.foreground);
  list.replaceChildren(...paths, ...marks, start);
}
