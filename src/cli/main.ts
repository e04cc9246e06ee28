/** trainlens: the engine without VS Code, for terminals, scripts and CI. */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../model/parse';
import { formatDiagnostic } from './diagnostic-format';
import { runTraining, type LoopMessage } from '../training/loop';
import type { ModelSpec } from '../model/spec';
import type { FinalMetrics } from '../training/protocol';
import { ProgressBar } from './progress';
import { benchModel, kernelBuild } from './bench';
import { gradcheckModel } from '../engine/check';
import { pathChecker } from '../node/files';
import { DataError, loadDataset } from '../data/load';
import { exportModel } from '../export/model-export';
import { ExportError, type ExportFile } from '../export/pytorch';
import { writeExportFiles } from '../export/write';
import { weightsJson } from '../export/weights-json';
import { runSanity } from '../engine/sanity';
import { sanityJsonLines, sanityText } from './sanity-format';
import { LR_FIND_DEFAULTS, lrFind } from '../training/lr-find';
import { lrFindJsonLines, lrFindText } from './lr-find-format';
import { tuneCommand } from './tune';
import { findingJsonLines, findingsText } from './findings-format';
import type { Finding } from '../training/doctor-types';
import { inspectCommand } from './inspect';
import { circuitCommand } from './circuit';
import { landscapeCommand } from './landscape';
import { isSurfaceSpec } from '../model/spec';
import { trainSurfaceCommand } from './surface';
import { threadsForLoop, threadsText, threadsValue, useThreads } from './threads';
import { smallModelThreads } from '../engine/wasm/parallel';

const USAGE = `Usage:
  trainlens train FILE [--json] [--epochs N] [--seed S] [--stats-every N] [--threads N]
  trainlens gradcheck FILE [--json] [--batch N] [--entries N]
  trainlens sanity FILE [--json]
  trainlens check FILE...
  trainlens bench FILE [--json] [--seconds S] [--threads N]
  trainlens lr-find FILE [--json] [--min LR] [--max LR] [--steps N] [--seed S]
  trainlens tune FILE [--json] [--trials N] [--seeds K] [--rounds R] [--threads N]
  trainlens export FILE [--pytorch DIR] [--json-weights OUT] [--weights initial|trained] [--epochs N] [--seed S]
  trainlens inspect FILE --sample K [--split train|val] [--weights initial|trained] [--json]
  trainlens circuit FILE [--json]
  trainlens landscape FILE [--json] [--weights trained|initial] [--resolution N] [--plane random|pca] [--epochs N] [--seed S]

  train      trains the model in FILE and prints the final metrics
             --json           one JSON object per line: {"type":"epoch",...} per epoch, then one
                              {"type":"finding","code","step","layer","message",...} per finding of
                              the training doctor (README, "Training doctor"), then {"type":"done",...};
                              done's "kernels" names the build that ran: relaxed-simd, simd or typescript,
                              and "threads" the threads its kernels ran on
             --epochs N       overrides train.epochs
             --seed S         overrides train.seed (one seed repeats a run bit for bit under one
                              kernel build; the builds round differently)
             --stats-every N  with --json, a {"type":"stats",...} line every N steps from step 0,
                              and at the last step
                              (per layer: activation mean/std/histogram, dead and saturated
                              fractions, gradient norm, update/weight ratio)
             --threads N      threads for the kernels, 1–16 (default: one per core); the results
                              are identical for any N, only the speed changes
             A surface file (surface:, start:) steps the point (x, y) down f with the file's optimizer
             for train.steps steps (--seed: the gradient noise's; --epochs, --stats-every, --threads do not
             apply); prints the final position, f, ‖∇f‖ and the distance to the nearest minimum.
             --json: one {"type":"step","step","position":[x,y],"value"} per step from 0 (the
             start), past 10,000 steps every ⌈n/10000⌉-th and the last, then
             {"type":"done","position","value","steps"}
  gradcheck  checks every parameter's gradient in float64 against centered differences over a
             batch of N training samples (default 8), up to N entries per parameter (default 64).
             Per entry, cs231n's relative error |a − n| / max(1e-8, |a| + |n|) (a: analytic,
             n: numeric); a parameter's figure is the largest over its entries, read as cs231n
             does: ≤1e-7 good, ≤1e-4 acceptable only at kinks, ≤1e-2 uncomfortable, above: wrong.
             Entries whose gradient is tiny on both sides (|a| + |n| < 1e-8) are compared
             absolutely, |a − n| / 1e-8: a ratio of two ~0 numbers is round-off noise, and the
             floor keeps it from blowing up while a real disagreement still shows.
             Also printed: the norm-wise ‖a − n‖/max(‖a‖, ‖n‖) over the same entries (more lenient).
             An entry whose ±h step crosses a kink (ReLU, leaky ReLU or ELU with α ≠ 1 at 0; a
             max-pool or maxout winner changing; an SVM hinge term at its margin; an L1 weight at
             0) is retried with h/10 and h/100, then skipped and counted by kind.
             --json  {"type":"gradcheck","maxRelError","batch","params":[{"name","relError",
                     "normRelError","verdict","checked","size","kinks","kinksByKind":{"relu",
                     "maxpool","maxout","hinge","l1"}}]}; an entry crossing two kinds at once
                     counts under both.
             Exits 1 if any parameter is above 1e-4.
  sanity     cs231n's checks before training, each expected against measured:
             initial-loss     regularization off, the data loss at step 0 over the training set
                              (a seeded 10,000 of a larger one), eval mode; expected: ln C
                              (softmax), (C − 1)·Δ (svm), the targets' mean square (mse: the
                              loss of predicting 0). Passes from ½× to 2× it (mse: up to 2×)
             reg-raises-loss  the file's l2/l1 (l2: 1 if it has none) raises that loss
             overfit-small    20 seeded training samples, regularization, dropout and schedule
                              off, the file's optimizer and lr, up to 1000 full-batch steps:
                              passes at 100% accuracy (regression: R² ≥ 0.95)
             gradient         the gradient check (batch 8, 64 entries per parameter): passes at
                              max relative error ≤ 1e-7, or ≤ 1e-4 when the model has kinks
                              (ReLU-like, max-pool, maxout, svm, L1)
             update-ratio     median ‖ΔW‖/‖W‖ of each weight over the first 10 steps with the
                              file's settings: passes when all are in [1e-4, 1e-2]; the advice
                              scales the lr to bring the farthest from 1e-3 to 1e-3
             --json  one {"type":"check","name","pass","expected","measured","advice"} per check,
                     then {"type":"sanity","pass"}. Exits 1 when a check fails.
  check      prints the problems in each model file as file:line:col: severity: message
             and exits 1 if any has errors
  bench      times the model's training steps as a run takes them (its data, batch and update
             rule; no statistics): a warm-up, then 5 rounds over S seconds (default 5); prints
             samples/s (median, min–max), steps/s, ms per step and GFLOP/s, the kernels used and
             the threads they ran on (--threads N, 1–16, default: one per core; --json: "threads")
  lr-find    the learning-rate range test: from the file's init, on its training split, with its
             optimizer type and other settings, one run of N steps (default 100) whose lr grows
             exponentially, lr_k = min·(max/min)^(k/(N−1)) (default 1e-7 → 10). Records each
             step's mini-batch training loss (data + regularization) and its debiased EMA
             (weight 0.9); stops once the smoothed loss passes 4× its lowest or a step goes
             non-finite. Suggests the lr at the steepest descent, against log10 lr, of the
             centred loss (that EMA run forwards, then backwards: no lag) up to its lowest
             point: centred differences, skipping the first max(1, ⌊N/10⌋) steps. The file is
             not changed.
             --json  one {"type":"lr","step","lr","loss","smoothed","centred"} per step (null if
                     not finite; centred null from the stop on),
                     then {"type":"suggestion","lr","loss" (centred, there),"step","slope"
                     (per decade),"stoppedAt","stopReason":"blow-up"|"non-finite"|null};
                     the suggestion's fields are null when the loss fell nowhere (exit 1)
  tune       random search over the file's tune: section (README, "Tune"): trial i draws each
             range from train.seed and i (the same file, the same trials) and trains the section's
             epochs from the file's seed and split, as many trials at once as there are cores.
             Stops early: a trial whose loss goes non-finite (diverged), and the median rule:
             at the end of epoch e ≥ 2 (not the last), a trial whose val accuracy (R² for
             regression) is below the median of the epoch-e figures of the earlier trials that
             reached epoch e, once there are ≥ 5 of them (stopped). Best: the done trial with the
             highest val accuracy (R²). Text: the trials best first, the best, and the epochs
             not trained. --threads N (1–16, default: one per core): the threads the trials
             running at once divide between them. --trials N and --seeds K override the section's (with K seeds a
             trial's figures are the mean over train.seed … train.seed + K − 1, with the std).
             --rounds R (1–5): coarse to fine, each round after the first over ranges narrowed
             around the previous round's best (README, "Tune"), trial indices numbered on
             --json  one {"type":"trial","index","round","params":{…},"valAcc","valLoss",
                     "status":"done"|"diverged"|"stopped","epochs"} per trial in index order
                     (valR2 for regression; valAccStd/valR2Std with seeds; "reason" when it
                     stopped early), then {"type":"best","index","params","valAcc","valLoss",
                     "round","seconds","savings":{"budgetEpochs","trainedEpochs","savedEpochs",
                     "savedByRule","savedByDivergence","fraction"}}. Exit 1 when no trial is done
  export     --pytorch DIR     writes DIR/NAME.py (the model as an nn.Sequential with TrainLens's
                               loss, optimizer, schedule, batch order and training loop),
                               DIR/NAME.weights.npz and DIR/NAME.data.npz; DIR is created if missing.
                               Run: python3 DIR/NAME.py (NAME: the model file's name without .nn.yaml)
             --json-weights OUT  the weights as JSON: {"layers[0].W": {"shape": [...], "values": [...]}, ...}
             --weights W       initial (default): as initialized from the seed; trained: after
                               training with TrainLens as the file says
             --epochs N, --seed S  override train.epochs and train.seed
  inspect    one sample forward and backward, in float64 and eval mode (dropout off, batchnorm's
             running statistics), with the file's data and split: --sample K is the K-th held-out
             row (--split val, the default when data.validation > 0) or training row (--split
             train). Prints the label and prediction, the scores and the loss terms (softmax
             probabilities, SVM margins max(0, s_j − s_y + Δ), mse errors), the sample's data loss
             (no regularization), then per layer its output and ‖out‖, ‖∂L/∂out‖, and ∂L/∂input.
             --weights W  initial (default) or trained (after training as the file says; --epochs
                          N, --seed S override train.epochs and train.seed)
             --json  one line: {"type":"inspect","sample","split","label","predicted","scores",
                     "probs"|"margins"|"errors","loss","dscores","input","inputShape","layers":
                     [{"name","index","kind","shape","out","dout"}],"dinput","weights","step"}; a
                     network of at most 40 weights of dense layers and activations also gets
                     "circuit": its computation for the sample as a graph, as trainlens circuit
                     prints one ({"type":"circuit","value","grads","nodes":[…]}).
             Exits 1 when K is out of range (the message names the split and its size)
  landscape  trains the model as train does (--epochs N overrides train.epochs), recording the
             weights it visits (up to 41 snapshots), then evaluates the training loss (data +
             regularization, eval mode, the whole training set: as the final loss) on
             - the line θ(α) = θ₀ + α·(θ₁ − θ₀), θ₀ the initial and θ₁ the trained weights, at
               4⌈N/2⌉ + 1 evenly spaced values of α from −0.5 to 1.5 holding 0 and 1 (the run's
               initial and final losses, exactly); Goodfellow et al., 2015;
             - an N×N grid of the plane θ(a, b) = θc + a·d₁ + b·d₂; the run's path is projected onto it.
             --plane random  (default) d₁, d₂ Gaussian (seeded by --seed S, default 1), each filter (a
                             unit's incoming weights, a conv filter) scaled to the norm of the same
                             filter of θc; biases and batchnorm get none (Li et al., 2018); a, b ∈ [−1, 1]
             --plane pca     d₁, d₂ the first two principal directions of the visited weights, with
                             the fraction of their variance each explains; the range covers the path
             --weights W     trained (default): θc is the trained weights; initial: θc is the initial
                             weights, so the plane shows the loss around where training started (the
                             path then starts at (0, 0)); the line is the same either way
             --resolution N  3–101, default 21 (45 points on the line, 441 on the plane); lowered
                             when (4⌈N/2⌉ + 1 + N²) evaluations of the training set would pass 4·10¹¹
                             multiply-adds (then "requestedResolution" says what was asked)
             --json  one line: {"type":"landscape","line":{"alphas","losses"},"surface":{"plane",
                     "resolution","aMin","aMax","bMin","bMax","values" (row b, then a),"levels",
                     "path":[[a,b],…],"pathSteps","explained","centre"},"initialLoss","trainedLoss",
                     "evaluations","samples","seconds"}. A surface or circuit file: exit 1`;

/** A usage or input problem: printed as one line, never with a stack trace. */
class CliError extends Error {}

export async function main(argv: string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'train': return await train(rest, out, err);
      case 'gradcheck': return await gradcheck(rest, out, err);
      case 'sanity': return await sanity(rest, out, err);
      case 'check': return check(rest, out);
      case 'bench': return await bench(rest, out, err);
      case 'lr-find': return await lrFindCommand(rest, out, err);
      case 'tune': return await tuneCommand(rest, out, err, loadSpec, USAGE);
      case 'export': return await exportCommand(rest, out, err);
      case 'inspect': return await inspectCommand(rest, out, err, loadSpec);
      case 'circuit': return await circuitCommand(rest, out, err);
      case 'landscape': return await landscapeCommand(rest, out, err, loadSpec);
      case undefined: case '-h': case '--help': case 'help':
        out.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command '${command}'.\n${USAGE}`);
    }
  } catch (e) {
    // A data file that cannot be read is the user's input: one line naming file, row and column.
    if (e instanceof DataError) {
      err.write(`trainlens: ${e.message}\n`);
      return 1;
    }
    err.write(`trainlens: ${e instanceof CliError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return 2;
  }
}

interface Args {
  file: string; json: boolean; epochs?: number; seed?: number; statsEvery?: number; batch?: number; entries?: number; seconds?: number;
  steps?: number; lrMin?: number; lrMax?: number; threads?: number;
}

const NUMBER_FLAGS: Record<string, { key: keyof Args; min: number }> = {
  '--epochs': { key: 'epochs', min: 1 },
  '--seed': { key: 'seed', min: 0 },
  '--stats-every': { key: 'statsEvery', min: 1 },
  '--batch': { key: 'batch', min: 1 },
  '--entries': { key: 'entries', min: 1 },
  '--seconds': { key: 'seconds', min: 1 },
  '--steps': { key: 'steps', min: 3 },
};

/** One model file and the flags a command accepts. */
function parseArgs(command: string, args: string[], allowed: string[]): Args {
  const files: string[] = [];
  const result: Record<string, unknown> = { json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') ? a.split('=', 2) as [string, string | undefined] : [a, undefined];
    if (!a.startsWith('-')) {
      files.push(a);
      continue;
    }
    if (!allowed.includes(flag)) throw new CliError(`${command} does not take '${a}'.\n${USAGE}`);
    if (flag === '--json') {
      result.json = true;
      continue;
    }
    const v = inline ?? args[++i];
    if (v === undefined) throw new CliError(`${flag} needs a value.`);
    if (flag === '--min' || flag === '--max') {
      result[flag === '--min' ? 'lrMin' : 'lrMax'] = positiveNumber(flag, v);
      continue;
    }
    if (flag === '--threads') {
      const n = threadsValue(flag, v);
      if (typeof n === 'string') throw new CliError(n);
      result.threads = n;
      continue;
    }
    const spec = NUMBER_FLAGS[flag];
    result[spec.key] = wholeNumber(flag, v, spec.min);
  }
  if (files.length !== 1) throw new CliError(`${command} takes one model file.\n${USAGE}`);
  return { ...result, file: files[0] } as Args;
}

function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > 2 ** 32 - 1) {
    throw new CliError(`${flag} must be a whole number ≥ ${min}, got '${v}'.`);
  }
  return n;
}

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a positive number, got '${v}'.`);
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
  // Data paths are relative to the model file and stay inside its folder or the current one.
  return { text, source: parseModel(text, { checkPath: pathChecker(file, [path.dirname(path.resolve(file)), process.cwd()]) }) };
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

/**
 * The model's spec, or undefined after printing its diagnostics. A surface file's spec only where
 * the command takes one (`surfaces`: train); elsewhere one line says so.
 */
function loadSpec(file: string, err: NodeJS.WriteStream, what: string, surfaces = false): ModelSpec | undefined {
  const { text, source } = readModel(file);
  for (const d of source.diagnostics) err.write(formatDiagnostic(file, text, d) + '\n');
  if (source.circuit) err.write(`trainlens: ${file} is a circuit (an expression, not a network); nothing was ${what}. Try: trainlens circuit ${file}\n`);
  else if (!source.spec) err.write(`trainlens: ${file} has errors; nothing was ${what}.\n`);
  else if (isSurfaceSpec(source.spec) && !surfaces) {
    err.write(`trainlens: ${file} is a surface (a function of x and y, not a network); nothing was ${what}. Try: trainlens train ${file}\n`);
    return undefined;
  }
  return source.spec;
}

async function gradcheck(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseArgs('gradcheck', args, ['--json', '--batch', '--entries', '--seed']);
  const loaded = loadSpec(a.file, err, 'checked');
  if (!loaded) return 1;
  const spec = { ...loaded, train: { ...loaded.train, seed: a.seed ?? loaded.train.seed } };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const r = gradcheckModel(spec, { batch: a.batch, entries: a.entries, data });
  if (a.json) {
    out.write(JSON.stringify({ type: 'gradcheck', maxRelError: r.maxRelError, batch: r.batch, params: r.params }) + '\n');
  } else {
    const width = Math.max(...r.params.map((p) => p.name.length));
    for (const p of r.params) {
      const kinds = Object.entries(p.kinksByKind).filter(([, c]) => c > 0).map(([k, c]) => `${k} ${c}`).join(', ');
      const kinks = p.kinks > 0 ? `, ${p.kinks} at kinks skipped: ${kinds}` : '';
      // Every entry skipped at a kink: nothing was compared, so no figure and no verdict.
      const [rel, norm, verdict] = p.checked > 0 ? [p.relError.toExponential(2), p.normRelError.toExponential(2), p.verdict] : ['–', '–', 'not checked'];
      out.write(`${p.name.padEnd(width)}  ${rel.padStart(9)}  ${verdict.padEnd(13)} (norm-wise ${norm}; ${p.checked} of ${p.size} entries${kinks})\n`);
    }
    out.write(`${path.basename(a.file)}: max relative error ${r.maxRelError.toExponential(2)} over a batch of ${r.batch} (float64)\n`);
  }
  return r.maxRelError > 1e-4 ? 1 : 0;
}

async function sanity(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseArgs('sanity', args, ['--json']);
  const spec = loadSpec(a.file, err, 'checked');
  if (!spec) return 1;
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const r = runSanity(spec, data);
  const lines = a.json ? sanityJsonLines(r) : sanityText(r, path.basename(a.file));
  out.write(lines.join('\n') + '\n');
  return r.pass ? 0 : 1;
}

async function bench(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseArgs('bench', args, ['--json', '--seconds', '--threads']);
  const spec = loadSpec(a.file, err, 'timed');
  if (!spec) return 1;
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const threads = useThreads(a.threads);
  const r = benchModel(spec, data, a.seconds ?? 5);
  if (a.json) {
    out.write(JSON.stringify({ ...r, threads: threads.threads, threadsInfo: threads }) + '\n');
  } else {
    const n = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    out.write(`${path.basename(a.file)}: ${n(r.parameters)} parameters, batch ${r.batch}, ${r.kernels} kernels on ${threadsText(threads)}\n`);
    out.write(`  ${n(r.samplesPerSec)} samples/s (${n(Math.min(...r.rounds))}–${n(Math.max(...r.rounds))} over ${r.rounds.length} rounds)`
      + ` · ${n(r.stepsPerSec)} steps/s · ${n(r.msPerStep, 3)} ms/step · ${n(r.gflops, 2)} GFLOP/s\n`);
    if (r.divergedAtStep !== undefined) out.write(`  training diverged at step ${r.divergedAtStep}; the rounds cover the steps before it\n`);
  }
  return 0;
}

async function lrFindCommand(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseArgs('lr-find', args, ['--json', '--min', '--max', '--steps', '--seed']);
  const lrMin = a.lrMin ?? LR_FIND_DEFAULTS.lrMin;
  const lrMax = a.lrMax ?? LR_FIND_DEFAULTS.lrMax;
  if (lrMax <= lrMin) throw new CliError(`--max (${lrMax}) must be above --min (${lrMin}).`);
  const loaded = loadSpec(a.file, err, 'run');
  if (!loaded) return 1;
  const spec = { ...loaded, train: { ...loaded.train, seed: a.seed ?? loaded.train.seed } };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const r = lrFind(spec, { lrMin, lrMax, steps: a.steps, data, ownData: true });
  out.write(a.json ? lrFindJsonLines(r).join('\n') + '\n' : lrFindText(path.basename(a.file), r));
  return r.suggestion ? 0 : 1;
}

async function train(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseArgs('train', args, ['--json', '--epochs', '--seed', '--stats-every', '--threads']);
  if (a.statsEvery !== undefined && !a.json) throw new CliError('--stats-every writes JSON lines; use it with --json.');
  const loaded = loadSpec(a.file, err, 'trained', true);
  if (!loaded) return 1;
  if (isSurfaceSpec(loaded)) return trainSurfaceCommand(a, loaded, out, err);
  const spec: ModelSpec = {
    ...loaded,
    train: { ...loaded.train, epochs: a.epochs ?? loaded.train.epochs, seed: a.seed ?? loaded.train.seed },
  };
  const bar = !a.json && out.isTTY ? new ProgressBar(out, path.basename(a.file)) : undefined;
  let totalSteps = 0;
  let findings: Finding[] = [];
  const post = (m: LoopMessage): void => {
    if (m.type === 'started') totalSteps = m.totalSteps;
    if (m.type === 'findings') findings = m.findings;
    if (m.type !== 'progress') return;
    if (a.json) for (const st of m.stats) out.write(JSON.stringify({ type: 'stats', ...st }) + '\n');
    if (a.json) {
      for (const e of m.epochs) out.write(JSON.stringify({ type: 'epoch', ...e }) + '\n');
    } else {
      bar?.update(m.step, totalSteps, m.epoch, spec.train.epochs, m.losses[m.losses.length - 1], m.epochs.at(-1)?.trainAcc ?? undefined, m.samplesPerSec, m.epochs.at(-1)?.trainR2 ?? undefined);
    }
  };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  let threads = smallModelThreads(1);
  const result = runTraining(spec, { runId: 'cli', progressIntervalMs: a.json ? 0 : 100, statsEvery: a.statsEvery, post, ownData: true }, data,
    (loop) => (threads = threadsForLoop(loop, a.threads)));
  bar?.finish();
  const doctor = a.json ? findingJsonLines(findings) : findingsText(findings);
  if (result.type === 'error') {
    if (doctor.length > 0) out.write(doctor.join('\n') + '\n');
    err.write(`trainlens: ${a.file}: ${result.message}\n`);
    return 1;
  }
  const f = result.final;
  if (a.json) {
    if (doctor.length > 0) out.write(doctor.join('\n') + '\n');
    out.write(JSON.stringify({
      type: 'done', loss: f.loss, regLoss: f.regLoss, trainAcc: f.trainAcc, valAcc: f.valAcc, valLoss: f.valLoss,
      trainR2: f.trainR2 ?? null, valR2: f.valR2 ?? null, valRmse: f.valRmse ?? null, trainRmse: f.trainRmse ?? null,
      steps: f.steps, epochs: f.epochs, initialLoss: f.initialLoss ?? null, samplesPerSec: f.samplesPerSec, seconds: f.seconds, kernels: kernelBuild(),
      threads: threads.threads,
    }) + '\n');
  } else {
    out.write(
      `${path.basename(a.file)}: loss ${f.loss.toFixed(4)} · ${finalScores(f)}` +
      ` · ${f.steps} steps in ${f.seconds.toFixed(2)} s · ${Math.round(f.samplesPerSec).toLocaleString('en-US')} samples/s · ${threadsText(threads)}\n`,
    );
    if (doctor.length > 0) out.write(doctor.join('\n') + '\n');
  }
  return 0;
}

/** "train acc 98.0% · val acc 96.7%", or for regression "train R² 0.9871 · val R² 0.9803 · val RMSE 0.1042". */
function finalScores(f: FinalMetrics): string {
  const dash = '–';
  if (f.trainR2 !== undefined && f.trainR2 !== null) {
    const r2 = (x: number | null | undefined): string => (x === null || x === undefined ? dash : x.toFixed(4));
    return `train R² ${r2(f.trainR2)} · train RMSE ${r2(f.trainRmse)} · val R² ${r2(f.valR2)} · val RMSE ${r2(f.valRmse)}`;
  }
  const pct = (x: number | null): string => (x === null ? dash : `${(x * 100).toFixed(1)}%`);
  return `train acc ${pct(f.trainAcc)} · val acc ${pct(f.valAcc)}`;
}

interface ExportArgs { file: string; pytorch?: string; jsonWeights?: string; weights: 'initial' | 'trained'; epochs?: number; seed?: number }

function parseExportArgs(args: string[]): ExportArgs {
  const files: string[] = [];
  const a: Partial<ExportArgs> = { weights: 'initial' };
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('-')) {
      files.push(args[i]);
      continue;
    }
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    if (!['--pytorch', '--json-weights', '--weights', '--epochs', '--seed'].includes(flag)) throw new CliError(`export does not take '${args[i]}'.\n${USAGE}`);
    const v = inline ?? args[++i];
    if (v === undefined || v === '') throw new CliError(`${flag} needs a value.`);
    switch (flag) {
      case '--pytorch': a.pytorch = v; break;
      case '--json-weights': a.jsonWeights = v; break;
      case '--weights':
        if (v !== 'initial' && v !== 'trained') throw new CliError(`--weights is 'initial' or 'trained', got '${v}'.`);
        a.weights = v;
        break;
      case '--epochs': a.epochs = wholeNumber(flag, v, 1); break;
      case '--seed': a.seed = wholeNumber(flag, v, 0); break;
    }
  }
  if (files.length !== 1) throw new CliError(`export takes one model file.\n${USAGE}`);
  if (a.pytorch === undefined && a.jsonWeights === undefined) throw new CliError('export needs --pytorch DIR, --json-weights OUT, or both.');
  return { ...a, file: files[0] } as ExportArgs;
}

/** A file-system failure while writing, as one line naming the path. */
function writeError(what: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way of the folder'
    : code === 'EISDIR' ? 'it is a folder'
      : code === 'ENOENT' ? 'its folder does not exist'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
  return new CliError(`cannot write ${what}: ${reason}.`);
}

async function exportCommand(args: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const a = parseExportArgs(args);
  const loaded = loadSpec(a.file, err, 'exported');
  if (!loaded) return 1;
  const spec: ModelSpec = {
    ...loaded,
    train: { ...loaded.train, epochs: a.epochs ?? loaded.train.epochs, seed: a.seed ?? loaded.train.seed },
  };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  let exported: ReturnType<typeof exportModel>;
  let files: ExportFile[] = [];
  try {
    exported = exportModel(spec, data, { weights: a.weights, source: a.file, pytorch: a.pytorch !== undefined });
    if (a.pytorch !== undefined) files = exported.files();
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    err.write(`trainlens: ${a.file}: cannot export${a.pytorch !== undefined ? ' to PyTorch' : ''}: ${e.message}\n`);
    return 1;
  }
  const written: string[] = [];
  if (a.pytorch !== undefined) {
    try {
      written.push(...writeExportFiles(a.pytorch, files));
    } catch (e) {
      throw writeError(a.pytorch, e);
    }
  }
  if (a.jsonWeights !== undefined) {
    try {
      writeFileSync(a.jsonWeights, weightsJson(exported.weights));
    } catch (e) {
      throw writeError(a.jsonWeights, e);
    }
    written.push(a.jsonWeights);
  }
  const origin = exported.origin.kind === 'initial' ? 'initial weights' : `weights after ${exported.origin.steps} steps`;
  out.write(`${path.basename(a.file)}: ${origin} exported to ${written.join(', ')}\n`);
  if (a.pytorch !== undefined) out.write(`run: python3 ${written[0]}\n`);
  return 0;
}

if (require.main === module) {
  // A closed pipe (`trainlens train … | head`) ends the output quietly, as other command-line tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
