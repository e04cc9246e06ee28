/**
 * `trainlens inspect FILE --sample K [--split train|val] [--weights initial|trained] [--json]`: one
 * sample forward and backward through the model (inspectSample, float64, evaluation mode, the
 * sample's data loss). The data, split and CSV normalization are a training run's (a Trainer over
 * loadDataset's data); K indexes the training or held-out rows in the split's order.
 */
import * as path from 'node:path';
import { loadDataset } from '../data/load';
import { Trainer } from '../engine/trainer';
import { inspectSample, sampleRangeMessage } from '../engine/inspect';
import { trainToEnd } from './train-to-end';
import { scanFlags } from './flags';
import type { ModelSpec } from '../model/spec';
import type { InspectResult, SampleSplit } from '../engine/inspect-types';

type Out = NodeJS.WriteStream;
/** main.ts's loadSpec: the spec, or undefined after printing why not (diagnostics, a circuit or surface file: one line). */
type SpecLoader = (file: string, err: Out, what: string) => ModelSpec | undefined;

const USAGE = 'Usage: trainlens inspect FILE --sample K [--split train|val] [--weights initial|trained] [--json] [--epochs N] [--seed S]';

interface InspectArgs {
  file: string; sample: number; split?: SampleSplit; weights: 'initial' | 'trained'; json: boolean; epochs?: number; seed?: number;
}

/** A usage problem: one line, exit 2. */
class UsageError extends Error {}

function whole(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > 2 ** 32 - 1) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got '${v}'.`);
  return n;
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} is ${allowed.map((a) => `'${a}'`).join(' or ')}, got '${v}'.`);
  return v as T;
}

function parseInspectArgs(args: string[]): InspectArgs {
  const { files, json, values } = scanFlags('inspect', args, ['--sample', '--split', '--weights', '--epochs', '--seed'], USAGE, (m) => new UsageError(m));
  const a: Partial<InspectArgs> = { weights: 'initial', json };
  for (const [flag, v] of values) {
    switch (flag) {
      case '--sample': a.sample = whole(flag, v, 0); break;
      case '--split': a.split = oneOf(flag, v, ['train', 'val'] as const); break;
      case '--weights': a.weights = oneOf(flag, v, ['initial', 'trained'] as const); break;
      case '--epochs': a.epochs = whole(flag, v, 1); break;
      case '--seed': a.seed = whole(flag, v, 0); break;
    }
  }
  if (files.length !== 1) throw new UsageError(`inspect takes one model file.\n${USAGE}`);
  if (a.sample === undefined) throw new UsageError(`inspect needs --sample K: the sample's index in its split (0 first).\n${USAGE}`);
  return { ...a, file: files[0] } as InspectArgs;
}

/**
 * A Trainer of the spec over its data: as initialized, or trained to the end as `trainlens train`
 * trains it (trainToEnd). An error message instead when training diverges.
 */
function trainerFor(spec: ModelSpec, data: Awaited<ReturnType<typeof loadDataset>>, a: InspectArgs, out: Out): Trainer | string {
  if (a.weights === 'initial') return new Trainer(spec, 'float32', data, { ownData: true });
  const run = trainToEnd(spec, data, a, out);
  return typeof run === 'string' ? run : run.loop.trainer;
}

export async function inspectCommand(args: string[], out: Out, err: Out, loadSpec: SpecLoader): Promise<number> {
  let a: InspectArgs;
  let spec: ModelSpec | undefined;
  try {
    a = parseInspectArgs(args);
    spec = loadSpec(a.file, err, 'inspected');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`trainlens: ${e.message}\n`);
    return 2;
  }
  if (!spec) return 1;
  spec = { ...spec, train: { ...spec.train, epochs: a.epochs ?? spec.train.epochs, seed: a.seed ?? spec.train.seed } };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const trainer = trainerFor(spec, data, a, out);
  if (typeof trainer === 'string') {
    err.write(`trainlens: ${a.file}: ${trainer}\n`);
    return 1;
  }
  const split: SampleSplit = a.split ?? (spec.data.validation > 0 ? 'val' : 'train');
  const set = split === 'val' ? trainer.validationSet : trainer.trainSet;
  const target = { split, sample: a.sample };
  if (a.sample >= set.n) {
    const hint = split === 'val' && set.n === 0 ? ' The model holds nothing out (data.validation is 0): use --split train.' : '';
    err.write(`trainlens: ${a.file}: ${sampleRangeMessage(target, set.n)}${hint}\n`);
    return 1;
  }
  const result = inspectSample(spec, trainer.network, set, target, { origin: a.weights, step: trainer.step });
  out.write(a.json ? JSON.stringify(result) + '\n' : inspectText(path.basename(a.file), result, set.n));
  return 0;
}

// ─── text ──────────────────────────────────────────────────────────────────────

/** A number in 4 significant places, fixed where it reads well, else with an exponent. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const m = Math.abs(v);
  return m === 0 || (m >= 1e-3 && m < 1e5) ? v.toFixed(4) : v.toExponential(2);
}

/** The first `count` values, then "… (N in all)" when there are more. */
function values(a: readonly number[], count = 6): string {
  const shown = a.slice(0, count).map(num).join('  ');
  return a.length > count ? `${shown}  … (${a.length})` : shown;
}

/** A layer's output at a glance: its first values, or for feature maps (mostly zeros at the edges) their range. */
function glimpse(a: readonly number[], shape: readonly number[]): string {
  if (shape.length === 1 || a.length <= 4) return values(a, 4);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return `min ${num(lo)}  max ${num(hi)}  (${a.length})`;
}

function norm(a: readonly number[]): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

/** The loss and its terms, as the lessons write them. */
function lossLines(r: InspectResult): string[] {
  const y = typeof r.label === 'number' ? r.label : -1;
  switch (r.lossName) {
    case 'softmax': return [
      `probs       ${values(r.probs ?? [], 10)}`,
      `loss        ${num(r.loss)} = −log p[${y}] (softmax cross-entropy, data loss only)`,
    ];
    case 'svm': return [
      `margins     ${values(r.margins ?? [], 10)}   (max(0, s_j − s_y + Δ), Δ = ${r.margin}; the correct class ${y} is excluded)`,
      `loss        ${num(r.loss)} = Σ margins (multiclass SVM, data loss only)`,
    ];
    case 'mse': return [
      `errors      ${values(r.errors ?? [], 10)}   (s_i − y_i)`,
      `loss        ${num(r.loss)} = mean of the squared errors (data loss only)`,
    ];
  }
}

/** The readable summary: the label and prediction, scores and loss terms, then every layer forward and backward. */
export function inspectText(file: string, r: InspectResult, splitSize: number): string {
  const splitName = r.split === 'val' ? 'validation' : 'training';
  const weights = r.weights === 'initial' ? 'initial weights' : `weights after ${r.step} steps`;
  const name = (c: number): string => (r.labelNames?.[c] !== undefined ? `${c} (${r.labelNames[c]})` : String(c));
  const lines = [`${file}: ${splitName} sample ${r.sample} of ${splitSize} · ${weights}`];
  if (typeof r.label === 'number') {
    const verdict = r.predicted === r.label ? 'right' : 'wrong';
    lines.push(`label       ${name(r.label)} · predicted ${name(r.predicted ?? 0)} (${verdict})`);
  } else {
    lines.push(`targets     ${values(r.label, 10)}`);
  }
  lines.push(`scores      ${values(r.scores, 10)}`, ...lossLines(r), `∂L/∂scores  ${values(r.dscores, 10)}`, '');
  const rows = [['layer', 'shape', 'values', '‖out‖', '‖dout‖']];
  rows.push(['input', r.inputShape.join('×'), glimpse(r.input, r.inputShape), num(norm(r.input)), num(norm(r.dinput))]);
  for (const l of r.layers) rows.push([l.name, l.shape.join('×'), glimpse(l.out, l.shape), num(norm(l.out)), num(norm(l.dout))]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) lines.push(row.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  lines.push('', `∂L/∂input   ${values(r.dinput, 6)}   ‖∂L/∂input‖ ${num(norm(r.dinput))}`);
  if (r.circuit) {
    const gates = r.circuit.nodes.filter((n) => n.inputs.length > 0).length;
    lines.push(`circuit     small enough to draw: ${r.circuit.nodes.length} nodes, ${gates} gates (--json has them; the panel's "Show as Circuit")`);
  }
  return lines.join('\n') + '\n';
}
