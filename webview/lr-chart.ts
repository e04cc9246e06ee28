/** The learning-rate finder's chart: loss (raw and smoothed) against lr on a log axis, the suggestion marked. */
import { Chart, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type ChartOptions, type Plugin } from 'chart.js';
import * as l10n from '@vscode/l10n';
import { STATIC_CHART } from './charts';
import { legendOptions, linearScale, logScale, tooltipColors } from './scales';
import { short } from './format';
import { readTheme, withAlpha, type ChartTheme } from './theme';
import type { LrCurves } from './lr-find-data';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

export interface LrMarks {
  /** The suggested lr (null: none). */
  suggested: number | null;
  /** The model file's lr when the test ran. */
  current: number | null;
}

/** A vertical line at an lr with its label at the top of the plot, on a patch of background. */
function vline(chart: Chart, lr: number, label: string, color: string, dash: number[], theme: ChartTheme, right: boolean, weight = ''): void {
  const x = chart.scales.x;
  const { ctx, chartArea: a } = chart;
  const px = x.getPixelForValue(lr);
  if (!(px >= a.left - 0.5 && px <= a.right + 0.5)) return;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(Math.round(px) + 0.5, a.top);
  ctx.lineTo(Math.round(px) + 0.5, a.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = `${weight} ${theme.fontSize - 1}px ${theme.font}`.trim();
  ctx.textBaseline = 'top';
  const w = ctx.measureText(label).width + 6;
  // Beside the line, on the side with room (or the side asked for).
  const left = right ? (px + w + 2 <= a.right ? px + 2 : px - w - 2) : (px - w - 2 >= a.left ? px - w - 2 : px + 2);
  const y = a.top + 3;
  ctx.fillStyle = withAlpha(theme.background, 0.85);
  ctx.fillRect(left, y - 1, w, theme.fontSize + 2);
  ctx.fillStyle = color;
  ctx.fillText(label, left + 3, y);
  ctx.restore();
}

function marksPlugin(marks: () => LrMarks, theme: () => ChartTheme): Plugin<'line'> {
  return {
    id: 'trainlensLrMarks',
    afterDatasetsDraw(chart) {
      const m = marks();
      const t = theme();
      const c = chart as unknown as Chart;
      // Each label on the outer side of its line, so two lines close together keep their labels apart.
      const both = m.current !== null && m.suggested !== null && m.current !== m.suggested;
      if (m.current !== null && m.current !== m.suggested) vline(c, m.current, l10n.t('file: {0}', short(m.current)), t.muted, [3, 3], t, !both || m.current > m.suggested!);
      if (m.suggested !== null) vline(c, m.suggested, l10n.t('suggested: {0}', short(m.suggested)), t.accent, [6, 4], t, !both || m.suggested > m.current!, '600');
    },
  };
}

function options(theme: ChartTheme, c: LrCurves): ChartOptions<'line'> {
  return {
    ...STATIC_CHART,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    plugins: {
      legend: legendOptions(theme) as NonNullable<ChartOptions<'line'>['plugins']>['legend'],
      tooltip: {
        ...tooltipColors(theme),
        callbacks: { title: (items) => (items[0] ? `lr ${(items[0].parsed.x ?? NaN).toExponential(2)}` : ''), label: (i) => ` ${i.dataset.label}: ${short(i.parsed.y)}` },
      },
    },
    scales: {
      x: logScale(theme, l10n.t('learning rate (log)')) as never,
      y: linearScale(theme, l10n.t('training loss'), { min: c.bottom, max: c.top }) as never,
    },
  };
}

/** The chart on a canvas; draw() (re)builds it from new curves or a new theme. */
export class LrChart {
  private chart: Chart<'line'> | undefined;
  private theme: ChartTheme = readTheme();
  private marks: LrMarks = { suggested: null, current: null };

  constructor(readonly canvas: HTMLCanvasElement) {}

  draw(c: LrCurves, marks: LrMarks): void {
    const theme = (this.theme = readTheme());
    this.marks = marks;
    const raw = theme.series[0];
    const datasets = [
      { label: l10n.t('loss per step'), data: c.raw, borderColor: withAlpha(raw, 0.45), backgroundColor: withAlpha(raw, 0.45), borderWidth: 1, pointRadius: 0 },
      { label: l10n.t('smoothed, no lag'), data: c.smoothed, borderColor: theme.series[1], backgroundColor: theme.series[1], borderWidth: 2, pointRadius: 0 },
    ];
    if (this.chart) {
      this.chart.data.datasets = datasets;
      this.chart.options = options(theme, c);
      this.chart.update('none');
    } else {
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options: options(theme, c), plugins: [marksPlugin(() => this.marks, () => this.theme)] });
    }
    this.canvas.dataset.points = String(c.raw.length);
  }
}
