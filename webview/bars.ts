/** The layers' gradient norms now, as horizontal bars on a log axis with their values printed. */
import { Chart, type ChartOptions, type Plugin } from 'chart.js';
import { logScale, tickFont, tooltipColors } from './scales';
import { shortLayerName, short } from './format';
import type { RunStore } from './store';
import { paletteColor, readTheme, withAlpha, type ChartTheme } from './theme';
import { emptyPlugin } from './plugins';
import * as l10n from '@vscode/l10n';

interface Bar {
  layer: number;
  name: string;
  value: number;
}

/** Prints each bar's value at its end (and "0" for a zero gradient, which a log axis cannot place). */
function valuesPlugin(bars: () => Bar[], theme: () => ChartTheme): Plugin<'bar'> {
  return {
    id: 'trainlensBarValues',
    afterDatasetsDraw(chart) {
      const meta = chart.getDatasetMeta(0);
      const t = theme();
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.font = `${t.fontSize - 2}px ${t.font}`;
      ctx.textBaseline = 'middle';
      bars().forEach((b, i) => {
        const el = meta.data[i] as unknown as { x: number; y: number } | undefined;
        if (!el) return;
        const text = b.value > 0 ? short(b.value) : l10n.t('0 (no gradient)');
        const w = ctx.measureText(text).width;
        const inside = b.value > 0 && el.x + w + 6 > a.right;
        ctx.fillStyle = inside ? t.background : t.foreground;
        ctx.textAlign = inside ? 'right' : 'left';
        ctx.fillText(text, inside ? el.x - 4 : (b.value > 0 ? el.x : a.left) + 4, el.y);
      });
      ctx.restore();
    },
  };
}

export class GradBars {
  private chart: Chart<'bar', number[], string> | undefined;
  private bars: Bar[] = [];
  private theme: ChartTheme = readTheme();

  constructor(readonly canvas: HTMLCanvasElement, private readonly store: RunStore) {}

  get points(): number {
    return this.bars.length;
  }

  private collect(): Bar[] {
    const latest = this.store.run?.latestStats;
    if (!latest) return [];
    const names = this.store.layerNames();
    const bars: Bar[] = [];
    latest.layers.forEach((l, i) => {
      if (l.gradNorm !== null && Number.isFinite(l.gradNorm)) bars.push({ layer: i, name: shortLayerName(names[i] ?? l.name), value: l.gradNorm });
    });
    return bars;
  }

  private options(t: ChartTheme): ChartOptions<'bar'> {
    const positive = this.bars.map((b) => b.value).filter((v) => v > 0);
    const lo = positive.length ? Math.min(...positive) : 1e-3;
    const hi = positive.length ? Math.max(...positive) : 1;
    // Down to the decade below the smallest bar (so it has a length); room after the largest for its label.
    const min = Math.pow(10, Math.floor(Math.log10(lo)) - (hi / lo < 3 ? 1 : 0));
    const max = hi * Math.pow(hi / min, 0.18);
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: { ...tooltipColors(t), callbacks: { label: (i) => ` ‖∂L/∂W‖ ${short(this.bars[i.dataIndex]?.value)}` } },
      },
      scales: {
        x: logScale(t, l10n.t('‖∂L/∂W‖ at the latest statistics step (log)'), { min, max }) as never,
        y: {
          type: 'category',
          ticks: { color: t.foreground, font: tickFont(t), autoSkip: false },
          grid: { display: false },
          border: { color: t.grid },
        },
      },
    };
  }

  private drawnFor: unknown = undefined;

  /** Redraws when the latest statistics changed (or with force: a theme change). */
  draw(force = false): void {
    const latest = this.store.run?.latestStats ?? this.store.run;
    if (!force && this.chart && latest === this.drawnFor) return;
    this.drawnFor = latest;
    this.bars = this.collect();
    const box = this.canvas.parentElement;
    // About 24 px a bar plus the axis: two layers get a short chart, eleven a tall one.
    if (box) box.style.height = `${Math.max(140, Math.min(360, 70 + 22 * Math.max(2, this.bars.length)))}px`;
    const t = (this.theme = readTheme());
    const labels = this.bars.map((b) => b.name);
    const data = this.bars.map((b) => (b.value > 0 ? b.value : NaN));
    const colors = this.bars.map((b) => paletteColor(t, b.layer));
    const dataset = {
      label: l10n.t('gradient norm'), data, backgroundColor: colors.map((c) => withAlpha(c, 0.75)), borderColor: colors,
      borderWidth: 1, barPercentage: 0.8, categoryPercentage: 0.9, maxBarThickness: 22,
    };
    if (!this.chart) {
      const plugins = [valuesPlugin(() => this.bars, () => this.theme), emptyPlugin(() => (this.store.run ? l10n.t('waiting for statistics…') : l10n.t('no run yet')), () => this.theme) as Plugin<'bar'>];
      this.chart = new Chart(this.canvas, { type: 'bar', data: { labels, datasets: [dataset] }, options: this.options(t), plugins });
    } else {
      this.chart.data.labels = labels;
      this.chart.data.datasets = [dataset];
      this.chart.options = this.options(t);
      this.chart.update('none');
    }
    this.canvas.dataset.points = String(this.bars.length);
  }
}
