/** One Chart.js line chart over the store's series: theming, markers, decimation, legend, redraw on change. */
import {
  BarController, BarElement, CategoryScale, Chart, Decimation, Filler, Legend, LineController, LineElement, LinearScale,
  LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type ChartOptions, type Plugin, type Point, type ScaleOptionsByType,
} from 'chart.js';
import type { Marker } from '../src/training/protocol';
import * as l10n from '@vscode/l10n';
import { short } from './format';
import { bandPlugin, emptyPlugin, markersPlugin } from './plugins';
import { legendOptions, linearScale, logScale, tickFont, tooltipColors } from './scales';
import { readTheme, type ChartTheme } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, BarController, BarElement, Legend, Tooltip, Decimation, Filler);

export interface Series {
  label: string;
  data: () => Point[];
  color: string;
  width?: number;
  dash?: number[];
  /** Point dots (for sparse per-epoch series). */
  dots?: boolean;
  yAxisID?: string;
  /** Counts toward data-points (the run's own series); false for the previous run. */
  own?: boolean;
  /** An edge of a min–max band (seeds.ts): its tooltip line says which. */
  band?: 'min' | 'max';
  /** Filled down to another dataset (Chart.js's fill target, e.g. '-1': the one before), in this colour. */
  fill?: { target: string; color: string };
}

export interface LineChartConfig {
  canvas: HTMLCanvasElement;
  xTitle: string;
  yTitle: string;
  /** Axis kind for `y`, or a full set of y scales (stacked panes). */
  y: 'linear' | 'log' | 'percent' | ((theme: ChartTheme) => Record<string, unknown>);
  series: (theme: ChartTheme) => Series[];
  /** Version of the series set: a change rebuilds the datasets. */
  version: () => number;
  markers?: () => readonly Marker[];
  band?: boolean;
  empty: () => string | null;
  xRange?: () => { min?: number; max?: number };
  /** Changes whenever what the chart shows changes; the chart is redrawn only then. */
  stamp: () => string;
  tooltip?: 'x' | 'nearest';
  suggested?: { min?: number; max?: number };
}

type Line = ChartDataset<'line', Point[]>;

/** A band edge's tooltip note: " (min)", " (max)". */
function bandNote(band: Series['band']): string {
  return band === 'min' ? ` (${l10n.t('min')})` : band === 'max' ? ` (${l10n.t('max')})` : '';
}

/** Every chart of the panel: drawn at once (no animation), from {x, y} points as given, sized by its box. */
export const STATIC_CHART = { animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false } as const;
type LegendOptions = NonNullable<NonNullable<ChartOptions<'line'>['plugins']>['legend']>;


/**
 * Grows the chart's box by what a tall legend on top takes (many layers in a narrow panel), so the
 * plot keeps its height; the box's CSS height is the base.
 */
function legendRoomPlugin(): Plugin<'line'> {
  let base = 0;
  return {
    id: 'trainlensLegendRoom',
    afterLayout(chart) {
      const box = chart.canvas.parentElement;
      if (!box) return;
      base ||= box.clientHeight;
      const legend = chart.legend;
      const extra = legend && legend.options.display !== false && legend.options.position === 'top' ? Math.max(0, legend.height - 30) : 0;
      const want = `${Math.round(base + extra)}px`;
      if (box.style.height !== want && Math.abs(box.clientHeight - (base + extra)) > 1) box.style.height = want;
    },
  };
}

export class LineChart {
  private chart: Chart<'line', Point[]> | undefined;
  private series: Series[] = [];
  private built = -1;
  private sources: Point[][] = [];
  private lengths: number[] = [];
  private stamp = '';
  theme: ChartTheme = readTheme();

  constructor(readonly config: LineChartConfig) {}

  get canvas(): HTMLCanvasElement {
    return this.config.canvas;
  }

  /** Points of the run's own series (before decimation). */
  get points(): number {
    return this.series.reduce((s, x) => s + (x.own === false ? 0 : x.data().length), 0);
  }

  private dataset(s: Series): Line {
    return {
      label: s.label, data: [], borderColor: s.color, backgroundColor: s.color,
      borderWidth: s.width ?? 1.5, borderDash: s.dash, pointRadius: s.dots ? 2 : 0, pointHoverRadius: 3,
      yAxisID: s.yAxisID ?? 'y', spanGaps: false,
      ...(s.fill ? { fill: s.fill.target, backgroundColor: s.fill.color } : {}),
    };
  }

  private options(theme: ChartTheme): ChartOptions<'line'> {
    const c = this.config;
    const y = typeof c.y === 'function' ? c.y(theme)
      : { y: c.y === 'log' ? logScale(theme, c.yTitle, { suggestedMin: c.suggested?.min, suggestedMax: c.suggested?.max })
        : c.y === 'percent' ? linearScale(theme, c.yTitle, { min: 0, suggestedMax: 10, ticks: { color: theme.muted, font: tickFont(theme), callback: (v: number | string) => `${v}%` } })
          : linearScale(theme, c.yTitle) };
    return {
      ...STATIC_CHART,
      interaction: c.tooltip === 'nearest' ? { mode: 'nearest', intersect: false } : { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 600, threshold: 1200 },
        legend: legendOptions(theme) as LegendOptions,
        tooltip: {
          ...tooltipColors(theme),
          callbacks: { title: (items) => (items[0] ? `${c.xTitle} ${items[0].parsed.x}` : ''), label: (i) => ` ${i.dataset.label}${bandNote(this.series[i.datasetIndex]?.band)}: ${short(i.parsed.y)}` },
        },
      },
      scales: {
        x: linearScale(theme, c.xTitle, { ticks: { color: theme.muted, font: tickFont(theme), maxTicksLimit: 10, precision: 0 } }) as unknown as ScaleOptionsByType<'linear'>,
        ...(y as unknown as Record<string, ScaleOptionsByType<'linear'>>),
      },
    };
  }

  private build(): void {
    const theme = (this.theme = readTheme());
    const c = this.config;
    this.series = c.series(theme);
    const datasets = this.series.map((s) => this.dataset(s));
    const options = this.options(theme);
    if (this.chart) {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
    } else {
      const plugins: Plugin<'line'>[] = [emptyPlugin(c.empty, () => this.theme) as Plugin<'line'>, legendRoomPlugin()];
      if (c.band) plugins.push(bandPlugin(() => this.theme));
      if (c.markers) plugins.push(markersPlugin(c.markers, () => this.theme));
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options, plugins });
    }
    this.sources = [];
    this.lengths = [];
    this.built = c.version();
  }

  draw(force = false): void {
    const stamp = this.config.stamp();
    if (!force && this.chart && this.built === this.config.version() && stamp === this.stamp) return;
    this.stamp = stamp;
    if (!this.chart || this.built !== this.config.version()) this.build();
    const chart = this.chart!;
    chart.data.datasets.forEach((d, i) => {
      // Chart.js gets a copy, made again only when the series grew: it hooks push() on the arrays
      // it is given (an insert per pushed point), and its decimation keeps the last data it saw.
      const source = this.series[i].data();
      if (this.sources[i] !== source || this.lengths[i] !== source.length) {
        this.sources[i] = source;
        this.lengths[i] = source.length;
        d.data = source.slice();
      }
    });
    const range = this.config.xRange?.();
    // The options the next update resolves (chart.options is the last update's: after build()
    // replaced them, a range written there was lost and the axis ran to its own round end).
    const x = (chart.config.options as ChartOptions<'line'>).scales!.x!;
    x.min = range?.min;
    x.max = range?.max;
    chart.update('none');
    this.canvas.dataset.points = String(this.points);
  }

  /** A theme change: the chart (if it exists yet) is built again with the new colours at its next draw. */
  retheme(): void {
    if (this.chart) this.built = -1;
  }

  get instance(): Chart<'line', Point[]> | undefined {
    return this.chart;
  }
}
