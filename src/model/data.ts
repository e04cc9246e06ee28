import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq } from 'yaml';
import { DATASETS, NORMALIZE, type BuiltinDataset, type DataSpec } from './spec';
import { MapReader, Reporter, describe, rangeOf, readChoice, type Range } from './reader';
import { didYouMean } from './diagnostics';
import { quoted } from '../engine/excerpt';

/**
 * Checks a data path as written in the model file: undefined when it is usable, else why not
 * ("no such file", "it leaves the workspace", …). Supplied by the host or the CLI, which can see
 * the disk; without one, paths are not checked.
 */
export type PathCheck = (path: string, kind: 'file' | 'directory' | 'any') => string | undefined;

/** Each generated set's settings and defaults; `classes` fixed where the construction fixes it. */
export const BUILTIN_DATA: Record<BuiltinDataset, {
  samples: number; classes?: number; fixedClasses?: number; noise?: number; features?: number; maxSamples?: number;
  /** Regression sets: numeric targets per sample (and no classes). */
  targets?: number;
}> = {
  spiral: { samples: 300, classes: 3, noise: 0.2 },
  circles: { samples: 300, fixedClasses: 2, noise: 0.1 },
  moons: { samples: 300, fixedClasses: 2, noise: 0.1 },
  xor: { samples: 300, fixedClasses: 2, noise: 0.05 },
  blobs: { samples: 300, classes: 3, noise: 0.5 },
  gaussian: { samples: 1000, classes: 10, features: 500 },
  mnist: { samples: 10_000, fixedClasses: 10, maxSamples: 10_000 },
  sine: { samples: 200, noise: 0.1, targets: 1 },
  ripple: { samples: 1000, noise: 0.05, targets: 1 },
};

/** Whether the data has numeric targets (regression: sine, ripple, csv with `target:`) rather than class labels. */
export function isRegression(d: Pick<DataSpec, 'targets'>): boolean {
  return d.targets !== undefined;
}

/** The data's name as messages give it: the dataset, or the csv file. */
export function dataName(d: Pick<DataSpec, 'dataset' | 'csv'>): string {
  return d.csv ? d.csv.path : d.dataset;
}

/** The input shape of one sample, where it is known before the data is read. */
export function inputShape(d: Pick<DataSpec, 'dataset' | 'features'>): number[] | undefined {
  switch (d.dataset) {
    case 'mnist': return [1, 28, 28];
    case 'cifar10': return [3, 32, 32];
    case 'csv': case 'idx': return undefined;
    default: return [d.features];
  }
}

const FILE_KINDS = ['csv', 'idx', 'cifar10'] as const;
const COMMON = ['validation', 'seed'];

/** The `data:` section: a generated set (`dataset: spiral`) or files (`csv:`, `idx:`, `cifar10:`). */
export function readData(r: Reporter, top: MapReader, checkPath?: PathCheck): DataSpec | undefined {
  if (!top.has('data')) {
    r.error(r.whole, l10n.t("The model needs a 'data:' section, e.g. 'data: { dataset: spiral }' or 'data: { csv: data/iris.csv, label: species }'."));
    return undefined;
  }
  const node = top.node('data');
  if (!isMap(node)) {
    r.error(top.valueRange('data'), l10n.t("'data' must be a mapping such as '{ dataset: spiral, samples: 300 }', not {0}.", describe(node)));
    return undefined;
  }
  const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  const sources = keys.filter((k) => k === 'dataset' || (FILE_KINDS as readonly string[]).includes(k));
  if (sources.length === 0) {
    const near = keys.map((k) => didYouMean(k, ['dataset', ...FILE_KINDS])).find((s) => s) ?? '';
    r.error(top.keyRange('data'), l10n.t("'data' needs a source: 'dataset:' ({0}), 'csv:', 'idx:' or 'cifar10:'.", DATASETS.join(', ')) + near);
    return undefined;
  }
  if (sources.length > 1) {
    r.error(top.keyRange('data'), l10n.t("'data' has two sources, '{0}' and '{1}'; keep one.", sources[0], sources[1]));
    return undefined;
  }
  const source = sources[0];
  if (source === 'dataset') return readBuiltin(r, top, node);
  if (source === 'csv') return readCsv(r, node, checkPath);
  if (source === 'idx') return readIdx(r, node, checkPath);
  return readCifar(r, node, checkPath);
}

function common(d: MapReader, samples: number): { validation: number; seed?: number } {
  const validation = d.number('validation', 0.2, { min: 0, below: 1 });
  const out: { validation: number; seed?: number } = { validation };
  if (d.has('seed')) out.seed = d.number('seed', 1, { integer: true, min: 0, max: 2 ** 32 - 1 });
  if (samples > 0 && validation > 0 && Math.round(samples * validation) >= samples) {
    d.reporter.error(d.valueRange('validation'), l10n.t("'validation: {0}' leaves no samples to train on.", validation));
  }
  return out;
}

function readBuiltin(r: Reporter, top: MapReader, node: import('yaml').YAMLMap): DataSpec | undefined {
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'dataset')!;
  const dataset = readChoice(r, pair.value, rangeOf(pair.value, top.valueRange('data')), 'dataset', DATASETS, []);
  if (!dataset) return undefined;
  const b = BUILTIN_DATA[dataset];
  const keys = ['dataset', 'samples', ...COMMON];
  if (b.classes !== undefined) keys.push('classes');
  if (b.noise !== undefined) keys.push('noise');
  if (b.features !== undefined) keys.push('features');
  const d = new MapReader(r, node, `'data' (${dataset})`, keys, [], explainBuiltin(dataset));
  const classes = b.targets !== undefined ? 0 : b.fixedClasses ?? d.number('classes', b.classes!, { integer: true, min: 2, max: 1000 });
  const samples = d.number('samples', b.samples, { integer: true, min: 1, max: b.maxSamples ?? 1_000_000 });
  const features = dataset === 'mnist' ? 784 : dataset === 'gaussian' ? d.number('features', b.features!, { integer: true, min: 1, max: 100_000 }) : dataset === 'sine' ? 1 : 2;
  const noise = b.noise !== undefined ? d.number('noise', b.noise, { min: 0, max: 10 }) : 0;
  if (dataset !== 'gaussian' && dataset !== 'mnist' && samples < classes * 2) {
    r.error(d.valueRange('samples'), l10n.t("'samples' must give each of the {0} classes at least 2 points; use at least {1}.", classes, classes * 2));
  }
  const c = common(d, samples);
  // The init experiment's gaussian data is about activations; hold nothing out unless asked.
  if (dataset === 'gaussian' && !d.has('validation')) c.validation = 0;
  return { dataset, samples, classes, noise, features, ...c, ...(b.targets !== undefined ? { targets: b.targets } : {}) };
}

/** Why a key a generated set does not take is not there, per key. */
function explainBuiltin(dataset: BuiltinDataset): Record<string, string> {
  const b = BUILTIN_DATA[dataset];
  const explain: Record<string, string> = {};
  if (b.targets !== undefined) explain.classes = l10n.t("'{0}' has numeric targets (regression, 'loss: mse'), not classes; remove 'classes'.", dataset);
  else if (b.fixedClasses !== undefined) explain.classes = l10n.t("'{0}' always has {1} classes; remove 'classes'.", dataset, b.fixedClasses);
  if (b.noise === undefined) explain.noise = l10n.t("'noise' applies to the generated 2-D sets, not to '{0}'.", dataset);
  if (b.features === undefined) {
    explain.features = dataset === 'mnist'
      ? l10n.t("'features' applies to 'gaussian'; '{0}' has 28×28 pixels.", dataset)
      : dataset === 'sine'
        ? l10n.t("'features' applies to 'gaussian'; '{0}' has 1 feature (x).", dataset)
        : l10n.t("'features' applies to 'gaussian'; '{0}' has 2 features (x, y).", dataset);
  }
  return explain;
}

/** A path value: a non-empty string, checked against the disk when a checker is given. */
function readPath(r: Reporter, value: unknown, range: Range, what: string, kind: 'file' | 'directory' | 'any', checkPath?: PathCheck): string | undefined {
  const v = isScalar(value) ? value.value : undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    r.error(range, l10n.t("'{0}' must be a path relative to the model file, not {1}.", what, describe(value)));
    return undefined;
  }
  const problem = checkPath?.(v, kind);
  if (problem) {
    r.error(range, problem);
    return undefined;
  }
  return v;
}

function readCsv(r: Reporter, node: import('yaml').YAMLMap, checkPath?: PathCheck): DataSpec | undefined {
  const d = new MapReader(r, node, "'data' (csv)", ['csv', 'label', 'target', 'normalize', 'samples', ...COMMON]);
  const path = readPath(r, d.node('csv'), d.valueRange('csv'), 'csv', 'file', checkPath);
  let label: string | number = -1;
  if (d.has('label')) {
    const v = columnRef(d.node('label'));
    if (v !== undefined) label = v;
    else r.error(d.valueRange('label'), l10n.t("'label' is the label column: its header name, or its 0-based index (−1 for the last column)."));
  }
  const target = d.has('target') ? readTarget(r, d) : undefined;
  if (d.has('label') && d.has('target')) {
    r.error(d.keyRange('target'), l10n.t("'label' names a class column and 'target' numeric columns to predict; keep one ('target' for regression with 'loss: mse')."));
  }
  const normalize = d.choice('normalize', NORMALIZE, [], 'standard') ?? 'standard';
  const samples = d.number('samples', 0, { integer: true, min: 0, max: 100_000_000 });
  const c = common(d, 0);
  if (path === undefined) return undefined;
  const csv = { path, label, normalize, ...(target ? { target } : {}) };
  return { dataset: 'csv', samples, classes: 0, noise: 0, features: 0, csv, ...c, ...(target ? { targets: target.length } : {}) };
}

/** A column as the file names it: a header name, or an integer index (negative from the end). */
function columnRef(node: unknown): string | number | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return undefined;
}

/** `target: price` or `target: [x, y]`: the numeric columns to predict, each named once. */
function readTarget(r: Reporter, d: MapReader): Array<string | number> | undefined {
  const node = d.node('target');
  const items = isSeq(node) ? node.items : [node];
  const out: Array<string | number> = [];
  const bad = l10n.t("'target' is a numeric column to predict (its header name, or its 0-based index, −1 for the last), or a list of them, e.g. 'target: [x, y]'.");
  if (isSeq(node) && items.length === 0) {
    r.error(d.valueRange('target'), bad);
    return undefined;
  }
  for (const item of items) {
    const range = rangeOf(item, d.valueRange('target'));
    const v = columnRef(item);
    if (v === undefined) r.error(range, bad);
    else if (out.includes(v)) r.error(range, l10n.t("Column {0} is listed twice in 'target'.", typeof v === 'string' ? quoted(v) : String(v)));
    else out.push(v);
  }
  return out.length === items.length ? out : undefined;
}

function readIdx(r: Reporter, node: import('yaml').YAMLMap, checkPath?: PathCheck): DataSpec | undefined {
  const d = new MapReader(r, node, "'data' (idx)", ['idx', 'samples', ...COMMON]);
  const idx = d.node('idx');
  if (!isMap(idx)) {
    r.error(d.valueRange('idx'), l10n.t("'idx' takes the two files, e.g. '{ images: train-images-idx3-ubyte.gz, labels: train-labels-idx1-ubyte.gz }'."));
    return undefined;
  }
  const f = new MapReader(r, idx, "'idx'", ['images', 'labels']);
  for (const k of ['images', 'labels']) if (!f.has(k)) r.error(d.valueRange('idx'), l10n.t("'idx' needs '{0}:'.", k));
  const images = f.has('images') ? readPath(r, f.node('images'), f.valueRange('images'), 'images', 'file', checkPath) : undefined;
  const labels = f.has('labels') ? readPath(r, f.node('labels'), f.valueRange('labels'), 'labels', 'file', checkPath) : undefined;
  const samples = d.number('samples', 0, { integer: true, min: 0, max: 100_000_000 });
  const c = common(d, 0);
  return images && labels ? { dataset: 'idx', samples, classes: 0, noise: 0, features: 0, idx: { images, labels }, ...c } : undefined;
}

function readCifar(r: Reporter, node: import('yaml').YAMLMap, checkPath?: PathCheck): DataSpec | undefined {
  const d = new MapReader(r, node, "'data' (cifar10)", ['cifar10', 'samples', ...COMMON]);
  // The folder of batches, or a single batch file.
  const path = readPath(r, d.node('cifar10'), d.valueRange('cifar10'), 'cifar10', 'any', checkPath);
  const samples = d.number('samples', 0, { integer: true, min: 0, max: 60_000 });
  const c = common(d, 0);
  return path === undefined ? undefined : { dataset: 'cifar10', samples, classes: 10, noise: 0, features: 3072, cifar10: { path }, ...c };
}
