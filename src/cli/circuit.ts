/**
 * `trainlens circuit FILE [--json]`: a `circuit:` model file evaluated forward and backward.
 * Diagnostics go to stderr as `check` prints them; exit 1 when the file has errors, 2 on usage.
 * `--json` prints one line, the CircuitGraph: `{"type":"circuit","value":…,"grads":{…},"nodes":[…]}`.
 */
import { readFileSync } from 'node:fs';
import { parseModel } from '../model/parse';
import { formatDiagnostic } from './diagnostic-format';
import type { CircuitGraph } from '../engine/circuit/types';

type Out = NodeJS.WriteStream;

const USAGE = 'Usage: trainlens circuit FILE [--json]';

/** A usage problem: one line, exit 2. */
class UsageError extends Error {}

function parseCircuitArgs(args: string[]): { file: string; json: boolean } {
  const files: string[] = [];
  let json = false;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`circuit does not take '${a}'.\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError(`circuit takes one model file.\n${USAGE}`);
  return { file: files[0], json };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file.` : code === 'EISDIR' ? `${file} is a folder, not a model file.` : `cannot read ${file}: ${(e as Error).message}`);
  }
}

/** A number for the table: at most 6 significant digits. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** The value, each input's gradient, and the gates forward (top to bottom) with what backward gave them. */
export function formatCircuit(graph: CircuitGraph): string {
  const lines = [`f = ${graph.expression ?? ''}`, `  f = ${num(graph.value)}`];
  for (const [name, g] of Object.entries(graph.grads)) lines.push(`  \u2202f/\u2202${name} = ${num(g)}`);
  const rows = [['node', 'op', 'gate', 'inputs', 'value', 'grad', 'local']];
  for (const n of graph.nodes) {
    rows.push([n.id, n.op, n.label, n.inputs.join(', '), num(n.value), num(n.grad), n.local.map(num).join(', ')]);
  }
  return `${lines.join('\n')}\n\nforward top to bottom, backward bottom to top:\n${table(rows)}\n`;
}

export async function circuitCommand(args: string[], out: Out, err: Out): Promise<number> {
  let a: { file: string; json: boolean };
  let text: string;
  try {
    a = parseCircuitArgs(args);
    text = readText(a.file);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`trainlens: ${e.message}\n`);
    return 2;
  }
  const source = parseModel(text);
  for (const d of source.diagnostics) err.write(formatDiagnostic(a.file, text, d) + '\n');
  if (!source.circuit) {
    err.write(`trainlens: ${a.file} is not a circuit file: it has no 'circuit:' key (e.g. circuit: "(x + y) * z" with inputs: { x: -2, y: 5, z: -4 }).\n`);
    return 1;
  }
  const graph = source.circuit.graph;
  if (!graph) {
    err.write(`trainlens: ${a.file} has errors; the circuit was not evaluated.\n`);
    return 1;
  }
  out.write(a.json ? JSON.stringify(graph) + '\n' : formatCircuit(graph));
  return 0;
}
