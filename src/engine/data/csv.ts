import * as l10n from '@vscode/l10n';
import { csvError, DataError } from './errors';

/** One record: its cells (quotes removed, `""` unescaped, not trimmed) and the line it starts on. */
export type CsvRecordSink = (cells: string[], line: number) => void;

const TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, COMMA = 44;
const enum State { Start, Unquoted, Quoted, QuoteSeen }

/**
 * An incremental CSV tokenizer (RFC 4180, comma-separated): push string chunks as they arrive,
 * split anywhere (inside a cell, inside quotes, between CR and LF), then end(). Rules:
 * - a cell that starts with `"` is quoted: it runs to the next lone `"`, may hold commas and line
 *   breaks, and `""` inside it is one `"`; spaces or tabs may follow the closing quote, anything
 *   else there is an error; a `"` inside an unquoted cell is an ordinary character;
 * - records end at LF, CRLF or a lone CR; lines are counted the same way (1-based), and a record
 *   reports the line it starts on;
 * - blank lines (nothing but spaces or tabs) are skipped; a UTF-8 byte-order mark is dropped;
 * - a control character other than tab (a NUL, say) means binary data: an error, not CSV text.
 */
export class CsvTokenizer {
  private state = State.Start;
  private cell = '';
  private cells: string[] = [];
  private hadQuote = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private lastCR = false;
  private begun = false;
  /** Characters pushed so far. */
  chars = 0;

  constructor(private readonly file: string, private readonly sink: CsvRecordSink) {}

  /** The line the text pushed so far ends on (1-based). */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: string): void {
    let s = chunk;
    if (!this.begun && s.length > 0) {
      this.begun = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    this.chars += s.length;
    const n = s.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Start: i = this.atStart(s, i); break;
        case State.Unquoted: i = this.inUnquoted(s, i, n); break;
        case State.Quoted: i = this.inQuoted(s, i, n); break;
        case State.QuoteSeen: i = this.afterQuote(s, i); break;
      }
    }
  }

  /** At the start of a cell: a line end, an empty cell, an opening quote, or the first character. Returns where to go on. */
  private atStart(s: string, i: number): number {
    const c = s.charCodeAt(i);
    if (c === CR || c === LF) {
      this.newline(c);
      if (this.cells.length > 0) this.finishCell(); // "a,⏎": the empty last cell
      this.endRecord();
      return i + 1;
    }
    this.lastCR = false;
    if (this.cells.length === 0 && this.cell === '') this.recordLine = this.line;
    if (c === COMMA) {
      this.finishCell();
      return i + 1;
    }
    if (c === QUOTE) {
      this.state = State.Quoted;
      this.hadQuote = true;
      this.quoteLine = this.line;
      return i + 1;
    }
    this.state = State.Unquoted;
    return i;
  }

  /** Inside an unquoted cell: up to the next comma or line end. */
  private inUnquoted(s: string, i: number, n: number): number {
    let j = i;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === COMMA || c === CR || c === LF) break;
      if (c < SPACE && c !== TAB) throw this.binary(c);
    }
    if (j > i) this.cell += s.slice(i, j);
    if (j === n) return j;
    const c = s.charCodeAt(j);
    this.finishCell();
    this.state = State.Start;
    if (c !== COMMA) {
      this.newline(c);
      this.endRecord();
    }
    return j + 1;
  }

  /** Inside a quoted cell: up to the next quote (line ends are part of the cell). */
  private inQuoted(s: string, i: number, n: number): number {
    let j = i;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === QUOTE) break;
      if (c === CR || c === LF) this.newline(c);
      else {
        this.lastCR = false;
        if (c < SPACE && c !== TAB) throw this.binary(c);
      }
    }
    if (j > i) this.cell += s.slice(i, j);
    if (j === n) return j;
    this.lastCR = false;
    this.state = State.QuoteSeen;
    return j + 1;
  }

  /** After a quote inside a quoted cell: a doubled quote, or the cell's end. */
  private afterQuote(s: string, i: number): number {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      this.cell += '"';
      this.state = State.Quoted;
    } else if (c === COMMA) {
      this.finishCell();
      this.state = State.Start;
    } else if (c === CR || c === LF) {
      this.newline(c);
      this.finishCell();
      this.endRecord();
      this.state = State.Start;
    } else if (c !== SPACE && c !== TAB) {
      throw csvError(this.file, this.line, l10n.t('text after the closing quote of a quoted cell (a quote inside a quoted cell is written "")'), this.cells.length + 1);
    }
    return i + 1;
  }

  /** The end of the input: emits the last record; an unclosed quote is an error. */
  end(): void {
    if (this.state === State.Quoted) {
      throw csvError(this.file, this.quoteLine, l10n.t('the quoted cell that starts here is never closed (a missing ")'), this.cells.length + 1);
    }
    if (this.state !== State.Start || this.cells.length > 0 || this.cell !== '') {
      this.finishCell();
      this.endRecord();
    }
    this.state = State.Start;
  }

  private newline(c: number): void {
    if (!(c === LF && this.lastCR)) this.line++;
    this.lastCR = c === CR;
  }

  private finishCell(): void {
    this.cells.push(this.cell);
    this.cell = '';
  }

  private endRecord(): void {
    const cells = this.cells;
    const blank = !this.hadQuote && (cells.length === 0 ? this.cell.trim() === '' : cells.length === 1 && cells[0].trim() === '');
    this.cells = [];
    this.cell = '';
    this.hadQuote = false;
    if (!blank) this.sink(cells, this.recordLine);
  }

  private binary(c: number): DataError {
    return csvError(this.file, this.line, l10n.t('binary data (a byte {0}): this is not a CSV text file', `0x${c.toString(16).padStart(2, '0')}`));
  }
}
