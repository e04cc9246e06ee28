import { lineColumn, type ModelDiagnostic } from '../model/diagnostics';

/** A diagnostic as compilers print it: `file:line:col: severity: message` (line and column 1-based). */
export function formatDiagnostic(file: string, text: string, d: ModelDiagnostic): string {
  const { line, column } = lineColumn(text, d.start);
  return `${file}:${line}:${column}: ${d.severity}: ${d.message}`;
}
