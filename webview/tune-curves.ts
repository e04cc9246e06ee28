/**
 * The best trial's curves in the Tune tab: its loss per step (smoothed, and validation per epoch)
 * and its score per epoch (accuracy, or R² for regression), drawn by the panel's own line charts
 * from the trial's run histories. With seeds, each curve is the mean over the trial's runs with a
 * min–max band (src/training/aggregate.ts; a point only where every seed has one), as Compare
 * draws them; with one seed the band is the curve itself.
 */
import * as l10n from '@vscode/l10n';
import type { Point } from 'chart.js';
import type { TuneState } from '../src/training/protocol';
import { aggregateSeries } from '../src/training/aggregate';
import { LineChart } from './charts';
import { linearScale, tickFont } from './scales';
import { seriesOf, type HistorySeries } from './series';
import { band, bandSeries, type Band } from './seeds';
import { SMOOTHING } from '../src/training/history';

interface BestBands {
  smooth: Band;
  valLoss: Band;
  trainScore: Band;
  valScore: Band;
}

/** The four curves of the best trial's runs, each aggregated over its seeds. */
export function bestBands(runs: readonly HistorySeries[], regression: boolean): BestBands {
  const over = (pick: (s: HistorySeries) => Point[]): Band => band(aggregateSeries(runs.map(pick)));
  return {
    smooth: over((s) => s.smooth),
    valLoss: over((s) => s.valLoss),
    trainScore: over((s) => (regression ? s.trainR2 : s.trainAcc)),
    valScore: over((s) => (regression ? s.valR2 : s.valAcc)),
  };
}

export class BestCurves {
  private bands: BestBands | null = null;
  private regression = false;
  private version = 0;
  private id = '';
  private readonly loss: LineChart;
  private readonly score: LineChart;

  constructor(lossCanvas: HTMLCanvasElement, scoreCanvas: HTMLCanvasElement) {
    const empty = (): string | null => (this.bands ? null : l10n.t('no trial has ended yet'));
    const stamp = (): string => `${this.id}/${this.version}`;
    const dots = (b: Band): boolean => b.mean.length <= 40;
    this.loss = new LineChart({
      canvas: lossCanvas, xTitle: l10n.t('step'), yTitle: l10n.t('loss'), y: 'linear', version: () => this.version, stamp, empty,
      series: (t) => (this.bands ? [
        ...bandSeries(l10n.t('train (smoothed {0})', SMOOTHING), this.bands.smooth, t.series[0]),
        ...bandSeries(l10n.t('validation (per epoch)'), this.bands.valLoss, t.series[1], { dots: true }),
      ] : []),
    });
    this.score = new LineChart({
      canvas: scoreCanvas, xTitle: l10n.t('epoch'), yTitle: '', version: () => this.version, stamp, empty,
      y: (t) => ({
        y: this.regression
          ? linearScale(t, 'R²', { suggestedMax: 1 })
          : linearScale(t, l10n.t('accuracy'), { min: 0, max: 1, ticks: { color: t.muted, font: tickFont(t), callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } }),
      }),
      series: (t) => (this.bands ? [
        ...bandSeries(l10n.t('train'), this.bands.trainScore, t.series[0], { dots: dots(this.bands.trainScore) }),
        ...bandSeries(l10n.t('validation'), this.bands.valScore, t.series[1], { dots: dots(this.bands.valScore) }),
      ] : []),
    });
  }

  draw(tune: TuneState): void {
    const runs = tune.bestRuns;
    const id = runs.map((run) => `${run.id}/${run.loss.count}/${run.epochs.count}/${run.status}`).join('|');
    if (id !== this.id) {
      this.id = id;
      this.regression = tune.metric === 'valR2';
      this.bands = runs.length > 0 ? bestBands(runs.map(seriesOf), this.regression) : null;
      this.version++;
    }
    this.loss.draw();
    this.score.draw();
    const note = document.getElementById('note-tune-best');
    const best = tune.trials.find((t) => t.index === tune.best);
    if (note) note.textContent = best ? (runs.length > 1 ? l10n.t('#{0}, the mean over its {1} seeds with their min–max band', best.index, runs.length) : `#${best.index}`) : '';
  }

  retheme(): void {
    this.loss.retheme();
    this.score.retheme();
  }
}
