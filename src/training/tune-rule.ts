/**
 * The search's arithmetic, pure: the early-stopping rule, a trial's figures over seeds, the best
 * trial, what early stopping saved, and the ranges of a second, finer round.
 */
import { TUNE_PARAMS, type TrialParams, type TrialResult, type TuneRange, type TuneSpec } from '../model/tune';
import { WHOLE_PARAMS } from './tune-sample';

/**
 * The median stopping rule. At the end of epoch e (from epoch `fromEpoch` on, never at the last
 * epoch of the budget), a trial stops when its validation score (valAcc, or valR2 for regression;
 * the mean over its seeds) is strictly below the median of the epoch-e scores of the trials drawn
 * before it (lower index) that trained to epoch e, once there are at least `minPeers` of them.
 * Trials that ended before epoch e (stopped or diverged) do not count; an earlier trial still
 * training toward epoch e is waited for, so the verdict does not depend on which run was faster.
 */
export const MEDIAN_RULE = { fromEpoch: 2, minPeers: 5 } as const;

/** An earlier trial as the rule sees it: its score after each epoch it trained, and whether it has ended. */
export interface Peer {
  curve: readonly number[];
  ended: boolean;
}

export type Verdict =
  | { verdict: 'continue' | 'wait' }
  | { verdict: 'stop'; median: number; peers: number };

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The rule's verdict for a trial whose score after `epoch` of `budget` epochs is `score`. */
export function medianVerdict(score: number, epoch: number, budget: number, earlier: readonly Peer[]): Verdict {
  // No score (a model file that holds nothing out): nothing to judge by.
  if (epoch < MEDIAN_RULE.fromEpoch || epoch >= budget || Number.isNaN(score)) return { verdict: 'continue' };
  const values: number[] = [];
  let pending = 0;
  for (const p of earlier) {
    if (p.curve.length >= epoch) {
      if (!Number.isNaN(p.curve[epoch - 1])) values.push(p.curve[epoch - 1]);
    }
    else if (!p.ended) pending++;
  }
  // However the pending ones turn out, too few peers: no verdict to wait for.
  if (values.length + pending < MEDIAN_RULE.minPeers) return { verdict: 'continue' };
  if (pending > 0) return { verdict: 'wait' };
  const m = median(values);
  return score < m ? { verdict: 'stop', median: m, peers: values.length } : { verdict: 'continue' };
}

/** The mean and the sample standard deviation (n − 1; 0 for one value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** A trial's score: valR2 for regression, else valAcc (undefined when it has none). */
export function scoreOf(t: TrialResult): number | undefined {
  const s = t.valR2 ?? t.valAcc;
  return s !== undefined && Number.isFinite(s) ? s : undefined;
}

/** The done trial with the highest score (the lower index on a tie); undefined when none is done. */
export function bestTrial(trials: readonly TrialResult[]): TrialResult | undefined {
  let best: TrialResult | undefined;
  for (const t of trials) {
    const s = scoreOf(t);
    if (t.status !== 'done' || s === undefined) continue;
    if (!best || s > scoreOf(best)!) best = t;
  }
  return best;
}

/** Trials sorted by score, best first; trials without a score last, by index. */
export function byScore(trials: readonly TrialResult[]): TrialResult[] {
  return [...trials].sort((a, b) => (scoreOf(b) ?? -Infinity) - (scoreOf(a) ?? -Infinity) || a.index - b.index);
}

/** What early stopping saved: whole epochs budgeted (trials × seeds × epochs) and not trained. */
export interface TuneSavings {
  budgetEpochs: number;
  trainedEpochs: number;
  /** budgetEpochs − trainedEpochs over the trials that ended (stopped by the rule, diverged or failed). */
  savedEpochs: number;
  /** Of which by the median rule, and by divergence. */
  savedByRule: number;
  savedByDivergence: number;
  /** savedEpochs / budgetEpochs (0 with no budget). */
  fraction: number;
}

/**
 * Savings over ended trials; `trained[i]` is the whole epochs trial i's runs trained, summed over
 * its seeds, and each trial's budget is epochs × seeds.
 */
export function savingsOf(trials: readonly TrialResult[], trained: readonly number[], epochs: number, seeds: number): TuneSavings {
  let budget = 0, done = 0, rule = 0, diverged = 0;
  trials.forEach((t, i) => {
    if (t.status === 'pending' || t.status === 'running') return;
    const b = epochs * seeds;
    budget += b;
    done += trained[i];
    if (t.status === 'stopped') rule += b - trained[i];
    if (t.status === 'diverged') diverged += b - trained[i];
  });
  const saved = budget - done;
  return { budgetEpochs: budget, trainedEpochs: done, savedEpochs: saved, savedByRule: rule, savedByDivergence: diverged, fraction: budget > 0 ? saved / budget : 0 };
}

/** "Narrow around the best": how much of the old range a round-2 range spans, and the choices kept. */
export const NARROW = { decades: 0.5, fraction: 0.25, keepChoices: 3 } as const;

/**
 * Round 2's ranges, centred on the best done trial's values and clipped to the old ranges:
 * log: the best ± min(0.5 decade, a quarter of the old width in decades); range: the best ± a
 * quarter of the old width; int: the best ± max(1, a quarter of the old width, rounded); choices:
 * those of the best 3 done trials, in the old order (a log range of whole numbers widened to whole bounds). Same trials, epochs and seeds. Undefined when
 * no trial is done.
 */
export function narrowAround(tune: TuneSpec, trials: readonly TrialResult[]): TuneSpec | undefined {
  const best = bestTrial(trials);
  if (!best) return undefined;
  const top = byScore(trials.filter((t) => t.status === 'done')).slice(0, NARROW.keepChoices);
  const ranges: TuneSpec['ranges'] = {};
  for (const p of TUNE_PARAMS) {
    const old = tune.ranges[p];
    if (old) ranges[p] = narrowOne(old, best.params[p], top.map((t) => t.params[p]), WHOLE_PARAMS.has(p));
  }
  return { ...tune, ranges };
}

function narrowOne(old: TuneRange, best: TrialParams[keyof TrialParams], top: Array<number | string | undefined>, whole: boolean): TuneRange {
  if (old.kind === 'choice') {
    const kept = old.values.filter((v) => top.includes(v));
    return { kind: 'choice', values: kept.length > 0 ? kept : old.values.slice() };
  }
  // A value the trial did not use (momentum under a rule without it): the range stays.
  if (typeof best !== 'number') return { ...old };
  const clip = (lo: number, hi: number): { min: number; max: number } => ({ min: Math.max(old.min, lo), max: Math.min(old.max, hi) });
  if (old.kind === 'log') {
    const half = Math.min(NARROW.decades, NARROW.fraction * Math.log10(old.max / old.min));
    const c = Math.log10(best);
    const r = clip(10 ** (c - half), 10 ** (c + half));
    return whole
      ? { kind: 'log', min: Math.max(old.min, Math.floor(r.min)), max: Math.min(old.max, Math.ceil(r.max)) }
      : { kind: 'log', ...r };
  }
  if (old.kind === 'range') {
    const half = NARROW.fraction * (old.max - old.min);
    return { kind: 'range', ...clip(best - half, best + half) };
  }
  const half = Math.max(1, Math.round(NARROW.fraction * (old.max - old.min)));
  return { kind: 'int', ...clip(best - half, best + half) };
}
