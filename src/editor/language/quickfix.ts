import * as vscode from 'vscode';
import { isMap, isScalar } from 'yaml';
import { closest } from '../../model/diagnostics';
import { readPartialModel } from '../../model/summary';
import { MODEL_SELECTOR, ModelDocuments } from '../models';
import { addItemAfter, Doc, pairOf, removeItem, removePair, setKey, span, type TextEdit } from './yaml-edits';

export type { TextEdit } from './yaml-edits';

export interface Fix { title: string; edits: TextEdit[]; preferred?: boolean }

/** A diagnostic as the model reader reports it: message and offsets. */
export interface Problem { message: string; start: number; end: number }

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
      return [{ title: vscode.l10n.t("Change '{0}' to '{1}'", wrong, right), edits: [{ start, end: start + wrong.length, text: right }], preferred: true }];
    }
  }
  const word = /^\s*["']?([\w.-]+)["']?\s*$/.exec(inRange);
  if (word && word[1] !== right && closest(word[1], [right]) === right) {
    const start = p.start + inRange.indexOf(word[1]);
    // `- desne` is a layer kind without its value: write the whole layer.
    const text = /^A layer is a mapping/.test(p.message) ? LAYER_EXAMPLES[right] ?? right : right;
    return [{ title: vscode.l10n.t("Change '{0}' to '{1}'", word[1], text), edits: [{ start, end: start + word[1].length, text }], preferred: true }];
  }
  // 'data' needs a source … Did you mean 'dataset'?: the misspelt key is inside the mapping under the range.
  const at = doc.pairAt(p.start);
  if (at && isMap(at.pair.value)) {
    for (const pair of at.pair.value.items) {
      const k = span(pair.key);
      if (k && isScalar(pair.key) && typeof pair.key.value === 'string' && pair.key.value !== right && closest(pair.key.value, [right]) === right) {
        const inner = doc.text.slice(k[0], k[1]).indexOf(pair.key.value);
        const start = k[0] + Math.max(0, inner);
        return [{ title: vscode.l10n.t("Change '{0}' to '{1}'", pair.key.value, right), edits: [{ start, end: start + pair.key.value.length, text: right }], preferred: true }];
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
    const title = same.includes(q)
      ? vscode.l10n.t('Set pad to {0} (output {1}, keeps the size)', q, out(stride, q))
      : vscode.l10n.t('Set pad to {0} (output {1})', q, out(stride, q));
    if (e) fixes.push({ title, edits: [e], preferred: fixes.length === 0 });
  }
  const padFixed = fixes.length > 0;
  if (stride !== 1) {
    const q = fits(1, pad) ? pad : Array.from({ length: k + 1 }, (_, i) => i).find((i) => fits(1, i));
    const edits = [setKey(doc, conv, 'stride', '1'), ...(q !== undefined && q !== pad ? [setKey(doc, conv, 'pad', String(q))] : [])];
    if (q !== undefined && edits.every((e) => e)) {
      const title = q !== pad
        ? vscode.l10n.t('Set stride to 1 and pad to {0} (output {1})', q, out(1, q))
        : vscode.l10n.t('Set stride to 1 (output {0})', out(1, q));
      fixes.push({ title, edits: edits as TextEdit[], preferred: !padFixed });
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
  const title = size > stride
    ? vscode.l10n.t('Set the pool size to {0}, stride {1} (overlapping windows, output {2})', size, stride, out)
    : vscode.l10n.t('Set the pool size to {0}, stride {1} (output {2})', size, stride, out);
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
    const title = kind === 'dense'
      ? vscode.l10n.t('Set dense to {0}, one score per class', classes)
      : vscode.l10n.t('Set maxout units to {0}, one score per class', classes);
    if (v) return [{ title, edits: [{ start: v[0], end: v[1], text: classes }], preferred: true }];
  }
  const e = addItemAfter(doc, at.seq, at.index, `dense: ${classes}`);
  return e ? [{ title: vscode.l10n.t("Add 'dense: {0}' at the end, one score per class", classes), edits: [e], preferred: true }] : [];
}

/**
 * A loss that does not fit the data: mse on class labels becomes softmax (or svm); softmax or svm
 * on numeric targets becomes mse. Only where the problem sits on the loss's name (a loss left to
 * its default is reported at 'data', and has no word to change).
 */
function lossFix(doc: Doc, p: Problem): Fix[] {
  const written = doc.text.slice(p.start, p.end);
  if (/^'mse' compares outputs with numeric targets/.test(p.message) && written === 'mse') {
    return [
      { title: vscode.l10n.t("Use 'softmax' (cross-entropy)"), edits: [{ start: p.start, end: p.end, text: 'softmax' }], preferred: true },
      { title: vscode.l10n.t("Use 'svm' (hinge loss)"), edits: [{ start: p.start, end: p.end, text: 'svm' }] },
    ];
  }
  if (/needs class labels, but .* has numeric targets/.test(p.message) && (written === 'softmax' || written === 'svm')) {
    return [{ title: vscode.l10n.t("Use 'mse' (mean squared error)"), edits: [{ start: p.start, end: p.end, text: 'mse' }], preferred: true }];
  }
  return [];
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
  return edits.length > 0 ? [{ title: vscode.l10n.t('Remove the activation after the last layer'), edits, preferred: true }] : [];
}

/** Small, certain fixes: the sample count the message names; a key that does not apply; a layer kind without its value. */
function otherFixes(doc: Doc, p: Problem): Fix[] {
  const samples = /^'samples' must give each of the \d+ classes at least 2 points; use at least (\d+)\./.exec(p.message);
  if (samples) return [{ title: vscode.l10n.t('Set samples to {0}', samples[1]), edits: [{ start: p.start, end: p.end, text: samples[1] }], preferred: true }];
  const drop = /remove '([\w.-]+)'\.$/.exec(p.message) ?? /^'([\w.-]+)' applies to /.exec(p.message);
  if (drop) {
    const at = doc.pairAt(p.start);
    const e = at ? removePair(doc, at.map, at.index) : undefined;
    return e ? [{ title: vscode.l10n.t("Remove '{0}'", drop[1]), edits: [e], preferred: true }] : [];
  }
  const needs = /'(\w+)' needs a value, e\.g\. '([^']+)'\./.exec(p.message);
  if (needs && doc.text.slice(p.start, p.end) === needs[1]) {
    return [{ title: vscode.l10n.t("Write '{0}'", needs[2]), edits: [{ start: p.start, end: p.end, text: needs[2] }], preferred: true }];
  }
  if (/^'flatten' takes no settings/.test(p.message)) {
    const at = doc.valueAt(p.start);
    const s = span(at?.map);
    if (at && s && at.map.items.length === 1) return [{ title: vscode.l10n.t("Write '- flatten'"), edits: [{ start: s[0], end: s[1], text: 'flatten' }], preferred: true }];
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
  return lossFix(doc, p);
}

// ─── the provider ─────────────────────────────────────────────────────────────

/**
 * Quick fixes for TrainLens's own diagnostics, each a WorkspaceEdit of the smallest span. The fixes
 * read the numbers and names a message quotes from its English words, whatever language it is shown in.
 */
export class ModelQuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly models = new ModelDocuments()) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) return actions;
    const text = doc.getText();
    for (const d of context.diagnostics) {
      if (d.source !== 'TrainLens') continue;
      const start = doc.offsetAt(d.range.start);
      const end = doc.offsetAt(d.range.end);
      for (const fix of fixesFor(text, { message: this.models.englishMessage(doc, d.message, start, end), start, end })) {
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

export function registerQuickFixes(models: ModelDocuments): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(MODEL_SELECTOR, new ModelQuickFixProvider(models), ModelQuickFixProvider.metadata);
}
