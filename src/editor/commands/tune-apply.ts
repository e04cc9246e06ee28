/**
 * "Apply best": the edits that write a tune trial's values into the model file, as one undoable
 * change. Each value goes where the file keeps it: lr and momentum into `optimizer:`, the rule's
 * name as Swap Optimizer writes it, init as Swap Init writes it, l2 / l1 / batch into `train:`,
 * dropout into the p of every `- dropout:` layer, hidden into the units of every dense layer but
 * the last (the output): the model the search trained (tune-sample's applyTrial). The values are
 * applied one after another, and after each the edited file is parsed: it must give the same model
 * with only that value changed, and at the end the trial's model, or nothing is written.
 * The result is the minimal edits from the original text to the final one (comments and layout
 * outside the changed values stay byte for byte). Pure functions (no vscode), never throw.
 */
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { Doc, pairOf, setKey, span } from '../language/yaml-edits';
import { applyEdits, swapInitEdits, swapOptimizerEdits, type TextEdit } from '../../model/edits';
import { OPTIMIZER_KEYS, parseModel } from '../../model/parse';
import type { InitScheme, ModelSpec, OptimizerName, OptimizerSpec } from '../../model/spec';
import { TUNE_PARAMS, type TrialParams, type TuneParam } from '../../model/tune';
import { hiddenDenseLayers } from '../../model/tune-parse';
import { applyTrial, usedParams } from '../../training/tune-sample';

/** A number as the model file writes it: exact (the shortest text that reads back as the same double), `1.0e-5` rather than `1e-5`. */
export function yamlNumber(v: number): string {
  const s = String(v);
  return /^-?\d+e/i.test(s) ? s.replace(/^(-?\d+)e/i, '$1.0e') : s;
}

/** The values written after the rule and its settings, in this order. */
const OTHER_STEPS = ['init', 'l2', 'l1', 'batch', 'dropout', 'hidden'] as const;

/** A model as comparable text: keys sorted at every level, so the order they were written in does not count. */
export function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
    : v));
}

/** The model with one step's part taken from the target (the trial's model), the rest as it is. */
function stepWant(spec: ModelSpec, target: ModelSpec, step: (typeof OTHER_STEPS)[number]): ModelSpec {
  switch (step) {
    case 'init': return { ...spec, init: target.init };
    case 'l2':
    case 'l1':
    case 'batch': return { ...spec, train: { ...spec.train, [step]: target.train[step] } };
    case 'dropout': return { ...spec, layers: spec.layers.map((l, i) => (l.kind === 'dropout' ? target.layers[i] : l)) };
    case 'hidden': return { ...spec, layers: spec.layers.map((l, i) => (l.kind === 'dense' ? target.layers[i] : l)) };
  }
}

/** Edits that write one step's value (computed on the current text). */
function stepEdits(text: string, spec: ModelSpec, step: (typeof OTHER_STEPS)[number], value: number | string): TextEdit[] | undefined {
  switch (step) {
    case 'init': return swapInitEdits(text, value as InitScheme);
    case 'l2':
    case 'l1':
    case 'batch': return trainKeyEdits(text, step, value as number);
    case 'dropout': return layerValueEdits(text, 'dropout', () => true, value as number);
    case 'hidden': {
      const hidden = new Set(hiddenDenseLayers(spec.layers));
      return layerValueEdits(text, 'dense', (i) => hidden.has(i), value as number);
    }
  }
}

/** The text and its model after some edits, or undefined when the result does not parse as a model. */
function edited(text: string, edits: TextEdit[] | undefined): { text: string; spec: ModelSpec } | undefined {
  if (!edits) return undefined;
  const next = applyEdits(text, edits);
  const spec = parseModel(next).spec;
  return spec && { text: next, spec };
}

/**
 * Makes the file's optimizer the trial's: the rule swapped as Swap Optimizer does, then each of
 * its settings that differs from the trial's written into the mapping. The model must then have
 * exactly the trial's optimizer and nothing else changed.
 */
function optimizerStep(text: string, spec: ModelSpec, want: OptimizerSpec): { text: string; spec: ModelSpec } | undefined {
  let cur: { text: string; spec: ModelSpec } | undefined = { text, spec };
  if (spec.optimizer.type !== want.type) cur = edited(text, swapOptimizerEdits(text, want.type));
  for (const [key, field] of Object.entries(OPTIMIZER_KEYS[want.type])) {
    if (!cur) return undefined;
    const value = (want as unknown as Record<string, number>)[field];
    if ((cur.spec.optimizer as unknown as Record<string, number>)[field] === value) continue;
    cur = edited(cur.text, optimizerKeyEdits(cur.text, want.type, key, value));
  }
  return cur && canonical(cur.spec) === canonical({ ...spec, optimizer: want }) ? cur : undefined;
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

/** What Apply best writes. */
export interface AppliedTrial {
  /** The minimal edits from the original text to the edited one (sorted, not overlapping). */
  edits: TextEdit[];
  /** The text once edited. */
  text: string;
  /** The values written, and the ones left out because the trial did not use them (momentum under adam). */
  applied: TuneParam[];
  skipped: TuneParam[];
}

/**
 * The edits that make the model file train as the trial did (the search's applyTrial of its
 * values), checked step by step (see the file comment), and at the end as a whole: the edited file
 * must give the trial's model, its `tune:` section aside. undefined when the file does not parse
 * as a model, or a value cannot be written so that the file reads back with exactly that change.
 */
export function applyTrialEdits(text: string, params: TrialParams): AppliedTrial | undefined {
  const original = parseModel(text).spec;
  if (!original) return undefined;
  const used = usedParams(original, params);
  const target = applyTrial(original, used);
  let cur: { text: string; spec: ModelSpec } | undefined = { text, spec: original };
  if (used.optimizer !== undefined || used.lr !== undefined || used.momentum !== undefined) {
    cur = optimizerStep(text, original, target.optimizer);
  }
  for (const step of OTHER_STEPS) {
    const value = used[step];
    if (!cur || value === undefined) continue;
    const want = stepWant(cur.spec, target, step);
    if (canonical(want) === canonical(cur.spec)) continue;
    const next = edited(cur.text, stepEdits(cur.text, cur.spec, step, value));
    cur = next && canonical(next.spec) === canonical(want) ? next : undefined;
  }
  if (!cur || canonical(withoutTune(cur.spec)) !== canonical(withoutTune(target))) return undefined;
  // A value the trial did not use (momentum under adam) or the model has no place for (dropout without a dropout layer).
  const placed = (p: TuneParam): boolean => used[p] !== undefined &&
    (p !== 'dropout' || original.layers.some((l) => l.kind === 'dropout')) && (p !== 'hidden' || hiddenDenseLayers(original.layers).length > 0);
  const applied = TUNE_PARAMS.filter((p) => placed(p));
  const skipped = TUNE_PARAMS.filter((p) => params[p] !== undefined && !placed(p));
  return { edits: minimalEdits(text, cur.text), text: cur.text, applied, skipped };
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
