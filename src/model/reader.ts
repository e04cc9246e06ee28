import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import * as l10n from '@vscode/l10n';
import { didYouMean, type ModelDiagnostic } from './diagnostics';
import { excerpt } from '../engine/excerpt';

export type Range = [start: number, end: number];

/** Where a node sits in the text; the whole document when the node has no position. */
export function rangeOf(node: unknown, fallback: Range): Range {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : fallback;
}

export function describe(node: unknown): string {
  if (node === null || node === undefined) return l10n.t('nothing');
  if (isMap(node)) return l10n.t('a mapping');
  if (isSeq(node)) return l10n.t('a list');
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return l10n.t('nothing');
    if (typeof v === 'string') return `'${excerpt(v)}'`;
    return String(v);
  }
  return l10n.t('an unexpected value');
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  /** A value must be strictly greater than this. */
  above?: number;
  max?: number;
  /** A value must be strictly less than this. */
  below?: number;
}

/** Collects diagnostics while reading a document; reading never throws. */
export class Reporter {
  readonly diagnostics: ModelDiagnostic[] = [];
  constructor(readonly whole: Range) {}

  error(range: Range, message: string): void {
    this.diagnostics.push({ severity: 'error', message, start: range[0], end: range[1] });
  }
  warning(range: Range, message: string): void {
    this.diagnostics.push({ severity: 'warning', message, start: range[0], end: range[1] });
  }
  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/**
 * Reads one YAML mapping: reports unknown keys (with "did you mean") and typed values with their
 * own ranges. `notYet` keys belong to format v1 but are not available in this version.
 */
export class MapReader {
  private readonly pairs = new Map<string, Pair>();

  constructor(
    private readonly r: Reporter,
    readonly map: YAMLMap,
    readonly where: string,
    known: readonly string[],
    notYet: readonly string[] = [],
    /** Why a key that is not allowed here is not, e.g. "'circles' always has 2 classes". */
    explain: Readonly<Record<string, string>> = {},
  ) {
    for (const pair of map.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const keyRange = rangeOf(keyNode, rangeOf(map, r.whole));
      if (key === undefined) {
        r.error(keyRange, l10n.t('Keys in {0} must be plain names.', where));
      } else if (explain[key] !== undefined) {
        r.error(keyRange, explain[key]);
      } else if (notYet.includes(key)) {
        r.error(keyRange, l10n.t("'{0}' in {1} is part of the model format but not available in this version of TrainLens.", key, where));
      } else if (!known.includes(key)) {
        r.error(keyRange, l10n.t("Unknown key '{0}' in {1}.", excerpt(key), where) + didYouMean(key, known));
      } else {
        this.pairs.set(key, pair);
      }
    }
  }

  get reporter(): Reporter {
    return this.r;
  }

  has(key: string): boolean {
    return this.pairs.has(key);
  }

  node(key: string): Node | undefined {
    return (this.pairs.get(key)?.value ?? undefined) as Node | undefined;
  }

  keyRange(key: string): Range {
    const p = this.pairs.get(key);
    return rangeOf(p?.key, rangeOf(this.map, this.r.whole));
  }

  valueRange(key: string): Range {
    const p = this.pairs.get(key);
    return p?.value ? rangeOf(p.value, this.keyRange(key)) : this.keyRange(key);
  }

  /** The map's own range, for "missing key" messages. */
  get range(): Range {
    return rangeOf(this.map, this.r.whole);
  }

  number(key: string, fallback: number, rule: NumberRule = {}): number {
    if (!this.has(key)) return fallback;
    return readNumber(this.r, this.node(key), this.valueRange(key), key, rule) ?? fallback;
  }

  /** A name from a fixed list; names in `notYet` get a "not available yet" message. */
  choice<T extends string>(key: string, values: readonly T[], notYet: readonly string[], fallback: T | undefined): T | undefined {
    if (!this.has(key)) return fallback;
    return readChoice(this.r, this.node(key), this.valueRange(key), key, values, notYet) ?? fallback;
  }
}

/** A number that follows the rule, or undefined after reporting why not. */
export function readNumber(r: Reporter, node: unknown, range: Range, what: string, rule: NumberRule = {}): number | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    r.error(range, rule.integer
      ? l10n.t("'{0}' must be a whole number, not {1}.", what, describe(node))
      : l10n.t("'{0}' must be a number, not {1}.", what, describe(node)));
    return undefined;
  }
  const problem = checkNumber(v, rule);
  if (problem) {
    r.error(range, l10n.t("'{0}' {1}, got {2}.", what, problem, v));
    return undefined;
  }
  return v;
}

export function checkNumber(v: number, rule: NumberRule): string | undefined {
  if (rule.integer && !Number.isInteger(v)) return l10n.t('must be a whole number');
  if (rule.min !== undefined && v < rule.min) return l10n.t('must be at least {0}', rule.min);
  if (rule.above !== undefined && v <= rule.above) return l10n.t('must be greater than {0}', rule.above);
  if (rule.max !== undefined && v > rule.max) return l10n.t('must be at most {0}', rule.max);
  if (rule.below !== undefined && v >= rule.below) return l10n.t('must be less than {0}', rule.below);
  return undefined;
}

export function readChoice<T extends string>(
  r: Reporter, node: unknown, range: Range, what: string, values: readonly T[], notYet: readonly string[],
): T | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'string') {
    r.error(range, l10n.t("'{0}' must be one of {1}; got {2}.", what, values.join(', '), describe(node)));
    return undefined;
  }
  if ((values as readonly string[]).includes(v)) return v as T;
  if (notYet.includes(v)) {
    r.error(range, l10n.t("{0} '{1}' is part of the model format but not available in this version of TrainLens (available: {2}).", what, v, values.join(', ')));
  } else {
    r.error(range, l10n.t("Unknown {0} '{1}'.", what, excerpt(v)) + didYouMean(v, [...values, ...notYet]) + l10n.t(' Expected one of: {0}.', values.join(', ')));
  }
  return undefined;
}
