// ─── where the cursor is, from the text alone ─────────────────────────────────
// No vscode here: completion reads the cursor's place with it, the hover names sections with it.

/**
 * The YAML position of a cursor, read from indentation and the nearest parent keys, so it works on
 * partial text that does not parse: `path` leads from the root to the mapping being typed in ('-'
 * for a list item), `slot` says whether a key or the value of `key` is being typed.
 */
export interface YamlContext {
  path: string[];
  slot: 'key' | 'value';
  /** The key whose value is being typed (slot 'value'). */
  key?: string;
  /** The partial word before the cursor, and the offsets of the whole word to replace. */
  prefix: string;
  start: number;
  end: number;
  /** Keys already in the same mapping, with their scalar values. */
  siblings: Map<string, string | undefined>;
  /** The cursor is inside a flow collection (`{ … }` or `[ … ]`). */
  flow: boolean;
}

interface Line {
  text: string;
  /** Columns of the `- ` markers, outermost first. */
  dashes: number[];
  /** Column of the first character after indentation and dashes. */
  keyCol: number;
  key?: string;
  /** The scalar after `key:`, comments stripped ('' for none). */
  value?: string;
  blank: boolean;
}

const KEY = String.raw`(?:[A-Za-z_][\w.-]*|"[^"]*"|'[^']*')`;
const KEY_LINE = new RegExp(`^(${KEY})\\s*:(?:\\s+(.*))?$`);
const unquote = (k: string): string => (/^["']/.test(k) ? k.slice(1, -1) : k);

function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i);
    }
  }
  return s;
}

function readLine(raw: string, keepTrailing = false): Line {
  const stripped = stripComment(raw);
  const text = keepTrailing ? stripped : stripped.replace(/\s+$/, '');
  const dashes: number[] = [];
  let i = text.length - text.trimStart().length;
  while (text[i] === '-' && (i + 1 === text.length || text[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    while (text[i] === ' ') i++;
  }
  const rest = text.slice(i);
  const m = KEY_LINE.exec(rest);
  const blank = text.trim() === '' || text.trim() === '---' || text.trim() === '...';
  return { text, dashes, keyCol: i, key: m ? unquote(m[1]) : undefined, value: m ? (m[2] ?? '').trim() : undefined, blank };
}

/** The keys from the root to the sequence whose items have their dash at column d (line j is one item). */
function seqPath(lines: Line[], j: number, d: number): string[] {
  for (let i = j - 1; i >= 0; i--) {
    const L = lines[i];
    if (L.blank) continue;
    if (L.dashes.length > 0 && L.dashes[L.dashes.length - 1] === d) continue;
    if (L.keyCol > d || (L.dashes.length > 0 && L.dashes[0] > d)) continue;
    if (L.key !== undefined) return [...linePath(lines, i), L.key];
    return [];
  }
  return [];
}

/** The keys from the root to the mapping that holds line i's key. */
function linePath(lines: Line[], i: number): string[] {
  const L = lines[i];
  if (L.dashes.length > 0) return [...seqPath(lines, i, L.dashes[L.dashes.length - 1]), '-'];
  return containerPath(lines, i, L.keyCol);
}

/** The keys from the root to the mapping in which a key at column col on line li would be. */
function containerPath(lines: Line[], li: number, col: number): string[] {
  for (let i = li - 1; i >= 0; i--) {
    const L = lines[i];
    if (L.blank) continue;
    if (L.dashes.length > 0) {
      const d = L.dashes[L.dashes.length - 1];
      if (col <= d) continue;
      if (col <= L.keyCol || L.key === undefined) return [...seqPath(lines, i, d), '-'];
      return [...seqPath(lines, i, d), '-', L.key];
    }
    if (L.keyCol < col && L.key !== undefined) return [...containerPath(lines, i, L.keyCol), L.key];
    if (L.keyCol < col) return containerPath(lines, i, L.keyCol);
  }
  return [];
}

/** Keys of the block mapping at column col around line li (the item's first key included). */
function blockSiblings(lines: Line[], li: number, col: number): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const add = (L: Line): void => {
    if (L.key !== undefined) out.set(L.key, L.value || undefined);
  };
  if (lines[li].dashes.length === 0) {
    for (let i = li - 1; i >= 0; i--) {
      const L = lines[i];
      if (L.blank) continue;
      if (L.dashes.length > 0) {
        if (L.keyCol === col) add(L);
        if (L.dashes[L.dashes.length - 1] < col) break;
        continue;
      }
      if (L.keyCol < col) break;
      if (L.keyCol === col) add(L);
    }
  }
  for (let i = li + 1; i < lines.length; i++) {
    const L = lines[i];
    if (L.blank) continue;
    if (L.dashes.length > 0 ? L.dashes[0] < col : L.keyCol < col) break;
    if (L.dashes.length === 0 && L.keyCol === col) add(L);
  }
  return out;
}

interface Opener { ch: '{' | '['; key: string | undefined; at: number }

/** Unclosed `{` / `[` before the cursor on this line, each with the key it is the value of. */
function openers(before: string, from: number): Opener[] {
  const stack: Opener[] = [];
  let quote: string | undefined;
  for (let i = from; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '{' || c === '[') {
      // `key: {` is the value of key; `{` inside `[` is a list item; `- {` is the line's own item.
      const m = new RegExp(`(${KEY})\\s*:\\s*$`).exec(before.slice(0, i));
      const inList = stack.length > 0 && stack[stack.length - 1].ch === '[';
      stack.push({ ch: c, key: m ? unquote(m[1]) : inList ? '-' : undefined, at: i });
    } else if (c === '}' || c === ']') {
      stack.pop();
    }
  }
  return stack;
}

/** Keys already written in the flow mapping opened at `at` on this line. */
function flowSiblings(line: string, at: number): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  let depth = 0;
  let segment = '';
  const flush = (): void => {
    const m = new RegExp(`^\\s*(${KEY})\\s*:\\s*([^,{}\\[\\]]*?)\\s*$`).exec(segment);
    if (m) out.set(unquote(m[1]), m[2] ? unquote(m[2]) : undefined);
    segment = '';
  };
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    if ((c === '}' || c === ']') && depth-- === 0) break;
    if (c === ',' && depth === 0) flush();
    else if (depth === 0 && c !== '}' && c !== ']') segment += c;
  }
  flush();
  return out;
}

/** The YAML position at `offset`, or undefined inside a comment or where no completion makes sense. */
export function yamlContext(text: string, offset: number): YamlContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndRaw = text.indexOf('\n', offset);
  const lineEnd = lineEndRaw < 0 ? text.length : lineEndRaw;
  const lineIndex = text.slice(0, lineStart).split('\n').length - 1;
  const rawLines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const col = offset - lineStart;
  const raw = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  const before = raw.slice(0, col);
  if (stripComment(before).length < before.length) return undefined;
  // The line as far as the cursor stands for the line, so a half-typed key is read as being typed.
  const lines = rawLines.map((l) => readLine(l));
  const current = readLine(before, true);
  lines[lineIndex] = current;
  const wordAfter = /^[\w.-]*/.exec(raw.slice(col))![0];
  const prefix = /[\w.-]*$/.exec(before)![0];
  const start = offset - prefix.length;
  const end = offset + wordAfter.length;
  const base = { prefix, start, end };

  const stack = openers(before, current.keyCol);
  if (stack.length > 0) {
    // Inside `{ … }` or `[ … ]`: the path continues through each opener's key.
    const path = current.dashes.length > 0
      ? [...seqPath(lines, lineIndex, current.dashes[current.dashes.length - 1]), '-']
      : containerPath(lines, lineIndex, current.keyCol);
    for (const o of stack) if (o.key !== undefined) path.push(o.key);
    const inner = stack[stack.length - 1];
    const segment = before.slice(Math.max(inner.at, before.lastIndexOf(',')) + 1);
    if (inner.ch === '[') {
      return { ...base, path: path.slice(0, -1), slot: 'value', key: path[path.length - 1], siblings: new Map(), flow: true };
    }
    const siblings = flowSiblings(raw, inner.at);
    const kv = new RegExp(`^\\s*(${KEY})\\s*:\\s+(\\S*)$`).exec(segment);
    if (kv) return { ...base, path, slot: 'value', key: unquote(kv[1]), siblings, flow: true };
    if (/^\s*[\w.-]*$/.test(segment)) {
      siblings.delete(prefix + wordAfter);
      return { ...base, path, slot: 'key', siblings, flow: true };
    }
    return undefined;
  }

  const rest = before.slice(current.keyCol);
  const isItem = current.dashes.length > 0;
  const path = isItem ? [...seqPath(lines, lineIndex, current.dashes[current.dashes.length - 1]), '-'] : containerPath(lines, lineIndex, current.keyCol);
  const kv = new RegExp(`^(${KEY})\\s*:\\s+(\\S*)$`).exec(rest);
  if (kv) {
    const siblings = blockSiblings(lines, lineIndex, current.keyCol);
    return { ...base, path, slot: 'value', key: unquote(kv[1]), siblings, flow: false };
  }
  if (/^[\w.-]*$/.test(rest)) {
    const siblings = blockSiblings(lines, lineIndex, current.keyCol);
    siblings.delete(prefix + wordAfter);
    return { ...base, path, slot: 'key', siblings, flow: false };
  }
  return undefined;
}

/** A short name for where a path leads: 'top', 'data', 'train', 'schedule', 'optimizer', 'init', 'layers', 'layer', 'conv', …, 'activation', 'compare'. */
export function sectionOf(path: readonly string[]): string {
  if (path.length === 0) return 'top';
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === '-') return parent === 'layers' ? 'layer' : parent ?? 'top';
  return last;
}
