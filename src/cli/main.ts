/** trainlens: the engine without VS Code, for terminals, scripts and CI. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../model/parse';
import { lineColumn, type ModelDiagnostic } from '../model/diagnostics';
import { runTraining, type LoopMessage } from '../training/loop';
import type { ModelSpec } from '../model/spec';
import { ProgressBar } from './progress';

const USAGE = `Usage:
  trainlens train FILE [--json] [--epochs N] [--seed S]
  trainlens check FILE...

  train   trains the model in FILE and prints the final metrics
          --json       one JSON object per line: {"type":"epoch",...} per epoch, then {"type":"done",...}
          --epochs N   overrides train.epochs
          --seed S     overrides train.seed
  check   prints the problems in each model file as file:line:col: severity: message
          and exits 1 if any has errors`;

/** A usage or input problem: printed as one line, never with a stack trace. */
class CliError extends Error {}

export function main(argv: string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'train': return train(rest, out, err);
      case 'check': return check(rest, out);
      case undefined: case '-h': case '--help': case 'help':
        out.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command '${command}'.\n${USAGE}`);
    }
  } catch (e) {
    err.write(`trainlens: ${e instanceof CliError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return 2;
  }
}

interface TrainArgs { file: string; json: boolean; epochs?: number; seed?: number }

function parseTrainArgs(args: string[]): TrainArgs {
  const files: string[] = [];
  const result: Partial<TrainArgs> = { json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') ? a.split('=', 2) as [string, string | undefined] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new CliError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--json': result.json = true; break;
      case '--epochs': result.epochs = wholeNumber(flag, value(), 1); break;
      case '--seed': result.seed = wholeNumber(flag, value(), 0); break;
      default:
        if (a.startsWith('-')) throw new CliError(`unknown option '${a}'.\n${USAGE}`);
        files.push(a);
    }
  }
  if (files.length !== 1) throw new CliError(`train takes one model file.\n${USAGE}`);
  return { ...result, file: files[0] } as TrainArgs;
}

function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > 2 ** 32 - 1) {
    throw new CliError(`${flag} must be a whole number ≥ ${min}, got '${v}'.`);
  }
  return n;
}

function readModel(file: string): { text: string; source: ReturnType<typeof parseModel> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${file}: no such file.` : code === 'EISDIR' ? `${file} is a folder, not a model file.` : `cannot read ${file}: ${(e as Error).message}`);
  }
  return { text, source: parseModel(text) };
}

export function formatDiagnostic(file: string, text: string, d: ModelDiagnostic): string {
  const { line, column } = lineColumn(text, d.start);
  return `${file}:${line}:${column}: ${d.severity}: ${d.message}`;
}

function check(files: string[], out: NodeJS.WriteStream): number {
  if (files.length === 0) throw new CliError(`check takes one or more model files.\n${USAGE}`);
  let errors = 0;
  for (const file of files) {
    const { text, source } = readModel(file);
    for (const d of source.diagnostics) out.write(formatDiagnostic(file, text, d) + '\n');
    errors += source.diagnostics.filter((d) => d.severity === 'error').length;
  }
  return errors > 0 ? 1 : 0;
}

function train(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): number {
  const a = parseTrainArgs(args);
  const { text, source } = readModel(a.file);
  for (const d of source.diagnostics) err.write(formatDiagnostic(a.file, text, d) + '\n');
  if (!source.spec) {
    err.write(`trainlens: ${a.file} has errors; nothing was trained.\n`);
    return 1;
  }
  const spec: ModelSpec = {
    ...source.spec,
    train: { ...source.spec.train, epochs: a.epochs ?? source.spec.train.epochs, seed: a.seed ?? source.spec.train.seed },
  };
  const bar = !a.json && out.isTTY ? new ProgressBar(out, path.basename(a.file)) : undefined;
  let totalSteps = 0;
  const post = (m: LoopMessage): void => {
    if (m.type === 'started') totalSteps = m.totalSteps;
    if (m.type !== 'progress') return;
    if (a.json) {
      for (const e of m.epochs) out.write(JSON.stringify({ type: 'epoch', ...e }) + '\n');
    } else {
      bar?.update(m.step, totalSteps, m.epoch, spec.train.epochs, m.losses[m.losses.length - 1], m.epochs.at(-1)?.trainAcc, m.samplesPerSec);
    }
  };
  const result = runTraining(spec, { runId: 'cli', progressIntervalMs: a.json ? 0 : 100, post });
  bar?.finish();
  if (result.type === 'error') {
    err.write(`trainlens: ${a.file}: ${result.message}\n`);
    return 1;
  }
  const f = result.final;
  if (a.json) {
    out.write(JSON.stringify({
      type: 'done', loss: f.loss, trainAcc: f.trainAcc, valAcc: f.valAcc, valLoss: f.valLoss,
      steps: f.steps, epochs: f.epochs, samplesPerSec: f.samplesPerSec, seconds: f.seconds,
    }) + '\n');
  } else {
    const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
    out.write(
      `${path.basename(a.file)}: loss ${f.loss.toFixed(4)} · train acc ${pct(f.trainAcc)} · val acc ${pct(f.valAcc)}` +
      ` · ${f.steps} steps in ${f.seconds.toFixed(2)} s · ${Math.round(f.samplesPerSec).toLocaleString('en-US')} samples/s\n`,
    );
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
