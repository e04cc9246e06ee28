/**
 * The best trial's curves in the Tune tab: its loss per step (smoothed, and validation per epoch)
 * and its score per epoch (accuracy, or R² for regression), drawn by the panel's own line charts
 * from the trial's run history (the series an overlaid run gets).
 */
import * as l10n from '@vscode/l10n';
import type { Point } from 'chart.js';
import type { TuneState } from '../src/training/protocol';
import { LineChart } from './charts';
import { linearScale, tickFont } from './scales';
import { seriesOf, type HistorySeries } from './series';
import { SMOOTHING } from '../src/training/history';

const none: Point[] = [];

export class BestCurves {
  private series: HistorySeries | null = null;
  private regression = false;
  private version = 0;
  private id = '';
  private readonly loss: LineChart;
  private readonly score: LineChart;

  constructor(lossCanvas: HTMLCanvasElement, scoreCanvas: HTMLCanvasElement) {
    const empty = (): string | null => (this.series ? null : l10n.t('no trial has ended yet'));
    const stamp = (): string => `${this.id}/${this.version}`;
    this.loss = new LineChart({
      canvas: lossCanvas, xTitle: l10n.t('step'), yTitle: l10n.t('loss'), y: 'linear', version: () => this.version, stamp, empty,
      series: (t) => [
        { label: l10n.t('train (smoothed {0})', SMOOTHING), data: () => this.series?.smooth ?? none, color: t.series[0], width: 2 },
        { label: l10n.t('validation (per epoch)'), data: () => this.series?.valLoss ?? none, color: t.series[1], width: 2, dots: true },
      ],
    });
    this.score = new LineChart({
      canvas: scoreCanvas, xTitle: l10n.t('epoch'), yTitle: '', version: () => this.version, stamp, empty,
      y: (t) => ({
        y: this.regression
          ? linearScale(t, 'R²', { suggestedMax: 1 })
          : linearScale(t, l10n.t('accuracy'), { min: 0, max: 1, ticks: { color: t.muted, font: tickFont(t), callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } }),
      }),
      series: (t) => [
        { label: l10n.t('train'), data: () => (this.regression ? this.series?.trainR2 : this.series?.trainAcc) ?? none, color: t.series[0], width: 2, dots: true },
        { label: l10n.t('validation'), data: () => (this.regression ? this.series?.valR2 : this.series?.valAcc) ?? none, color: t.series[1], width: 2, dots: true },
      ],
    });
  }

  draw(tune: TuneState): void {
    const run = tune.bestRun;
    const id = run ? `${run.id}/${run.loss.count}/${run.epochs.count}/${run.status}` : '';
    if (id !== this.id) {
      this.id = id;
      this.series = run ? seriesOf(run) : null;
      this.regression = tune.metric === 'valR2';
      this.version++;
    }
    this.loss.draw();
    this.score.draw();
    const note = document.getElementById('note-tune-best');
    const best = tune.trials.find((t) => t.index === tune.best);
    if (note) note.textContent = best ? (tune.seeds > 1 ? l10n.t('#{0}, its first seed\'s run', best.index) : `#${best.index}`) : '';
  }

  retheme(): void {
    this.loss.retheme();
    this.score.retheme();
  }
}
