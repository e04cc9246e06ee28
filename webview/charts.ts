/** One Chart.js line chart over the store's series: theming, log axes, markers, decimation, legend. */
import {
  BarController, BarElement, CategoryScale, Chart, Decimation, Legend, LineController, LineElement, LinearScale,
  LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type ChartOptions, type Plugin, type Point, type ScaleOptionsByType, type Tick,
} from 'chart.js';
import type { Marker } from '../src/training/protocol';
import { decadeTick, short } from './format';
import { bandPlugin, emptyPlugin, markersPlugin, toggleByLabel, uniqueLegendItems } from './plugins';
import { readTheme, withAlpha, type ChartTheme } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, BarController, BarElement, Legend, Tooltip, Decimation);

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
  /** Many entries (one per layer): on the right when there is room. */
  manyEntries?: boolean;
  xRange?: () => { min?: number; max?: number };
  tooltip?: 'x' | 'nearest';
  suggested?: { min?: number; max?: number };
}

type Line = ChartDataset<'line', Point[]>;
type LegendOptions = NonNullable<NonNullable<ChartOptions<'line'>['plugins']>['legend']>;

export function tickFont(theme: ChartTheme, delta = -1): { family: string; size: number } {
  return { family: theme.font, size: theme.fontSize + delta };
}

const isDecade = (v: number): boolean => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
const round = (v: number): number => Number(v.toPrecision(12));

/**
 * Log-axis tick values between lo and hi: the decades (thinned to ≤ 8) when there are two or more;
 * else 1, 2, 5 × 10^k when that gives three; else 1…9 × 10^k when that gives three to nine; else
 * four values evenly spaced in log, rounded.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return lo > 0 ? [lo] : [];
  const inRange = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades: number[] = [];
  const nice: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of [1, 2, 5]) {
      const v = round(m * Math.pow(10, e));
      if (!inRange(v)) continue;
      nice.push(v);
      if (m === 1) decades.push(v);
    }
  }
  if (decades.length >= 2) {
    const step = Math.ceil(decades.length / 8);
    return decades.filter((_, i) => i % step === 0);
  }
  if (nice.length >= 3) return nice;
  const fine: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (let m = 1; m <= 9; m++) {
      const v = round(m * Math.pow(10, e));
      if (inRange(v)) fine.push(v);
    }
  }
  if (fine.length >= 3 && fine.length <= 9) return fine;
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return [...new Set([0, 1, 2, 3].map((i) => Number(Math.pow(10, a + ((b - a) * i) / 3).toPrecision(2))))].filter(inRange);
}

interface LogScaleLike { min: number; max: number; ticks: Tick[]; options: { min?: unknown; max?: unknown } }

/**
 * A log axis: data spanning more than a decade is shown on whole decades; a narrower range keeps
 * its own bounds with a little room. Grid lines are strong at decades, faint elsewhere.
 */
export function logScale(theme: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'logarithmic',
    title: { display: Boolean(title), text: title, color: theme.muted, font: tickFont(theme) },
    afterDataLimits: (scale: LogScaleLike) => {
      const { min, max } = scale;
      if (!(min > 0 && max > 0) || scale.options.min !== undefined || scale.options.max !== undefined) return;
      const lo = Math.log10(min);
      const hi = Math.log10(max);
      if (hi - lo >= 1) {
        scale.min = Math.pow(10, Math.floor(lo + 1e-9));
        scale.max = Math.pow(10, Math.ceil(hi - 1e-9));
      } else {
        const pad = Math.max(0.04, (hi - lo) * 0.1);
        scale.min = Math.pow(10, lo - pad);
        scale.max = Math.pow(10, hi + pad);
      }
    },
    afterBuildTicks: (scale: LogScaleLike) => {
      scale.ticks = logTicks(scale.min, scale.max).map((value) => ({ value, major: isDecade(value) }) as Tick);
    },
    ticks: {
      color: theme.muted, font: tickFont(theme), autoSkip: false,
      callback: (v: number | string) => (isDecade(Number(v)) ? decadeTick(v) : short(Number(v))),
    },
    grid: { color: (c: { tick?: Tick }) => (c.tick && isDecade(c.tick.value) ? theme.grid : withAlpha(theme.foreground, theme.highContrast ? 0.2 : 0.06)) },
    border: { color: theme.grid },
    ...extra,
  };
}

export function linearScale(theme: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'linear',
    title: { display: Boolean(title), text: title, color: theme.muted, font: tickFont(theme) },
    ticks: { color: theme.muted, font: tickFont(theme), maxTicksLimit: 8 },
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ...extra,
  };
}

export function legendOptions(theme: ChartTheme, position: 'top' | 'right'): Record<string, unknown> {
  return {
    position,
    align: position === 'right' ? 'start' : 'center',
    labels: {
      color: theme.foreground, font: tickFont(theme), boxWidth: 14, boxHeight: 2, padding: position === 'right' ? 6 : 10,
      generateLabels: uniqueLegendItems,
    },
    onClick: (_e: unknown, item: Parameters<typeof toggleByLabel>[1], legend: { chart: Chart<'line' | 'bar'> }) => toggleByLabel(legend.chart, item),
  };
}

const legendSide = (width: number): 'top' | 'right' => (width >= 560 ? 'right' : 'top');

export class LineChart {
  private chart: Chart<'line', Point[]> | undefined;
  private series: Series[] = [];
  private built = -1;
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
      label: s.label, data: s.data(), borderColor: s.color, backgroundColor: s.color,
      borderWidth: s.width ?? 1.5, borderDash: s.dash, pointRadius: s.dots ? 2 : 0, pointHoverRadius: 3,
      yAxisID: s.yAxisID ?? 'y', spanGaps: false,
    };
  }

  private options(theme: ChartTheme): ChartOptions<'line'> {
    const c = this.config;
    const side = c.manyEntries ? legendSide(this.canvas.parentElement?.clientWidth ?? 700) : 'top';
    const y = typeof c.y === 'function' ? c.y(theme)
      : { y: c.y === 'log' ? logScale(theme, c.yTitle, { suggestedMin: c.suggested?.min, suggestedMax: c.suggested?.max })
        : c.y === 'percent' ? linearScale(theme, c.yTitle, { min: 0, suggestedMax: 10, ticks: { color: theme.muted, font: tickFont(theme), callback: (v: number | string) => `${v}%` } })
          : linearScale(theme, c.yTitle) };
    return {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: c.tooltip === 'nearest' ? { mode: 'nearest', intersect: false } : { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 600, threshold: 1200 },
        legend: legendOptions(theme, side) as LegendOptions,
        tooltip: {
          titleFont: { family: theme.font }, bodyFont: { family: theme.font },
          callbacks: { title: (items) => (items[0] ? `${c.xTitle} ${items[0].parsed.x}` : ''), label: (i) => ` ${i.dataset.label}: ${short(i.parsed.y)}` },
        },
      },
      onResize: (chart, size) => {
        if (!c.manyEntries) return;
        const legend = chart.options.plugins?.legend;
        const want = legendSide(size.width);
        if (legend && legend.position !== want) {
          legend.position = want;
          legend.align = want === 'right' ? 'start' : 'center';
        }
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
      const plugins: Plugin<'line'>[] = [emptyPlugin(c.empty, () => this.theme) as Plugin<'line'>];
      if (c.band) plugins.push(bandPlugin(() => this.theme));
      if (c.markers) plugins.push(markersPlugin(c.markers, () => this.theme));
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options, plugins });
    }
    this.built = c.version();
  }

  draw(): void {
    if (!this.chart || this.built !== this.config.version()) this.build();
    const chart = this.chart!;
    chart.data.datasets.forEach((d, i) => {
      // Hand the arrays over again: the decimation plugin keeps its own copy of the last data.
      d.data = this.series[i].data();
    });
    const range = this.config.xRange?.();
    const x = chart.options.scales!.x!;
    x.min = range?.min;
    x.max = range?.max;
    chart.update('none');
    this.canvas.dataset.points = String(this.points);
  }

  retheme(): void {
    this.build();
    this.draw();
  }

  get instance(): Chart<'line', Point[]> | undefined {
    return this.chart;
  }
}
