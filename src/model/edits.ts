/**
 * Minimal text edits that change a model file's optimizer or init scheme, for the Swap Optimizer… and
 * Swap Init Scheme… commands. The host turns them into one WorkspaceEdit, so the change is undoable
 * and the user's comments, blank lines and formatting survive: only the spans that must change are
 * touched, and the rest of the file stays byte-identical. Pure functions (no vscode), never throw.
 *
 * How each form of `optimizer:` is handled (swapOptimizerEdits):
 * - a scalar (`optimizer: adam`, `"adam"`, `'adam'`): only the scalar is replaced, in the same quote style;
 * - a mapping with a `type` (flow `{ type: adam, lr: 0.001 }` or block, one pair a line): the `type` scalar is
 *   replaced; keys the new rule takes are kept as they are; keys of other rules are removed — in a flow map
 *   with the comma that separated them (`{ type: sgd, lr: 0.001 }`), or, when a pair sits on lines of its own
 *   (block maps, multi-line flow maps), as whole lines together with a comment at the end of them. Full-line
 *   comments are kept. Keys that no rule takes (typos) are left for the diagnostics to point at;
 * - a mapping without `type`: `type: <name>` is inserted as its first pair (after `{`, or as a line indented
 *   like the other pairs); if no pair would be left besides it, the whole value becomes the bare name;
 * - an empty value (`optimizer:`): the name is written after the colon;
 * - anything else (a list, an alias, a block scalar, an empty `{}`, a pair written as `? key`), or any form
 *   whose targeted edit would not give the expected document: the whole value is replaced by the bare name
 *   (a comment at the end of the `optimizer:` line is kept);
 * - no `optimizer:`: `optimizer: <name>` is appended as the last key of the top-level mapping (indented as its
 *   keys; before a `...` document end; inside the braces of a top-level flow mapping), using the file's line
 *   ending and adding a line break first when the file does not end with one.
 *
 * Every result is checked by parsing the edited text: it must be YAML without errors whose data equals the old
 * data except for the changed key. The edits are then sorted, non-overlapping and non-touching (edits that
 * would touch are merged). `undefined` means the file cannot be edited: it has YAML errors, holds several
 * documents, or its top level is not a mapping (an empty or comment-only file counts as an empty mapping);
 * also, rarely, when no edit checks out (say the value has an anchor that an alias elsewhere repeats).
 */
import { isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { INIT_SCHEMES, OPTIMIZERS, type InitScheme, type OptimizerName } from './spec';
import { OPTIMIZER_KEYS } from './parse';

/** Replace text[start, end) by text; offsets are into the original text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The keys each rule takes besides `type` (as parse.ts reads them). Going to another rule keeps the keys the
 * new rule shares: lr (all), momentum (momentum, nesterov), eps (adagrad, rmsprop, adam, adamw), beta1/beta2
 * (adam, adamw).
 */
export const OPTIMIZER_PARAMS = Object.fromEntries(
  OPTIMIZERS.map((name) => [name, Object.keys(OPTIMIZER_KEYS[name])]),
) as unknown as Readonly<Record<OptimizerName, readonly string[]>>;
const ANY_RULE_PARAM = new Set(Object.values(OPTIMIZER_PARAMS).flat());

/**
 * Edits that make the file's optimizer the named rule (see the file comment for each form). [] when it
 * already is; undefined when the file has YAML errors or its top level is not a mapping.
 */
export function swapOptimizerEdits(text: string, name: OptimizerName): TextEdit[] | undefined {
  if (!OPTIMIZERS.includes(name)) return undefined;
  return swapTopLevel(text, 'optimizer', name, (src, pair, old) => optimizerPlans(src, pair, old, name));
}

/**
 * Edits that make the file's top-level `init:` the named scheme: a scalar is replaced (same quote style); a
 * custom distribution `{ type: normal, std: 0.05 }` (flow or block) is replaced whole by the scheme's name,
 * keeping a comment at the end of the `init:` line; without `init:`, `init: <scheme>` is appended as for the
 * optimizer. Only the top-level key: `init:` overrides on layers are left alone. [] when nothing changes;
 * undefined when the file has YAML errors or its top level is not a mapping.
 */
export function swapInitEdits(text: string, scheme: InitScheme): TextEdit[] | undefined {
  if (!INIT_SCHEMES.includes(scheme)) return undefined;
  return swapTopLevel(text, 'init', scheme, (src, pair) => [valuePlan(src, pair, scheme)]);
}

/** The text with the edits applied (sorted, non-overlapping edits, offsets into the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) throw new RangeError(`Bad edit [${e.start}, ${e.end}) at ${at}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

// ─── the common frame ─────────────────────────────────────────────────────────

/** Edits and what the key's value must read as (in plain data) once they are applied. */
interface Plan {
  edits: TextEdit[];
  expected: unknown;
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

/** Plans in order of preference, given the key's pair and its old value as plain data. */
type PlanMaker = (src: Source, pair: Pair, old: unknown) => (Plan | undefined)[];

function swapTopLevel(text: string, key: string, value: string, plans: PlanMaker): TextEdit[] | undefined {
  try {
    const doc = parseDocument(text, PARSE_OPTIONS);
    if (doc.errors.length > 0) return undefined;
    const root = doc.contents;
    if (root !== null && !isMap(root)) return undefined;
    const before = root === null ? {} : doc.toJS();
    if (!isPlainObject(before)) return undefined;
    const src = new Source(text);
    const pair = root?.items.find((p) => isScalar(p.key) && p.key.value === key);
    // Plans in order of preference; the first whose result checks out wins. wholePlan always comes last.
    const candidates = pair ? [...plans(src, pair, before[key]), wholePlan(src, pair, value)] : [appendPlan(src, root, key, value)];
    for (const plan of candidates) {
      if (!plan) continue;
      const edits = normalize(plan.edits);
      if (edits && check(text, edits, before, key, plan.expected)) return edits;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** True when the edited text is YAML without errors whose data is the old data with key set to expected. */
function check(text: string, edits: TextEdit[], before: Record<string, unknown>, key: string, expected: unknown): boolean {
  if (edits.length === 0) return deepEqual(before[key], expected);
  const doc = parseDocument(applyEdits(text, edits), PARSE_OPTIONS);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return false;
  return deepEqual(doc.toJS(), { ...before, [key]: expected });
}

/** Sorted; touching edits merged; overlapping deletions merged; undefined if edits that write text overlap. */
function normalize(edits: TextEdit[]): TextEdit[] | undefined {
  const sorted = edits
    .filter((e) => e.start !== e.end || e.text !== '')
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) {
      if (last.text !== '' || e.text !== '') return undefined;
      last.end = Math.max(last.end, e.end);
    } else if (last && e.start === last.end) {
      last.end = e.end;
      last.text += e.text;
    } else {
      out.push({ ...e });
    }
  }
  return out;
}

// ─── plans ────────────────────────────────────────────────────────────────────

function optimizerPlans(src: Source, pair: Pair, old: unknown, name: OptimizerName): (Plan | undefined)[] {
  const v = pair.value;
  if (!isMap(v)) return [valuePlan(src, pair, name)];
  const typePair = v.items.find((p) => isScalar(p.key) && p.key.value === 'type');
  const drop = v.items.map((p) => {
    const k = isScalar(p.key) ? p.key.value : undefined;
    return typeof k === 'string' && ANY_RULE_PARAM.has(k) && !OPTIMIZER_PARAMS[name].includes(k);
  });
  if (!typePair && drop.every(Boolean)) return []; // nothing left beside the new type: the bare name reads better
  if (!isPlainObject(old)) return [];
  const expected: Record<string, unknown> = {};
  v.items.forEach((p, i) => {
    const k = isScalar(p.key) ? String(p.key.value) : undefined;
    if (!drop[i] && k !== undefined && k in old) expected[k] = old[k];
  });
  expected.type = name;
  const edits = v.flow ? flowMapEdits(src, v, typePair, drop, name) : blockMapEdits(src, v, typePair, drop, name);
  return [edits && { edits, expected }];
}

/** The pair's value made the bare name: a scalar replaced in its quote style, an empty value filled in. */
function valuePlan(src: Source, pair: Pair, name: string): Plan | undefined {
  const edits = setValueEdits(src, pair, name);
  return edits && { edits, expected: name };
}

function setValueEdits(src: Source, pair: Pair, name: string): TextEdit[] | undefined {
  const v = pair.value as Node | null;
  const range = v?.range;
  if (!v || !range || (isScalar(v) && range[0] === range[1])) {
    const colon = src.colonAfter(pair.key as Node | null);
    return colon === undefined ? undefined : [{ start: colon + 1, end: colon + 1, text: ` ${name}` }];
  }
  if (isScalar(v)) {
    const quoted = v.type === 'QUOTE_DOUBLE' ? `"${name}"` : v.type === 'QUOTE_SINGLE' ? `'${name}'` : v.type === 'PLAIN' ? name : undefined;
    if (quoted !== undefined) return src.text.slice(range[0], range[1]) === quoted ? [] : [{ start: range[0], end: range[1], text: quoted }];
  }
  return wholeValueEdits(src, pair, name);
}

/** Any value replaced by the bare name; a comment at the end of the key's line stays. */
function wholePlan(src: Source, pair: Pair, name: string): Plan | undefined {
  const v = pair.value as Node | null;
  const edits = v?.range && !(isScalar(v) && v.range[0] === v.range[1]) ? wholeValueEdits(src, pair, name) : setValueEdits(src, pair, name);
  return edits && { edits, expected: name };
}

function wholeValueEdits(src: Source, pair: Pair, name: string): TextEdit[] | undefined {
  const { text } = src;
  const key = pair.key as Node | null;
  const range = (pair.value as Node | null)?.range;
  if (!key?.range || !range) return undefined;
  const keyEnd = key.range[1];
  const start = range[0];
  let end = range[1];
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  if (!text.slice(keyEnd, start).includes('\n')) return [{ start, end, text: name }];
  // The value starts on a later line (a block mapping or list): the name goes on the key's line, before a
  // comment there, and the lines of the old value go.
  const lineEnd = src.lineContentEnd(keyEnd);
  const comment = src.commentStart(keyEnd, lineEnd);
  let contentEnd = comment ?? lineEnd;
  while (contentEnd > keyEnd && (text[contentEnd - 1] === ' ' || text[contentEnd - 1] === '\t')) contentEnd--;
  return [
    { start: contentEnd, end: contentEnd, text: ` ${name}` },
    { start: lineEnd, end, text: '' },
  ];
}

function appendPlan(src: Source, root: YAMLMap | null, key: string, value: string): Plan | undefined {
  const { text, eol } = src;
  const line = `${key}: ${value}`;
  if (root?.flow) {
    const last = root.items[root.items.length - 1];
    if (!last) {
      const open = root.range?.[0];
      return open !== undefined && text[open] === '{' ? { edits: [{ start: open + 1, end: open + 1, text: ` ${line} ` }], expected: value } : undefined;
    }
    const end = pairEnd(last);
    return end === undefined ? undefined : { edits: [{ start: end, end, text: `, ${line}` }], expected: value };
  }
  let indent = '';
  let at = text.length;
  if (root?.range) {
    const first = root.range[0];
    indent = text.slice(src.lineStart(first), first).replace(/^\ufeff/, '');
    if (!/^[ \t]*$/.test(indent)) return undefined;
    // Before an explicit document end ('...'), if there is one.
    const docEnd = /^\.\.\.(?=[ \t]|\r?\n|$)/m.exec(text.slice(root.range[2]));
    if (docEnd) at = root.range[2] + docEnd.index;
  }
  const lead = at > 0 && text[at - 1] !== '\n' ? eol : '';
  return { edits: [{ start: at, end: at, text: `${lead}${indent}${line}${eol}` }], expected: value };
}

// ─── optimizer mappings ───────────────────────────────────────────────────────

/** Where a pair ends in the text (its value's end, or its key's when it has no value). */
function pairEnd(p: Pair): number | undefined {
  const k = (p.key as Node | null)?.range;
  const v = (p.value as Node | null)?.range;
  if (!k) return undefined;
  return v ? Math.max(k[1], v[1]) : k[1];
}

function flowMapEdits(src: Source, map: YAMLMap, typePair: Pair | undefined, drop: boolean[], name: string): TextEdit[] | undefined {
  const { text } = src;
  const edits: TextEdit[] = [];
  if (typePair) {
    const set = setValueEdits(src, typePair, name);
    if (!set) return undefined;
    edits.push(...set);
  } else {
    const open = map.range?.[0];
    if (open === undefined || text[open] !== '{') return undefined;
    const spaced = /[ \t\r\n]/.test(text[open + 1] ?? '');
    edits.push({ start: open + 1, end: open + 1, text: spaced ? ` type: ${name},` : `type: ${name}, ` });
  }
  const starts: number[] = [];
  const ends: number[] = [];
  for (const p of map.items) {
    const s = (p.key as Node | null)?.range?.[0];
    const e = pairEnd(p);
    if (s === undefined || e === undefined) return undefined;
    starts.push(s);
    ends.push(e);
  }
  const n = map.items.length;
  const gapHasComment = (a: number, b: number): boolean => text.slice(ends[a], starts[b]).includes('#');
  // A pair alone on its line(s), followed by its comma (or last), goes with its lines and their end comment.
  const ownLines = (i: number): boolean => {
    const ls = src.lineStart(starts[i]);
    if (!/^[ \t]*$/.test(text.slice(ls, starts[i]))) return false;
    const rest = text.slice(ends[i], src.lineContentEnd(ends[i]));
    const m = /^[ \t]*(,)?(?:[ \t]*|[ \t]+#.*)$/.exec(rest);
    return !!m && (m[1] !== undefined || i === n - 1);
  };
  for (let i = 0; i < n; i++) {
    if (!drop[i]) continue;
    let j = i;
    while (j + 1 < n && drop[j + 1]) j++;
    const run = Array.from({ length: j - i + 1 }, (_, k) => i + k);
    if (run.every(ownLines)) {
      for (const k of run) edits.push({ start: src.lineStart(starts[k]), end: src.nextLineStart(ends[k]), text: '' });
    } else {
      const hasBefore = i > 0;
      const hasAfter = j + 1 < n;
      // With the comma before the run (`, beta1: 0.8`), or the one after it (`beta1: 0.8, `); whichever
      // keeps the comments between pairs.
      const leading = hasBefore && (!gapHasComment(i - 1, i) || !hasAfter || gapHasComment(j, j + 1));
      if (leading) edits.push({ start: ends[i - 1], end: ends[j], text: '' });
      else if (hasAfter) edits.push({ start: starts[i], end: starts[j + 1], text: '' });
      else return undefined;
    }
    i = j;
  }
  return edits;
}

function blockMapEdits(src: Source, map: YAMLMap, typePair: Pair | undefined, drop: boolean[], name: string): TextEdit[] | undefined {
  const { text, eol } = src;
  const edits: TextEdit[] = [];
  const lineStarts: number[] = [];
  for (const p of map.items) {
    const s = (p.key as Node | null)?.range?.[0];
    if (s === undefined) return undefined;
    const ls = src.lineStart(s);
    if (!/^[ \t]*$/.test(text.slice(ls, s))) return undefined; // `? key` and other odd layouts
    lineStarts.push(ls);
  }
  if (typePair) {
    const set = setValueEdits(src, typePair, name);
    if (!set) return undefined;
    edits.push(...set);
  } else {
    const first = (map.items[0].key as Node).range![0];
    edits.push({ start: lineStarts[0], end: lineStarts[0], text: `${text.slice(lineStarts[0], first)}type: ${name}${eol}` });
  }
  map.items.forEach((p, i) => {
    if (!drop[i]) return;
    const end = pairEnd(p)!;
    edits.push({ start: lineStarts[i], end: text[end - 1] === '\n' ? end : src.nextLineStart(end), text: '' });
  });
  return edits;
}

// ─── text helpers ─────────────────────────────────────────────────────────────

class Source {
  /** The file's line ending, from its first line break. */
  readonly eol: string;

  constructor(readonly text: string) {
    const nl = text.indexOf('\n');
    this.eol = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
  }

  lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** Where the line holding pos ends, before its \n or \r\n. */
  lineContentEnd(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    if (nl < 0) return this.text.length;
    return nl > pos && this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  /** The start of the line after the one holding pos (the text's end on the last line). */
  nextLineStart(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    return nl < 0 ? this.text.length : nl + 1;
  }

  /** A '#' after whitespace in [from, to): where a comment starts. */
  commentStart(from: number, to: number): number | undefined {
    for (let i = from; i < to; i++) {
      if (this.text[i] === '#' && (i === 0 || /[ \t]/.test(this.text[i - 1]))) return i;
    }
    return undefined;
  }

  /** The ':' after a key (only spaces between), or undefined. */
  colonAfter(key: Node | null): number | undefined {
    const end = key?.range?.[1];
    if (end === undefined) return undefined;
    let i = end;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return this.text[i] === ':' ? i : undefined;
  }
}

// ─── data comparison ──────────────────────────────────────────────────────────

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Map) && !(x instanceof Set);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof Map || b instanceof Map || a instanceof Set || b instanceof Set) {
    const entries = (x: unknown): unknown[] => (x instanceof Map || x instanceof Set ? [...x.entries()] : [x]);
    return (a instanceof Map) === (b instanceof Map) && (a instanceof Set) === (b instanceof Set) && deepEqual(entries(a), entries(b));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
