import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { CsvTokenizer } from '../engine/data/csv';
import type { Range } from '../model/reader';
import { ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, NORMALIZE, OPTIMIZERS, OPTIMIZER_DEFAULTS, type ActivationName, type LayerKind, type LossName, type OptimizerName } from '../model/spec';
import { bytes, compact, grouped, readPartialModel, shapeText, summarizeLayers, type LayerSummary, type ModelSummary, type PartialModel } from '../model/summary';
import { INIT_NOTES, OPTIMIZER_NOTES } from './commands';
import { isModelDocument, MODEL_SELECTOR } from './models';

// ─── what things are, in cs231n's words ───────────────────────────────────────

export const LAYER_DOCS: Record<LayerKind, string> = {
  dense: 'fully-connected (affine): every output is a weighted sum of all the inputs plus a bias, out = x·W + b',
  conv: 'slides each filter over the input volume: each output looks at a small local region (its receptive field) through all the channels, and a filter\'s weights are shared across every position',
  pool: 'downsamples every channel on its own, keeping the max (or the mean) of each window: no parameters, less computation, a little translation invariance',
  flatten: 'stretches the C×H×W volume into one vector (a dense layer after a spatial one does this by itself)',
  dropout: 'in training, drops each unit with probability p and scales the survivors by 1/(1−p) (inverted dropout), so testing needs no change; a regularizer',
  batchnorm: 'makes each feature (each channel after a conv) zero-mean and unit-variance over the batch, then scales by γ and shifts by β; eases training with poor inits and higher learning rates',
  maxout: 'each unit is the max of k linear functions: generalizes ReLU and leaky ReLU, does not saturate or die, at k times the parameters',
  activation: 'an elementwise nonlinearity: without one, stacked linear layers collapse into a single linear map',
};

export const ACTIVATION_DOCS: Record<ActivationName, string> = {
  linear: 'the identity: no nonlinearity (the last layer stays linear so its outputs are raw class scores)',
  sigmoid: '1/(1+e⁻ˣ), squashes to (0, 1): saturated units kill gradients and the outputs are not zero-centered; avoid in hidden layers',
  tanh: 'squashes to (−1, 1): zero-centered, but saturated units still kill gradients',
  relu: 'max(0, x): does not saturate for x > 0, cheap, converges much faster than sigmoid/tanh; a unit can die (never activate again) after a bad init or a high learning rate',
  leaky_relu: 'max(αx, x) with a small α (0.01): like ReLU, but units never die',
  elu: 'x for x > 0, α(eˣ − 1) below: ReLU\'s benefits, outputs closer to zero-mean, saturates gently for negative inputs',
  gelu: 'x·Φ(x), a smooth ReLU (the transformers\' choice)',
};

export const LOSS_DOCS: Record<LossName, string> = {
  softmax: 'cross-entropy on the softmax probabilities: −log of the probability of the correct class; never fully satisfied, it always wants the correct class more probable',
  svm: 'multiclass SVM (hinge) loss: wants the correct class\'s score to beat every other by a margin of 1, and is zero once it does',
  mse: 'mean squared error between outputs and target values: for regression, not for class labels',
};

export const DATASET_DOCS: Record<string, string> = {
  spiral: 'cs231n\'s spiral: interleaved arms, one per class, not linearly separable (a linear classifier tops out near 50% on 3 arms)',
  circles: 'two concentric rings: needs a nonlinear boundary',
  moons: 'two interleaved half-moons',
  xor: 'four quadrants labelled by XOR: the classic problem no linear classifier solves',
  blobs: 'one Gaussian cluster per class: nearly linearly separable',
  gaussian: 'N(0, 1) inputs of `features` dimensions with random labels: the input of cs231n\'s weight-init experiment',
  mnist: 'handwritten digits, 28×28 grey pixels scaled to [0, 1], 10 classes (10,000 digits ship with TrainLens)',
};

export const NORMALIZE_DOCS: Record<string, string> = {
  standard: 'subtract each feature\'s mean and divide by its standard deviation (cs231n\'s usual preprocessing)',
  minmax: 'scale each feature to [0, 1]',
  none: 'the values as they are in the file',
};

/** Keys, by section ('top', 'data', 'train', 'optimizer', 'schedule', 'layer', 'conv', …) or by name alone. */
export const KEY_DOCS: Record<string, string> = {
  'top.data': 'Where the samples come from: a built-in set (`dataset:`) or files (`csv:`, `idx:`, `cifar10:`), paths relative to the model file.',
  'top.layers': 'The network from input to class scores, one layer per `- ` item. The input shape comes from the data; a dense layer after a spatial one flattens.',
  'top.loss': 'How the class scores are judged: `softmax` (cross-entropy) or `svm` (hinge).',
  'top.init': 'How the weights are drawn before training (biases start at 0); a layer may override it with its own `init:`.',
  'top.optimizer': 'The update rule that turns a gradient into a step: a name (`adam`) or a mapping (`{ type: adam, lr: 0.001 }`).',
  'top.train': 'How long and how: epochs, batch size, regularization, seed, learning-rate schedule.',
  'top.compare': 'What "Compare…" sweeps, each variant from the same initial weights.',
  dataset: 'A built-in data set: spiral, circles, moons, xor, blobs, gaussian or mnist.',
  samples: 'How many samples (generated sets), or the first this many (mnist and files; 0 = all).',
  classes: 'How many classes (spiral: arms; gaussian and blobs: labels).',
  noise: 'How noisy the generated points are (spiral: angle jitter in radians; others: the standard deviation of x and y).',
  features: 'Input dimensions of the gaussian set (cs231n\'s experiment: 500).',
  validation: 'The held-out fraction, never trained on: compare its accuracy with the training accuracy to see over-fitting.',
  'data.seed': 'Seed of the generated data and of the split (defaults to train.seed).',
  csv: 'A CSV file with a header row, relative to the model file; every column but the label is a feature.',
  label: 'The CSV\'s label column: its header name, or its 0-based index (−1: the last).',
  normalize: 'How CSV features are scaled: `standard` (zero mean, unit variance), `minmax` ([0, 1]) or `none`.',
  idx: 'MNIST-format files: `{ images: …, labels: … }`, gzipped or not.',
  images: 'The idx images file.',
  labels: 'The idx labels file.',
  cifar10: 'The folder of the CIFAR-10 binary batches (cifar-10-batches-bin).',
  epochs: 'Passes over the training set.',
  batch: 'Samples per gradient step (a minibatch); `full` steps on the whole training set at once.',
  l2: 'L2 regularization strength λ: adds ½·λ·‖W‖² over the weights (not the biases); prefers small, diffuse weights.',
  l1: 'L1 regularization strength: adds λ·‖W‖₁ over the weights; drives weights to exactly zero (sparse).',
  'train.seed': 'Seed of the data, the init, the batch order and dropout: the same seed gives the same run, bit for bit.',
  schedule: 'Learning-rate decay by epoch: `step` (×gamma every `every` epochs), `exp` (×gamma each epoch) or `cosine` (down to `min`).',
  every: 'Epochs between two step decays.',
  gamma: 'The factor the learning rate is multiplied by at each decay.',
  'schedule.min': 'The learning rate at the end of the cosine schedule.',
  'schedule.type': 'step, exp or cosine.',
  'optimizer.type': 'The update rule: sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw.',
  lr: 'The learning rate: the first hyperparameter to tune. Too high and the loss explodes; too low and it crawls. Look for updates of ~1e-3 of the weights.',
  momentum: 'The fraction of the velocity kept each step (0.9): μ in v = μ·v − lr·dx.',
  decay: 'RMSProp\'s leak of the squared-gradient cache (0.99).',
  beta1: 'Adam\'s momentum on the gradient (0.9).',
  beta2: 'Adam\'s leak of the squared-gradient cache (0.999).',
  eps: 'A small number that keeps the division away from zero (1e-8).',
  weight_decay: 'AdamW\'s decoupled decay: w ← w − lr·weight_decay·w besides the Adam step.',
  'init.type': '`normal` or `uniform`, with the given `std`.',
  std: 'The standard deviation of the custom init.',
  'layer.activation': 'The nonlinearity applied to this layer\'s output.',
  'layer.init': 'This layer\'s own init scheme, instead of the model\'s.',
  filters: 'How many filters, i.e. output channels (the depth of the output volume).',
  size: 'The window is size×size.',
  stride: 'How many pixels the window moves each step: output = (input + 2·pad − size)/stride + 1.',
  pad: 'Zeros added around the border; pad = (size − 1)/2 with stride 1 keeps the spatial size.',
  'pool.type': '`max` (the usual) or `avg`.',
  units: 'How many outputs.',
  pieces: 'How many linear pieces each maxout unit takes the max of.',
  'batchnorm.momentum': 'How much of the running mean and variance is kept each step (0.9).',
  'batchnorm.eps': 'Added to the variance before the square root (1e-5).',
  'activation.type': 'The activation\'s name.',
  alpha: 'The slope (leaky_relu, 0.01) or the saturation level (elu, 1) for x < 0.',
};

/** A short name for where a path leads: 'top', 'data', 'train', 'schedule', 'optimizer', 'init', 'layers', 'layer', 'conv', …, 'activation', 'compare'. */
export function sectionOf(path: readonly string[]): string {
  if (path.length === 0) return 'top';
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === '-') return parent === 'layers' ? 'layer' : parent ?? 'top';
  return last;
}

export function keyDoc(section: string, key: string): string | undefined {
  if (section === 'layer' && (LAYER_DOCS as Record<string, string>)[key]) return `**${key}** layer: ${(LAYER_DOCS as Record<string, string>)[key]}.`;
  return KEY_DOCS[`${section}.${key}`] ?? KEY_DOCS[key];
}

export function optimizerDoc(name: OptimizerName): string {
  const d = OPTIMIZER_DEFAULTS[name] as unknown as Record<string, number | string>;
  const defaults = Object.entries(d).filter(([k]) => k !== 'type').map(([k, v]) => `${k === 'weightDecay' ? 'weight_decay' : k} ${v}`).join(', ');
  return `${OPTIMIZER_NOTES[name]}. Defaults: ${defaults}.`;
}

/** The doc of a value in a section, e.g. ('top', 'loss', 'svm'). */
export function valueDoc(section: string, key: string, value: string): string | undefined {
  const isIn = <T extends string>(list: readonly T[]): boolean => (list as readonly string[]).includes(value);
  if ((key === 'activation' || (section === 'activation' && key === 'type')) && isIn(ACTIVATIONS)) return ACTIVATION_DOCS[value as ActivationName];
  if ((key === 'optimizer' || (section === 'optimizer' && key === 'type')) && isIn(OPTIMIZERS)) return optimizerDoc(value as OptimizerName);
  if (key === 'init' && isIn(INIT_SCHEMES)) return INIT_NOTES[value as keyof typeof INIT_NOTES];
  if (key === 'loss' && isIn(LOSSES)) return LOSS_DOCS[value as LossName];
  if (key === 'dataset' && isIn(DATASETS)) return DATASET_DOCS[value];
  if (key === 'normalize' && isIn(NORMALIZE)) return NORMALIZE_DOCS[value];
  return undefined;
}

// ─── the hover ────────────────────────────────────────────────────────────────

const plural = (n: number, one: string): string => `${grouped(n)} ${one}${n === 1 ? '' : 's'}`;

/** "dense 100 · relu — 2 → 100, 300 parameters, 400 FLOPs/sample" */
export function layerLine(l: LayerSummary): string {
  const shapes = `${shapeText(l.input)} → ${shapeText(l.output)}`;
  const params = l.params === undefined ? '? parameters' : plural(l.params, 'parameter');
  const flops = l.flops === undefined ? '? FLOPs/sample' : `${grouped(l.flops)} FLOPs/sample`;
  return `${l.title} — ${shapes}, ${params}, ${flops}`;
}

export function totalsLines(s: ModelSummary): string[] {
  const lines: string[] = [];
  const input = s.data.input ? `input ${shapeText(s.data.input)} (${s.data.dataset})` : `input shape known once the ${s.data.dataset} data is loaded`;
  lines.push(`${input} → ${shapeText(s.output)} scores${s.data.classes ? `, ${s.data.classes} classes` : ''}`);
  lines.push(s.params === undefined ? 'parameters: ? (some layers cannot be sized yet)' : `${plural(s.params, 'parameter')} (${bytes(s.paramBytes!)} in float32)`);
  if (s.flops !== undefined) lines.push(`${compact(s.flops)} FLOPs per sample forward (${grouped(s.flops)}; ≈3× that to train)`);
  return lines;
}

const FLOPS_NOTE = 'FLOPs = 2 × multiply-adds of the forward pass; biases and activations not counted.';

function layerHover(l: LayerSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(l.title)}** — ${escape(`${shapeText(l.input)} → ${shapeText(l.output)}`)}, `);
  md.appendMarkdown(`${l.params === undefined ? '? parameters' : plural(l.params, 'parameter')}, ${l.flops === undefined ? '? FLOPs/sample' : `${grouped(l.flops)} FLOPs/sample`}\n\n`);
  if (l.kind) md.appendMarkdown(`${LAYER_DOCS[l.kind]}.\n\n`);
  if (l.paramLayout.length > 0) md.appendMarkdown(`${l.paramLayout.map(([n, size]) => `${n}: ${grouped(size)}`).join(' · ')}\n\n`);
  if (l.problem) md.appendMarkdown(`*${escape(l.problem)}*\n\n`);
  md.appendMarkdown(`<small>${FLOPS_NOTE}</small>`);
  md.supportHtml = true;
  return md;
}

function totalsHover(s: ModelSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**The model** — ${s.layers.length} layer${s.layers.length === 1 ? '' : 's'}\n\n`);
  for (const line of totalsLines(s)) md.appendMarkdown(`- ${escape(line)}\n`);
  md.appendMarkdown('\n');
  md.appendCodeblock(s.layers.map((l) => `${String(l.index + 1).padStart(2)}  ${layerLine(l)}`).join('\n'), 'text');
  md.appendMarkdown(`<small>${FLOPS_NOTE}</small>`);
  md.supportHtml = true;
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

/**
 * Hovers on a model file, as typed: a layer item shows its shapes, parameters and FLOPs; the
 * `layers:` key and the first line the model's totals; keys and values (optimizer, init, loss,
 * activations, …) what they mean. The health hover of a run (decorations.ts) adds to these.
 */
export class ModelHoverProvider implements vscode.HoverProvider {
  private cache: { uri: string; version: number; model: PartialModel } | undefined;
  private readonly csvColumns = new Map<string, { mtime: number; columns: number | undefined }>();

  private async model(doc: vscode.TextDocument): Promise<PartialModel> {
    const uri = doc.uri.toString();
    if (this.cache?.uri === uri && this.cache.version === doc.version) return this.cache.model;
    let model = readPartialModel(doc.getText());
    // A CSV's columns are known from its first row: every column but the label is a feature.
    const csv = model.summary.data.csv;
    const file = csv && doc.uri.scheme === 'file' && !path.isAbsolute(csv.path) ? path.resolve(path.dirname(doc.uri.fsPath), csv.path) : undefined;
    // Only files the model may read: inside the model's workspace folder (or its own folder outside one).
    const root = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(doc.uri.fsPath);
    if (file && !path.relative(root, file).startsWith('..')) {
      const columns = await this.columnsOf(file);
      if (columns !== undefined && columns > 1) {
        const data = { ...model.summary.data, input: [columns - 1] };
        model = { ...model, summary: summarizeLayers(data, model.layers) };
      }
    }
    this.cache = { uri, version: doc.version, model };
    return model;
  }

  /** Cells in the first row of a CSV file (its first 64 KiB read), or undefined if it cannot be read. */
  private async columnsOf(file: string): Promise<number | undefined> {
    let handle: fs.promises.FileHandle | undefined;
    try {
      const { mtimeMs } = await fs.promises.stat(file);
      const hit = this.csvColumns.get(file);
      if (hit?.mtime === mtimeMs) return hit.columns;
      handle = await fs.promises.open(file, 'r');
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      let first: number | undefined;
      const tokenizer = new CsvTokenizer(file, (cells) => { first ??= cells.length; });
      tokenizer.push(buf.subarray(0, bytesRead).toString('utf8'));
      if (first === undefined && bytesRead < buf.length) tokenizer.end();
      this.csvColumns.set(file, { mtime: mtimeMs, columns: first });
      return first;
    } catch {
      return undefined;
    } finally {
      await handle?.close();
    }
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isModelDocument(doc)) return undefined;
    const offset = doc.offsetAt(position);
    const model = await this.model(doc);
    const parts: vscode.MarkdownString[] = [];
    let range: vscode.Range | undefined;

    // The model's totals: on the `layers:` key and on the first line.
    const onLayersKey = model.layersKey !== undefined && offset >= model.layersKey[0] && offset <= model.layersKey[1];
    if (onLayersKey || (position.line === 0 && doc.lineAt(0).text.trim() !== '')) {
      parts.push(totalsHover(model.summary));
      range = onLayersKey ? toRange(doc, model.layersKey!) : doc.lineAt(0).range;
    }
    // What a key or a value means.
    const at = nodeAt(doc.getText(), offset);
    if (at && !onLayersKey) {
      const section = sectionOf(at.path);
      const isKind = section === 'layer' && at.slot === 'key' && at.word in LAYER_DOCS;
      const text = at.slot === 'key' ? (isKind ? undefined : keyDoc(section, at.word)) : valueDoc(section, at.key, at.word);
      if (text) {
        parts.push(new vscode.MarkdownString(`**${escape(at.word)}** — ${text}`));
        range ??= toRange(doc, at.range);
      }
    }
    // A layer: its shapes, parameters and FLOPs.
    const lineOf = (o: number): number => doc.positionAt(o).line;
    const index = model.layerRanges.findIndex(([s, e]) => position.line >= lineOf(s) && position.line <= lineOf(Math.max(s, e - 1)));
    const layer = index >= 0 ? model.summary.layers[index] : undefined;
    if (layer) parts.push(layerHover(layer));
    return parts.length > 0 ? new vscode.Hover(parts, range) : undefined;
  }
}

/** The key or scalar value under an offset, with the keys that lead to it ('-' for a list item). */
export function nodeAt(text: string, offset: number): { path: string[]; slot: 'key' | 'value'; key: string; word: string; range: Range } | undefined {
  let root: unknown;
  try {
    root = parseDocument(text, { prettyErrors: false }).contents;
  } catch {
    return undefined;
  }
  const inside = (n: unknown): boolean => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return !!r && offset >= r[0] && offset <= r[1];
  };
  const path: string[] = [];
  let node: unknown = root;
  let key = '';
  for (let depth = 0; depth < 32; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => inside(p.key) || inside(p.value));
      if (!pair || !isScalar(pair.key)) return undefined;
      const name = String(pair.key.value);
      if (inside(pair.key)) return { path, slot: 'key', key: name, word: name, range: [pair.key.range![0], pair.key.range![1]] };
      path.push(name);
      key = name;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items.find(inside);
      if (!item) return undefined;
      path.push('-');
      node = item;
    } else if (isScalar(node) && typeof node.value === 'string' && node !== root) {
      const r: Range = [node.range![0], node.range![1]];
      if (path[path.length - 1] === '-') {
        path.pop();
        // `- flatten` in layers is a layer kind; in other lists (compare: { optimizer: [sgd, adam] }) a value.
        if (path[path.length - 1] === 'layers') return { path: [...path, '-'], slot: 'key', key: node.value, word: node.value, range: r };
      }
      path.pop();
      return { path, slot: 'value', key, word: node.value, range: r };
    } else {
      return undefined;
    }
  }
  return undefined;
}

function toRange(doc: vscode.TextDocument, [s, e]: [number, number]): vscode.Range {
  return new vscode.Range(doc.positionAt(s), doc.positionAt(e));
}

export function registerHover(): vscode.Disposable {
  return vscode.languages.registerHoverProvider(MODEL_SELECTOR, new ModelHoverProvider());
}
