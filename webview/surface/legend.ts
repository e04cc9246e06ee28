/** The surface card's legend: each path's colour, label and f, then the surface's critical points. */
import * as l10n from '@vscode/l10n';
import type { SurfaceFrame } from '../../src/engine/surface/types';
import { el } from '../dom';
import { num } from '../format';
import type { ChartTheme } from '../theme';
import type { PathSource } from './runs';
import { kindText, legendText, positionText } from './text';

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
  const marks = frame.critical.map((c) => {
    const li = el('li', undefined, 'surface-mark muted');
    li.append(el('span', GLYPH[c.kind], 'glyph'), el('span', `${kindText(c.kind)} ${positionText(c.x, c.y)}, f = ${num(c.f)}`));
    return li;
  });
  const start = el('li', undefined, 'surface-mark muted');
  start.append(el('span', '○', 'glyph'), el('span', l10n.t('start {0}', positionText(frame.start[0], frame.start[1]))));
  list.style.setProperty('--surface-ink', t.foreground);
  list.replaceChildren(...paths, ...marks, start);
}
