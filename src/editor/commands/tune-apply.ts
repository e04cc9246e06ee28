/**
 * "Apply best": the edits that write a tune trial's values into the model file, as one undoable
 * change. Each value goes where the file keeps it: lr and momentum into `optimizer:`, the rule's
 * name as Swap Optimizer writes it, init as Swap Init writes it, l2 / l1 / batch into `train:`,
 * dropout into the p of every `- dropout:` layer, hidden into the units of every dense layer but
 * the last (the output). The values are applied one after another, and after each the edited file
 * is parsed: it must give the same model with only that value changed, or nothing is written.
 * The result is the minimal edits from the original text to the final one (comments and layout
 * outside the changed values stay byte for byte). Pure functions (no vscode), never throw.
 */
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { Doc, pairOf, setKey, span } from '../language/yaml-edits';
import { applyEdits, swapInitEdits, swapOptimizerEdits, type TextEdit } from '../../model/edits';
import { parseModel } from '../../model/parse';
import { INIT_SCHEMES, OPTIMIZERS, type InitScheme, type LayerSpec, type ModelSpec, type OptimizerName } from '../../model/spec';
import type { TrialParams, TuneParam } from '../../model/tune';

/** A number as the model file writes it: exact (the shortest text that reads back as the same double), `1.0e-5` rather than `1e-5`. */
export function yamlNumber(v: number): string {
  const s = String(v);
  return /^-?\d+e/i.test(s) ? s.replace(/^(-?\d+)e/i, '$1.0e') : s;
}

/** The order values are applied in: the rule first (it decides which optimizer keys exist), then its settings. */
const ORDER: readonly TuneParam[] = ['optimizer', 'lr', 'momentum', 'init', 'l2', 'l1', 'batch', 'dropout', 'hidden'];

/** Indices of the dense layers `hidden` sets: every dense layer but the last one (the output). */
export function hiddenDenseLayers(layers: readonly LayerSpec[]): number[] {
  const dense = layers.flatMap((l, i) => (l.kind === 'dense' ? [i] : []));
  return dense.slice(0, -1);
}

/** The model as the file would give it with one value set; undefined when the value does not fit the model. */
export function withParam(spec: ModelSpec, param: TuneParam, value: number | string): ModelSpec | undefined {
  const num = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  switch (param) {
    case 'optimizer':
      // The type exactly; the rule's other settings are checked apart (sameModel).
      return (OPTIMIZERS as readonly unknown[]).includes(value)
        ? { ...spec, optimizer: { ...spec.optimizer, type: value as OptimizerName } as ModelSpec['optimizer'] } : undefined;
    case 'lr':
      return num !== undefined && num > 0 ? { ...spec, optimizer: { ...spec.optimizer, lr: num } } : undefined;
    case 'momentum':
      return num !== undefined && 'momentum' in spec.optimizer ? { ...spec, optimizer: { ...spec.optimizer, momentum: num } } : undefined;
    case 'init':
      return (INIT_SCHEMES as readonly unknown[]).includes(value) ? { ...spec, init: { type: value as InitScheme } } : undefined;
    case 'l2':
    case 'l1':
      return num !== undefined && num >= 0 ? { ...spec, train: { ...spec.train, [param]: num } } : undefined;
    case 'batch':
      return num !== undefined && Number.isInteger(num) && num >= 1 ? { ...spec, train: { ...spec.train, batch: num } } : undefined;
    case 'dropout':
      return num !== undefined && spec.layers.some((l) => l.kind === 'dropout')
        ? { ...spec, layers: spec.layers.map((l) => (l.kind === 'dropout' ? { ...l, p: num } : l)) } : undefined;
    case 'hidden': {
      const hidden = new Set(hiddenDenseLayers(spec.layers));
      return num !== undefined && Number.isInteger(num) && num >= 1 && hidden.size > 0
        ? { ...spec, layers: spec.layers.map((l, i) => (hidden.has(i) && l.kind === 'dense' ? { ...l, units: num } : l)) } : undefined;
    }
  }
}

/** A model as comparable text. */
const canonical = (s: ModelSpec): string => JSON.stringify(s);

/** Edits that write one value, computed on the current text (before its check). */
function paramEdits(text: string, spec: ModelSpec, param: TuneParam, value: number | string): TextEdit[] | undefined {
  switch (param) {
    case 'optimizer': return swapOptimizerEdits(text, value as OptimizerName);
    case 'init': return swapInitEdits(text, value as InitScheme);
    case 'lr':
    case 'momentum': return optimizerKeyEdits(text, spec.optimizer.type, param, value as number);
    case 'l2':
    case 'l1':
    case 'batch': return trainKeyEdits(text, param, value as number);
    case 'dropout': return layerValueEdits(text, 'dropout', () => true, value as number);
    case 'hidden': {
      const hidden = new Set(hiddenDenseLayers(spec.layers));
      return layerValueEdits(text, 'dense', (i) => hidden.has(i), value as number);
    }
  }
}

/** `key: value` in the `optimizer:` mapping; a bare `optimizer: adam` is written out as `{ type: adam, key: value }`; none: one is added. */
function optimizerKeyEdits(text: string, rule: OptimizerName, key: string, value: number): TextEdit[] | undefined {
  const doc = new Doc(text);
  if (!isMap(doc.root)) return undefined;
  const pair = pairOf(doc.root, 'optimizer');
  const written = `{ type: ${rule}, ${key}: ${yamlNumber(value)} }`;
  if (!pair) return one(setKey(doc, doc.root, 'optimizer', written));
  if (isMap(pair.value)) return one(setKey(doc, pair.value, key, yamlNumber(value)));
  const s = isScalar(pair.value) ? span(pair.value) : undefined;
  return s && s[1] > s[0] ? [{ start: s[0], end: s[1], text: written }] : undefined;
}

/** `key: value` in the `train:` mapping, or a `train: { key: value }` added. */
function trainKeyEdits(text: string, key: string, value: number): TextEdit[] | undefined {
  const doc = new Doc(text);
  if (!isMap(doc.root)) return undefined;
  const pair = pairOf(doc.root, 'train');
  if (!pair) return one(setKey(doc, doc.root, 'train', `{ ${key}: ${yamlNumber(value)} }`));
  return isMap(pair.value) ? one(setKey(doc, pair.value, key, yamlNumber(value))) : undefined;
}

/** The value of `kind:` in the layers the test picks (by index in `layers:`). */
function layerValueEdits(text: string, kind: string, pick: (index: number) => boolean, value: number): TextEdit[] | undefined {
  const doc = new Doc(text);
  if (!isMap(doc.root)) return undefined;
  const layers = pairOf(doc.root, 'layers')?.value;
  if (!isSeq(layers)) return undefined;
  const edits: TextEdit[] = [];
  layers.items.forEach((item, i) => {
    if (!pick(i) || !isMap(item)) return;
    const p = pairOf(item as YAMLMap, kind) as Pair | undefined;
    const s = p && isScalar(p.value) ? span(p.value) : undefined;
    if (s) edits.push({ start: s[0], end: s[1], text: yamlNumber(value) });
  });
  return edits.length > 0 ? edits : undefined;
}

const one = (e: TextEdit | undefined): TextEdit[] | undefined => (e ? [e] : undefined);

/** What one value did, for the message after Apply best. */
export interface AppliedTrial {
  /** The minimal edits from the original text to the edited one (sorted, not overlapping). */
  edits: TextEdit[];
  /** The text once edited. */
  text: string;
  /** The values written, and the ones left out (the model has no place for them, e.g. momentum with adam). */
  applied: TuneParam[];
  skipped: TuneParam[];
}

/**
 * The edits that write a trial's values into the model file, checked value by value (see the file
 * comment). undefined when the file does not parse as a model, or a value cannot be written so
 * that the file reads back with exactly that change. A value the model has no place for (momentum
 * under adam, dropout without a dropout layer) is skipped and named. With `expected`, the edited
 * file must also give that model (the trial's own spec), the `tune:` section aside.
 */
export function applyTrialEdits(text: string, params: TrialParams, expected?: ModelSpec): AppliedTrial | undefined {
  const original = parseModel(text).spec;
  if (!original) return undefined;
  let current = text;
  let spec = original;
  const applied: TuneParam[] = [];
  const skipped: TuneParam[] = [];
  // A trial that swaps the rule keeps the file's learning rate unless it draws its own: written
  // out, so the new rule does not fall back to its default.
  const values: TrialParams = params.optimizer !== undefined && params.lr === undefined ? { ...params, lr: original.optimizer.lr } : params;
  for (const param of ORDER) {
    const value = values[param];
    if (value === undefined) continue;
    const want = withParam(spec, param, value);
    if (!want) {
      skipped.push(param);
      continue;
    }
    const edits = paramEdits(current, spec, param, value);
    if (!edits) return undefined;
    const next = applyEdits(current, edits);
    const after = parseModel(next).spec;
    if (!after || !sameModel(after, want, param)) return undefined;
    current = next;
    spec = after;
    if (params[param] !== undefined) applied.push(param);
  }
  if (expected && canonical(withoutTune(spec)) !== canonical(withoutTune(expected))) return undefined;
  return { edits: minimalEdits(text, current), text: current, applied, skipped };
}

/** After setting one value: the model is `want`; for the rule, its type is, and the rest of the model is unchanged. */
function sameModel(after: ModelSpec, want: ModelSpec, param: TuneParam): boolean {
  if (param !== 'optimizer') return canonical(after) === canonical(want);
  return after.optimizer.type === want.optimizer.type &&
    canonical({ ...after, optimizer: want.optimizer }) === canonical(want);
}

function withoutTune(s: ModelSpec): ModelSpec {
  const copy = { ...s } as ModelSpec & { tune?: unknown };
  delete copy.tune;
  return copy;
}

/** Splits text into lines that keep their line break. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * The edits that turn `before` into `after`: the lines that differ (a longest common subsequence
 * of lines), each changed run narrowed to the characters that differ. Sorted, not overlapping.
 */
export function minimalEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = lines(before);
  const b = lines(after);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const edits: TextEdit[] = [];
  let i = 0;
  let j = 0;
  let offset = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      offset += a[i++].length;
      j++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while ((i < n || j < m) && !(i < n && j < m && a[i] === b[j])) {
      if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(b[j++]);
      else removed.push(a[i++]);
    }
    edits.push(...hunkEdits(offset, removed, added));
    offset += removed.join('').length;
  }
  return edits;
}

/** A run of changed lines: line by line when as many lines came as went (values changed in place), else as one. */
function hunkEdits(start: number, removed: string[], added: string[]): TextEdit[] {
  if (removed.length !== added.length) return [narrow(start, removed.join(''), added.join(''))];
  let at = start;
  return removed.map((line, k) => {
    const e = narrow(at, line, added[k]);
    at += line.length;
    return e;
  });
}

/** A replacement of `removed` (at start) by `added`, without their common prefix and suffix. */
function narrow(start: number, removed: string, added: string): TextEdit {
  let p = 0;
  while (p < removed.length && p < added.length && removed[p] === added[p]) p++;
  let s = 0;
  while (s < removed.length - p && s < added.length - p && removed[removed.length - 1 - s] === added[added.length - 1 - s]) s++;
  return { start: start + p, end: start + removed.length - s, text: added.slice(p, added.length - s) };
}
