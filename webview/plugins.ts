/** Small inline Chart.js plugins: step markers, the update-ratio band, an empty-chart note, legends. */
import { Chart, layouts, type LegendItem, type Plugin } from 'chart.js';
import type { Marker } from '../src/training/protocol';
import type { ChartTheme } from './theme';
import { withAlpha } from './theme';
import * as l10n from '@vscode/l10n';

type AnyChart = Chart<'line' | 'bar'>;

function font(theme: ChartTheme, size = theme.fontSize - 2, weight = ''): string {
  return `${weight} ${size}px ${theme.font}`.trim();
}

/**
 * A dashed vertical line at each marker's step, its label in a strip of its own just above the plot
 * (a layout box under the legend, so labels never cover the curves); crowded labels step down into
 * the plot on a background patch.
 */
export function markersPlugin(markers: () => readonly Marker[], theme: () => ChartTheme): Plugin<'line'> {
  const strip = {
    position: 'top' as const, weight: 0, fullSize: false, options: {},
    top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0,
    update(maxWidth: number): void {
      this.width = maxWidth;
      this.height = markers().length > 0 ? theme().fontSize + 4 : 0;
    },
    isHorizontal: (): boolean => true,
    draw(): void {},
  };
  return {
    id: 'trainlensMarkers',
    start(chart) {
      layouts.addBox(chart, strip);
    },
    stop(chart) {
      layouts.removeBox(chart, strip);
    },
    afterDatasetsDraw(chart) {
      const list = markers();
      const x = chart.scales.x;
      if (list.length === 0 || !x) return;
      const t = theme();
      const { ctx, chartArea: a } = chart;
      const rowH = t.fontSize + 2;
      ctx.save();
      ctx.font = font(t);
      ctx.textBaseline = 'top';
      const rows: number[] = [];
      for (const m of list) {
        const px = x.getPixelForValue(m.step);
        if (!(px >= a.left - 0.5 && px <= a.right + 0.5)) continue;
        // Where training went non-finite is drawn in the error colour, solid; swaps dashed.
        const diverged = m.kind === 'divergence';
        ctx.strokeStyle = diverged ? t.error : t.accent;
        ctx.lineWidth = diverged ? 1.5 : 1;
        ctx.setLineDash(diverged ? [] : [5, 4]);
        ctx.beginPath();
        ctx.moveTo(Math.round(px) + 0.5, a.top - (strip.height > 0 ? 2 : 0));
        ctx.lineTo(Math.round(px) + 0.5, a.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        const w = ctx.measureText(m.label).width + 6;
        const left = px + w <= a.right ? px + 1 : px - w - 1;
        let row = 0;
        while (row < rows.length && rows[row] > left) row++;
        rows[row] = left + w + 4;
        const y = row === 0 ? strip.top + 1 : a.top + 2 + (row - 1) * rowH;
        if (row > 0) {
          ctx.fillStyle = withAlpha(t.background, 0.85);
          ctx.fillRect(left, y - 1, w, t.fontSize);
        }
        ctx.fillStyle = diverged ? t.error : t.foreground;
        ctx.textAlign = 'left';
        ctx.fillText(m.label, left + 3, y);
      }
      ctx.restore();
    },
  };
}

/** cs231n's rule of thumb for ‖ΔW‖/‖W‖: a faint band over [lo, hi] and a dashed line at `at`. */
export function bandPlugin(theme: () => ChartTheme, lo = 1e-4, at = 1e-3, hi = 1e-2): Plugin<'line'> {
  return {
    id: 'trainlensBand',
    beforeDatasetsDraw(chart) {
      const y = chart.scales.y;
      if (!y) return;
      const t = theme();
      const { ctx, chartArea: a } = chart;
      const clamp = (v: number): number => Math.min(a.bottom, Math.max(a.top, v));
      const top = clamp(y.getPixelForValue(hi));
      const bottom = clamp(y.getPixelForValue(lo));
      ctx.save();
      if (bottom > top) {
        ctx.fillStyle = withAlpha(t.foreground, t.highContrast ? 0.18 : t.dark ? 0.09 : 0.07);
        ctx.fillRect(a.left, top, a.right - a.left, bottom - top);
      }
      const py = y.getPixelForValue(at);
      if (py >= a.top && py <= a.bottom) {
        ctx.strokeStyle = t.accent;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(a.left, Math.round(py) + 0.5);
        ctx.lineTo(a.right, Math.round(py) + 0.5);
        ctx.stroke();
      }
      ctx.restore();
    },
    // The label goes over the curves, on a patch of background, at the line's right end.
    afterDatasetsDraw(chart) {
      const y = chart.scales.y;
      if (!y) return;
      const py = y.getPixelForValue(at);
      const { ctx, chartArea: a } = chart;
      if (!(py >= a.top + 12 && py <= a.bottom)) return;
      const t = theme();
      const text = l10n.t('1e-3 rule of thumb');
      ctx.save();
      ctx.font = font(t);
      const w = ctx.measureText(text).width + 8;
      const h = t.fontSize + 1;
      ctx.fillStyle = withAlpha(t.background, 0.85);
      ctx.fillRect(a.right - w - 2, py - h - 1, w, h);
      ctx.fillStyle = t.foreground;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(text, a.right - 6, py - 2);
      ctx.restore();
    },
  };
}

/** A muted note in the middle of the plot while no series has a point. */
export function emptyPlugin(message: () => string | null, theme: () => ChartTheme): Plugin<'line' | 'bar'> {
  return {
    id: 'trainlensEmpty',
    afterDraw(chart) {
      const text = message();
      if (!text) return;
      const hasData = chart.data.datasets.some((d, i) => chart.isDatasetVisible(i) && d.data.length > 0);
      if (hasData) return;
      const t = theme();
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.font = font(t, t.fontSize - 1);
      const w = ctx.measureText(text).width + 12;
      const cx = (a.left + a.right) / 2;
      const cy = (a.top + a.bottom) / 2;
      ctx.fillStyle = t.background;
      ctx.fillRect(cx - w / 2, cy - t.fontSize / 2 - 3, w, t.fontSize + 6);
      ctx.fillStyle = t.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(text, cx, cy);
      ctx.restore();
    },
  };
}

/**
 * Legend items once per label (a layer's σ and μ, previous train and val share one entry), and only
 * for series that have points (layers without parameters have no gradient line).
 */
export function uniqueLegendItems(chart: AnyChart): LegendItem[] {
  const items = Chart.defaults.plugins.legend.labels.generateLabels(chart as Chart);
  const datasets = chart.data.datasets;
  const seen = new Set<string>();
  const withData = new Set(datasets.filter((d) => d.data.length > 0).map((d) => d.label));
  return items.filter((it) => {
    if (!it.text || seen.has(it.text) || !withData.has(it.text)) return false;
    seen.add(it.text);
    return true;
  });
}

/** Clicking a legend entry shows or hides every dataset with that label. */
export function toggleByLabel(chart: AnyChart, item: LegendItem): void {
  const datasets = chart.data.datasets;
  const same = datasets.map((d, i) => (d.label === item.text ? i : -1)).filter((i) => i >= 0);
  const show = !same.some((i) => chart.isDatasetVisible(i));
  for (const i of same) chart.setDatasetVisibility(i, show);
  chart.update('none');
}
