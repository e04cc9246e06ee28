/** Small helpers for writing Python source text. */

/** A number as a Python literal: integers as written, others in JavaScript's shortest round-trip form (1e-8, 0.001). */
export function pyNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`pyNumber: ${x} has no Python literal here`);
  return String(x);
}

/** A string as a Python literal (JSON's escapes are Python's too). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** Text for a comment or docstring: one line, no triple quotes. */
export function pyText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/"""/g, '"');
}

/** Lines `code  # comment`, the comments aligned in one column (indent prefixed to each). */
export function aligned(rows: ReadonlyArray<readonly [code: string, comment?: string]>, indent: string): string[] {
  const width = Math.max(0, ...rows.filter(([, c]) => c).map(([code]) => code.length));
  return rows.map(([code, comment]) => (comment ? `${indent}${code.padEnd(width)}  # ${comment}` : `${indent}${code}`));
}
