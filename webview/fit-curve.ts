/**
 * For 1-D regression: the network's prediction over the input range as a curve, with the training
 * and validation points (x, target) under it. Redrawn when a new prediction grid arrives.
 */
import { Chart, type ChartDataset, type ChartOptions } from 'chart.js';
import * as l10n from '@vscode/l10n';
import { STATIC_CHART } from './charts'; // and its import registers the Chart.js parts every chart uses
import type { BoundaryFrame } from '../src/training/protocol';
import { short } from './format';
import { fitCurve, fitPoints, fitYRange, type XY } from './fit-data';
import { legendOptions, linearScale, tooltipColors } from './scales';
import type { RunStore } from './store';
import { readTheme, withAlpha, type ChartTheme } from './theme';

type Dataset = ChartDataset<'line', XY[]>;
type LegendOptions = NonNullable<NonNullable<ChartOptions<'line'>['plugins']>['legend']>;

/** The tick options linearScale gives, to extend. */
const tickOptions = (t: ChartTheme): Record<string, unknown> => (linearScale(t, '') as { ticks: Record<string, unknown> }).ticks;

export class FitCurveChart {
  private chart: Chart<'line', XY[]> | undefined;
  private drawnFor: unknown = null;
  private drawn = 0;
  /** The frame's points as (x, target), derived once per frame (a new grid leaves them as they were). */
  private pointsOf: { frame: BoundaryFrame; train: XY[]; val: XY[] } | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly store: RunStore) {}

  /** Points and curve points drawn last time. */
  get points(): number {
    return this.drawn;
  }

  private datasets(t: ChartTheme): Dataset[] {
    const [blue, orange] = t.series;
    const dots = { showLine: false, pointRadius: 2.5, pointHoverRadius: 4, borderWidth: 1 };
    return [
      { ...dots, label: l10n.t('training'), data: [], borderColor: blue, backgroundColor: withAlpha(blue, t.highContrast ? 0.9 : 0.45) },
      { ...dots, label: l10n.t('validation'), data: [], borderColor: orange, backgroundColor: withAlpha(orange, t.highContrast ? 0.9 : 0.45), pointStyle: 'rectRot', pointRadius: 3 },
      // pointStyle 'line': its legend entry is a line (no points are drawn on it).
      { label: l10n.t('prediction'), data: [], borderColor: t.foreground, backgroundColor: t.foreground, borderWidth: 2.5, pointRadius: 0, pointHoverRadius: 3, pointStyle: 'line' },
    ];
  }

  private options(t: ChartTheme, yTitle: string): ChartOptions<'line'> {
    const legend = legendOptions(t) as { labels: Record<string, unknown> };
    return {
      ...STATIC_CHART,
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: { ...legend, labels: { ...legend.labels, usePointStyle: true, boxHeight: 7 } } as LegendOptions,
        tooltip: {
          ...tooltipColors(t),
          callbacks: { title: () => '', label: (i) => ` ${i.dataset.label}: x ${short(i.parsed.x)}, ${yTitle} ${short(i.parsed.y)}` },
        },
      },
      // The ranges are the data's, not round: ticks only at round values inside them.
      scales: {
        x: linearScale(t, 'x', { ticks: { ...tickOptions(t), includeBounds: false } }) as never,
        y: linearScale(t, yTitle, { ticks: { ...tickOptions(t), includeBounds: false } }) as never,
      },
    };
  }

  /** Redraws for a new prediction (or with force: a resize, a theme change). */
  draw(force = false): void {
    const run = this.store.run;
    const frame = run?.info.boundary;
    if (!run || frame?.kind !== 'regression1d') {
      this.drawn = 0;
      this.canvas.dataset.points = '0';
      return;
    }
    const key = run.boundary ?? frame;
    if (!force && this.chart && key === this.drawnFor) return;
    this.drawnFor = key;
    const t = readTheme();
    const yTitle = frame.target ?? 'y';
    if (!this.chart || force) {
      this.chart?.destroy();
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets: this.datasets(t) }, options: this.options(t, yTitle) });
    }
    if (this.pointsOf?.frame !== frame) this.pointsOf = { frame, train: fitPoints(frame.points, frame.targets), val: fitPoints(frame.valPoints, frame.valTargets) };
    const { train, val } = this.pointsOf;
    const curve = fitCurve(frame, run.boundary);
    const [a, b, c] = this.chart.data.datasets;
    a.data = train;
    b.data = val;
    c.data = curve;
    const scales = this.chart.options.scales!;
    Object.assign(scales.x!, { min: frame.xMin, max: frame.xMax });
    Object.assign(scales.y!, fitYRange(frame, curve));
    this.chart.update('none');
    this.drawn = train.length + val.length + curve.length;
    this.canvas.dataset.points = String(this.drawn);
    this.canvas.dataset.step = run.boundary ? String(run.boundary.step) : '';
    this.canvas.dataset.curve = String(curve.length);
  }
}
