import { isScalar, parseDocument, visit, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

import type { TextEdit } from '../../model/edits';

/** One replacement in a model file's text, by offsets (the model's own edit type). */
export type { TextEdit };

export type Span = [number, number];
export const span = (n: unknown): Span | undefined => {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
};

/** The parsed document, and lookups by offset. */
export class Doc {
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

export const pairOf = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;

/** Sets key to value in a mapping: replaces the value, or adds the pair (flow: `, key: v`; block: a new line). */
export function setKey(doc: Doc, map: YAMLMap, key: string, value: string): TextEdit | undefined {
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
export function removePair(doc: Doc, map: YAMLMap, index: number): TextEdit | undefined {
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
export function removeItem(doc: Doc, seq: YAMLSeq, index: number): TextEdit | undefined {
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
export function addItemAfter(doc: Doc, seq: YAMLSeq, index: number, layer: string): TextEdit | undefined {
  const s = span(seq.items[index]);
  if (!s) return undefined;
  if (seq.flow) return { start: s[1], end: s[1], text: `, { ${layer} }` };
  const lineStart = doc.lineStart(s[0]);
  const dash = doc.text.slice(lineStart, s[0]);
  const at = doc.lineEnd(Math.max(s[0], s[1] - 1));
  return { start: at, end: at, text: `\n${dash.replace(/[^\s-]/g, ' ')}${layer}` };
}
