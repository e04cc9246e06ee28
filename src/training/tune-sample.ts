/**
 * Drawing a tune trial and applying it to the model. Pure (no Node, no vscode): the search, the
 * CLI, the panel and the tests share it.
 */
import { Rng } from '../engine/rng';
import { OPTIMIZER_DEFAULTS, type InitScheme, type ModelSpec, type OptimizerName, type OptimizerSpec } from '../model/spec';
import { TUNE_PARAMS, type TrialParams, type TuneRange, type TuneSpec } from '../model/tune';
import { hiddenDenseLayers } from '../model/tune-parse';

/** Parameters that take whole numbers (a `log` range over them is rounded). */
export const WHOLE_PARAMS: ReadonlySet<string> = new Set(['batch', 'hidden']);

/**
 * The seed of trial `index`'s draw: the file's train.seed and the index mixed (two multiplicative
 * hashes), so trial 3 of seed 1 and trial 1 of seed 3 draw differently, and every trial of a file
 * draws the same values every time.
 */
export function trialSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/**
 * One value from a range, given u uniform in [0, 1):
 * log: a·(b/a)^u = exp(ln a + u·(ln b − ln a)) (log-uniform: its logarithm is uniform); range: a + u·(b − a);
 * int: a + ⌊u·(b − a + 1)⌋ (each whole number equally likely); choice: values[⌊u·n⌋].
 * `whole`: a log range rounded to the nearest whole number (kept within [a, b]).
 */
export function drawFrom(range: TuneRange, u: number, whole = false): number | string {
  switch (range.kind) {
    case 'log': {
      const v = range.min * Math.pow(range.max / range.min, u);
      return whole ? Math.min(range.max, Math.max(range.min, Math.round(v))) : Math.min(range.max, Math.max(range.min, v));
    }
    case 'range': return range.min + u * (range.max - range.min);
    case 'int': return Math.min(range.max, range.min + Math.floor(u * (range.max - range.min + 1)));
    case 'choice': return range.values[Math.min(range.values.length - 1, Math.floor(u * range.values.length))];
  }
}

/** Trial `index`'s values: one uniform per tuned parameter, in TUNE_PARAMS order, from trialSeed(seed, index). */
export function sampleTrial(tune: TuneSpec, seed: number, index: number): TrialParams {
  const rng = new Rng(trialSeed(seed, index));
  const params: TrialParams = {};
  for (const p of TUNE_PARAMS) {
    const range = tune.ranges[p];
    if (range) params[p] = drawFrom(range, rng.uniform(), WHOLE_PARAMS.has(p));
  }
  return params;
}

/**
 * The update rule a trial trains with. `optimizer` chosen: the file's own settings when it names
 * the file's rule, else that rule's defaults (cs231n's); then lr (the trial's, else the file's when
 * the rule is the file's, else the rule's default) and momentum (only into momentum and nesterov).
 */
function trialOptimizer(file: OptimizerSpec, params: TrialParams): OptimizerSpec {
  const type = (params.optimizer as OptimizerName | undefined) ?? file.type;
  const base: OptimizerSpec = type === file.type ? { ...file } : { ...OPTIMIZER_DEFAULTS[type] };
  if (typeof params.lr === 'number') base.lr = params.lr;
  if (typeof params.momentum === 'number' && (base.type === 'momentum' || base.type === 'nesterov')) base.momentum = params.momentum;
  return base;
}

/**
 * The model a trial trains: the file's, with only the trial's values changed (lr and the rule into
 * `optimizer`, momentum into a momentum or nesterov rule, l2 / l1 / batch into `train`, init as the
 * model's scheme (a layer's own `init:` stays), dropout as every dropout layer's p, hidden as the
 * units of every dense layer but the last), and `epochs` epochs. The seed and the data split stay
 * the file's.
 */
export function applyTrial(spec: ModelSpec, params: TrialParams, epochs = spec.train.epochs): ModelSpec {
  const hidden = new Set(typeof params.hidden === 'number' ? hiddenDenseLayers(spec.layers) : []);
  const layers = spec.layers.map((l, i) => {
    if (l.kind === 'dropout' && typeof params.dropout === 'number') return { ...l, p: params.dropout };
    if (l.kind === 'dense' && hidden.has(i)) return { ...l, units: params.hidden as number };
    return l;
  });
  const train = { ...spec.train, epochs };
  if (typeof params.l2 === 'number') train.l2 = params.l2;
  if (typeof params.l1 === 'number') train.l1 = params.l1;
  if (typeof params.batch === 'number') train.batch = params.batch;
  return {
    ...spec, layers, train,
    optimizer: trialOptimizer(spec.optimizer, params),
    ...(typeof params.init === 'string' ? { init: { type: params.init as InitScheme } } : {}),
  };
}

/** The values a trial actually used: momentum is dropped when the trial's rule has none. */
export function usedParams(spec: ModelSpec, params: TrialParams): TrialParams {
  const out = { ...params };
  const rule = trialOptimizer(spec.optimizer, params).type;
  if (out.momentum !== undefined && rule !== 'momentum' && rule !== 'nesterov') delete out.momentum;
  return out;
}

/**
 * Seed `k` (0-based) of a trial over several seeds: train.seed + k moves the init, the batch order
 * and dropout; the data and its split stay the file's (data.seed pinned to data.seed, else train.seed).
 */
export function withTrainSeed(spec: ModelSpec, k: number): ModelSpec {
  if (k === 0) return spec;
  return { ...spec, data: { ...spec.data, seed: spec.data.seed ?? spec.train.seed }, train: { ...spec.train, seed: spec.train.seed + k } };
}
