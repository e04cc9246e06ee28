/**
 * A surface model file (the optimizer lesson): `surface:` (a preset or an expression of x and y in
 * the circuit language), `start: [x, y]`, `optimizer:`, `train: { steps, noise, seed }` and
 * `compare:` (optimizer or lr). Problems in the expression are diagnostics on the exact character
 * whenever the scalar holds it verbatim, as in a circuit file.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq, Scalar, type YAMLMap } from 'yaml';
import { SURFACE_NETWORK, SURFACE_PRESETS, type CompareSpec, type SurfaceModelSpec, type SurfacePreset } from './spec';
import { MapReader, Reporter, describe, rangeOf, readNumber, type Range } from './reader';
import { didYouMean } from './diagnostics';
import { excerpt } from '../engine/excerpt';
import { namesOf, parseExpression, type ExprNode } from '../engine/circuit/expr';
import { compileCircuit, type CompiledCircuit, type RangeMapper } from '../engine/circuit/graph';
import { PRESET_EXPRESSIONS } from '../engine/surface/presets';
import { valueOffsets } from './circuit-parse';
import { readCompare, readOptimizer } from './optimizer-parse';

export interface SurfaceReading {
  /** The spec, when the file has no errors. */
  spec: SurfaceModelSpec | undefined;
  /** The expression (a preset's formula for a preset; '' when `surface:` holds none). */
  expression: string;
  preset: SurfacePreset | null;
  /** The `surface:` key, for CodeLens. */
  range: Range;
  /** The `optimizer:` key, when the file has one (Swap optimizer edits it). */
  optimizerRange?: Range;
}

export const SURFACE_KEYS = ['surface', 'start', 'optimizer', 'train', 'compare'] as const;
export const SURFACE_TRAIN_KEYS = ['steps', 'noise', 'seed'] as const;
/** The variables of a surface, in the order the optimizer's point holds them. */
const VARIABLES = ['x', 'y'];
const DEFAULTS = { steps: 300, noise: 0, seed: 1 };

/** Why each key of a network's or a circuit's file is not one of a surface file. */
function topExplanations(): Record<string, string> {
  const explain: Record<string, string> = {};
  for (const key of ['data', 'layers', 'loss', 'init', 'tune']) {
    explain[key] = l10n.t("'{0}' belongs to a network's model file; a surface file holds surface:, start:, optimizer:, train: and compare:.", key);
  }
  for (const key of ['circuit', 'inputs']) {
    explain[key] = l10n.t("'{0}' belongs to a circuit file; a surface file holds surface:, start:, optimizer:, train: and compare:.", key);
  }
  return explain;
}

/** The expression `surface:` holds, and how its offsets map into the file. */
function readSource(r: Reporter, m: MapReader, text: string): { source: string; map: RangeMapper } | undefined {
  const node = m.node('surface');
  const whole = m.valueRange('surface');
  const value = isScalar(node) ? node.value : undefined;
  if (!isScalar(node) || (typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
    r.error(isScalar(node) && (value === null || value === '') ? m.keyRange('surface') : whole,
      l10n.t("'surface' is a preset ({0}) or an expression of x and y such as \"x^2 + 10 * y^2\", not {1}.", SURFACE_PRESETS.join(', '), describe(node)));
    return undefined;
  }
  // A plain number (surface: 3) is read as written, not as the number YAML made of it.
  const source = typeof value === 'string' ? value : text.slice(whole[0], whole[1]);
  const pos = valueOffsets(text, node as Scalar, source);
  const map: RangeMapper = pos ? (s, e) => [pos[s], e > s ? pos[e - 1] + 1 : pos[s]] : () => [whole[0], whole[1]];
  return { source, map };
}

/** The surface as a preset or a parsed expression of x and y, or undefined after reporting why not. */
function readSurface(r: Reporter, m: MapReader, text: string): { expression: string; preset: SurfacePreset | null; ast?: ExprNode; map?: RangeMapper } {
  const read = readSource(r, m, text);
  if (!read) return { expression: '', preset: null };
  const name = read.source.trim();
  if ((SURFACE_PRESETS as readonly string[]).includes(name)) {
    const preset = name as SurfacePreset;
    const parsed = parseExpression(PRESET_EXPRESSIONS[preset]);
    return { expression: PRESET_EXPRESSIONS[preset], preset, ...(parsed.ok ? { ast: parsed.ast } : {}) };
  }
  const parsed = parseExpression(read.source);
  if (!parsed.ok) {
    r.error(read.map(parsed.error.start, parsed.error.end), parsed.error.message);
    return { expression: read.source, preset: null };
  }
  const ast = parsed.ast;
  // A lone word that is not a variable is a preset's name, mistyped: `rosenbrok`.
  if (ast.kind === 'name' && !VARIABLES.includes(ast.name)) {
    r.error(read.map(ast.start, ast.end), l10n.t("Unknown surface '{0}'.", excerpt(ast.name)) + didYouMean(ast.name, SURFACE_PRESETS)
      + l10n.t(' A surface is a preset ({0}) or an expression of x and y.', SURFACE_PRESETS.join(', ')));
    return { expression: read.source, preset: null };
  }
  const names = namesOf(ast);
  for (const [variable, spans] of names) {
    if (VARIABLES.includes(variable)) continue;
    r.error(read.map(spans[0][0], spans[0][1]), l10n.t("A surface is a function of x and y; '{0}' is not one of them.", excerpt(variable)));
  }
  if (names.size === 0) r.warning(m.valueRange('surface'), l10n.t('This surface does not depend on x or y: its gradient is 0 everywhere, so no optimizer moves.'));
  return { expression: read.source, preset: null, ast, map: read.map };
}

/** `start: [x, y]` — two finite numbers. */
function readStart(r: Reporter, m: MapReader): [number, number] | undefined {
  if (!m.has('start')) {
    r.error(m.keyRange('surface'), l10n.t("A surface file needs 'start: [x, y]', the point the optimizer starts from, e.g. 'start: [-1.5, 2]'."));
    return undefined;
  }
  const node = m.node('start');
  if (!isSeq(node) || node.items.length !== 2) {
    r.error(m.valueRange('start'), l10n.t("'start' is the point [x, y] the optimizer starts from, e.g. [-1.5, 2]; not {0}.", isSeq(node) ? l10n.t('a list of {0}', node.items.length) : describe(node)));
    return undefined;
  }
  const x = readNumber(r, node.items[0], rangeOf(node.items[0], m.valueRange('start')), 'x');
  const y = readNumber(r, node.items[1], rangeOf(node.items[1], m.valueRange('start')), 'y');
  return x === undefined || y === undefined ? undefined : [x, y];
}

/** f and ∇f must be finite at the start (elsewhere the run reports where they stop being). */
function checkStart(r: Reporter, m: MapReader, f: CompiledCircuit, start: [number, number]): void {
  const grad = new Float64Array(2);
  const value = f.valueAndGrad(start, grad);
  const at = `(${start.map(num).join(', ')})`;
  if (!Number.isFinite(value)) {
    r.error(m.valueRange('start'), l10n.t('The surface is {0} at the start {1}: start where f is a finite number.', num(value), at));
  } else if (!Number.isFinite(grad[0]) || !Number.isFinite(grad[1])) {
    r.error(m.valueRange('start'), l10n.t('The gradient of the surface at the start {0} is ({1}): start where it is a finite number.', at, [...grad].map(num).join(', ')));
  }
}

/** A number as a message writes it: at most 6 significant digits, with a true minus sign. */
function num(v: number): string {
  return String(Number.isFinite(v) ? Number(v.toPrecision(6)) : v).replace('-', '\u2212');
}

/** `train: { steps, noise, seed }`; a network's train keys are errors that say so. */
function readSurfaceTrain(r: Reporter, m: MapReader): typeof DEFAULTS | undefined {
  if (!m.has('train')) return { ...DEFAULTS };
  const node = m.node('train');
  if (!isMap(node)) {
    r.error(m.valueRange('train'), l10n.t("A surface's 'train' is a mapping such as '{ steps: 300, noise: 0, seed: 1 }', not {0}.", describe(node)));
    return undefined;
  }
  const explain: Record<string, string> = {};
  for (const key of ['epochs', 'batch', 'l2', 'l1', 'schedule']) {
    explain[key] = l10n.t("'{0}' belongs to a network's train; a surface trains for 'steps' optimizer steps, with 'noise' and 'seed'.", key);
  }
  const t = new MapReader(r, node, "'train'", SURFACE_TRAIN_KEYS, [], explain);
  return {
    steps: t.number('steps', DEFAULTS.steps, { integer: true, min: 1, max: 1_000_000 }),
    noise: t.number('noise', DEFAULTS.noise, { min: 0 }),
    seed: t.number('seed', DEFAULTS.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
  };
}

function readSurfaceCompare(r: Reporter, m: MapReader): CompareSpec | undefined {
  const explain: Record<string, string> = {};
  for (const key of ['init', 'activation', 'loss']) {
    explain[key] = l10n.t("A surface has no '{0}' to compare: a surface compares optimizer or lr.", key);
  }
  return readCompare(r, m, { dimensions: ['optimizer', 'lr'], explain });
}

/** Reads a surface file's top-level map. Never throws. */
export function readSurfaceModel(r: Reporter, root: YAMLMap, text: string): SurfaceReading {
  const m = new MapReader(r, root, l10n.t('the surface file'), SURFACE_KEYS, [], topExplanations());
  const range = m.keyRange('surface');
  const surface = readSurface(r, m, text);
  const start = readStart(r, m);
  const optimizer = readOptimizer(r, m);
  const optimizerRange = m.has('optimizer') ? { optimizerRange: m.keyRange('optimizer') } : {};
  const train = readSurfaceTrain(r, m);
  const compare = m.has('compare') ? readSurfaceCompare(r, m) : undefined;
  const reading = { expression: surface.expression, preset: surface.preset, range, ...optimizerRange };
  if (r.hasErrors || !surface.ast || !start || !optimizer || !train || (m.has('compare') && !compare)) return { spec: undefined, ...reading };
  checkStart(r, m, compileCircuit(surface.ast, VARIABLES, { range: surface.map, expression: surface.expression }), start);
  if (r.hasErrors) return { spec: undefined, ...reading };
  const spec: SurfaceModelSpec = {
    // Copies, so no spec shares the placeholders' objects with another.
    ...SURFACE_NETWORK, data: { ...SURFACE_NETWORK.data }, layers: [], init: { ...SURFACE_NETWORK.init },
    optimizer,
    train: { epochs: 1, batch: 'full', l2: 0, l1: 0, seed: train.seed },
    ...(compare ? { compare } : {}),
    surface: { preset: surface.preset, expression: surface.expression, start, steps: train.steps, noise: train.noise },
  };
  return { spec, ...reading };
}
