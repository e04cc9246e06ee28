import * as l10n from '@vscode/l10n';
import { CsvTokenizer } from './csv';
import { csvError, DataError, memoryProblem } from './errors';
import { excerpt, quoted } from '../excerpt';
import { regressionSet, type Dataset } from './dataset';

/** More classes than this is taken for a wrong label column. */
export const MAX_CLASSES = 1000;

export interface CsvOptions {
  /** The file as written in the model file, for messages. */
  file: string;
  /** The label column: its header name, or its 0-based index (negative from the end, −1 = last). */
  label: string | number;
  /**
   * Regression: the numeric columns to predict, named as `label` is; given, `label` is not used
   * and the set has targets instead of classes.
   */
  target?: ReadonlyArray<string | number>;
  /** Keep only the first this many data rows (0 or absent: all). */
  maxRows?: number;
  /** The most the features may take as float32, in bytes (absent: no limit); a row past it is an error. */
  memoryLimit?: number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** The number a cell holds (spaces around it allowed), or undefined: strict decimal notation only. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/**
 * Reads a CSV file pushed in chunks into a Dataset (shape [features]):
 *
 * - Header: the first row is a header when, in some column, its cell is not a number while the
 *   second row's cell is one (`sepal_length` over `5.1`). Otherwise every row is data. A file of
 *   one row is a lone header when the label (or a target) is given by name or no cell of it is a number.
 * - Label: by header name (needs a header) or 0-based index, negative from the end (−1 = last).
 *   Every other column is a feature and must hold a finite number in every row.
 * - Targets (regression, `target` given instead of the label): the columns named as the label is;
 *   each must hold a finite number in every row, kept as read (not normalized), so errors stay in
 *   the targets' units. Every other column is a feature.
 * - Classes: when every label is a whole number ≥ 0 (`0`, `3`, `2.0`), it is the class index
 *   (classes = the largest + 1). Otherwise each distinct label text (trimmed) is a class, and the
 *   classes are numbered in sorted order — by value when all labels are numbers (−1 before 1),
 *   else by UTF-16 code units — so the numbering does not depend on the row order; `labelNames`
 *   lists them.
 * - Errors name the file, the line (1-based, where the row starts) and the column (header name,
 *   else its 1-based index): ragged rows, empty cells, non-numbers, NaN/Infinity, values past
 *   the float32 range, more than MAX_CLASSES labels, the first row past the memory limit.
 */
export class CsvDatasetReader {
  /** Chunks pushed so far. */
  chunks = 0;
  private readonly tokenizer: CsvTokenizer;
  private first: { cells: string[]; line: number } | undefined;
  private names: string[] | undefined;
  private columns = 0;
  private labelColumn = -1;
  /** Regression: the target columns, in the order `target` lists them; role[j]: 1 feature, 0 label, 2 target. */
  private targetColumns: number[] = [];
  private role = new Uint8Array(0);
  private t = new Float32Array(256);
  private rows = 0;
  private x = new Float32Array(1024);
  private ids = new Int32Array(256);
  private readonly labelIds = new Map<string, number>();
  private readonly labelTexts: string[] = [];
  private readonly maxRows: number;

  constructor(private readonly o: CsvOptions) {
    this.maxRows = o.maxRows && o.maxRows > 0 ? o.maxRows : Infinity;
    this.tokenizer = new CsvTokenizer(o.file, (cells, line) => this.record(cells, line));
  }

  /** The line the text pushed so far ends on (1-based). */
  get line(): number {
    return this.tokenizer.currentLine;
  }

  /** True once maxRows data rows are in: the rest of the file need not be read. */
  get full(): boolean {
    return this.rows >= this.maxRows;
  }

  push(chunk: string): void {
    this.chunks++;
    if (!this.full) this.tokenizer.push(chunk);
  }

  end(): Dataset {
    if (!this.full) this.tokenizer.end();
    if (this.columns === 0) {
      if (!this.first) {
        throw new DataError(this.tokenizer.chars === 0 ? l10n.t('{0}: the file is empty', this.o.file) : l10n.t('{0}: no rows, only blank lines', this.o.file), this.o.file);
      }
      const { cells, line } = this.first;
      const byName = this.o.target ? this.o.target.some((t) => typeof t === 'string') : typeof this.o.label === 'string';
      const lone = byName || cells.every((c) => parseNumber(c) === undefined);
      this.setColumns(cells, line, lone);
      if (lone) throw new DataError(l10n.t('{0}: only a header row (line {1}), no data rows', this.o.file, line), this.o.file, line);
      this.addRow(cells, line);
    }
    return this.finish();
  }

  private record(cells: string[], line: number): void {
    if (this.full) return;
    if (this.columns === 0) {
      if (!this.first) {
        this.first = { cells, line };
        return;
      }
      const first = this.first;
      if (cells.length !== first.cells.length) {
        throw csvError(this.o.file, line, l10n.t('{0}, but line {1} has {2}', cellCount(cells.length), first.line, first.cells.length));
      }
      const header = first.cells.some((c, j) => parseNumber(c) === undefined && parseNumber(cells[j]) !== undefined);
      this.setColumns(first.cells, first.line, header);
      if (!header) this.addRow(first.cells, first.line);
      if (this.full) return;
    }
    this.addRow(cells, line);
  }

  private setColumns(cells: string[], line: number, header: boolean): void {
    const { file, label, target } = this.o;
    const k = cells.length;
    if (header) this.names = cells.map((c) => c.trim());
    this.role = new Uint8Array(k).fill(1);
    if (target) {
      if (k <= target.length) throw csvError(file, line, l10n.t('{0}, all of them targets: the file needs feature columns besides the target columns', cellCount(k)));
      for (const ref of target) {
        const j = this.column(ref, k, line, 'target');
        if (this.role[j] === 2) throw new DataError(l10n.t('{0}: target column {1} is listed twice', file, this.columnLabel(j)), file, line);
        this.role[j] = 2;
        this.targetColumns.push(j);
      }
    } else {
      if (k < 2) throw csvError(file, line, l10n.t('a single column: the file needs feature columns and a label column'));
      this.labelColumn = this.column(label, k, line, 'label');
      this.role[this.labelColumn] = 0;
    }
    this.columns = k;
  }

  /** The index of a column given by header name or 0-based index (negative from the end). */
  private column(ref: string | number, k: number, line: number, what: 'label' | 'target'): number {
    const file = this.o.file;
    if (typeof ref === 'string') {
      if (!this.names) {
        throw new DataError(what === 'label'
          ? l10n.t('{0}: the label column is given by name ("{1}"), but the file has no header row (line {2} is data); give its 0-based index instead (−1 for the last column)', file, excerpt(ref), line)
          : l10n.t('{0}: the target column is given by name ("{1}"), but the file has no header row (line {2} is data); give its 0-based index instead (−1 for the last column)', file, excerpt(ref), line), file, line);
      }
      const at = this.names.indexOf(ref.trim());
      const loose = at >= 0 ? at : this.names.findIndex((n) => n.toLowerCase() === ref.trim().toLowerCase());
      if (loose < 0) {
        throw new DataError(l10n.t('{0}: no column named "{1}" in the header (line {2}): {3}', file, excerpt(ref), line, columnList(this.names)), file, line);
      }
      if (at < 0) {
        throw new DataError(l10n.t('{0}: no column named "{1}" in the header (line {2}); did you mean "{3}"?', file, excerpt(ref), line, excerpt(this.names[loose])), file, line);
      }
      return at;
    }
    if (!Number.isInteger(ref) || ref >= k || ref < -k) {
      throw new DataError(what === 'label'
        ? l10n.t('{0}: label column {1} is out of range: the file has {2} columns (0 to {3}, or −1 to −{2} from the end)', file, ref, k, k - 1)
        : l10n.t('{0}: target column {1} is out of range: the file has {2} columns (0 to {3}, or −1 to −{2} from the end)', file, ref, k, k - 1), file, line);
    }
    return ref < 0 ? k + ref : ref;
  }

  private columnError(line: number, j: number, problem: string): DataError {
    const name = this.names?.[j];
    return csvError(this.o.file, line, problem, j + 1, name ? name : undefined);
  }

  private addRow(cells: string[], line: number): void {
    const k = this.columns;
    if (cells.length !== k) {
      const missing = cells.length < k ? l10n.t(' (column {0} is missing)', this.columnLabel(cells.length)) : '';
      throw csvError(this.o.file, line, l10n.t('{0}, expected {1}{2}', cellCount(cells.length), k, missing));
    }
    const tc = this.targetColumns.length;
    const f = k - (tc > 0 ? tc : 1);
    const limit = this.o.memoryLimit;
    if (limit !== undefined && (this.rows + 1) * f * 4 > limit) {
      throw csvError(this.o.file, line, memoryProblem(this.rows + 1, f, limit, l10n.t('{0} rows of {1} features', this.rows + 1, f)));
    }
    if ((this.rows + 1) * f > this.x.length) this.x = grow(this.x, (this.rows + 1) * f, limit === undefined ? Infinity : Math.floor(limit / 4));
    if (tc === 0 && this.rows + 1 > this.ids.length) this.ids = grow(this.ids, this.rows + 1);
    if ((this.rows + 1) * tc > this.t.length) this.t = grow(this.t, (this.rows + 1) * tc);
    let at = this.rows * f;
    for (let j = 0; j < k; j++) {
      const text = cells[j];
      if (this.role[j] === 0) {
        this.ids[this.rows] = this.labelId(text.trim(), line, j);
        continue;
      }
      const v = parseNumber(text);
      if (v === undefined || !Number.isFinite(Math.fround(v))) throw this.columnError(line, j, cellProblem(text, v, this.role[j] === 2));
      if (this.role[j] === 1) this.x[at++] = v;
    }
    // Targets in the order `target` lists them.
    for (let m = 0; m < tc; m++) this.t[this.rows * tc + m] = Number(cells[this.targetColumns[m]].trim());
    this.rows++;
  }

  private labelId(text: string, line: number, j: number): number {
    const id = this.labelIds.get(text);
    if (id !== undefined) return id;
    if (text === '') throw this.columnError(line, j, l10n.t('empty label'));
    if (this.labelTexts.length >= MAX_CLASSES) {
      throw this.columnError(line, j, l10n.t('more than {0} different labels: is column {1} really the label column?', MAX_CLASSES, this.columnLabel(j)));
    }
    this.labelIds.set(text, this.labelTexts.length);
    this.labelTexts.push(text);
    return this.labelTexts.length - 1;
  }

  private columnLabel(j: number): string {
    const name = this.names?.[j];
    return name ? quoted(name) : String(j + 1);
  }

  private finish(): Dataset {
    const n = this.rows;
    const tc = this.targetColumns.length;
    if (tc > 0) {
      const f = this.columns - tc;
      const x = this.x.length === n * f ? this.x : this.x.slice(0, n * f);
      const names = this.names ? this.targetColumns.map((j) => this.names![j]) : undefined;
      return regressionSet(x, this.t.slice(0, n * tc), n, [f], names);
    }
    const f = this.columns - 1;
    const texts = this.labelTexts;
    const values = texts.map(parseNumber);
    const classOf = new Int32Array(texts.length);
    let classes: number;
    let labelNames: string[] | undefined;
    if (values.every((v) => v !== undefined && Number.isInteger(v) && v >= 0)) {
      let max = 0;
      values.forEach((v, i) => { classOf[i] = v!; max = Math.max(max, v!); });
      if (max >= MAX_CLASSES) {
        const message = l10n.t('{0}: column {1}: label {2} is too large for a class index (0 to {3}): is it really the label column?', this.o.file, this.columnLabel(this.labelColumn), max, MAX_CLASSES - 1);
        throw new DataError(message, this.o.file, undefined, this.labelColumn + 1, this.names?.[this.labelColumn]);
      }
      classes = max + 1;
    } else {
      const order = texts.map((_, i) => i);
      const numeric = values.every((v) => v !== undefined);
      order.sort((a, b) => (numeric && values[a] !== values[b] ? values[a]! - values[b]! : texts[a] < texts[b] ? -1 : texts[a] > texts[b] ? 1 : 0));
      order.forEach((id, rank) => { classOf[id] = rank; });
      labelNames = order.map((id) => texts[id]);
      classes = texts.length;
    }
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = classOf[this.ids[i]];
    const x = this.x.length === n * f ? this.x : this.x.slice(0, n * f);
    const d: Dataset = { x, y, n, shape: [f], features: f, classes };
    return labelNames ? { ...d, labelNames } : d;
  }
}

/** A whole CSV text at once. */
export function parseCsv(text: string, options: CsvOptions): Dataset {
  const r = new CsvDatasetReader(options);
  r.push(text);
  return r.end();
}

function cellProblem(text: string, v: number | undefined, target = false): string {
  const t = text.trim();
  if (t === '') return target ? l10n.t('empty cell (targets must be numbers)') : l10n.t('empty cell (features must be numbers)');
  if (NON_FINITE.test(t)) return l10n.t('{0} is not a finite number', quoted(t));
  if (v !== undefined) return l10n.t('{0} is too large for a 32-bit float', quoted(t));
  return target ? l10n.t('{0} is not a number (a regression target must be a number)', quoted(t)) : l10n.t('{0} is not a number', quoted(t));
}

function cellCount(n: number): string {
  return n === 1 ? l10n.t('1 cell') : l10n.t('{0} cells', n);
}

/** The header's names for a message: each an excerpt, at most the first 10. */
function columnList(names: string[]): string {
  return names.slice(0, 10).map((n) => quoted(n)).join(', ') + (names.length > 10 ? ', …' : '');
}

/** A longer copy of `a`: double the length (or more, to hold `need`), capped at `cap` when `need` fits under it. */
function grow<T extends Float32Array | Int32Array>(a: T, need: number, cap = Infinity): T {
  let size = a.length * 2;
  while (size < need) size *= 2;
  size = Math.max(need, Math.min(size, cap));
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
