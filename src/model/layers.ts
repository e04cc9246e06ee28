import * as l10n from '@vscode/l10n';
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { ACTIVATION_ALPHA, ACTIVATIONS, INIT_SCHEMES, type ActivationSpec, type InitSpec, type LayerSpec } from './spec';
import { MapReader, Reporter, describe, readChoice, readNumber, type Range } from './reader';
import { didYouMean } from './diagnostics';
import { excerpt } from '../engine/excerpt';

/** Layer kinds of format v1, each with the keys its mapping may hold besides the kind itself. */
const LAYER_KEYS: Record<string, readonly string[]> = {
  dense: ['activation', 'init'],
  conv: ['activation', 'init'],
  maxout: ['init'],
  pool: [],
  flatten: [],
  dropout: [],
  batchnorm: [],
};
const KINDS = [...Object.keys(LAYER_KEYS), 'activation'];

export function readActivation(r: Reporter, node: unknown, range: Range): ActivationSpec | undefined {
  if (isMap(node)) {
    const m = new MapReader(r, node, "'activation'", ['type', 'alpha']);
    if (!m.has('type')) {
      r.error(range, l10n.t("An activation mapping needs a 'type', e.g. '{ type: leaky_relu, alpha: 0.1 }'."));
      return undefined;
    }
    const type = m.choice('type', ACTIVATIONS, [], undefined);
    if (!type) return undefined;
    if (m.has('alpha') && ACTIVATION_ALPHA[type] === undefined) {
      r.error(m.keyRange('alpha'), l10n.t("'alpha' applies to leaky_relu and elu, not to {0}.", type));
      return undefined;
    }
    const alpha = m.number('alpha', ACTIVATION_ALPHA[type] ?? 0, { min: 0, max: 100 });
    return m.has('alpha') ? { type, alpha } : { type };
  }
  const type = readChoice(r, node, range, 'activation', ACTIVATIONS, []);
  return type ? { type } : undefined;
}

export function readInit(r: Reporter, node: unknown, range: Range): InitSpec | undefined {
  if (isMap(node)) {
    const m = new MapReader(r, node, "'init'", ['type', 'std']);
    if (!m.has('type') || !m.has('std')) {
      r.error(range, l10n.t("A custom init needs a 'type' (normal or uniform) and a 'std', e.g. '{ type: normal, std: 0.05 }'."));
      return undefined;
    }
    const type = m.choice('type', ['normal', 'uniform'] as const, [], undefined);
    const std = m.number('std', NaN, { min: 0, max: 1e3 });
    return type && !Number.isNaN(std) ? { type, std } : undefined;
  }
  const scheme = readChoice(r, node, range, l10n.t('init scheme'), INIT_SCHEMES, []);
  return scheme ? { type: scheme } : undefined;
}

/**
 * One item of `layers:`. Forms: `- dense: 100` (with `activation:`/`init:` beside it),
 * `- conv: { filters: 16, size: 3, stride: 1, pad: 1 }`, `- pool: 2` or `- pool: { size: 2, stride: 2, type: max }`,
 * `- flatten`, `- dropout: 0.5`, `- batchnorm` or `- batchnorm: { momentum: 0.9, eps: 1e-5 }`,
 * `- maxout: { units: 100, pieces: 2 }`, `- activation: relu`.
 */
export function readLayer(r: Reporter, item: Node, range: Range, i: number): LayerSpec | undefined {
  const where = l10n.t('layer {0}', i + 1);
  if (isScalar(item) && typeof item.value === 'string') {
    if (item.value === 'flatten') return { kind: 'flatten' };
    if (item.value === 'batchnorm') return { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 };
    const hint = KINDS.includes(item.value) ? l10n.t(" '{0}' needs a value, e.g. '{1}'.", item.value, example(item.value)) : unknownKind(item.value);
    r.error(range, l10n.t("A layer is a mapping such as '- dense: 100'.") + hint);
    return undefined;
  }
  if (!isMap(item)) {
    r.error(range, l10n.t("A layer is a mapping such as '- dense: 100', not {0}.", describe(item)));
    return undefined;
  }
  const keys = item.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  const kind = keys.find((k) => k in LAYER_KEYS) ?? (keys.includes('activation') ? 'activation' : undefined);
  if (!kind) {
    const first = item.items[0];
    const name = first && isScalar(first.key) ? String(first.key.value) : '';
    r.error(range, item.items.length === 0 ? l10n.t("{0} is empty; write e.g. 'dense: 100'.", where) : l10n.t("Unknown layer kind '{0}'.", excerpt(name)) + unknownKind(name));
    return undefined;
  }
  const extra = kind === 'activation' ? [] : LAYER_KEYS[kind];
  const others = keys.filter((k) => k !== kind && k in LAYER_KEYS);
  const m = new MapReader(r, item, `${where} (${kind})`, [kind, ...extra, ...others]);
  if (others.length > 0) {
    r.error(m.keyRange(others[0]), l10n.t("{0} has two kinds, '{1}' and '{2}'; put each layer in its own '- ' item.", where, kind, others[0]));
    return undefined;
  }
  const activation = m.has('activation') && kind !== 'activation' ? readActivation(r, m.node('activation'), m.valueRange('activation')) : { type: 'linear' as const };
  const init = m.has('init') ? readInit(r, m.node('init'), m.valueRange('init')) : undefined;
  if (!activation || (m.has('init') && !init)) return undefined;
  const value = m.node(kind);
  const valueRange = m.valueRange(kind);
  const withInit = <T extends LayerSpec>(spec: T): T => (init ? { ...spec, init } : spec);
  return readKind(r, kind, value, valueRange, activation, withInit);
}

type WithInit = <T extends LayerSpec>(spec: T) => T;

/** The value of a layer's kind key (`dense: 100`, `conv: {…}`, …), its activation and init already read. */
function readKind(r: Reporter, kind: string, value: unknown, valueRange: Range, activation: ActivationSpec, withInit: WithInit): LayerSpec | undefined {
  switch (kind) {
    case 'activation': {
      const a = readActivation(r, value, valueRange);
      return a ? { kind: 'activation', activation: a } : undefined;
    }
    case 'dense': {
      const units = readNumber(r, value, valueRange, 'dense', { integer: true, min: 1, max: 1_000_000 });
      return units === undefined ? undefined : withInit({ kind: 'dense' as const, units, activation });
    }
    case 'dropout': {
      const p = readNumber(r, value, valueRange, 'dropout', { min: 0, below: 1 });
      return p === undefined ? undefined : { kind: 'dropout', p };
    }
    case 'flatten':
      if (value !== undefined && !(isScalar(value) && value.value === null) && !(isMap(value) && value.items.length === 0)) {
        r.error(valueRange, l10n.t("'flatten' takes no settings; write '- flatten'."));
        return undefined;
      }
      return { kind: 'flatten' };
    case 'pool': return readPool(r, value, valueRange);
    case 'conv': return readConv(r, value, valueRange, activation, withInit);
    case 'batchnorm': return readBatchnorm(r, value, valueRange);
    case 'maxout': return readMaxout(r, value, valueRange, withInit);
  }
  return undefined;
}

function readPool(r: Reporter, value: unknown, valueRange: Range): LayerSpec | undefined {
  if (isScalar(value)) {
    const size = readNumber(r, value, valueRange, 'pool', { integer: true, min: 1, max: 1024 });
    return size === undefined ? undefined : { kind: 'pool', size, stride: size, type: 'max' };
  }
  const p = settings(r, value, valueRange, 'pool', ['size', 'stride', 'type'], '{ size: 2, stride: 2, type: max }');
  if (!p) return undefined;
  if (!p.has('size')) return missing(r, valueRange, 'pool', 'size');
  const size = p.number('size', 2, { integer: true, min: 1, max: 1024 });
  const type = p.choice('type', ['max', 'avg'] as const, [], 'max');
  return type ? { kind: 'pool', size, stride: p.number('stride', size, { integer: true, min: 1, max: 1024 }), type } : undefined;
}

function readConv(r: Reporter, value: unknown, valueRange: Range, activation: ActivationSpec, withInit: WithInit): LayerSpec | undefined {
  const c = settings(r, value, valueRange, 'conv', ['filters', 'size', 'stride', 'pad'], '{ filters: 16, size: 3, stride: 1, pad: 1 }');
  if (!c) return undefined;
  for (const k of ['filters', 'size']) if (!c.has(k)) return missing(r, valueRange, 'conv', k);
  return withInit({
    kind: 'conv' as const,
    filters: c.number('filters', 1, { integer: true, min: 1, max: 65_536 }),
    size: c.number('size', 3, { integer: true, min: 1, max: 1024 }),
    stride: c.number('stride', 1, { integer: true, min: 1, max: 1024 }),
    pad: c.number('pad', 0, { integer: true, min: 0, max: 1024 }),
    activation,
  });
}

function readBatchnorm(r: Reporter, value: unknown, valueRange: Range): LayerSpec | undefined {
  if (value === undefined || (isScalar(value) && value.value === null)) return { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 };
  const b = settings(r, value, valueRange, 'batchnorm', ['momentum', 'eps'], '{ momentum: 0.9, eps: 1e-5 }');
  if (!b) return undefined;
  return { kind: 'batchnorm', momentum: b.number('momentum', 0.9, { min: 0, below: 1 }), eps: b.number('eps', 1e-5, { above: 0, max: 1 }) };
}

function readMaxout(r: Reporter, value: unknown, valueRange: Range, withInit: WithInit): LayerSpec | undefined {
  const mo = settings(r, value, valueRange, 'maxout', ['units', 'pieces'], '{ units: 100, pieces: 2 }');
  if (!mo) return undefined;
  for (const k of ['units', 'pieces']) if (!mo.has(k)) return missing(r, valueRange, 'maxout', k);
  return withInit({
    kind: 'maxout' as const,
    units: mo.number('units', 1, { integer: true, min: 1, max: 1_000_000 }),
    pieces: mo.number('pieces', 2, { integer: true, min: 1, max: 64 }),
  });
}

function settings(r: Reporter, value: unknown, range: Range, kind: string, keys: string[], sample: string): MapReader | undefined {
  if (!isMap(value)) {
    r.error(range, l10n.t("'{0}' takes settings such as '{1}', not {2}.", kind, sample, describe(value)));
    return undefined;
  }
  return new MapReader(r, value as YAMLMap, `'${kind}'`, keys);
}

function missing(r: Reporter, range: Range, kind: string, key: string): undefined {
  r.error(range, l10n.t("'{0}' needs '{1}'.", kind, key));
  return undefined;
}

function example(kind: string): string {
  return { dense: 'dense: 100', conv: 'conv: { filters: 16, size: 3, pad: 1 }', pool: 'pool: 2', dropout: 'dropout: 0.5', maxout: 'maxout: { units: 100, pieces: 2 }', activation: 'activation: relu' }[kind] ?? kind;
}

function unknownKind(name: string): string {
  return didYouMean(name, KINDS) || l10n.t(' Layer kinds: {0}.', KINDS.join(', '));
}
