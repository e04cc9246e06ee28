import * as vscode from 'vscode';
import { ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, NORMALIZE, OPTIMIZERS, SURFACE_PRESETS, type OptimizerName } from '../../model/spec';
import { OPTIMIZER_KEYS } from '../../model/optimizer-parse';
import { ACTIVATION_DOCS, DATASET_DOCS, INIT_NOTES, LAYER_DOCS, LOSS_DOCS, NORMALIZE_DOCS, SURFACE_PRESET_DOCS, keyDoc, layerDoc, optimizerDoc } from './docs';
import { sectionOf, yamlContext, type YamlContext } from './yaml-context';
import { MODEL_SELECTOR } from '../models';

// The cursor's YAML position is read in yaml-context.ts; exported here too, as before.
export { yamlContext, type YamlContext } from './yaml-context';

// ─── what to offer there ──────────────────────────────────────────────────────

export interface Suggestion {
  label: string;
  kind: 'key' | 'value' | 'layer';
  /** Snippet text. */
  insert: string;
  doc?: string;
  detail?: string;
  /** Open the suggestions again after inserting (a key whose values are a list). */
  retrigger?: boolean;
}

const LAYER_SNIPPETS: [string, string][] = [
  ['dense', 'dense: ${1:100}'],
  ['conv', 'conv: { filters: ${1:16}, size: ${2:3}, stride: ${3:1}, pad: ${4:1} }'],
  ['pool', 'pool: ${1:2}'],
  ['flatten', 'flatten'],
  ['dropout', 'dropout: ${1:0.5}'],
  ['batchnorm', 'batchnorm'],
  ['maxout', 'maxout: { units: ${1:100}, pieces: ${2:2} }'],
  ['activation', `activation: \${1|${['relu', ...ACTIVATIONS.filter((a) => a !== 'relu')].join(',')}|}`],
];

/** Keys of each section, with the value a new key starts with (a snippet; 'list' opens the values). */
const SECTION_KEYS: Record<string, [string, string][]> = {
  top: [['data', 'data:\n  dataset: ${1|' + DATASETS.join(',') + '|}'], ['layers', 'layers:\n  - '], ['loss', 'list'], ['init', 'list'], ['optimizer', 'list'],
    ['train', 'train:\n  epochs: ${1:100}\n  batch: ${2:64}'],
    ['tune', 'tune:\n  trials: ${1:20}\n  epochs: ${2:5}\n  lr: { log: [${3:1.0e-4}, ${4:1.0e-1}] }\n  l2: { log: [${5:1.0e-5}, ${6:1.0}] }']],
  train: [['epochs', '${1:100}'], ['batch', '${1:64}'], ['l2', '${1:0.001}'], ['l1', '${1:0.0001}'], ['seed', '${1:1}'],
    ['schedule', '{ type: ${1|step,exp,cosine|}${2:, every: 30, gamma: 0.5} }']],
  idx: [['images', '${1:train-images-idx3-ubyte.gz}'], ['labels', '${1:train-labels-idx1-ubyte.gz}']],
  init: [['type', 'list'], ['std', '${1:0.05}']],
  conv: [['filters', '${1:16}'], ['size', '${1:3}'], ['stride', '${1:1}'], ['pad', '${1:1}']],
  pool: [['size', '${1:2}'], ['stride', '${1:2}'], ['type', 'list']],
  maxout: [['units', '${1:100}'], ['pieces', '${1:2}']],
  batchnorm: [['momentum', '${1:0.9}'], ['eps', '${1:1e-5}']],
  activation: [['type', 'list'], ['alpha', '${1:0.01}']],
  loss: [['type', 'list'], ['margin', '${1:1}']],
  compare: [['seeds', '${1|3,5,1|}']],
  tune: [['trials', '${1:20}'], ['epochs', '${1:5}'], ['seeds', '${1:1}'], ['lr', '{ log: [${1:1.0e-4}, ${2:1.0e-1}] }'],
    ['l2', '{ log: [${1:1.0e-5}, ${2:1.0}] }'], ['l1', '{ log: [${1:1.0e-6}, ${2:1.0e-2}] }'], ['batch', '[${1:32, 64, 128}]'],
    ['momentum', '{ range: [${1:0.5}, ${2:0.99}] }'], ['dropout', '{ range: [${1:0.0}, ${2:0.7}] }'], ['hidden', '{ int: [${1:20}, ${2:200}] }'],
    ['optimizer', '[${1:sgd, momentum, adam}]'], ['init', '[${1:xavier, he}]']],
};

/** A surface file's sections (surface:, start:, …), where they differ from a network's. */
const SURFACE_SECTION_KEYS: Record<string, [string, string][]> = {
  top: [['surface', 'list'], ['start', '[${1:-1.5}, ${2:2}]'], ['optimizer', 'list'],
    ['train', 'train:\n  steps: ${1:300}\n  noise: ${2:0}\n  seed: ${3:1}'], ['compare', 'compare:\n  optimizer: [${1:sgd, momentum, adam}]']],
  train: [['steps', '${1:300}'], ['noise', '${1:0.1}'], ['seed', '${1:1}']],
  compare: [['optimizer', '[${1:sgd, momentum, adam}]'], ['lr', '[${1:0.1, 0.01, 0.001}]'], ['seeds', '${1|3,5,1|}']],
};

/** Whether a model file's text is a surface file (a top-level `surface:` key), as parseModel decides. */
export function isSurfaceText(text: string): boolean {
  return /^["']?surface["']?[ \t]*:/m.test(text);
}

const SCHEDULE_KEYS: Record<string, [string, string][]> = {
  step: [['every', '${1:30}'], ['gamma', '${1:0.5}']],
  exp: [['gamma', '${1:0.95}']],
  cosine: [['min', '${1:0}']],
};

const OPTIMIZER_VALUE: Record<string, string> = {
  lr: '${1:0.001}', momentum: '${1:0.9}', decay: '${1:0.99}', beta1: '${1:0.9}', beta2: '${1:0.999}', eps: '${1:1e-8}', weight_decay: '${1:0.01}',
};

function dataKeys(siblings: Map<string, string | undefined>): [string, string][] {
  const common: [string, string][] = [['validation', '${1:0.2}'], ['seed', '${1:1}']];
  if (siblings.has('csv')) return [['label', '${1:label}'], ['target', '${1:column}'], ['normalize', 'list'], ['samples', '${1:0}'], ...common];
  if (siblings.has('idx') || siblings.has('cifar10')) return [['samples', '${1:0}'], ...common];
  const dataset = siblings.get('dataset');
  if (dataset === undefined) {
    return [['dataset', 'list'], ['csv', '${1:data/iris.csv}'], ['idx', '{ images: ${1:train-images-idx3-ubyte.gz}, labels: ${2:train-labels-idx1-ubyte.gz} }'], ['cifar10', '${1:data/cifar-10-batches-bin}'], ...common];
  }
  const keys: [string, string][] = [['samples', dataset === 'gaussian' ? '${1:1000}' : '${1:300}']];
  if (dataset === 'spiral' || dataset === 'blobs' || dataset === 'gaussian') keys.push(['classes', dataset === 'gaussian' ? '${1:10}' : '${1:3}']);
  if (['spiral', 'circles', 'moons', 'xor', 'blobs', 'sine', 'ripple'].includes(dataset)) keys.push(['noise', dataset === 'sine' ? '${1:0.1}' : dataset === 'ripple' ? '${1:0.05}' : '${1:0.2}']);
  if (dataset === 'gaussian') keys.push(['features', '${1:500}']);
  return [...keys, ...common];
}

function keysOf(section: string, siblings: Map<string, string | undefined>, surface: boolean): [string, string][] {
  if (surface && SURFACE_SECTION_KEYS[section]) return SURFACE_SECTION_KEYS[section];
  switch (section) {
    case 'data': return dataKeys(siblings);
    case 'optimizer': {
      const type = siblings.get('type');
      const names = type && type in OPTIMIZER_KEYS ? Object.keys(OPTIMIZER_KEYS[type as OptimizerName]) : [...new Set(Object.values(OPTIMIZER_KEYS).flatMap((k) => Object.keys(k)))];
      return [['type', 'list'], ...names.map((k): [string, string] => [k, OPTIMIZER_VALUE[k] ?? '${1}'])];
    }
    case 'schedule': {
      const type = siblings.get('type');
      return [['type', 'list'], ...(type && SCHEDULE_KEYS[type] ? SCHEDULE_KEYS[type] : Object.values(SCHEDULE_KEYS).flat())];
    }
    case 'layer': {
      const kind = [...siblings.keys()].find((k) => k in LAYER_DOCS && k !== 'activation');
      if (kind === 'dense' || kind === 'conv') return [['activation', 'list'], ['init', 'list']];
      if (kind === 'maxout') return [['init', 'list']];
      return [];
    }
    default: return SECTION_KEYS[section] ?? [];
  }
}

function valuesOf(section: string, key: string): [string, string | undefined][] {
  const list = <T extends string>(names: readonly T[], doc: (n: T) => string | undefined): [string, string | undefined][] => names.map((n) => [n, doc(n)]);
  if (key === 'activation' || (section === 'activation' && key === 'type')) return list(ACTIVATIONS, (n) => ACTIVATION_DOCS[n]);
  if ((section === 'top' && key === 'optimizer') || (section === 'optimizer' && key === 'type')) return list(OPTIMIZERS, optimizerDoc);
  if (key === 'init' && (section === 'top' || section === 'layer')) return list(INIT_SCHEMES, (n) => INIT_NOTES[n]);
  if ((section === 'top' && key === 'loss') || (section === 'loss' && key === 'type')) return list(LOSSES, (n) => LOSS_DOCS[n]);
  if (section === 'data' && key === 'dataset') return list(DATASETS, (n) => DATASET_DOCS[n]);
  if (section === 'top' && key === 'surface') return list(SURFACE_PRESETS, (n) => SURFACE_PRESET_DOCS[n]);
  if (section === 'data' && key === 'normalize') return list(NORMALIZE, (n) => NORMALIZE_DOCS[n]);
  if (section === 'schedule' && key === 'type') {
    return [
      ['step', vscode.l10n.t('lr·gamma every `every` epochs')],
      ['exp', vscode.l10n.t('lr·gamma after each epoch')],
      ['cosine', vscode.l10n.t('from lr down to `min` along a half cosine')],
    ];
  }
  if (section === 'init' && key === 'type') return [['normal', 'N(0, std²)'], ['uniform', vscode.l10n.t('U(−a, a) with a = std·√3, which has that standard deviation')]];
  if (section === 'pool' && key === 'type') return [['max', vscode.l10n.t('the largest value of each window (the usual)')], ['avg', vscode.l10n.t('the mean of each window')]];
  if (section === 'train' && key === 'batch') return [['full', vscode.l10n.t('the whole training set at each step (full-batch gradient descent)')]];
  return [];
}

/** What to offer at a context: keys of the section, layer kinds, or the values of a key (`surface`: in a surface file). */
export function suggestions(ctx: YamlContext, surface = false): Suggestion[] {
  const section = sectionOf(ctx.path);
  if (ctx.slot === 'value') {
    return valuesOf(section, ctx.key ?? '').map(([label, doc]) => ({ label, kind: 'value', insert: label, doc }));
  }
  const hasKind = [...ctx.siblings.keys()].some((k) => k in LAYER_DOCS);
  if (section === 'layers' || (section === 'layer' && !hasKind)) {
    const dash = section === 'layers' ? '- ' : '';
    return LAYER_SNIPPETS.map(([label, snippet]) => ({ label, kind: 'layer', insert: dash + snippet, doc: layerDoc(label), detail: snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1') }));
  }
  return keysOf(section, ctx.siblings, surface)
    .filter(([key]) => !ctx.siblings.has(key))
    .map(([key, value]) => {
      const block = value.includes('\n');
      const list = value === 'list';
      const insert = block ? value : list ? `${key}: ` : `${key}: ${value}`;
      return { label: key, kind: 'key', insert: ctx.flow && block ? `${key}: ` : insert, doc: keyDoc(section, key, surface), retrigger: list || value.endsWith('- ') };
    });
}

// ─── the provider ─────────────────────────────────────────────────────────────

const KINDS: Record<Suggestion['kind'], vscode.CompletionItemKind> = {
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  layer: vscode.CompletionItemKind.Class,
};

/**
 * Completion in model files (YAML; `.nn.json` files get theirs from the JSON schema): layer kinds
 * after `- ` in `layers:`, the values of activation, optimizer, init, dataset, loss, normalize and
 * the types of schedules and pools, and the keys of every section, each with what it means.
 */
export class ModelCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): vscode.CompletionItem[] | undefined {
    if (doc.languageId !== 'yaml') return undefined;
    const text = doc.getText();
    const ctx = yamlContext(text, doc.offsetAt(position));
    if (!ctx) return undefined;
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && ctx.prefix === '') {
      // A space opens the list only after `key: `, after `- `, and after `{ ` or `, ` in a flow mapping.
      const before = doc.lineAt(position.line).text.slice(0, position.character);
      if (!(ctx.slot === 'value' && /:\s$/.test(before)) && !/-\s$/.test(before) && !(ctx.flow && /[{,]\s$/.test(before))) return undefined;
    }
    const range = new vscode.Range(doc.positionAt(ctx.start), doc.positionAt(ctx.end));
    return suggestions(ctx, isSurfaceText(text)).map((s, i) => {
      const item = new vscode.CompletionItem(s.label, KINDS[s.kind]);
      item.insertText = new vscode.SnippetString(s.insert);
      item.range = range;
      item.sortText = String(i).padStart(3, '0');
      if (s.detail) item.detail = s.detail;
      if (s.doc) item.documentation = new vscode.MarkdownString(s.doc);
      if (s.retrigger) item.command = { title: vscode.l10n.t('Suggest'), command: 'editor.action.triggerSuggest' };
      return item;
    });
  }
}

export function registerCompletion(): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(MODEL_SELECTOR, new ModelCompletionProvider(), ' ');
}
