/**
 * How a message quotes the input that caused it: a short excerpt, never the input itself. A file
 * of random bytes, a 10 KB line or a binary cell must not turn a one-line message into kilobytes.
 */

/** The most characters of input a message quotes (escapes count as the characters they print). */
export const EXCERPT_CHARS = 40;

/** Control, line- and paragraph-separator and bidirectional-formatting characters: shown escaped. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * At most `max` characters of `text` as a message shows them: control and invisible characters
 * escaped (`\n`, `\u0002`), longer text cut at a whole character and ended with `…`.
 */
export function excerpt(text: string, max = EXCERPT_CHARS, inQuotes = false): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const shown = INVISIBLE.test(ch) ? escapeChar(ch) : inQuotes && (ch === '"' || ch === '\\') ? `\\${ch}` : ch;
    const width = shown.length === 2 && ch.length === 2 ? 1 : shown.length; // a surrogate pair is one character
    if (used + width > max) return `${out}…`;
    out += shown;
    used += width;
  }
  return out;
}

/**
 * A path as a message shows it: whole when short, else `…` and its last `max` characters (where
 * the file's name is), invisible characters escaped as in `excerpt`.
 */
export function pathExcerpt(text: string, max = EXCERPT_CHARS): string {
  const chars = [...text];
  if (chars.length <= max) return excerpt(text, max);
  const end = excerpt(chars.slice(-max).join(''), max);
  return `…${end.endsWith('…') ? end.slice(0, -1) : end}`;
}

/** `excerpt` in double quotes, as data messages quote cells and column names (`"` and `\\` inside escaped, as in JSON). */
export function quoted(text: string, max = EXCERPT_CHARS): string {
  return `"${excerpt(text, max, true)}"`;
}

/**
 * A third-party message (the YAML parser's) with every double-quoted string in it cut to an
 * excerpt: the parser quotes the source text it stopped at, JSON-escaped, at any length.
 */
export function capQuotedInput(message: string, max = EXCERPT_CHARS): string {
  return message.replace(/"(?:[^"\\]|\\.)*"?/g, (q) => {
    let raw: string;
    try {
      raw = JSON.parse(q.endsWith('"') && q.length > 1 ? q : `${q}"`) as string;
    } catch {
      raw = q.slice(1, q.endsWith('"') && q.length > 1 ? -1 : undefined);
    }
    return quoted(raw, max);
  });
}
