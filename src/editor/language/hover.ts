import * as vscode from 'vscode';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { CsvTokenizer } from '../../engine/data/csv';
import type { Range } from '../../model/reader';
import { bytes, compact, grouped, readPartialModel, shapeText, summarizeLayers, type LayerSummary, type ModelSummary, type PartialModel } from '../../model/summary';
import { LAYER_DOCS, keyDoc, valueDoc } from './docs';
import { sectionOf } from './yaml-context';
import { dataPathChecker, isModelDocument, MODEL_SELECTOR, type ModelDocuments } from '../models';
import { circuitNodeAt } from '../../model/circuit-parse';
import type { CircuitGraph } from '../../engine/circuit/types';

// ─── the hover ────────────────────────────────────────────────────────────────

/** "300 parameters", "1 parameter", "? parameters". */
function parameters(n: number | undefined): string {
  if (n === undefined) return vscode.l10n.t('? parameters');
  return n === 1 ? vscode.l10n.t('1 parameter') : vscode.l10n.t('{0} parameters', grouped(n));
}

function flopsPerSample(n: number | undefined): string {
  return n === undefined ? vscode.l10n.t('? FLOPs/sample') : vscode.l10n.t('{0} FLOPs/sample', grouped(n));
}

/** "dense 100 · relu — 2 → 100, 300 parameters, 400 FLOPs/sample" */
export function layerLine(l: LayerSummary): string {
  const shapes = `${shapeText(l.input)} → ${shapeText(l.output)}`;
  return `${l.title} — ${shapes}, ${parameters(l.params)}, ${flopsPerSample(l.flops)}`;
}

export function totalsLines(s: ModelSummary): string[] {
  const lines: string[] = [];
  const input = s.data.input
    ? vscode.l10n.t('input {0} ({1})', shapeText(s.data.input), s.data.dataset)
    : vscode.l10n.t('input shape known once the {0} data is loaded', s.data.dataset);
  const targets = s.data.targets;
  const scores = targets !== undefined
    ? targets === 1 ? vscode.l10n.t('output {0} (1 numeric target)', shapeText(s.output)) : vscode.l10n.t('output {0} ({1} numeric targets)', shapeText(s.output), targets)
    : s.data.classes
      ? vscode.l10n.t('{0} scores, {1} classes', shapeText(s.output), s.data.classes)
      : vscode.l10n.t('{0} scores', shapeText(s.output));
  lines.push(`${input} → ${scores}`);
  lines.push(s.params === undefined
    ? vscode.l10n.t('parameters: ? (some layers cannot be sized yet)')
    : vscode.l10n.t('{0} ({1} in float32)', parameters(s.params), bytes(s.paramBytes!)));
  if (s.flops !== undefined) lines.push(vscode.l10n.t('{0} FLOPs per sample forward ({1}; ≈3× that to train)', compact(s.flops), grouped(s.flops)));
  return lines;
}

const FLOPS_NOTE = vscode.l10n.t('FLOPs = 2 × multiply-adds of the forward pass; biases and activations not counted.');

function layerHover(l: LayerSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(l.title)}** — ${escape(`${shapeText(l.input)} → ${shapeText(l.output)}`)}, `);
  md.appendMarkdown(`${parameters(l.params)}, ${flopsPerSample(l.flops)}\n\n`);
  if (l.kind) md.appendMarkdown(`${LAYER_DOCS[l.kind]}.\n\n`);
  if (l.paramLayout.length > 0) md.appendMarkdown(`${l.paramLayout.map(([n, size]) => `${n}: ${grouped(size)}`).join(' · ')}\n\n`);
  if (l.problem) md.appendMarkdown(`*${escape(l.problem)}*\n\n`);
  md.appendMarkdown(`<small>${FLOPS_NOTE}</small>`);
  md.supportHtml = true;
  return md;
}

function totalsHover(s: ModelSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`${s.layers.length === 1 ? vscode.l10n.t('**The model** — 1 layer') : vscode.l10n.t('**The model** — {0} layers', s.layers.length)}\n\n`);
  for (const line of totalsLines(s)) md.appendMarkdown(`- ${escape(line)}\n`);
  md.appendMarkdown('\n');
  md.appendCodeblock(s.layers.map((l) => `${String(l.index + 1).padStart(2)}  ${layerLine(l)}`).join('\n'), 'text');
  md.appendMarkdown(`<small>${FLOPS_NOTE}</small>`);
  md.supportHtml = true;
  return md;
}

// ─── a circuit file: a gate's or an input's forward value and gradient ──────────

/** A number as the hover writes it: at most 6 significant digits, a true minus sign. */
function num(v: number): string {
  return String(Number.isFinite(v) ? Number(v.toPrecision(6)) : v).replace('-', '\u2212');
}

export function circuitHover(graph: CircuitGraph, text: string, offset: number): vscode.MarkdownString | undefined {
  const n = circuitNodeAt(graph, text, offset);
  if (!n) return undefined;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escape(n.label)}** (${n.id}) — ${vscode.l10n.t('forward {0}, gradient ∂f/∂{1} = {2}', num(n.value), escape(n.id), num(n.grad))}\n\n`);
  if (n.inputs.length > 0) {
    const back = n.inputs.map((id, i) => `${escape(id)}: ${num(n.local[i])} × ${num(n.grad)} = ${num(n.local[i] * n.grad)}`).join(' · ');
    md.appendMarkdown(vscode.l10n.t('Local gradients times the gradient from above, sent back to each input: {0}', back));
  }
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

/** The part of a CSV file whose first row gives its columns. */
const CSV_HEAD_BYTES = 64 * 1024;
/** Larger CSV files are not read for a hover (there is no ranged read in workspace.fs). */
const CSV_HOVER_MAX_BYTES = 8 * 1024 * 1024;

/** An absolute path on any platform (`/data.csv`, `C:\\data.csv`, `\\\\server\\share`): data paths in a model are relative. */
function isAbsolutePath(p: string): boolean {
  return /^([\\/]|[A-Za-z]:)/.test(p);
}

/**
 * Hovers on a model file, as typed: a layer item shows its shapes, parameters and FLOPs; the
 * `layers:` key and the first line the model's totals; keys and values (optimizer, init, loss,
 * activations, …) what they mean. The health hover of a run (decorations.ts) adds to these.
 */
export class ModelHoverProvider implements vscode.HoverProvider {
  private cache: { uri: string; version: number; model: PartialModel } | undefined;
  private readonly csvColumns = new Map<string, { mtime: number; columns: number | undefined }>();
  /** The parsed documents, each version once (the circuit of a circuit file among them). */
  constructor(private readonly models: ModelDocuments) {}

  private async model(doc: vscode.TextDocument): Promise<PartialModel> {
    const uri = doc.uri.toString();
    if (this.cache?.uri === uri && this.cache.version === doc.version) return this.cache.model;
    let model = readPartialModel(doc.getText());
    // A CSV's columns are known from its first row: every column but the label (or the targets) is a feature.
    const csv = model.summary.data.csv;
    const file = csv && doc.uri.scheme !== 'untitled' && !isAbsolutePath(csv.path) ? vscode.Uri.joinPath(doc.uri, '..', csv.path) : undefined;
    // Only files the model may read (inside the workspace, symlinks followed: the parser's own
    // check), and only in a trusted workspace: an untrusted one reads no data at all.
    const check = file && vscode.workspace.isTrusted ? dataPathChecker(doc) : undefined;
    if (file && csv && check && check(csv.path, 'file') === undefined) {
      const columns = await this.columnsOf(file);
      const notFeatures = model.summary.data.targets ?? 1;
      if (columns !== undefined && columns > notFeatures) {
        const data = { ...model.summary.data, input: [columns - notFeatures] };
        model = { ...model, summary: summarizeLayers(data, model.layers) };
      }
    }
    this.cache = { uri, version: doc.version, model };
    return model;
  }

  /**
   * Cells in the first row of a CSV file (its first 64 KiB read), or undefined if it cannot be read
   * or is over CSV_HOVER_MAX_BYTES (workspace.fs reads whole files only).
   */
  private async columnsOf(file: vscode.Uri): Promise<number | undefined> {
    const key = file.toString();
    try {
      const { mtime, size } = await vscode.workspace.fs.stat(file);
      const hit = this.csvColumns.get(key);
      if (hit?.mtime === mtime) return hit.columns;
      if (size > CSV_HOVER_MAX_BYTES) return undefined;
      const bytes = (await vscode.workspace.fs.readFile(file)).subarray(0, CSV_HEAD_BYTES);
      let first: number | undefined;
      const tokenizer = new CsvTokenizer(file.path, (cells) => { first ??= cells.length; });
      tokenizer.push(new TextDecoder().decode(bytes));
      if (first === undefined && bytes.length < CSV_HEAD_BYTES) tokenizer.end();
      this.csvColumns.set(key, { mtime, columns: first });
      return first;
    } catch {
      return undefined;
    }
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isModelDocument(doc)) return undefined;
    const offset = doc.offsetAt(position);
    const circuit = this.models.get(doc).circuit;
    if (circuit) {
      const md = circuit.graph ? circuitHover(circuit.graph, doc.getText(), offset) : undefined;
      return md ? new vscode.Hover(md) : undefined;
    }
    // A surface file has no layers to total: what its keys and values (presets) mean.
    if (this.models.get(doc).surface) {
      const meaning = meaningAt(doc, offset, true);
      return meaning ? new vscode.Hover(meaning.md, meaning.range) : undefined;
    }
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
    const meaning = onLayersKey ? undefined : meaningAt(doc, offset, false);
    if (meaning) {
      parts.push(meaning.md);
      range ??= meaning.range;
    }
    // A layer: its shapes, parameters and FLOPs.
    const lineOf = (o: number): number => doc.positionAt(o).line;
    const index = model.layerRanges.findIndex(([s, e]) => position.line >= lineOf(s) && position.line <= lineOf(Math.max(s, e - 1)));
    const layer = index >= 0 ? model.summary.layers[index] : undefined;
    if (layer) parts.push(layerHover(layer));
    return parts.length > 0 ? new vscode.Hover(parts, range) : undefined;
  }
}

/** What the key or value under an offset means (`surface`: in a surface file), and where it is. */
function meaningAt(doc: vscode.TextDocument, offset: number, surface: boolean): { md: vscode.MarkdownString; range: vscode.Range } | undefined {
  const at = nodeAt(doc.getText(), offset);
  if (!at) return undefined;
  const section = sectionOf(at.path);
  const isKind = section === 'layer' && at.slot === 'key' && at.word in LAYER_DOCS;
  const text = at.slot === 'key' ? (isKind ? undefined : keyDoc(section, at.word, surface)) : valueDoc(section, at.key, at.word);
  return text ? { md: new vscode.MarkdownString(`**${escape(at.word)}** — ${text}`), range: toRange(doc, at.range) } : undefined;
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

export function registerHover(models: ModelDocuments): vscode.Disposable {
  return vscode.languages.registerHoverProvider(MODEL_SELECTOR, new ModelHoverProvider(models));
}
