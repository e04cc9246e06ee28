/**
 * The model at a glance: per model-file layer its input and output shape, parameter count and
 * FLOPs per sample, and the totals — the figures the engine's Network has once built (the unit
 * tests compare them with `new Network(...)`).
 *
 * FLOPs convention: 2 × the engine's multiply-adds per sample in the forward pass (a multiply-add
 * is 2 FLOPs): dense D·M, conv F·H'·W'·C·K·K, maxout D·U·K, batchnorm 2 per value; pooling counts
 * one per window element (its comparisons or additions), as the engine does; activations, dropout
 * and flatten count 0. Biases and activations are not counted.
 *
 * Also reads a model file as typed, errors and all, so hovers work while the file is being written.
 */
import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { PLANE_DATASETS, type BuiltinDataset, type DataSpec, type DatasetName, type LayerSpec, type ModelSpec } from './spec';
import { formatShape, inferShapes, type Shape } from './shapes';
import { Reporter, rangeOf, type Range } from './reader';
import { readLayer } from './layers';
import { BUILTIN_DATA, inputShape } from './data';

/** What the summary needs from the data section. */
export interface DataShape {
  dataset: DatasetName | string;
  /** One sample's shape; undefined while it is only known once the files are loaded (csv, idx). */
  input: Shape | undefined;
  /** Classes, when known before loading. */
  classes: number | undefined;
  /** Regression: numeric targets per sample (sine, ripple: 1; csv: its `target:` columns). */
  targets?: number;
  /** csv: the file as written in the model file, and the label column. */
  csv?: { path: string; label: string | number };
}

export interface LayerSummary {
  /** Index in the model file's `layers:` list. */
  index: number;
  /** What the user wrote, short: "dense 100 · relu", "conv 16@3×3/1 pad 1", "pool 2×2/2 max". */
  title: string;
  kind: LayerSpec['kind'] | undefined;
  input: Shape | undefined;
  output: Shape | undefined;
  /** Undefined when the layer cannot be read or its input shape is unknown. */
  params: number | undefined;
  /** The parameter tensors and their sizes, e.g. [['W', 200], ['b', 100]]. */
  paramLayout: [name: string, size: number][];
  /** Multiply-adds per sample (forward); FLOPs are twice this. */
  macs: number | undefined;
  flops: number | undefined;
  /** Why the shapes do not work (the same words the diagnostics use), or why they are unknown. */
  problem?: string;
}

export interface ModelSummary {
  data: DataShape;
  layers: LayerSummary[];
  /** Totals over the layers; undefined when any layer's figure is unknown. */
  params: number | undefined;
  macs: number | undefined;
  flops: number | undefined;
  /** float32 bytes for the parameters. */
  paramBytes: number | undefined;
  output: Shape | undefined;
}

const PLANE: readonly string[] = PLANE_DATASETS;

/** One sample's shape for a data set (the parser's rule): [2] for the 2-D sets, [features] for gaussian, images C×H×W; files: unknown until loaded. */
export function inputShapeOf(data: Pick<DataSpec, 'dataset' | 'features'>): Shape | undefined {
  // A file or an unknown name read from a broken file: nothing to say before loading.
  if (!PLANE.includes(data.dataset) && !['gaussian', 'mnist', 'cifar10', 'sine', 'ripple'].includes(data.dataset)) return undefined;
  return inputShape(data);
}

const sizeOf = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function layerTitle(layer: LayerSpec): string {
  const act = 'activation' in layer && layer.kind !== 'activation' && layer.activation.type !== 'linear' ? ` · ${layer.activation.type}` : '';
  switch (layer.kind) {
    case 'dense': return `dense ${layer.units}${act}`;
    case 'conv': return `conv ${layer.filters}@${layer.size}×${layer.size}/${layer.stride}${layer.pad ? ` pad ${layer.pad}` : ''}${act}`;
    case 'pool': return `${layer.type} pool ${layer.size}×${layer.size}/${layer.stride}`;
    case 'flatten': return 'flatten';
    case 'dropout': return `dropout ${layer.p}`;
    case 'batchnorm': return 'batchnorm';
    case 'maxout': return `maxout ${layer.units}×${layer.pieces}`;
    case 'activation': return layer.activation.type;
  }
}

/** Parameters and multiply-adds of one layer on its input shape, as the engine's layers allocate them. */
function costs(layer: LayerSpec, input: Shape, output: Shape): { layout: [string, number][]; macs: number } {
  const d = sizeOf(input);
  switch (layer.kind) {
    case 'dense': return { layout: [['W', d * layer.units], ['b', layer.units]], macs: d * layer.units };
    case 'conv': {
      const patch = input[0] * layer.size * layer.size;
      return { layout: [['W', layer.filters * patch], ['b', layer.filters]], macs: sizeOf(output) * patch };
    }
    case 'maxout': {
      const width = layer.units * layer.pieces;
      return { layout: [['W', d * width], ['b', width]], macs: d * width };
    }
    case 'batchnorm': {
      const channels = input.length === 3 ? input[0] : d;
      return { layout: [['gamma', channels], ['beta', channels]], macs: 2 * d };
    }
    case 'pool': return { layout: [], macs: sizeOf(output) * layer.size * layer.size };
    case 'flatten': case 'dropout': case 'activation': return { layout: [], macs: 0 };
  }
}

/** Figures for a list of layers (undefined entries: layers that cannot be read yet). */
export function summarizeLayers(data: DataShape, layers: readonly (LayerSpec | undefined)[]): ModelSummary {
  let shape: Shape | undefined = data.input;
  const out: LayerSummary[] = layers.map((layer, index) => {
    const input = shape;
    const row: LayerSummary = {
      index, title: layer ? layerTitle(layer) : l10n.t('(cannot be read yet)'), kind: layer?.kind,
      input, output: undefined, params: undefined, paramLayout: [], macs: undefined, flops: undefined,
    };
    if (!layer) {
      row.problem = l10n.t('this layer has errors');
    } else if (!input) {
      // dense and maxout fix their output shape whatever comes in; their parameters do depend on it.
      if (layer.kind === 'dense' || layer.kind === 'maxout') row.output = [layer.units];
      row.problem = data.input ? l10n.t('the layers before it have errors') : l10n.t('the input shape is known once the {0} data is loaded', data.dataset);
    } else {
      const r = inferShapes(input, [layer]);
      if (r.error) {
        row.problem = r.error.message;
      } else {
        row.output = r.shapes[0];
        const c = costs(layer, input, row.output);
        row.paramLayout = c.layout;
        row.params = c.layout.reduce((s, [, n]) => s + n, 0);
        row.macs = c.macs;
        row.flops = 2 * c.macs;
      }
    }
    shape = row.output;
    return row;
  });
  const total = (f: (l: LayerSummary) => number | undefined): number | undefined =>
    out.every((l) => f(l) !== undefined) ? out.reduce((s, l) => s + (f(l) ?? 0), 0) : undefined;
  const params = total((l) => l.params);
  return {
    data, layers: out, params, macs: total((l) => l.macs), flops: total((l) => l.flops),
    paramBytes: params === undefined ? undefined : 4 * params,
    output: out.length > 0 ? out[out.length - 1].output : data.input,
  };
}

export function dataShape(data: DataSpec): DataShape {
  const input = inputShapeOf(data);
  const out: DataShape = { dataset: data.dataset, input, classes: data.classes > 0 ? data.classes : undefined };
  if (data.targets !== undefined) out.targets = data.targets;
  return out;
}

/** The summary of a valid model. */
export function summarize(spec: ModelSpec): ModelSummary {
  return summarizeLayers(dataShape(spec.data), spec.layers);
}

// ─── the file as typed ────────────────────────────────────────────────────────

export interface PartialModel {
  summary: ModelSummary;
  /** Each layer as read (undefined: it has errors), to summarize again once the input is known. */
  layers: (LayerSpec | undefined)[];
  /** Offsets of each `layers:` item, in order (also for items that cannot be read). */
  layerRanges: Range[];
  /** The `layers:` key. */
  layersKey?: Range;
}

/**
 * Reads what can be read of a model file, whatever its errors: the data section and every layer
 * on its own. Never throws.
 */
export function readPartialModel(text: string): PartialModel {
  const whole: Range = [0, text.length];
  const empty: PartialModel = { summary: summarizeLayers({ dataset: 'unknown', input: undefined, classes: undefined }, []), layers: [], layerRanges: [] };
  let root: unknown;
  try {
    root = parseDocument(text, { prettyErrors: false }).contents;
  } catch {
    return empty;
  }
  if (!isMap(root)) return empty;
  const pair = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const dataNode = pair(root, 'data')?.value;
  const data = isMap(dataNode) ? readDataShape(dataNode) : { dataset: 'unknown', input: undefined, classes: undefined };
  const layersPair = pair(root, 'layers');
  const layers: (LayerSpec | undefined)[] = [];
  const layerRanges: Range[] = [];
  if (layersPair && isSeq(layersPair.value)) {
    layersPair.value.items.forEach((item, i) => {
      const range = rangeOf(item, rangeOf(layersPair.value, whole));
      layerRanges.push(range);
      let spec: LayerSpec | undefined;
      try {
        spec = item === null || item === undefined ? undefined : readLayer(new Reporter(whole), item as Node, range, i);
      } catch {
        spec = undefined;
      }
      layers.push(spec);
    });
  }
  return {
    summary: summarizeLayers(data, layers),
    layers,
    layerRanges,
    layersKey: layersPair ? rangeOf(layersPair.key, whole) : undefined,
  };
}

function readDataShape(map: YAMLMap): DataShape {
  const get = (key: string): unknown => {
    const v = map.items.find((p) => isScalar(p.key) && p.key.value === key)?.value;
    return isScalar(v) ? v.value : v;
  };
  const has = (key: string): boolean => map.items.some((p) => isScalar(p.key) && p.key.value === key);
  const named = get('dataset');
  const dataset = typeof named === 'string' ? named
    : has('csv') ? 'csv' : has('idx') ? 'idx' : has('cifar10') ? 'cifar10' : 'unknown';
  const num = (key: string, fallback: number): number => {
    const v = get(key);
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
  };
  const features = dataset === 'gaussian' ? num('features', 500) : PLANE.includes(dataset) || dataset === 'ripple' ? 2 : dataset === 'sine' ? 1 : dataset === 'mnist' ? 784 : dataset === 'cifar10' ? 3072 : 0;
  // The parser's defaults: fixed classes (circles, mnist…) or a default the file may override.
  const builtin = (BUILTIN_DATA as Partial<Record<string, (typeof BUILTIN_DATA)[BuiltinDataset]>>)[dataset];
  // Regression sets (sine, ripple) have no classes.
  const classes = dataset === 'cifar10' ? 10 : builtin?.targets !== undefined ? undefined : builtin ? builtin.fixedClasses ?? num('classes', builtin.classes ?? 0) : undefined;
  const out: DataShape = { dataset, input: inputShapeOf({ dataset: dataset as DatasetName, features }), classes };
  const target = get('target');
  const targets = builtin?.targets ?? (dataset === 'csv' && target !== undefined && target !== null ? (isSeq(target) ? target.items.length : 1) : undefined);
  if (targets !== undefined) out.targets = targets;
  const csv = get('csv');
  const label = get('label');
  if (dataset === 'csv' && typeof csv === 'string') out.csv = { path: csv, label: typeof label === 'string' || typeof label === 'number' ? label : -1 };
  return out;
}

// ─── words ────────────────────────────────────────────────────────────────────

/** 1234567 → "1,234,567". */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 1234567 → "1.23M", as model summaries print FLOPs. */
export function compact(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) {
    if (n >= scale) return `${(n / scale).toPrecision(3).replace(/\.?0+$/, '')}${unit}`;
  }
  return String(n);
}

/** 4096 → "4 KiB". */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toPrecision(3).replace(/\.?0+$/, '')} ${units[u]}`;
}

export function shapeText(s: Shape | undefined): string {
  return s ? formatShape(s) : '?';
}
