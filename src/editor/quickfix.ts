import * as vscode from 'vscode';
import { isMap, isScalar, parseDocument, visit, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { closest } from '../model/diagnostics';
import { readPartialModel } from '../model/summary';
import { MODEL_SELECTOR } from './models';

export interface TextEdit { start: number; end: number; text: string }
export interface Fix { title: string; edits: TextEdit[]; preferred?: boolean }

/** A diagnostic as the model reader reports it: message and offsets. */
export interface Problem { message: string; start: number; end: number }

type Span = [number, number];
const span = (n: unknown): Span | undefined => {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
};

/** The parsed document, and lookups by offset. */
class Doc {
  readonly root: unknown;
  constructor(readonly text: string) {
    try {
      this.root = parseDocument(text, { prettyErrors: false }).contents;
    } catch {
      this.root = undefined;
    }
  }

  /** The pair whose key starts at offset, with its map. */
  pairAt(offset: number): { map: YAMLMap; index: number; pair: Pair } | undefined {
    let found: { map: YAMLMap; index: number; pair: Pair } | undefined;
    visit(this.root as Node, {
      Map: (_, map) => {
        const index = map.items.findIndex((p) => span(p.key)?.[0] === offset);
        if (index >= 0) {
          found = { map, index, pair: map.items[index] as Pair };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  /** The pair whose value starts at offset, with its map. */
  valueAt(offset: number): { map: YAMLMap; pair: Pair } | undefined {
    let found: { map: YAMLMap; pair: Pair } | undefined;
    visit(this.root as Node, {
      Map: (_, map) => {
        const pair = map.items.find((p) => span(p.value)?.[0] === offset);
        if (pair) {
          found = { map, pair: pair as Pair };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  /** The list item that starts at offset, with its list. */
  itemAt(offset: number): { seq: YAMLSeq; index: number; item: unknown } | undefined {
    let found: { seq: YAMLSeq; index: number; item: unknown } | undefined;
    visit(this.root as Node, {
      Seq: (_, seq) => {
        const index = seq.items.findIndex((i) => span(i)?.[0] === offset);
        if (index >= 0) {
          found = { seq, index, item: seq.items[index] };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  /** Keys written quoted ("filters") in JSON files and JSON-style YAML. */
  quoteKey(map: YAMLMap, key: string): string {
    const first = map.items[0]?.key;
    const s = span(first);
    return s && this.text[s[0]] === '"' ? `"${key}"` : key;
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  lineEnd(offset: number): number {
    const i = this.text.indexOf('\n', offset);
    return i < 0 ? this.text.length : i;
  }
}

const pairOf = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;

/** Sets key to value in a mapping: replaces the value, or adds the pair (flow: `, key: v`; block: a new line). */
function setKey(doc: Doc, map: YAMLMap, key: string, value: string): TextEdit | undefined {
  const existing = pairOf(map, key);
  const v = span(existing?.value);
  if (existing && v) return { start: v[0], end: v[1], text: value };
  const last = map.items[map.items.length - 1] as Pair | undefined;
  const lastEnd = span(last?.value)?.[1] ?? span(last?.key)?.[1];
  if (!last || lastEnd === undefined) return undefined;
  const quoted = doc.quoteKey(map, key);
  if (map.flow) return { start: lastEnd, end: lastEnd, text: `, ${quoted}: ${value}` };
  const firstKey = span(map.items[0].key)![0];
  const indent = ' '.repeat(firstKey - doc.lineStart(firstKey));
  const at = doc.lineEnd(lastEnd);
  return { start: at, end: at, text: `\n${indent}${quoted}: ${value}` };
}

/** Removes a pair from its mapping, with its separator (flow) or its whole line(s) (block). */
function removePair(doc: Doc, map: YAMLMap, index: number): TextEdit | undefined {
  const pair = map.items[index] as Pair;
  const k = span(pair.key);
  const end = span(pair.value)?.[1] ?? k?.[1];
  if (!k || end === undefined) return undefined;
  if (map.flow) {
    if (index > 0) {
      const prevEnd = span((map.items[index - 1] as Pair).value)?.[1] ?? span((map.items[index - 1] as Pair).key)![1];
      return { start: prevEnd, end, text: '' };
    }
    const next = span((map.items[1] as Pair | undefined)?.key);
    return next ? { start: k[0], end: next[0], text: '' } : undefined;
  }
  const lineStart = doc.lineStart(k[0]);
  const ownLine = doc.text.slice(lineStart, k[0]).trim() === '';
  if (!ownLine) {
    // The first key of a list item (`- activation: relu`): the next key moves up beside the dash.
    const next = span((map.items[index + 1] as Pair | undefined)?.key);
    return next ? { start: k[0], end: next[0], text: '' } : undefined;
  }
  const lineEnd = doc.lineEnd(end);
  return { start: lineStart, end: Math.min(doc.text.length, lineEnd + 1), text: '' };
}

/** Removes a whole list item. */
function removeItem(doc: Doc, seq: YAMLSeq, index: number): TextEdit | undefined {
  const s = span(seq.items[index]);
  if (!s) return undefined;
  if (seq.flow) {
    const prev = index > 0 ? span(seq.items[index - 1]) : undefined;
    const next = span(seq.items[index + 1]);
    if (prev) return { start: prev[1], end: s[1], text: '' };
    return next ? { start: s[0], end: next[0], text: '' } : undefined;
  }
  const lineStart = doc.lineStart(s[0]);
  return { start: lineStart, end: Math.min(doc.text.length, doc.lineEnd(s[1] - 1) + 1), text: '' };
}

/** Adds `- dense: n` (or `{ dense: n }` in a flow list) after an item. */
function addItemAfter(doc: Doc, seq: YAMLSeq, index: number, layer: string): TextEdit | undefined {
  const s = span(seq.items[index]);
  if (!s) return undefined;
  if (seq.flow) return { start: s[1], end: s[1], text: `, { ${layer} }` };
  const lineStart = doc.lineStart(s[0]);
  const dash = doc.text.slice(lineStart, s[0]);
  const at = doc.lineEnd(Math.max(s[0], s[1] - 1));
  return { start: at, end: at, text: `\n${dash.replace(/[^\s-]/g, ' ')}${layer}` };
}

// ─── the fixes, by message ────────────────────────────────────────────────────

const LAYER_EXAMPLES: Record<string, string> = {
  dense: 'dense: 100', conv: 'conv: { filters: 16, size: 3, pad: 1 }', pool: 'pool: 2', dropout: 'dropout: 0.5',
  maxout: 'maxout: { units: 100, pieces: 2 }', activation: 'activation: relu',
};

/** "Did you mean 'x'?": the misspelt word becomes x. */
function didYouMeanFix(doc: Doc, p: Problem): Fix[] {
  const m = /Did you mean '([^']+)'\?/.exec(p.message);
  if (!m) return [];
  const right = m[1];
  const inRange = doc.text.slice(p.start, p.end);
  const quoted = [...p.message.matchAll(/'([^']+)'/g)].map((q) => q[1]).filter((w) => w !== right && /^[\w.-]+$/.test(w));
  for (const wrong of quoted.filter((w) => closest(w, [right]) === right)) {
    const at = new RegExp(`(^|[^\\w.-])(${wrong.replace(/[.-]/g, '\\$&')})(?![\\w.-])`).exec(inRange);
    if (at) {
      const start = p.start + at.index + at[1].length;
      return [{ title: `Change '${wrong}' to '${right}'`, edits: [{ start, end: start + wrong.length, text: right }], preferred: true }];
    }
  }
  const word = /^\s*["']?([\w.-]+)["']?\s*$/.exec(inRange);
  if (word && word[1] !== right && closest(word[1], [right]) === right) {
    const start = p.start + inRange.indexOf(word[1]);
    // `- desne` is a layer kind without its value: write the whole layer.
    const text = /^A layer is a mapping/.test(p.message) ? LAYER_EXAMPLES[right] ?? right : right;
    return [{ title: `Change '${word[1]}' to '${text}'`, edits: [{ start, end: start + word[1].length, text }], preferred: true }];
  }
  // 'data' needs a source … Did you mean 'dataset'?: the misspelt key is inside the mapping under the range.
  const at = doc.pairAt(p.start);
  if (at && isMap(at.pair.value)) {
    for (const pair of at.pair.value.items) {
      const k = span(pair.key);
      if (k && isScalar(pair.key) && typeof pair.key.value === 'string' && pair.key.value !== right && closest(pair.key.value, [right]) === right) {
        const inner = doc.text.slice(k[0], k[1]).indexOf(pair.key.value);
        const start = k[0] + Math.max(0, inner);
        return [{ title: `Change '${pair.key.value}' to '${right}'`, edits: [{ start, end: start + pair.key.value.length, text: right }], preferred: true }];
      }
    }
  }
  return [];
}

/** A conv whose output is not whole or whose window is larger than its input: the pad that fits, or stride 1. */
function convFix(doc: Doc, p: Problem): Fix[] {
  if (!/^conv (output .* is not whole|size \d+ is larger than)/.test(p.message)) return [];
  const item = doc.itemAt(p.start)?.item;
  const conv = isMap(item) ? pairOf(item, 'conv')?.value : undefined;
  if (!isMap(conv)) return [];
  const num = (k: string, fallback: number): number => {
    const v = pairOf(conv, k)?.value;
    return isScalar(v) && typeof v.value === 'number' ? v.value : fallback;
  };
  const k = num('size', NaN);
  const stride = num('stride', 1);
  const pad = num('pad', 0);
  const hw = inputSize(doc, p);
  if (!hw || !Number.isInteger(k)) return [];
  const [h, w] = hw;
  const fits = (s: number, q: number): boolean => [h, w].every((x) => x + 2 * q >= k && (x + 2 * q - k) % s === 0);
  const out = (s: number, q: number): string => `${(h + 2 * q - k) / s + 1}×${(w + 2 * q - k) / s + 1}`;
  const fixes: Fix[] = [];
  const pads = Array.from({ length: k + stride + 1 }, (_, q) => q).filter((q) => q !== pad && fits(stride, q));
  // With stride 1, the pad that keeps the size ((size − 1)/2) first; then the pad nearest the one written.
  const same = stride === 1 && pads.includes((k - 1) / 2) ? [(k - 1) / 2] : [];
  const nearest = pads.sort((a, b) => Math.abs(a - pad) - Math.abs(b - pad) || b - a).slice(0, 1);
  for (const q of [...new Set([...same, ...nearest])]) {
    const e = setKey(doc, conv, 'pad', String(q));
    const keeps = same.includes(q) ? ', keeps the size' : '';
    if (e) fixes.push({ title: `Set pad to ${q} (output ${out(stride, q)}${keeps})`, edits: [e], preferred: fixes.length === 0 });
  }
  const padFixed = fixes.length > 0;
  if (stride !== 1) {
    const q = fits(1, pad) ? pad : Array.from({ length: k + 1 }, (_, i) => i).find((i) => fits(1, i));
    const edits = [setKey(doc, conv, 'stride', '1'), ...(q !== undefined && q !== pad ? [setKey(doc, conv, 'pad', String(q))] : [])];
    if (q !== undefined && edits.every((e) => e)) {
      fixes.push({ title: `Set stride to 1${q !== pad ? ` and pad to ${q}` : ''} (output ${out(1, q)})`, edits: edits as TextEdit[], preferred: !padFixed });
    }
  }
  return fixes;
}

/** A pool whose windows do not tile its input: a window one larger at the same stride (overlapping pooling, as AlexNet's 3×3/2). */
function poolFix(doc: Doc, p: Problem): Fix[] {
  const m = /^pool output .* is not whole: size (\d+), stride (\d+)/.exec(p.message);
  const at = m ? doc.itemAt(p.start) : undefined;
  const hw = at ? inputSize(doc, p) : undefined;
  if (!m || !at || !hw || !isMap(at.item)) return [];
  const [k, stride] = [Number(m[1]), Number(m[2])];
  const fits = (size: number): boolean => hw.every((x) => x >= size && (x - size) % stride === 0);
  const size = [k + 1, k - 1].find((q) => q >= 2 && fits(q));
  const pair = pairOf(at.item, 'pool');
  if (size === undefined || !pair) return [];
  const out = hw.map((x) => (x - size) / stride + 1).join('×');
  const title = `Set the pool size to ${size}, stride ${stride} (${size > stride ? 'overlapping windows, ' : ''}output ${out})`;
  if (isMap(pair.value)) {
    const edits = [setKey(doc, pair.value, 'size', String(size)), setKey(doc, pair.value, 'stride', String(stride))];
    return edits.every((e) => e) ? [{ title, edits: edits as TextEdit[], preferred: true }] : [];
  }
  const v = span(pair.value);
  return v ? [{ title, edits: [{ start: v[0], end: v[1], text: `{ size: ${size}, stride: ${stride} }` }], preferred: true }] : [];
}

/** The conv's input height and width: from the layers before it, else from the message ("on 14×14", "its 3×3 input"). */
function inputSize(doc: Doc, p: Problem): [number, number] | undefined {
  const model = readPartialModel(doc.text);
  const i = model.layerRanges.findIndex(([s]) => s === p.start);
  const input = i >= 0 ? model.summary.layers[i].input : undefined;
  if (input && input.length === 3) return [input[1], input[2]];
  const m = /(?:on|its) (\d+)×(\d+)(?: input)?/.exec(p.message);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The last layer gives the wrong number of scores: set its units to the class count, or add `dense: C`. */
function outputsFix(doc: Doc, p: Problem): Fix[] {
  const m = /the data has (\d+) classes/.exec(p.message);
  if (!m || !/^The model ends with/.test(p.message)) return [];
  const classes = m[1];
  const at = doc.itemAt(p.start);
  if (!at) return [];
  const item = at.item;
  for (const kind of ['dense', 'maxout'] as const) {
    const pair = isMap(item) ? pairOf(item, kind) : undefined;
    if (!pair) continue;
    const target = kind === 'dense' ? pair.value : isMap(pair.value) ? pairOf(pair.value, 'units')?.value : undefined;
    const v = span(target);
    if (v) return [{ title: `Set ${kind === 'dense' ? 'dense' : 'maxout units'} to ${classes}, one score per class`, edits: [{ start: v[0], end: v[1], text: classes }], preferred: true }];
  }
  const e = addItemAfter(doc, at.seq, at.index, `dense: ${classes}`);
  return e ? [{ title: `Add 'dense: ${classes}' at the end, one score per class`, edits: [e], preferred: true }] : [];
}

/** mse on class labels: switch the loss. */
function mseFix(p: Problem): Fix[] {
  if (!/^'mse' compares outputs with target values/.test(p.message)) return [];
  return [
    { title: "Use 'softmax' (cross-entropy)", edits: [{ start: p.start, end: p.end, text: 'softmax' }], preferred: true },
    { title: "Use 'svm' (hinge loss)", edits: [{ start: p.start, end: p.end, text: 'svm' }] },
  ];
}

/** An activation after the last layer: remove it, so the scores stay raw. */
function lastActivationFix(doc: Doc, p: Problem): Fix[] {
  if (!/expects raw class scores; an activation after the last layer/.test(p.message)) return [];
  const at = doc.itemAt(p.start);
  if (!at) return [];
  const edits: TextEdit[] = [];
  // From the end back to the last layer with weights, every activation goes.
  for (let i = at.index; i >= 0; i--) {
    const item = at.seq.items[i];
    if (!isMap(item)) continue;
    const keys = item.items.map((q) => (isScalar(q.key) ? String(q.key.value) : ''));
    const weighted = keys.some((k) => ['dense', 'conv', 'maxout', 'pool'].includes(k));
    const a = keys.indexOf('activation');
    if (a >= 0) {
      const e = weighted || keys.length > 1 ? removePair(doc, item, a) : removeItem(doc, at.seq, i);
      if (e) edits.push(e);
    }
    if (weighted) break;
  }
  return edits.length > 0 ? [{ title: 'Remove the activation after the last layer', edits, preferred: true }] : [];
}

/** Small, certain fixes: the sample count the message names; a key that does not apply; a layer kind without its value. */
function otherFixes(doc: Doc, p: Problem): Fix[] {
  const samples = /^'samples' must give each of the \d+ classes at least 2 points; use at least (\d+)\./.exec(p.message);
  if (samples) return [{ title: `Set samples to ${samples[1]}`, edits: [{ start: p.start, end: p.end, text: samples[1] }], preferred: true }];
  const drop = /remove '([\w.-]+)'\.$/.exec(p.message) ?? /^'([\w.-]+)' applies to /.exec(p.message);
  if (drop) {
    const at = doc.pairAt(p.start);
    const e = at ? removePair(doc, at.map, at.index) : undefined;
    return e ? [{ title: `Remove '${drop[1]}'`, edits: [e], preferred: true }] : [];
  }
  const needs = /'(\w+)' needs a value, e\.g\. '([^']+)'\./.exec(p.message);
  if (needs && doc.text.slice(p.start, p.end) === needs[1]) {
    return [{ title: `Write '${needs[2]}'`, edits: [{ start: p.start, end: p.end, text: needs[2] }], preferred: true }];
  }
  if (/^'flatten' takes no settings/.test(p.message)) {
    const at = doc.valueAt(p.start);
    const s = span(at?.map);
    if (at && s && at.map.items.length === 1) return [{ title: "Write '- flatten'", edits: [{ start: s[0], end: s[1], text: 'flatten' }], preferred: true }];
  }
  return [];
}

/** Every fix for one problem of a model file. */
export function fixesFor(text: string, p: Problem): Fix[] {
  const doc = new Doc(text);
  if (doc.root === undefined) return [];
  for (const f of [didYouMeanFix, convFix, poolFix, outputsFix, lastActivationFix, otherFixes]) {
    const fixes = f(doc, p);
    if (fixes.length > 0) return fixes;
  }
  return mseFix(p);
}

// ─── the provider ─────────────────────────────────────────────────────────────

/** Quick fixes for TrainLens's own diagnostics, each a WorkspaceEdit of the smallest span. */
export class ModelQuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) return actions;
    const text = doc.getText();
    for (const d of context.diagnostics) {
      if (d.source !== 'TrainLens') continue;
      for (const fix of fixesFor(text, { message: d.message, start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end) })) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred ?? false;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerQuickFixes(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(MODEL_SELECTOR, new ModelQuickFixProvider(), ModelQuickFixProvider.metadata);
}
