import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import {
  ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, OPTIMIZERS, OPTIMIZER_DEFAULTS,
  type ActivationName, type DataSpec, type InitSpec, type LayerSpec, type ModelSpec, type OptimizerSpec, type TrainSpec,
} from './spec';
import { MapReader, Reporter, describe, rangeOf, readChoice, type Range } from './reader';
import type { ModelDiagnostic } from './diagnostics';

/** Format v1 names that later versions of TrainLens train; named here so users get a clear message. */
const FUTURE = {
  datasets: ['circles', 'moons', 'xor', 'blobs', 'gaussian', 'mnist'],
  dataKeys: ['csv', 'idx', 'cifar10', 'label', 'normalize', 'features'],
  layers: ['conv', 'pool', 'flatten', 'dropout', 'batchnorm', 'maxout'],
  activations: ['leaky_relu', 'elu', 'gelu'],
  losses: ['svm', 'mse'],
  optimizers: ['momentum', 'nesterov', 'adagrad', 'rmsprop', 'adamw'],
  trainKeys: ['schedule'],
  topKeys: ['compare'],
};

export interface ModelSource {
  /** The spec, when the file has no errors. */
  spec: ModelSpec | undefined;
  diagnostics: ModelDiagnostic[];
  /** Where things are, for CodeLens and inline notes. */
  ranges: { layers: Range[]; optimizer?: Range; init?: Range; firstKey: Range };
}

const TOP_KEYS = ['data', 'layers', 'loss', 'init', 'optimizer', 'train'];

/** Parses and validates a model file. Never throws: every problem becomes a diagnostic. */
export function parseModel(text: string): ModelSource {
  const whole: Range = [0, Math.max(0, text.length)];
  const r = new Reporter([0, Math.min(text.length, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)]);
  const ranges: ModelSource['ranges'] = { layers: [], firstKey: r.whole };
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    r.error(r.whole, `Could not read the file as YAML: ${e instanceof Error ? e.message : String(e)}`);
    return { spec: undefined, diagnostics: r.diagnostics, ranges };
  }
  for (const e of doc.errors) r.error(clampRange(e.pos, whole), e.message.split('\n')[0]);
  for (const w of doc.warnings) r.warning(clampRange(w.pos, whole), w.message.split('\n')[0]);
  if (doc.errors.length > 0) return { spec: undefined, diagnostics: r.diagnostics, ranges };

  const root = doc.contents;
  if (!isMap(root)) {
    r.error(rangeOf(root, r.whole), `A model file is a mapping with keys ${TOP_KEYS.join(', ')}; this file holds ${describe(root)}.`);
    return { spec: undefined, diagnostics: r.diagnostics, ranges };
  }
  const top = new MapReader(r, root, 'the model', TOP_KEYS, FUTURE.topKeys);
  if (root.items.length > 0) ranges.firstKey = rangeOf(root.items[0].key, r.whole);

  const data = readData(r, top);
  const layers = readLayers(r, top, ranges);
  const loss = top.choice('loss', LOSSES, FUTURE.losses, 'softmax') ?? 'softmax';
  const init = top.has('init') ? readInit(r, top.node('init'), top.valueRange('init'), 'init') : { type: 'he' as const };
  if (top.has('init')) ranges.init = top.keyRange('init');
  const optimizer = readOptimizer(r, top);
  if (top.has('optimizer')) ranges.optimizer = top.keyRange('optimizer');
  const train = readTrain(r, top);

  if (data && layers) checkShapes(r, data, layers, ranges.layers, top);
  const spec: ModelSpec | undefined = r.hasErrors || !data || !layers || !init || !optimizer || !train
    ? undefined
    : { data, layers, loss, init, optimizer, train };
  return { spec, diagnostics: r.diagnostics, ranges };
}

function clampRange(pos: [number, number], whole: Range): Range {
  const start = Math.max(0, Math.min(pos[0], whole[1]));
  return [start, Math.max(start, Math.min(pos[1], whole[1]))];
}

function readData(r: Reporter, top: MapReader): DataSpec | undefined {
  if (!top.has('data')) {
    r.error(r.whole, `The model needs a 'data:' section, e.g. 'data: { dataset: spiral }'.`);
    return undefined;
  }
  const node = top.node('data');
  if (!isMap(node)) {
    r.error(top.valueRange('data'), `'data' must be a mapping such as '{ dataset: spiral, samples: 300 }', not ${describe(node)}.`);
    return undefined;
  }
  const d = new MapReader(r, node, "'data'", ['dataset', 'samples', 'classes', 'noise', 'validation'], FUTURE.dataKeys);
  if (!d.has('dataset')) {
    r.error(top.keyRange('data'), `'data' needs a 'dataset:' (available: ${DATASETS.join(', ')}).`);
    return undefined;
  }
  const dataset = d.choice('dataset', DATASETS, FUTURE.datasets, undefined);
  const classes = d.number('classes', 3, { integer: true, min: 2, max: 100 });
  const samples = d.number('samples', 300, { integer: true, min: 1, max: 1_000_000 });
  const noise = d.number('noise', 0.2, { min: 0, max: 10 });
  const validation = d.number('validation', 0.2, { min: 0, below: 1 });
  if (samples < classes * 2) {
    r.error(d.valueRange('samples'), `'samples' must give each of the ${classes} classes at least 2 points; use at least ${classes * 2}.`);
  }
  if (validation > 0 && Math.round(samples * validation) >= samples) {
    r.error(d.valueRange('validation'), `'validation: ${validation}' leaves no samples to train on.`);
  }
  return dataset ? { dataset, samples, classes, noise, validation } : undefined;
}

function readLayers(r: Reporter, top: MapReader, ranges: ModelSource['ranges']): LayerSpec[] | undefined {
  if (!top.has('layers')) {
    r.error(r.whole, `The model needs a 'layers:' list, e.g. '- dense: 100'.`);
    return undefined;
  }
  const node = top.node('layers');
  if (!isSeq(node) || node.items.length === 0) {
    r.error(top.valueRange('layers'), `'layers' must be a list of layers such as '- dense: 100', not ${describe(node)}.`);
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

function readLayer(r: Reporter, item: Node, range: Range, i: number): LayerSpec | undefined {
  const where = `layer ${i + 1}`;
  if (isScalar(item) && typeof item.value === 'string') {
    if (FUTURE.layers.includes(item.value)) {
      r.error(range, `Layer '${item.value}' is part of the model format but not available in this version of TrainLens.`);
    } else {
      r.error(range, `A layer is a mapping such as '- dense: 100'; '${item.value}' alone is not a layer.`);
    }
    return undefined;
  }
  if (!isMap(item)) {
    r.error(range, `A layer is a mapping such as '- dense: 100', not ${describe(item)}.`);
    return undefined;
  }
  const kind = item.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).find((k) => k === 'dense' || FUTURE.layers.includes(k));
  const known = kind === 'dense' ? ['dense', 'activation', 'init'] : ['activation'];
  const m = new MapReader(r, item, where, known, FUTURE.layers);
  if (!kind && !m.has('activation')) {
    if (item.items.length === 0) r.error(range, `${where} is empty; write e.g. 'dense: 100'.`);
    return undefined;
  }
  if (kind && kind !== 'dense') return undefined; // reported as "not available" above
  const activation = m.has('activation') ? readActivation(r, m) : 'linear';
  if (!activation) return undefined;
  if (!kind) return { kind: 'activation', activation };
  const units = m.number('dense', NaN, { integer: true, min: 1, max: 1_000_000 });
  if (!m.has('dense') || Number.isNaN(units)) return undefined;
  const layer: LayerSpec = { kind: 'dense', units, activation };
  if (m.has('init')) {
    const init = readInit(r, m.node('init'), m.valueRange('init'), 'init');
    if (!init) return undefined;
    layer.init = init;
  }
  return layer;
}

function readActivation(r: Reporter, m: MapReader): ActivationName | undefined {
  return readChoice(r, m.node('activation'), m.valueRange('activation'), 'activation', ACTIVATIONS, FUTURE.activations);
}

function readInit(r: Reporter, node: unknown, range: Range, what: string): InitSpec | undefined {
  if (isMap(node)) {
    const m = new MapReader(r, node, `'${what}'`, ['type', 'std']);
    const type = m.choice('type', ['normal'] as const, ['uniform'], undefined);
    if (!m.has('type')) r.error(range, `A custom init needs 'type: normal' and a 'std'.`);
    if (!m.has('std')) r.error(range, `A custom init needs a 'std', e.g. '{ type: normal, std: 0.05 }'.`);
    const std = m.number('std', NaN, { min: 0 });
    return type && !Number.isNaN(std) ? { type, std } : undefined;
  }
  const scheme = readChoice(r, node, range, 'init scheme', INIT_SCHEMES, []);
  return scheme ? { type: scheme } : undefined;
}

function readOptimizer(r: Reporter, top: MapReader): OptimizerSpec | undefined {
  if (!top.has('optimizer')) return { ...OPTIMIZER_DEFAULTS.sgd };
  const node = top.node('optimizer');
  if (isScalar(node)) {
    const name = readChoice(r, node, top.valueRange('optimizer'), 'optimizer', OPTIMIZERS, FUTURE.optimizers);
    return name ? { ...OPTIMIZER_DEFAULTS[name] } : undefined;
  }
  if (!isMap(node)) {
    r.error(top.valueRange('optimizer'), `'optimizer' must be a name such as 'adam' or a mapping such as '{ type: adam, lr: 0.001 }'.`);
    return undefined;
  }
  const typeNode = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
  const typeName = typeNode && isScalar(typeNode.value) ? typeNode.value.value : undefined;
  const known = typeName === 'adam' ? ['type', 'lr', 'beta1', 'beta2', 'eps'] : ['type', 'lr'];
  const m = new MapReader(r, node, "'optimizer'", known);
  if (!m.has('type')) {
    r.error(top.keyRange('optimizer'), `'optimizer' needs a 'type' (one of ${OPTIMIZERS.join(', ')}).`);
    return undefined;
  }
  const type = m.choice('type', OPTIMIZERS, FUTURE.optimizers, undefined);
  if (!type) return undefined;
  const lr = m.number('lr', OPTIMIZER_DEFAULTS[type].lr, { above: 0, max: 100 });
  if (type === 'sgd') return { type, lr };
  const d = OPTIMIZER_DEFAULTS.adam;
  return {
    type, lr,
    beta1: m.number('beta1', d.beta1, { min: 0, below: 1 }),
    beta2: m.number('beta2', d.beta2, { min: 0, below: 1 }),
    eps: m.number('eps', d.eps, { above: 0, max: 1 }),
  };
}

function readTrain(r: Reporter, top: MapReader): TrainSpec | undefined {
  const defaults: TrainSpec = { epochs: 10, batch: 64, l2: 0, seed: 1 };
  if (!top.has('train')) return defaults;
  const node = top.node('train');
  if (!isMap(node)) {
    r.error(top.valueRange('train'), `'train' must be a mapping such as '{ epochs: 100, batch: 64 }', not ${describe(node)}.`);
    return undefined;
  }
  const m = new MapReader(r, node, "'train'", ['epochs', 'batch', 'l2', 'seed'], FUTURE.trainKeys);
  const epochs = m.number('epochs', defaults.epochs, { integer: true, min: 1, max: 1_000_000 });
  let batch: number | 'full' = defaults.batch;
  if (m.has('batch')) {
    const b = m.node('batch');
    if (isScalar(b) && b.value === 'full') batch = 'full';
    else batch = m.number('batch', 64, { integer: true, min: 1, max: 1_000_000 });
  }
  return {
    epochs, batch,
    l2: m.number('l2', defaults.l2, { min: 0 }),
    seed: m.number('seed', defaults.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
  };
}

/** Shape checks that need the whole model: the last layer must score every class. */
function checkShapes(r: Reporter, data: DataSpec, layers: LayerSpec[], layerRanges: Range[], top: MapReader): void {
  let lastDense = -1;
  layers.forEach((l, i) => { if (l.kind === 'dense') lastDense = i; });
  if (lastDense < 0) {
    r.error(top.keyRange('layers'), `The model has no 'dense' layer, so it cannot produce a score for each of the ${data.classes} classes. End with '- dense: ${data.classes}'.`);
    return;
  }
  const last = layers[lastDense] as Extract<LayerSpec, { kind: 'dense' }>;
  if (last.units !== data.classes) {
    r.error(layerRanges[lastDense], `The last dense layer has ${last.units} outputs, but softmax needs one score per class: the data has ${data.classes} classes. Use 'dense: ${data.classes}'.`);
  }
  const after = layers.slice(lastDense).some((l) => l.activation !== 'linear');
  if (after) {
    r.warning(layerRanges[layers.length - 1], `Softmax expects raw class scores; an activation after the last dense layer limits them (cs231n leaves the last layer linear).`);
  }
}
