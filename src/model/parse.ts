import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { DataSpec, LayerSpec, ModelSpec, ScheduleSpec, SurfacePreset, TrainSpec } from './spec';
import { MapReader, Reporter, describe, rangeOf, readChoice, type Range } from './reader';
import { readInit, readLayer } from './layers';
import { inputShape, isRegression, readData, type PathCheck } from './data';
import { checkCompareLosses, checkLossData, checkTargetWidth, readLoss } from './loss';
import { formatShape, inferShapes } from './shapes';
import { bytes, dataShape, summarizeLayers } from './summary';
import { MEMORY_LIMIT_BYTES, estimateMemory } from './memory';
import type { ModelDiagnostic } from './diagnostics';
import { capQuotedInput, excerpt } from '../engine/excerpt';
import { readTune } from './tune-parse';
import type { CircuitGraph } from '../engine/circuit/types';
import { readCircuitModel } from './circuit-parse';
import { readCompare, readOptimizer } from './optimizer-parse';
import { readSurfaceModel } from './surface-parse';

// Swaps (edits.ts) and Tune's apply read each rule's keys from here, as before the move.
export { OPTIMIZER_KEYS } from './optimizer-parse';

/** Format v1 names that later versions of TrainLens train; named here so users get a clear message. */

export interface ModelSource {
  /** The spec, when the file has no errors (undefined for a circuit file; a SurfaceModelSpec for a surface file). */
  spec: ModelSpec | undefined;
  /**
   * A circuit file (`circuit:` and `inputs:` instead of data and layers): the expression as
   * written, and its graph evaluated forward and backward at the inputs when the file has no errors.
   */
  circuit?: { expression: string; graph: CircuitGraph | undefined };
  /**
   * A surface file (`surface:`, `start:` instead of data and layers): the expression (a preset's
   * formula for a preset) and the preset's name, or null for an expression; '' when unreadable.
   */
  surface?: { expression: string; preset: SurfacePreset | null };
  diagnostics: ModelDiagnostic[];
  /** Where things are, for CodeLens and inline notes. */
  ranges: { layers: Range[]; optimizer?: Range; init?: Range; firstKey: Range; tune?: Range; circuit?: Range; surface?: Range };
}

const TOP_KEYS = ['data', 'layers', 'loss', 'init', 'optimizer', 'train', 'compare', 'tune', 'circuit'];

/** Beyond its quotes, a parser message is the parser's own words: this bounds it however it is worded. */
const PARSER_MESSAGE_CHARS = 160;

/** The YAML parser's message, first line only, its quotes of the source cut to an excerpt (it quotes kilobytes of junk). */
function parserMessage(message: string): string {
  return excerpt(capQuotedInput(message.split('\n')[0]), PARSER_MESSAGE_CHARS);
}

/** Parses and validates a model file. Never throws: every problem becomes a diagnostic. */
/** Options of parseModel: a checker of data paths (the host and the CLI give one). */
export interface ParseOptions {
  checkPath?: PathCheck;
  /** Models whose estimated training memory exceeds this are refused (default MEMORY_LIMIT_BYTES, 2 GiB). */
  memoryLimit?: number;
}

export function parseModel(text: string, options: ParseOptions = {}): ModelSource {
  const whole: Range = [0, text.length];
  const firstLineEnd = text.indexOf('\n');
  const r = new Reporter([0, firstLineEnd >= 0 ? firstLineEnd : text.length]);
  const ranges: ModelSource['ranges'] = { layers: [], firstKey: r.whole };
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    r.error(r.whole, l10n.t('Could not read the file as YAML: {0}', parserMessage(e instanceof Error ? e.message : String(e))));
    return { spec: undefined, diagnostics: r.diagnostics, ranges };
  }
  for (const e of doc.errors) r.error(clampRange(e.pos, whole), parserMessage(e.message));
  for (const w of doc.warnings) r.warning(clampRange(w.pos, whole), parserMessage(w.message));
  if (doc.errors.length > 0) return { spec: undefined, diagnostics: r.diagnostics, ranges };

  const root = doc.contents;
  if (!isMap(root)) {
    r.error(rangeOf(root, r.whole), l10n.t('A model file is a mapping with keys {0}; this file holds {1}.', TOP_KEYS.join(', '), describe(root)));
    return { spec: undefined, diagnostics: r.diagnostics, ranges };
  }
  if (root.items.length > 0) ranges.firstKey = rangeOf(root.items[0].key, r.whole);
  // A surface file first: its reader explains a stray `circuit:` or `inputs:` key.
  if (root.items.some((p) => isScalar(p.key) && p.key.value === 'surface')) {
    const s = readSurfaceModel(r, root, text);
    const surfaceRanges = { ...ranges, surface: s.range, ...(s.optimizerRange ? { optimizer: s.optimizerRange } : {}) };
    return { spec: s.spec, surface: { expression: s.expression, preset: s.preset }, diagnostics: r.diagnostics, ranges: surfaceRanges };
  }
  if (root.items.some((p) => isScalar(p.key) && p.key.value === 'circuit')) {
    const c = readCircuitModel(r, root, text, TOP_KEYS);
    return { spec: undefined, circuit: { expression: c.expression, graph: c.graph }, diagnostics: r.diagnostics, ranges: { ...ranges, circuit: c.range } };
  }
  const top = new MapReader(r, root, l10n.t('the model'), TOP_KEYS, [], {
    inputs: l10n.t("'inputs' belongs to a circuit file, with 'circuit:' (an expression such as \"(x + y) * z\")."),
    start: l10n.t("'start' belongs to a surface file, with 'surface:' (a preset such as rosenbrock, or an expression of x and y)."),
  });

  const data = readData(r, top, options.checkPath);
  const layers = readLayers(r, top, ranges);
  const lossReading = readLoss(r, top, data);
  const loss = lossReading.loss;
  const init = top.has('init') ? readInit(r, top.node('init'), top.valueRange('init')) : { type: 'he' as const };
  if (top.has('init')) ranges.init = top.keyRange('init');
  const optimizer = readOptimizer(r, top);
  if (top.has('optimizer')) ranges.optimizer = top.keyRange('optimizer');
  const train = readTrain(r, top);

  const lossFits = !data || checkLossData(r, top, lossReading, data);
  if (data && layers && train && lossFits) checkShapes(r, data, layers, loss, train, ranges.layers, top, options.memoryLimit ?? MEMORY_LIMIT_BYTES);
  const compare = top.has('compare') ? readCompare(r, top) : undefined;
  if (compare && data && 'loss' in compare) checkCompareLosses(r, top, data);
  const tune = top.has('tune') ? readTune(r, top, { layers, optimizer, train, data, memoryLimit: options.memoryLimit }) : undefined;
  if (top.has('tune')) ranges.tune = top.keyRange('tune');
  const margin = lossReading.svmMargin !== undefined ? { svmMargin: lossReading.svmMargin } : {};
  const spec: ModelSpec | undefined = r.hasErrors || !data || !layers || !init || !optimizer || !train
    ? undefined
    : { data, layers, loss, ...margin, init, optimizer, train, ...(compare ? { compare } : {}), ...(tune ? { tune } : {}) };
  return { spec, diagnostics: r.diagnostics, ranges };
}

function clampRange(pos: [number, number], whole: Range): Range {
  const start = Math.max(0, Math.min(pos[0], whole[1]));
  return [start, Math.max(start, Math.min(pos[1], whole[1]))];
}

function readLayers(r: Reporter, top: MapReader, ranges: ModelSource['ranges']): LayerSpec[] | undefined {
  if (!top.has('layers')) {
    r.error(r.whole, l10n.t("The model needs a 'layers:' list, e.g. '- dense: 100'."));
    return undefined;
  }
  const node = top.node('layers');
  if (!isSeq(node) || node.items.length === 0) {
    r.error(top.valueRange('layers'), l10n.t("'layers' must be a list of layers such as '- dense: 100', not {0}.", describe(node)));
    return undefined;
  }
  const out: LayerSpec[] = [];
  node.items.forEach((item, i) => {
    const range = rangeOf(item, top.valueRange('layers'));
    ranges.layers.push(range);
    const layer = readLayer(r, item as Node, range, i);
    if (layer) out.push(layer);
  });
  return out.length === node.items.length ? out : undefined;
}

function readSchedule(r: Reporter, m: MapReader): ScheduleSpec | undefined {
  const node = m.node('schedule');
  if (!isMap(node)) {
    r.error(m.valueRange('schedule'), l10n.t("'schedule' must be a mapping such as '{ type: step, every: 30, gamma: 0.5 }', not {0}.", describe(node)));
    return undefined;
  }
  const typePair = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
  const type = typePair
    ? readChoice(r, typePair.value, rangeOf(typePair.value, m.valueRange('schedule')), 'schedule', ['step', 'exp', 'cosine'] as const, [])
    : (r.error(m.keyRange('schedule'), l10n.t("'schedule' needs a 'type': step, exp or cosine.")), undefined);
  if (!type) return undefined;
  const keys = { step: ['type', 'every', 'gamma'], exp: ['type', 'gamma'], cosine: ['type', 'min'] }[type];
  const s = new MapReader(r, node, `'schedule' (${type})`, keys);
  switch (type) {
    case 'step': return { type, every: s.number('every', 30, { integer: true, min: 1 }), gamma: s.number('gamma', 0.5, { above: 0, max: 1 }) };
    case 'exp': return { type, gamma: s.number('gamma', 0.95, { above: 0, max: 1 }) };
    case 'cosine': return { type, min: s.number('min', 0, { min: 0 }) };
  }
}

function readTrain(r: Reporter, top: MapReader): TrainSpec | undefined {
  const defaults: TrainSpec = { epochs: 10, batch: 64, l2: 0, l1: 0, seed: 1 };
  if (!top.has('train')) return defaults;
  const node = top.node('train');
  if (!isMap(node)) {
    r.error(top.valueRange('train'), l10n.t("'train' must be a mapping such as '{ epochs: 100, batch: 64 }', not {0}.", describe(node)));
    return undefined;
  }
  const surfaceOnly = l10n.t("'steps' and 'noise' belong to a surface file's train (with 'surface:'); a network trains for 'epochs'.");
  const m = new MapReader(r, node, "'train'", ['epochs', 'batch', 'l2', 'l1', 'seed', 'schedule'], [], { steps: surfaceOnly, noise: surfaceOnly });
  const epochs = m.number('epochs', defaults.epochs, { integer: true, min: 1, max: 1_000_000 });
  let batch: number | 'full' = defaults.batch;
  if (m.has('batch')) {
    const b = m.node('batch');
    if (isScalar(b) && b.value === 'full') batch = 'full';
    else batch = m.number('batch', 64, { integer: true, min: 1, max: 1_000_000 });
  }
  const train: TrainSpec = {
    epochs, batch,
    l2: m.number('l2', 0, { min: 0, max: 1e3 }),
    l1: m.number('l1', 0, { min: 0, max: 1e3 }),
    seed: m.number('seed', defaults.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
  };
  if (m.has('schedule')) {
    const schedule = readSchedule(r, m);
    if (!schedule) return undefined;
    train.schedule = schedule;
  }
  return train;
}

/** Shapes through the layers; the last layer must give one score per class, or one output per target. */
function checkShapes(
  r: Reporter, data: DataSpec, layers: LayerSpec[], loss: ModelSpec['loss'], train: TrainSpec, layerRanges: Range[], top: MapReader,
  memoryLimit: number,
): void {
  const input = inputShape(data);
  // Files (csv, idx) are read by the worker; their shapes are checked there, against the model.
  // A csv's `target:` columns are known now: a last dense layer of another width is wrong already.
  if (!input) {
    checkTargetWidth(r, data, layers, layerRanges);
    return;
  }
  const { shapes, error } = inferShapes(input, layers);
  if (error) {
    r.error(layerRanges[error.index], error.message);
    return;
  }
  const out = shapes[shapes.length - 1];
  const outputs = out.reduce((a, b) => a * b, 1);
  let last = layers.length - 1;
  while (last > 0 && ['activation', 'dropout', 'batchnorm', 'flatten'].includes(layers[last].kind)) last--;
  if (isRegression(data) && outputs !== data.targets) {
    r.error(layerRanges[last], l10n.t("The model ends with {0} outputs, but mse needs one output per target, and the data has {1} to predict. End with 'dense: {1}'.", outputs, data.targets!));
    return;
  }
  if (!isRegression(data) && outputs !== data.classes) {
    r.error(layerRanges[last], l10n.t("The model ends with {0} = {1} outputs, but {2} needs one score per class: the data has {3} classes. End with 'dense: {3}'.", formatShape(out), outputs, loss, data.classes));
    return;
  }
  const memory = estimateMemory({ data, layers, loss, train } as ModelSpec, summarizeLayers(dataShape(data), layers));
  if (memory && memory.total > memoryLimit) {
    r.error(top.keyRange('layers'), l10n.t('This model needs about {0} to train (parameters with gradients and optimizer state {1}, activations at batch {2} {3}, data {4}); TrainLens trains models up to {5}. Use a smaller batch, fewer units or fewer samples.',
      bytes(memory.total), bytes(memory.parameters), train.batch, bytes(memory.activations), bytes(memory.data), bytes(memoryLimit)));
    return;
  }
  const squashed = layers.slice(last).some((l) => ('activation' in l && l.activation.type !== 'linear'));
  if (squashed) {
    r.warning(layerRanges[layers.length - 1], loss === 'softmax'
      ? l10n.t('Softmax expects raw class scores; an activation after the last layer limits them (cs231n leaves the last layer linear).')
      : loss === 'svm'
        ? l10n.t('The SVM loss expects raw class scores; an activation after the last layer limits them (cs231n leaves the last layer linear).')
        : l10n.t('An activation after the last layer limits the predictions to its range; for regression cs231n leaves the last layer linear.'));
  }
}
