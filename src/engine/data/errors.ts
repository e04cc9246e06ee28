import * as l10n from '@vscode/l10n';
import { quoted } from '../excerpt';

/**
 * A problem with a data file: its message names the file (as written in the model file) and,
 * for CSV, the line and column, e.g.
 *   data/iris.csv: line 7, column "petal_width": "abc" is not a number
 * The same facts are kept as fields for tools that point at the place.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    message: string,
    /** The file as written in the model file (or the bundle's name). */
    readonly file: string,
    /** 1-based line in the file (CSV). */
    readonly line?: number,
    /** 1-based column (CSV). */
    readonly column?: number,
    /** The column's header name, when the file has a header row. */
    readonly columnName?: string,
  ) {
    super(message);
  }
}

/** "data/iris.csv: line 7, column "petal_width": <problem>" */
export function csvError(file: string, line: number, problem: string, column?: number, columnName?: string): DataError {
  let where = l10n.t('{0}: line {1}', file, line);
  if (column !== undefined) where += l10n.t(', column {0}', columnName ? quoted(columnName) : String(column));
  return new DataError(`${where}: ${problem}`, file, line, column, columnName);
}

/**
 * Data past the memory limit: "<what> take 14.6 GB as float32, more than the memory limit of
 * 2.0 GB; keep fewer with 'samples:' (at most 684784 fit)", `what` naming the samples.
 */
export function memoryProblem(samples: number, features: number, limit: number, what: string): string {
  const fit = Math.floor(limit / (features * 4));
  return l10n.t("{0} take {1} as float32, more than the memory limit of {2}; keep fewer with 'samples:' (at most {3} fit)", what, formatBytes(samples * features * 4), formatBytes(limit), fit);
}

/** "1.2 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return l10n.t('{0} bytes', bytes);
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
