/**
 * The sections a network's file and a surface file share: `optimizer:` (the update rule) and
 * `compare:` (what "Compare…" sweeps). Both parsers read them here, so a rule means the same thing
 * on a network and on a surface.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq } from 'yaml';
import {
  ACTIVATIONS, COMPARE_DIMENSIONS, INIT_SCHEMES, LOSSES, MAX_SEEDS, OPTIMIZERS, OPTIMIZER_DEFAULTS, type CompareSpec,
  type OptimizerName, type OptimizerSpec,
} from './spec';
import { MapReader, Reporter, describe, rangeOf, readChoice } from './reader';

/** Keys each rule takes in the file (snake_case as in PyTorch), mapped to the spec's fields. */
export const OPTIMIZER_KEYS: Record<OptimizerName, Record<string, string>> = {
  sgd: { lr: 'lr' },
  momentum: { lr: 'lr', momentum: 'momentum' },
  nesterov: { lr: 'lr', momentum: 'momentum' },
  adagrad: { lr: 'lr', eps: 'eps' },
  rmsprop: { lr: 'lr', decay: 'decay', eps: 'eps' },
  adam: { lr: 'lr', beta1: 'beta1', beta2: 'beta2', eps: 'eps' },
  adamw: { lr: 'lr', beta1: 'beta1', beta2: 'beta2', eps: 'eps', weight_decay: 'weightDecay' },
};

/** `optimizer:` — a name (`adam`) or a mapping (`{ type: adam, lr: 0.001 }`); sgd at its defaults when absent. */
export function readOptimizer(r: Reporter, top: MapReader): OptimizerSpec | undefined {
  if (!top.has('optimizer')) return { ...OPTIMIZER_DEFAULTS.sgd };
  const node = top.node('optimizer');
  if (isScalar(node)) {
    const name = readChoice(r, node, top.valueRange('optimizer'), 'optimizer', OPTIMIZERS, []);
    return name ? { ...OPTIMIZER_DEFAULTS[name] } : undefined;
  }
  if (!isMap(node)) {
    r.error(top.valueRange('optimizer'), l10n.t("'optimizer' must be a name such as 'adam' or a mapping such as '{ type: adam, lr: 0.001 }'."));
    return undefined;
  }
  const typePair = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
  if (!typePair) {
    r.error(top.keyRange('optimizer'), l10n.t("'optimizer' needs a 'type' (one of {0}).", OPTIMIZERS.join(', ')));
    return undefined;
  }
  const type = readChoice(r, typePair.value, rangeOf(typePair.value, top.valueRange('optimizer')), 'optimizer', OPTIMIZERS, []);
  if (!type) return undefined;
  const keys = OPTIMIZER_KEYS[type];
  const m = new MapReader(r, node, `'optimizer' (${type})`, ['type', ...Object.keys(keys)]);
  const spec: Record<string, number | string> = { ...OPTIMIZER_DEFAULTS[type] };
  for (const [key, field] of Object.entries(keys)) {
    const fallback = spec[field] as number;
    const rule = key === 'lr' ? { above: 0, max: 100 }
      : key === 'eps' ? { above: 0, max: 1 }
      : key === 'weight_decay' ? { min: 0, max: 10 }
      : { min: 0, below: 1 };
    spec[field] = m.number(key, fallback, rule);
  }
  return spec as unknown as OptimizerSpec;
}

export type CompareDimension = (typeof COMPARE_DIMENSIONS)[number];

/** Which dimensions a file may sweep, and why the others are not allowed there (per key). */
export interface CompareRules {
  dimensions: readonly CompareDimension[];
  explain?: Readonly<Record<string, string>>;
}

const EXAMPLE_VALUES: Record<CompareDimension, string> = {
  lr: '0.1, 0.01, 0.001', optimizer: 'sgd, adam', init: 'small, xavier, he', loss: 'softmax, svm', activation: 'relu, tanh',
};

/** `compare:` — one dimension and its values, e.g. `optimizer: [sgd, momentum, adam]`. */
export function readCompare(r: Reporter, top: MapReader, rules: CompareRules = { dimensions: COMPARE_DIMENSIONS }): CompareSpec | undefined {
  const node = top.node('compare');
  if (!isMap(node)) {
    r.error(top.valueRange('compare'), l10n.t("'compare' names what to sweep, e.g. '{ optimizer: [sgd, momentum, adam] }', not {0}.", describe(node)));
    return undefined;
  }
  const allowed = rules.dimensions;
  const m = new MapReader(r, node, "'compare'", [...allowed, 'seeds'], [], rules.explain);
  // Seeds per variant; alone (`compare: { seeds: 3 }`) the command asks what to sweep.
  const seeds = m.has('seeds') ? { seeds: m.number('seeds', 1, { integer: true, min: 1, max: MAX_SEEDS }) } : {};
  const dims = allowed.filter((d) => m.has(d));
  if (dims.length !== 1) {
    if (dims.length === 0 && m.has('seeds')) return seeds;
    // A dimension this file cannot sweep (a surface's `init:`) has its own error already.
    const explained = node.items.some((p) => isScalar(p.key) && rules.explain?.[String(p.key.value)] !== undefined);
    if (dims.length === 0 && explained) return undefined;
    r.error(top.keyRange('compare'), dims.length === 0
      ? l10n.t("'compare' needs one of {0} with a list of values.", allowed.join(', '))
      : l10n.t("'compare' sweeps one dimension at a time; it has {0}.", dims.join(l10n.t(' and '))));
    return undefined;
  }
  const dim = dims[0];
  const list = m.node(dim);
  if (!isSeq(list) || list.items.length < 2) {
    r.error(m.valueRange(dim), l10n.t("'{0}' takes a list of at least two values to compare, e.g. [{1}].", dim, EXAMPLE_VALUES[dim]));
    return undefined;
  }
  const values: Array<string | number> = [];
  for (const item of list.items) {
    const range = rangeOf(item, m.valueRange(dim));
    if (dim === 'lr') {
      const v = isScalar(item) ? item.value : undefined;
      if (typeof v !== 'number' || !(v > 0) || v > 100) r.error(range, l10n.t('Each learning rate must be a number above 0, not {0}.', describe(item)));
      else values.push(v);
      continue;
    }
    const choices: readonly string[] = dim === 'optimizer' ? OPTIMIZERS : dim === 'init' ? INIT_SCHEMES : dim === 'loss' ? LOSSES : ACTIVATIONS;
    const v = readChoice(r, item, range, dim, choices, []);
    if (v) values.push(v);
  }
  if (values.length !== list.items.length) return undefined;
  return { [dim]: values, ...seeds } as CompareSpec;
}
