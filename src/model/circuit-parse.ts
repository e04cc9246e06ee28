/**
 * A circuit model file: `circuit:` (an expression) and `inputs:` (a value per name), the backprop
 * lesson's graph instead of data and layers. Problems in the expression are diagnostics on the
 * exact character of the file whenever the scalar holds the expression verbatim (plain, or quoted
 * without escapes or folded lines); otherwise on the whole scalar.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, Scalar, type YAMLMap } from 'yaml';
import { MapReader, Reporter, describe, rangeOf, readNumber, type Range } from './reader';
import { didYouMean } from './diagnostics';
import { excerpt } from '../engine/excerpt';
import { isFunction, namesOf, parseExpression, type ExprNode } from '../engine/circuit/expr';
import { compileCircuit, type RangeMapper } from '../engine/circuit/graph';
import type { CircuitGraph, CircuitNode } from '../engine/circuit/types';

export interface CircuitReading {
  /** The expression as written ('' when `circuit:` holds none). */
  expression: string;
  /** Forward and backward at the inputs; undefined when the file has errors. */
  graph: CircuitGraph | undefined;
  /** The `circuit:` key, for CodeLens. */
  range: Range;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The file offset of each character of a scalar's value (and one past its end), when the scalar's
 * source holds the value verbatim (a quote doubled in single quotes counts as one character);
 * undefined when it does not (escapes, folded lines, block scalars).
 */
export function valueOffsets(text: string, node: Scalar, value: string): number[] | undefined {
  const range = node.range;
  if (!range) return undefined;
  const source = text.slice(range[0], range[1]);
  const quote = node.type === Scalar.QUOTE_SINGLE ? "'" : node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.PLAIN ? '' : undefined;
  if (quote === undefined || (quote !== '' && source[0] !== quote)) return undefined;
  const pos: number[] = [];
  let j = quote.length;
  for (let i = 0; i < value.length; i++) {
    const ch = source[j];
    if (ch === '\n' || ch === '\r' || (quote === '"' && ch === '\\')) return undefined;
    if (quote === "'" && ch === "'" && source[j + 1] === "'" && value[i] === "'") {
      pos.push(range[0] + j);
      j += 2;
    } else if (ch === value[i]) {
      pos.push(range[0] + j);
      j += 1;
    } else {
      return undefined;
    }
  }
  if (source.length !== j + quote.length) return undefined;
  pos.push(range[0] + j);
  return pos;
}

/** The expression's text, and how its offsets map into the file. */
function readExpression(r: Reporter, m: MapReader, text: string): { expression: string; map: RangeMapper } | undefined {
  const node = m.node('circuit');
  const whole = m.valueRange('circuit');
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number' && node.value !== null)) {
    r.error(whole, l10n.t("'circuit' is an expression such as \"(x + y) * z\", not {0}.", describe(node)));
    return undefined;
  }
  // A plain number (circuit: 3) is read as written, not as the number YAML made of it.
  const expression = typeof node.value === 'string' ? node.value : node.value === null ? '' : text.slice(whole[0], whole[1]);
  const pos = valueOffsets(text, node as Scalar, expression);
  const map: RangeMapper = pos
    ? (s, e) => [pos[s], e > s ? pos[e - 1] + 1 : pos[s]]
    : () => [whole[0], whole[1]];
  return { expression, map };
}

interface Inputs {
  names: string[];
  values: number[];
  keyRanges: Range[];
}

/** `inputs:` — each a plain name (not a function's) with a finite number. */
function readInputs(r: Reporter, m: MapReader): Inputs | undefined {
  const node = m.node('inputs');
  if (!isMap(node)) {
    r.error(m.valueRange('inputs'), l10n.t("'inputs' gives each input a value, such as '{ x: -2, y: 5 }', not {0}.", describe(node)));
    return undefined;
  }
  const out: Inputs = { names: [], values: [], keyRanges: [] };
  let ok = true;
  for (const pair of node.items) {
    const keyRange = rangeOf(pair.key, m.valueRange('inputs'));
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (name === undefined || !NAME.test(name)) {
      r.error(keyRange, l10n.t("An input's name is a letter or _ followed by letters, digits or _, not {0}.", describe(pair.key)));
      ok = false;
      continue;
    }
    if (isFunction(name)) {
      r.error(keyRange, l10n.t("'{0}' is a function of the circuit language; give the input another name.", name));
      ok = false;
      continue;
    }
    const value = readNumber(r, pair.value, rangeOf(pair.value, keyRange), excerpt(name));
    if (value === undefined) {
      ok = false;
      continue;
    }
    out.names.push(name);
    out.values.push(value);
    out.keyRanges.push(keyRange);
  }
  return ok ? out : undefined;
}

/** Every name the expression uses must be an input; every input should be used. */
function checkNames(r: Reporter, m: MapReader, ast: ExprNode, inputs: Inputs | undefined, map: RangeMapper): void {
  const used = namesOf(ast);
  if (!m.has('inputs')) {
    if (used.size > 0) {
      const sample = `inputs: { ${excerpt([...used.keys()][0])}: 1 }`;
      r.error(m.keyRange('circuit'), l10n.t("The circuit uses {0}: give their values in 'inputs:', e.g. '{1}'.", excerpt([...used.keys()].join(', ')), sample));
    }
    return;
  }
  if (!inputs) return;
  const list = inputs.names.length > 0 ? excerpt(inputs.names.join(', ')) : l10n.t('none');
  const given = new Set(inputs.names);
  for (const [name, spans] of used) {
    if (given.has(name)) continue;
    r.error(map(spans[0][0], spans[0][1]), l10n.t("'{0}' is not among the inputs (given: {1}); add it to 'inputs:'.", excerpt(name), list) + (name.length > 2 && inputs.names.length <= 200 ? didYouMean(name, inputs.names) : ''));
  }
  inputs.names.forEach((name, i) => {
    if (!used.has(name)) r.warning(inputs.keyRanges[i], l10n.t("The input '{0}' is not used by the circuit.", excerpt(name)));
  });
}

/** The most warnings about values that are not finite (each names where the trouble starts). */
const MAX_VALUE_WARNINGS = 10;

/** A number as a message writes it: at most 6 significant digits, with a true minus sign. */
function num(v: number): string {
  return String(Number.isFinite(v) ? Number(v.toPrecision(6)) : v).replace('-', '\u2212');
}

/** What a gate computed, as written: log(−2), 1 ÷ 0, −(x). */
function computation(n: CircuitNode, args: number[]): string {
  if (n.op === 'neg') return `\u2212(${num(args[0])})`;
  if (args.length === 2 && !['max', 'min'].includes(n.op)) return `${num(args[0])} ${n.label} ${num(args[1])}`;
  return `${n.label}(${args.map(num).join(', ')})`;
}

/**
 * Warnings where a value stops being a finite number: the first gate whose inputs are finite but
 * whose value is not (everything after it inherits the NaN or ∞), and gates whose local gradient
 * is not finite where a gradient passes through them (sqrt at 0).
 */
export function circuitWarnings(graph: CircuitGraph): Array<{ range: Range; message: string }> {
  const value = new Map(graph.nodes.map((n) => [n.id, n.value]));
  const out: Array<{ range: Range; message: string }> = [];
  for (const n of graph.nodes) {
    if (out.length >= MAX_VALUE_WARNINGS || n.inputs.length === 0 || !n.range) continue;
    const args = n.inputs.map((i) => value.get(i)!);
    if (!args.every(Number.isFinite)) continue;
    const what = computation(n, args);
    if (Number.isNaN(n.value)) {
      out.push({ range: n.range, message: l10n.t('{0} is not a number: the forward value is NaN, and every gradient through it.', what) });
    } else if (!Number.isFinite(n.value)) {
      out.push({ range: n.range, message: l10n.t('{0} is {1}: the forward value is not finite, and neither is every gradient through it.', what, num(n.value)) });
    } else if (n.grad !== 0 && Number.isFinite(n.grad) && !n.local.every(Number.isFinite)) {
      out.push({ range: n.range, message: l10n.t('At {0} the local gradient is {1}: the gradients below this gate are not finite.', what, n.local.map(num).join(', ')) });
    }
  }
  return out;
}

/**
 * Reads a circuit file's top-level map (`networkKeys` are the keys of a network's file, which a
 * circuit file does not take). Never throws.
 */
export function readCircuitModel(r: Reporter, root: YAMLMap, text: string, networkKeys: readonly string[]): CircuitReading {
  const explain: Record<string, string> = {};
  for (const key of networkKeys) {
    if (key !== 'circuit') explain[key] = l10n.t("A circuit file holds circuit: and inputs: only; '{0}' belongs to a network's model file.", key);
  }
  const m = new MapReader(r, root, l10n.t('the circuit file'), ['circuit', 'inputs'], [], explain);
  const range = m.keyRange('circuit');
  const read = readExpression(r, m, text);
  if (!read) return { expression: '', graph: undefined, range };
  const parsed = parseExpression(read.expression);
  if (!parsed.ok) {
    const empty = read.expression.trim() === '';
    r.error(empty ? m.keyRange('circuit') : read.map(parsed.error.start, parsed.error.end), parsed.error.message);
    return { expression: read.expression, graph: undefined, range };
  }
  const inputs = m.has('inputs') ? readInputs(r, m) : { names: [], values: [], keyRanges: [] };
  checkNames(r, m, parsed.ast, inputs, read.map);
  if (r.hasErrors || !inputs) return { expression: read.expression, graph: undefined, range };
  const graph = compileCircuit(parsed.ast, inputs.names, { range: read.map, expression: read.expression }).graph(inputs.values);
  for (const w of circuitWarnings(graph)) r.warning(w.range, w.message);
  return { expression: read.expression, graph, range };
}

/**
 * The node a hover at `offset` is about: an input when the offset is on its name (in the
 * expression, or its key under `inputs:`), else the smallest gate or constant written around it.
 */
export function circuitNodeAt(graph: CircuitGraph, text: string, offset: number): CircuitNode | undefined {
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  const name = /[A-Za-z_][A-Za-z0-9_]*/y;
  name.lastIndex = start;
  const word = name.exec(text)?.[0];
  const input = word && offset < start + word.length ? graph.nodes.find((n) => n.op === 'input' && n.id === word) : undefined;
  if (input) return input;
  let best: CircuitNode | undefined;
  for (const n of graph.nodes) {
    if (!n.range || offset < n.range[0] || offset >= n.range[1] || n.op === 'input') continue;
    if (!best || n.range[1] - n.range[0] < best.range![1] - best.range![0]) best = n;
  }
  return best;
}
