/** The chart series derived from a run's history: loss, epochs (accuracy or R²), per-layer figures. */
import type { Point } from 'chart.js';
import type { EpochMetrics, RunHistory, StatsPoint } from '../src/training/protocol';
import type { LossPoint } from '../src/training/history';

type LayerFigure = 'gradNorm' | 'updateRatio' | 'mean' | 'std' | 'dead' | 'saturated';
const FIGURES: LayerFigure[] = ['gradNorm', 'updateRatio', 'mean', 'std', 'dead', 'saturated'];
/** Figures drawn on a log axis: values ≤ 0 cannot be placed and are left out. */
const LOG_FIGURES = new Set<LayerFigure>(['gradNorm', 'updateRatio', 'std']);

/** Per layer, one series per figure over the stats steps. */
export type LayerSeries = Record<LayerFigure, Point[][]>;

/** The chart series of a run's history. */
export interface HistorySeries {
  /** The loss of each kept step. */
  raw: Point[];
  /** The smoothed loss (averaged over every step) at the kept steps. */
  smooth: Point[];
  /** Validation loss at the steps where epochs ended. */
  valLoss: Point[];
  /** Per epoch, eval mode, on a fixed sample of training samples (cs231n's check_accuracy). */
  trainAcc: Point[];
  /** Per epoch, the running figure over the epoch's batches in training mode (dropout on, weights moving). */
  runningAcc: Point[];
  valAcc: Point[];
  /** Regression: R² of each split and the held-out RMSE, per epoch. */
  trainR2: Point[];
  valR2: Point[];
  valRmse: Point[];
  layers: LayerSeries;
}

export function emptyLayers(): LayerSeries {
  return { gradNorm: [], updateRatio: [], mean: [], std: [], dead: [], saturated: [] };
}

export function addStats(series: LayerSeries, points: StatsPoint[]): void {
  for (const p of points) {
    p.layers.forEach((l, i) => {
      for (const f of FIGURES) {
        const v = l[f];
        if (v === null || v === undefined || !Number.isFinite(v) || (LOG_FIGURES.has(f) && v <= 0)) continue;
        (series[f][i] ??= []).push({ x: p.step, y: f === 'dead' || f === 'saturated' ? v * 100 : v });
      }
    });
  }
}

/** Appends the loss points kept at arrival numbers first, first+stride, … (step = number + 1). */
export function addLoss(h: HistorySeries, items: LossPoint[], steps: (i: number) => number): void {
  items.forEach(([y, smoothed], i) => {
    const x = steps(i);
    // A step whose loss is missing (a torn line of a kept run's history) is not drawn.
    if (Number.isFinite(y)) h.raw.push({ x, y });
    if (Number.isFinite(smoothed)) h.smooth.push({ x, y: smoothed });
  });
}

export function addEpochs(h: HistorySeries, epochs: EpochMetrics[]): void {
  for (const e of epochs) {
    if (e.valLoss !== null) h.valLoss.push({ x: e.step, y: e.valLoss });
    if (e.trainAcc !== null) h.trainAcc.push({ x: e.epoch, y: e.trainAcc });
    // Absent in the epochs of runs kept before it existed.
    if (e.runningAcc !== null && e.runningAcc !== undefined) h.runningAcc.push({ x: e.epoch, y: e.runningAcc });
    if (e.valAcc !== null) h.valAcc.push({ x: e.epoch, y: e.valAcc });
    // Absent in the epochs of runs kept before regression: nothing to draw.
    if (e.trainR2 !== null && e.trainR2 !== undefined) h.trainR2.push({ x: e.epoch, y: e.trainR2 });
    if (e.valR2 !== null && e.valR2 !== undefined) h.valR2.push({ x: e.epoch, y: e.valR2 });
    // Drawn on a log axis, where an RMSE of exactly 0 cannot be placed.
    if (e.valRmse !== null && e.valRmse !== undefined && e.valRmse > 0) h.valRmse.push({ x: e.epoch, y: e.valRmse });
  }
}

function emptySeries(): HistorySeries {
  return { raw: [], smooth: [], valLoss: [], trainAcc: [], runningAcc: [], valAcc: [], trainR2: [], valR2: [], valRmse: [], layers: emptyLayers() };
}

/** The chart series of a whole (bounded) history. */
export function seriesOf(h: RunHistory): HistorySeries {
  const out = emptySeries();
  addLoss(out, h.loss.items, (i) => 1 + i * h.loss.stride);
  addEpochs(out, h.epochs.items);
  addStats(out.layers, h.stats.items);
  return out;
}
