/**
 * cs231n's tuning scatter: each trial a point at (log10 lr, log10 reg), coloured by its validation
 * score on a scale from the worst trial that trained its whole budget to the best (a score beyond
 * it takes the colour of the nearer end). Trials that stopped early are triangles in
 * their score's colour, diverged ones crosses in the error colour, running ones hollow rings; the
 * best has a ring in the foreground colour. The colour bar and the shapes' key are drawn below.
 */
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type ChartDataset, type PointStyle } from 'chart.js';
import * as l10n from '@vscode/l10n';
import type { TrialResult } from '../src/model/tune';
import type { TuneState } from '../src/training/protocol';
import { cssColor, scaleColor, scaleTicks, type ValueScale } from './colorscale';
import { STATIC_CHART } from './charts';
import { short } from './format';
import { emptyPlugin } from './plugins';
import { linearScale, tooltipColors } from './scales';
import { readTheme, withAlpha, type ChartTheme } from './theme';
import { scaleScores, scatterAxes, scatterPoints, scoreScale, scoreText, statusText, trialScore, type ScatterPoint } from './tune-data';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

type Dot = ScatterPoint & { label: string };

/** The point's look: shape, fill and ring. */
function look(p: ScatterPoint, best: boolean, scale: ValueScale, t: ChartTheme): { style: PointStyle; fill: string; ring: string; radius: number; width: number } {
  const colour = p.score !== undefined ? cssColor(scaleColor(scale, p.score)) : t.muted;
  const radius = best ? 8 : 5;
  const ring = best ? t.foreground : colour;
  switch (p.status) {
    case 'diverged': return { style: 'crossRot', fill: t.error, ring: t.error, radius: 6, width: 2 };
    case 'failed': return { style: 'crossRot', fill: t.muted, ring: t.muted, radius: 6, width: 2 };
    case 'stopped': return { style: 'triangle', fill: colour, ring, radius: radius + 1, width: best ? 2 : 1 };
    case 'running':
    case 'pending': return { style: 'circle', fill: 'transparent', ring: t.muted, radius: 4, width: 1.5 };
    default: return { style: 'circle', fill: colour, ring, radius, width: best ? 2.5 : 1 };
  }
}

export class TuneScatter {
  private chart: Chart<'scatter', Dot[]> | undefined;
  private theme: ChartTheme = readTheme();
  private message: string | null = null;
  /** The scale the points were coloured with (for the legend and the tests). */
  scale: ValueScale | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly legend: HTMLCanvasElement) {}

  get points(): number {
    return Number(this.canvas.dataset.points ?? 0);
  }

  draw(tune: TuneState): void {
    const t = (this.theme = readTheme());
    const axes = scatterAxes(tune.params);
    const { points, unplaced } = scatterPoints(tune.trials, axes, tune.metric);
    const scale = (this.scale = scoreScale(scaleScores(tune.trials, tune.metric), { low: t.series[1], high: t.series[0], foreground: t.foreground, background: t.background }));
    const byIndex = new Map(tune.trials.map((x) => [x.index, x]));
    // Sorted by x: without parsing, Chart.js takes a dataset as sorted and reads its x range from its ends.
    const dots: Dot[] = points.map((p) => ({ ...p, label: trialLabel(byIndex.get(p.index)!, tune, axes) })).sort((a, b) => a.x - b.x);
    const looks = dots.map((p) => look(p, p.index === tune.best, scale, t));
    this.message = axes.x === null ? l10n.t('the search does not vary lr: no scatter') : points.length === 0 ? l10n.t('waiting for the first trial…') : null;
    const dataset: ChartDataset<'scatter', Dot[]> = {
      label: 'trials', data: dots,
      pointStyle: looks.map((l) => l.style), pointBackgroundColor: looks.map((l) => l.fill), pointBorderColor: looks.map((l) => l.ring),
      pointRadius: looks.map((l) => l.radius), pointHoverRadius: looks.map((l) => l.radius + 2), pointBorderWidth: looks.map((l) => l.width),
    };
    const xTitle = `log₁₀ ${axes.x ?? 'lr'}`;
    const yTitle = axes.y ? `log₁₀ ${axes.y}` : '';
    const options = {
      ...STATIC_CHART,
      plugins: {
        legend: { display: false },
        tooltip: { ...tooltipColors(t), callbacks: { label: (i: { raw: unknown }) => (i.raw as Dot).label } },
      },
      scales: {
        x: linearScale(t, xTitle, { grace: '5%' }),
        y: axes.y ? linearScale(t, yTitle, { grace: '5%' }) : linearScale(t, '', { display: false, min: -1, max: 1 }),
      },
    };
    if (!this.chart) {
      this.chart = new Chart<'scatter', Dot[]>(this.canvas, {
        type: 'scatter', data: { datasets: [dataset] }, options: options as never,
        plugins: [emptyPlugin(() => this.message, () => this.theme) as never],
      });
    } else {
      this.chart.data.datasets = [dataset];
      this.chart.options = options as never;
      this.chart.update('none');
    }
    this.canvas.dataset.points = String(points.length);
    // How many points were drawn inside the plot area (the tests check that none fell outside the scales).
    const area = this.chart.chartArea;
    const inside = this.chart.getDatasetMeta(0).data.filter((e) => e.x >= area.left - 0.5 && e.x <= area.right + 0.5 && e.y >= area.top - 0.5 && e.y <= area.bottom + 0.5);
    this.canvas.dataset.inside = String(inside.length);
    this.canvas.dataset.unplaced = String(unplaced);
    this.drawLegend(tune.metric, scale, t);
  }

  /** The colour bar from the worst score to the best, with round values under it. */
  private drawLegend(metric: TuneState['metric'], scale: ValueScale, t: ChartTheme): void {
    const c = this.legend;
    const dpr = window.devicePixelRatio || 1;
    const width = c.clientWidth || 260;
    const height = 34;
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const left = 8;
    const barWidth = width - 2 * left;
    for (let i = 0; i < barWidth; i++) {
      ctx.fillStyle = cssColor(scaleColor(scale, scale.lo + ((scale.hi - scale.lo) * i) / Math.max(1, barWidth - 1)));
      ctx.fillRect(left + i, 2, 1, 12);
    }
    ctx.strokeStyle = withAlpha(t.foreground, 0.3);
    ctx.strokeRect(left + 0.5, 2.5, barWidth - 1, 11);
    ctx.fillStyle = t.muted;
    ctx.font = `${t.fontSize - 2}px ${t.font}`;
    ctx.textBaseline = 'top';
    for (const v of scaleTicks(scale, 5)) {
      const x = left + ((v - scale.lo) / (scale.hi - scale.lo)) * barWidth;
      ctx.textAlign = x < left + 20 ? 'left' : x > left + barWidth - 20 ? 'right' : 'center';
      ctx.fillText(scoreText(metric, v), x, 18);
    }
    c.dataset.lo = String(scale.lo);
    c.dataset.hi = String(scale.hi);
  }
}

/** "#3 · lr 1.2e-3 · l2 3.0e-5 · val acc 85.0%" */
function trialLabel(t: TrialResult, tune: TuneState, axes: ReturnType<typeof scatterAxes>): string {
  const parts = [`#${t.index}`];
  for (const p of [axes.x, axes.y]) if (p) parts.push(`${p} ${short(t.params[p] as number)}`);
  const score = trialScore(t, tune.metric);
  parts.push(tune.metric === 'valR2' ? l10n.t('val R² {0}', scoreText(tune.metric, score)) : l10n.t('val acc {0}', scoreText(tune.metric, score)));
  if (t.status !== 'done') parts.push(statusText(t));
  return parts.join(' · ');
}
