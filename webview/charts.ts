import {
  Chart, Decimation, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip,
  type ChartDataset, type ChartOptions, type Point,
} from 'chart.js';
import { readTheme, withAlpha, type ChartTheme } from './theme';
import { Ema } from './smoothing';
import type { EpochMetrics } from '../src/training/protocol';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Decimation);

const SMOOTHING = 0.9;

type Line = ChartDataset<'line', Point[]>;

function baseOptions(theme: ChartTheme, xTitle: string, yTitle: string): ChartOptions<'line'> {
  const ticks = { color: theme.muted, font: { family: theme.font, size: theme.fontSize - 1 } };
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    plugins: {
      decimation: { enabled: true, algorithm: 'lttb', samples: 800 },
      legend: { labels: { color: theme.foreground, font: { family: theme.font, size: theme.fontSize - 1 }, boxWidth: 14, boxHeight: 2 } },
      tooltip: { titleFont: { family: theme.font }, bodyFont: { family: theme.font } },
    },
    scales: {
      x: { type: 'linear', title: { display: true, text: xTitle, color: theme.muted, font: { family: theme.font } }, ticks, grid: { color: theme.grid }, border: { color: theme.grid } },
      y: { type: 'linear', title: { display: true, text: yTitle, color: theme.muted, font: { family: theme.font } }, ticks, grid: { color: theme.grid }, border: { color: theme.grid } },
    },
  };
}

/** Train loss per step (raw and smoothed) and validation loss per epoch. */
export class LossChart {
  readonly raw: Point[] = [];
  readonly smooth: Point[] = [];
  readonly val: Point[] = [];
  private ema = new Ema(SMOOTHING);
  private readonly chart: Chart<'line', Point[]>;

  constructor(readonly canvas: HTMLCanvasElement) {
    const theme = readTheme();
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: this.datasets(theme) }, options: baseOptions(theme, 'step', 'loss') });
  }

  private datasets(theme: ChartTheme): Line[] {
    const [blue, orange] = theme.series;
    return [
      { label: 'train (per step)', data: this.raw, borderColor: withAlpha(blue, theme.highContrast ? 0.6 : 0.3), borderWidth: 1, pointRadius: 0 },
      { label: `train (smoothed ${SMOOTHING})`, data: this.smooth, borderColor: blue, borderWidth: 2, pointRadius: 0 },
      { label: 'validation (per epoch)', data: this.val, borderColor: orange, backgroundColor: orange, borderWidth: 2, pointRadius: 2 },
    ];
  }

  clear(): void {
    this.raw.length = this.smooth.length = this.val.length = 0;
    this.ema = new Ema(SMOOTHING);
  }

  addSteps(firstStep: number, losses: number[]): void {
    losses.forEach((y, i) => {
      const x = firstStep + i;
      this.raw.push({ x, y });
      this.smooth.push({ x, y: this.ema.push(y) });
    });
  }

  addEpochs(epochs: EpochMetrics[]): void {
    for (const e of epochs) if (e.valLoss !== null) this.val.push({ x: e.step, y: e.valLoss });
  }

  draw(): void {
    // Hand the arrays over again: the decimation plugin keeps its own copy of the last data.
    const [raw, smooth, val] = this.chart.data.datasets;
    raw.data = this.raw;
    smooth.data = this.smooth;
    val.data = this.val;
    this.chart.update('none');
  }

  retheme(): void {
    const theme = readTheme();
    this.chart.data.datasets = this.datasets(theme);
    this.chart.options = baseOptions(theme, 'step', 'loss');
    this.chart.update('none');
  }
}

/** Train and validation accuracy per epoch. */
export class AccuracyChart {
  readonly train: Point[] = [];
  readonly val: Point[] = [];
  private readonly chart: Chart<'line', Point[]>;

  constructor(readonly canvas: HTMLCanvasElement) {
    const theme = readTheme();
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: this.datasets(theme) }, options: this.options(theme) });
  }

  private options(theme: ChartTheme): ChartOptions<'line'> {
    const o = baseOptions(theme, 'epoch', 'accuracy');
    const y = o.scales!.y!;
    Object.assign(y, { min: 0, max: 1, ticks: { ...y.ticks, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } });
    return o;
  }

  private datasets(theme: ChartTheme): Line[] {
    const [blue, orange] = theme.series;
    return [
      { label: 'train', data: this.train, borderColor: blue, backgroundColor: blue, borderWidth: 2, pointRadius: 0 },
      { label: 'validation', data: this.val, borderColor: orange, backgroundColor: orange, borderWidth: 2, pointRadius: 0 },
    ];
  }

  clear(): void {
    this.train.length = this.val.length = 0;
  }

  addEpochs(epochs: EpochMetrics[]): void {
    for (const e of epochs) {
      this.train.push({ x: e.epoch, y: e.trainAcc });
      if (e.valAcc !== null) this.val.push({ x: e.epoch, y: e.valAcc });
    }
  }

  draw(): void {
    const [train, val] = this.chart.data.datasets;
    train.data = this.train;
    val.data = this.val;
    this.chart.update('none');
  }

  retheme(): void {
    const theme = readTheme();
    this.chart.data.datasets = this.datasets(theme);
    this.chart.options = this.options(theme);
    this.chart.update('none');
  }
}
