/**
 * What the Tune tab derives from a search, without the DOM: the scatter's axes and points, the
 * colour scale of the trials' scores, the table's sort. Tested under Node.
 */
import * as l10n from '@vscode/l10n';
import type { TrialResult, TuneParam } from '../src/model/tune';
import type { TuneState } from '../src/training/protocol';
import type { ValueScale } from './colorscale';
import { pct, r2 } from './format';
import { mix, parseColor } from './theme';

/** A trial's score: validation accuracy, or R² for regression; undefined when it has none. */
export function trialScore(t: TrialResult, metric: TuneState['metric']): number | undefined {
  const v = metric === 'valR2' ? t.valR2 : t.valAcc;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

export function trialScoreStd(t: TrialResult, metric: TuneState['metric']): number | undefined {
  const v = metric === 'valR2' ? t.valR2Std : t.valAccStd;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** The text of a score: a percentage for accuracy, R² with three decimals. */
export function scoreText(metric: TuneState['metric'], v: number | undefined): string {
  return metric === 'valR2' ? r2(v) : pct(v);
}

/** The table's score cell: the score, with ± the standard deviation over seeds when a trial trains several. */
export function scoreCell(t: TrialResult, metric: TuneState['metric'], seeds: number): string {
  const v = trialScore(t, metric);
  const s = trialScoreStd(t, metric);
  return s !== undefined && seeds > 1 && v !== undefined ? `${scoreText(metric, v)} ± ${scoreText(metric, s)}` : scoreText(metric, v);
}

/** The scatter's axes: log10 lr across, log10 of the regularization up (l2, or l1 when only that is searched). */
export interface ScatterAxes {
  x: TuneParam | null;
  y: TuneParam | null;
}

export function scatterAxes(params: readonly TuneParam[]): ScatterAxes {
  return {
    x: params.includes('lr') ? 'lr' : null,
    y: params.includes('l2') ? 'l2' : params.includes('l1') ? 'l1' : null,
  };
}

export interface ScatterPoint {
  /** log10 of the x parameter, and of the y parameter (0 when the search has no y). */
  x: number;
  y: number;
  index: number;
  status: TrialResult['status'];
  score: number | undefined;
}

/**
 * One point per trial that can be placed: its lr (and reg) positive. Trials whose value is 0 or
 * missing cannot sit on a log axis and are counted apart.
 */
export function scatterPoints(trials: readonly TrialResult[], axes: ScatterAxes, metric: TuneState['metric']): { points: ScatterPoint[]; unplaced: number } {
  const points: ScatterPoint[] = [];
  let unplaced = 0;
  const log = (t: TrialResult, p: TuneParam | null): number | undefined => {
    if (p === null) return 0;
    const v = t.params[p];
    return typeof v === 'number' && v > 0 && Number.isFinite(v) ? Math.log10(v) : undefined;
  };
  for (const t of trials) {
    const x = log(t, axes.x);
    const y = log(t, axes.y);
    if (axes.x === null || x === undefined || y === undefined) {
      unplaced++;
      continue;
    }
    points.push({ x, y, index: t.index, status: t.status, score: trialScore(t, metric) });
  }
  return { points, unplaced };
}

/**
 * The scores the colour scale spans: those of the trials that trained their whole budget (before
 * any has, every trial's that has one but the diverged). One stopped early at R² −4 would
 * otherwise leave every other trial the same blue.
 */
export function scaleScores(trials: readonly TrialResult[], metric: TuneState['metric']): number[] {
  const done = trials.filter((t) => t.status === 'done');
  return (done.length > 0 ? done : trials.filter((t) => t.status !== 'diverged')).flatMap((t) => trialScore(t, metric) ?? []);
}

export interface TuneScaleColors {
  /** The colour of the worst score, and of the best. */
  low: string;
  high: string;
  foreground: string;
  background: string;
}

/**
 * The scores' colour scale: from the worst score of the trials to the best, orange through a grey
 * halfway between the foreground and the background to blue, so both ends stand out on the theme's
 * background. One score (or none): a scale of width 0.1 around it (or over [0, 1]).
 */
export function scoreScale(scores: readonly number[], c: TuneScaleColors): ValueScale {
  const finite = scores.filter((s) => Number.isFinite(s));
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (hi - lo < 1e-9) {
    lo -= 0.05;
    hi += 0.05;
  }
  const rgb = (s: string): [number, number, number] => parseColor(s) ?? [128, 128, 128];
  return { kind: 'sequential', lo, hi, low: rgb(c.low), mid: rgb(mix(c.foreground, c.background, 0.5)), high: rgb(c.high) };
}

/** Table columns: the trial's number, its round, each parameter, the score, the validation loss, epochs and status. */
export type SortKey = '#' | 'round' | TuneParam | 'score' | 'valLoss' | 'epochs' | 'status';
export interface Sort {
  key: SortKey;
  descending: boolean;
}

const STATUS_ORDER: Record<TrialResult['status'], number> = { done: 0, stopped: 1, running: 2, pending: 3, diverged: 4, failed: 5 };

/** The value a trial sorts by under a key; undefined sorts last whichever the direction. */
export function sortValue(t: TrialResult, key: SortKey, metric: TuneState['metric']): number | string | undefined {
  switch (key) {
    case '#': return t.index;
    case 'round': return t.round;
    case 'score': return trialScore(t, metric);
    case 'valLoss': return t.valLoss !== undefined && Number.isFinite(t.valLoss) ? t.valLoss : undefined;
    case 'epochs': return t.epochs;
    case 'status': return STATUS_ORDER[t.status];
    default: return t.params[key];
  }
}

/** The trials in the table's order: by the key, ties by trial number; missing values last. */
export function sortTrials(trials: readonly TrialResult[], sort: Sort, metric: TuneState['metric']): TrialResult[] {
  const sign = sort.descending ? -1 : 1;
  return [...trials].sort((a, b) => {
    const va = sortValue(a, sort.key, metric);
    const vb = sortValue(b, sort.key, metric);
    if (va === undefined || vb === undefined) {
      if (va !== vb) return va === undefined ? 1 : -1;
      return a.index - b.index;
    }
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? sign * c : a.index - b.index;
  });
}

/** A click on a column: the same column flips its direction; another starts descending for the score, ascending otherwise. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key === 'score' };
}

/** A trial's status in the user's words. */
export function statusText(t: TrialResult): string {
  switch (t.status) {
    case 'done': return l10n.t('done');
    case 'diverged': return l10n.t('diverged');
    case 'stopped': return l10n.t('stopped early');
    case 'running': return l10n.t('running');
    case 'pending': return l10n.t('waiting');
    case 'failed': return l10n.t('failed');
  }
}
