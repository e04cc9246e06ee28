/**
 * Reading the `tune:` section: the search's counts and, per parameter, how it is drawn
 * (`{ log: [a, b] }`, `{ range: [a, b] }`, `{ int: [a, b] }` or a list of choices). Every problem is
 * a diagnostic on the node it is about.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { INIT_SCHEMES, OPTIMIZERS, type DataSpec, type LayerSpec, type ModelSpec, type OptimizerSpec, type TrainSpec } from './spec';
import { MapReader, Reporter, checkNumber, describe, rangeOf, readChoice, type Range } from './reader';
import { DEFAULT_TRIALS, TUNE_LIMITS, TUNE_PARAMS, type TuneParam, type TuneRange, type TuneSpec } from './tune';
import { MEMORY_LIMIT_BYTES, estimateMemory } from './memory';
import { bytes, dataShape, summarizeLayers } from './summary';

/** Indices of the dense layers `hidden` sets: every dense layer but the last one (the output). */
export function hiddenDenseLayers(layers: readonly LayerSpec[]): number[] {
  const dense = layers.flatMap((l, i) => (l.kind === 'dense' ? [i] : []));
  return dense.slice(0, -1);
}

type Kind = TuneRange['kind'];
interface ParamRule {
  forms: readonly Kind[];
  integer?: boolean;
  min?: number;
  above?: number;
  below?: number;
  max?: number;
  /** A choice among names instead of numbers. */
  names?: readonly string[];
  example: string;
}

const RULES: Record<TuneParam, ParamRule> = {
  lr: { forms: ['log', 'range', 'choice'], above: 0, example: '{ log: [1.0e-4, 1.0e-1] }' },
  l2: { forms: ['log', 'range', 'choice'], min: 0, example: '{ log: [1.0e-5, 1.0] }' },
  l1: { forms: ['log', 'range', 'choice'], min: 0, example: '{ log: [1.0e-6, 1.0e-2] }' },
  batch: { forms: ['int', 'log', 'choice'], integer: true, min: 1, max: 1_000_000, example: '[32, 64, 128]' },
  hidden: { forms: ['int', 'log', 'choice'], integer: true, min: 1, max: 100_000, example: '{ int: [20, 200] }' },
  momentum: { forms: ['range', 'choice'], min: 0, below: 1, example: '{ range: [0.5, 0.99] }' },
  dropout: { forms: ['range', 'choice'], min: 0, below: 1, example: '{ range: [0.0, 0.7] }' },
  optimizer: { forms: ['choice'], names: OPTIMIZERS, example: '[sgd, momentum, adam]' },
  init: { forms: ['choice'], names: INIT_SCHEMES, example: '[xavier, he]' },
};

const FORMS: readonly Kind[] = ['log', 'range', 'int'];

/** What the section reads against: the model's layers, rule, training and data. */
export interface TuneContext {
  layers: LayerSpec[] | undefined;
  optimizer: OptimizerSpec | undefined;
  train: TrainSpec | undefined;
  data: DataSpec | undefined;
  /** Trials whose estimated training memory exceeds this are refused (default MEMORY_LIMIT_BYTES). */
  memoryLimit?: number;
}

/** `tune:` → TuneSpec, or undefined after reporting why not. */
export function readTune(r: Reporter, top: MapReader, ctx: TuneContext): TuneSpec | undefined {
  const node = top.node('tune');
  if (!isMap(node)) {
    r.error(top.valueRange('tune'), l10n.t("'tune' takes the ranges to search, e.g. '{ trials: 20, lr: { log: [1.0e-4, 1.0e-1] }, l2: { log: [1.0e-5, 1.0] } }', not {0}.", describe(node)));
    return undefined;
  }
  const m = new MapReader(r, node, "'tune'", ['trials', 'epochs', 'seeds', ...TUNE_PARAMS]);
  const errors = r.diagnostics.length;
  const spec: TuneSpec = {
    trials: m.number('trials', DEFAULT_TRIALS, { integer: true, min: 1, max: TUNE_LIMITS.trials }),
    epochs: m.number('epochs', Math.min(ctx.train?.epochs ?? 10, TUNE_LIMITS.epochs), { integer: true, min: 1, max: TUNE_LIMITS.epochs }),
    seeds: m.number('seeds', 1, { integer: true, min: 1, max: TUNE_LIMITS.seeds }),
    ranges: {},
  };
  for (const p of TUNE_PARAMS) {
    if (!m.has(p)) continue;
    const range = readRange(r, m.node(p), m.valueRange(p), p);
    if (range && fitsModel(r, m, p, ctx)) spec.ranges[p] = range;
  }
  if (Object.keys(spec.ranges).length === 0 && r.diagnostics.length === errors) {
    r.error(top.keyRange('tune'), l10n.t("'tune' needs at least one range to search, e.g. 'lr: {0}'; it can search {1}.", RULES.lr.example, TUNE_PARAMS.join(', ')));
  }
  checkMemory(r, m, spec, ctx);
  if (ctx.data && ctx.data.validation === 0) {
    r.warning(top.keyRange('tune'), l10n.t("Tune ranks trials by their validation score, and 'validation: 0' holds no samples out. Set data.validation, e.g. 0.2."));
  }
  return r.diagnostics.length === errors ? spec : undefined;
}

/** One parameter's range in one of the forms its rule allows. */
function readRange(r: Reporter, node: Node | undefined, range: Range, p: TuneParam): TuneRange | undefined {
  const rule = RULES[p];
  if (isSeq(node)) return rule.forms.includes('choice') ? readChoices(r, node.items, range, p, rule) : formError(r, range, p, rule);
  if (!isMap(node) || node.items.length !== 1 || !isScalar(node.items[0].key) || !FORMS.includes(node.items[0].key.value as Kind)) {
    return formError(r, range, p, rule);
  }
  const kind = node.items[0].key.value as Exclude<Kind, 'choice'>;
  const keyRange = rangeOf(node.items[0].key, range);
  if (!rule.forms.includes(kind)) return formError(r, keyRange, p, rule);
  const pair = node.items[0].value;
  const pairRange = rangeOf(pair, keyRange);
  if (!isSeq(pair) || pair.items.length !== 2) {
    r.error(pairRange, l10n.t("'{0}' takes two bounds, [low, high], not {1}.", kind, describe(pair)));
    return undefined;
  }
  const [a, b] = pair.items.map((item) => boundOf(r, item, rangeOf(item, pairRange), p, kind, rule));
  if (a === undefined || b === undefined) return undefined;
  if (a > b) {
    r.error(pairRange, l10n.t("'{0}' of '{1}' runs from low to high: {2} is above {3}.", kind, p, a, b));
    return undefined;
  }
  return { kind, min: a, max: b };
}

/** A bound: a number the parameter may take (and above 0 for a log range). */
function boundOf(r: Reporter, node: unknown, range: Range, p: TuneParam, kind: Kind, rule: ParamRule): number | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    r.error(range, l10n.t("A bound of '{0}' must be a number, not {1}.", p, describe(node)));
    return undefined;
  }
  const problem = kind === 'log' && !(v > 0) ? l10n.t('must be greater than 0 on a log scale')
    : checkNumber(v, { integer: rule.integer || kind === 'int', min: rule.min, above: rule.above, below: rule.below, max: rule.max });
  if (problem) {
    r.error(range, l10n.t("A bound of '{0}' {1}, got {2}.", p, problem, v));
    return undefined;
  }
  return v;
}

function readChoices(r: Reporter, items: unknown[], range: Range, p: TuneParam, rule: ParamRule): TuneRange | undefined {
  if (items.length === 0) {
    r.error(range, l10n.t("'{0}' needs at least one value to choose from, e.g. {1}.", p, rule.example));
    return undefined;
  }
  const values: Array<number | string> = [];
  for (const item of items) {
    const at = rangeOf(item, range);
    const v = rule.names ? readChoice(r, item, at, p, rule.names, []) : boundOf(r, item, at, p, 'choice', rule);
    if (v !== undefined) values.push(v);
  }
  return values.length === items.length ? { kind: 'choice', values } : undefined;
}

function formError(r: Reporter, range: Range, p: TuneParam, rule: ParamRule): undefined {
  const forms = rule.forms.map((f) => (f === 'choice' ? l10n.t('a list of choices') : `{ ${f}: [a, b] }`)).join(', ');
  r.error(range, l10n.t("'{0}' is drawn from {1}, e.g. '{0}: {2}'.", p, forms, rule.example));
  return undefined;
}

/** Whether the model has what the parameter sets (a hidden dense layer, a dropout layer, a rule with momentum). */
function fitsModel(r: Reporter, m: MapReader, p: TuneParam, ctx: TuneContext): boolean {
  const layers = ctx.layers;
  if (p === 'hidden' && layers && hiddenDenseLayers(layers).length === 0) {
    r.error(m.keyRange(p), l10n.t("'hidden' sets the units of every dense layer but the last, and this model has no such layer."));
    return false;
  }
  if (p === 'dropout' && layers && !layers.some((l) => l.kind === 'dropout')) {
    r.error(m.keyRange(p), l10n.t("'dropout' sets the p of the model's dropout layers, and it has none: add '- dropout: 0.5' after a hidden layer, where you want it."));
    return false;
  }
  if (p === 'momentum' && ctx.optimizer) {
    const tuned = m.has('optimizer') ? m.node('optimizer') : undefined;
    const rules = isSeq(tuned) ? tuned.items.map((i) => (isScalar(i) ? String(i.value) : '')) : [ctx.optimizer.type];
    if (!rules.some((t) => t === 'momentum' || t === 'nesterov')) {
      r.error(m.keyRange(p), l10n.t("'momentum' sets the momentum of the momentum and nesterov rules, and the trials train with {0}.", rules.join(', ')));
      return false;
    }
  }
  return true;
}

/** The largest value a range can draw. */
function topOf(range: TuneRange | undefined): number | undefined {
  if (!range) return undefined;
  return range.kind === 'choice' ? Math.max(...range.values.map(Number)) : range.max;
}

/**
 * The largest trial (the top of the hidden and batch ranges) must fit in memory as the file's model
 * must (memory.ts); an error on the range that makes it too big.
 */
function checkMemory(r: Reporter, m: MapReader, spec: TuneSpec, ctx: TuneContext): void {
  const hidden = topOf(spec.ranges.hidden);
  const batch = topOf(spec.ranges.batch);
  if ((hidden === undefined && batch === undefined) || !ctx.data || !ctx.layers || !ctx.train) return;
  const widen = new Set(hidden === undefined ? [] : hiddenDenseLayers(ctx.layers));
  const layers = ctx.layers.map((l, i) => (l.kind === 'dense' && widen.has(i) ? { ...l, units: hidden! } : l));
  const train = { ...ctx.train, batch: batch ?? ctx.train.batch };
  const memory = estimateMemory({ data: ctx.data, layers, train } as ModelSpec, summarizeLayers(dataShape(ctx.data), layers));
  const limit = ctx.memoryLimit ?? MEMORY_LIMIT_BYTES;
  if (!memory || memory.total <= limit) return;
  const key = hidden !== undefined ? 'hidden' : 'batch';
  const at = [hidden !== undefined ? `hidden ${hidden}` : '', batch !== undefined ? `batch ${batch}` : ''].filter(Boolean).join(', ');
  r.error(m.valueRange(key), l10n.t('The largest trial ({0}) needs about {1} to train; TrainLens trains models up to {2}. Lower the top of the range.', at, bytes(memory.total), bytes(limit)));
}
