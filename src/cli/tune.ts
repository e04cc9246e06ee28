/** `trainlens tune FILE [--json] [--trials N] [--seeds K] [--rounds R] [--threads N]`: the random search of the file's `tune:` section. */
import * as path from 'node:path';
import { RunManager } from '../training/runs';
import { nodeWorkers } from '../node/workers';
import { ThreadBudget } from '../training/thread-budget';
import { defaultThreads, threadsValue } from './threads';
import { Tune } from '../training/tune';
import { MEDIAN_RULE, bestTrial, byScore, type TuneSavings } from '../training/tune-rule';
import { TUNE_LIMITS, TUNE_PARAMS, type TrialParams, type TrialResult, type TuneRange } from '../model/tune';
import type { ModelSpec } from '../model/spec';

type Out = NodeJS.WriteStream;
type Load = (file: string, err: Out, what: string) => ModelSpec | undefined;

/** `--rounds`: coarse to fine, at most this many rounds. */
const MAX_ROUNDS = 5;

const EXAMPLE = `tune:
  trials: 20
  epochs: 5
  lr: { log: [1.0e-4, 1.0e-1] }
  l2: { log: [1.0e-5, 1.0] }`;

interface TuneArgs { file: string; json: boolean; trials?: number; seeds?: number; rounds: number; threads?: number }

const COUNT_FLAGS: Record<string, ['trials' | 'seeds' | 'rounds', number]> = {
  '--trials': ['trials', TUNE_LIMITS.trials], '--seeds': ['seeds', TUNE_LIMITS.seeds], '--rounds': ['rounds', MAX_ROUNDS],
};

/** The arguments, or a usage message. */
export function parseTuneArgs(args: string[]): TuneArgs | string {
  const files: string[] = [];
  const a: Partial<TuneArgs> = { json: false, rounds: 1 };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') ? args[i].split('=', 2) as [string, string | undefined] : [args[i], undefined];
    if (!flag.startsWith('-')) files.push(flag);
    else if (flag === '--json') a.json = true;
    else if (flag in COUNT_FLAGS) {
      const v = inline ?? args[++i];
      const [key, max] = COUNT_FLAGS[flag];
      const n = Number(v);
      if (v === undefined || !/^\d+$/.test(v) || n < 1 || n > max) return `${flag} must be a whole number from 1 to ${max}, got '${v ?? ''}'.`;
      a[key] = n;
    } else if (flag === '--threads') {
      const n = threadsValue(flag, inline ?? args[++i]);
      if (typeof n === 'string') return n;
      a.threads = n;
    } else return `tune does not take '${args[i]}'.`;
  }
  if (files.length !== 1) return 'tune takes one model file.';
  return { ...a, file: files[0] } as TuneArgs;
}

export async function tuneCommand(args: string[], out: Out, err: Out, load: Load, usage: string): Promise<number> {
  const a = parseTuneArgs(args);
  if (typeof a === 'string') {
    err.write(`trainlens: ${a}\n${usage}\n`);
    return 2;
  }
  const spec = load(a.file, err, 'tuned');
  if (!spec) return 1;
  if (!spec.tune) {
    err.write(`trainlens: ${a.file} has no 'tune:' section, so there is nothing to search. Add one, e.g.\n${EXAMPLE}\n`);
    return 1;
  }
  if (spec.data.validation === 0) {
    err.write(`trainlens: ${a.file}: tune ranks trials by their validation score, and 'validation: 0' holds no samples out. Set data.validation, e.g. 0.2.\n`);
    return 1;
  }
  const t0 = performance.now();
  const rounds = await runRounds(a, spec, out);
  const seconds = (performance.now() - t0) / 1000;
  const trials = rounds.flatMap((t) => t.trials);
  const best = bestTrial(trials);
  const savings = totalSavings(rounds);
  if (a.json) {
    out.write(JSON.stringify({
      type: 'best', index: best?.index ?? null, params: best?.params ?? null, valAcc: best?.valAcc ?? null,
      ...(spec.loss === 'mse' ? { valR2: best?.valR2 ?? null } : {}), valLoss: best?.valLoss ?? null, round: best?.round ?? null,
      trials: trials.length, rounds: rounds.length, seeds: rounds[0].search.seeds, epochs: rounds[0].search.epochs, concurrency: rounds[0].concurrency,
      seconds, savings,
    }) + '\n');
  } else {
    out.write(tuneText(path.basename(a.file), rounds, seconds, spec.loss === 'mse'));
  }
  return best ? 0 : 1;
}

/**
 * Round 1 over the file's ranges, then each further round over the ranges narrowed around the
 * previous round's best (narrowAround), trial indices numbered on. With --json, trial lines in
 * index order, each as soon as it and every trial before it have ended.
 */
async function runRounds(a: TuneArgs, spec: ModelSpec, out: Out): Promise<Tune[]> {
  // The trials training at once divide the threads between them.
  const runs = new RunManager(nodeWorkers(path.join(__dirname, 'worker.js'), path.join(__dirname, 'kernel-helper.js')), { statsEvery: 0, threads: new ThreadBudget(a.threads ?? defaultThreads()) });
  const file = path.resolve(a.file);
  const rounds: Tune[] = [];
  let search = spec.tune;
  for (let round = 1; round <= a.rounds && search; round++) {
    const tune = new Tune(runs, {
      source: file, title: path.basename(a.file), spec, baseDir: path.dirname(file), tune: search, trials: a.trials, seeds: a.seeds,
      round, firstIndex: rounds.at(-1)?.nextIndex ?? 0,
    });
    let printed = 0;
    tune.onEvent((e) => {
      if (!a.json || e.type !== 'trial' || e.phase !== 'ended') return;
      while (printed < tune.trials.length && isEnded(tune.trials[printed])) out.write(JSON.stringify(trialLine(tune.trials[printed++])) + '\n');
    });
    await tune.start().finished;
    rounds.push(tune);
    search = tune.narrowed();
  }
  return rounds;
}

function totalSavings(rounds: Tune[]): TuneSavings {
  const sum = (k: 'budgetEpochs' | 'trainedEpochs' | 'savedEpochs' | 'savedByRule' | 'savedByDivergence'): number => rounds.reduce((n, t) => n + t.savings()[k], 0);
  const budget = sum('budgetEpochs');
  return {
    budgetEpochs: budget, trainedEpochs: sum('trainedEpochs'), savedEpochs: sum('savedEpochs'), savedByRule: sum('savedByRule'),
    savedByDivergence: sum('savedByDivergence'), fraction: budget > 0 ? sum('savedEpochs') / budget : 0,
  };
}

function isEnded(t: TrialResult): boolean {
  return t.status !== 'pending' && t.status !== 'running';
}

function trialLine(t: TrialResult): Record<string, unknown> {
  return {
    type: 'trial', index: t.index, round: t.round, params: t.params,
    valAcc: t.valAcc ?? null, valLoss: t.valLoss ?? null, ...(t.valR2 !== undefined ? { valR2: t.valR2 } : {}),
    ...(t.valAccStd !== undefined ? { valAccStd: t.valAccStd } : {}), ...(t.valR2Std !== undefined ? { valR2Std: t.valR2Std } : {}),
    status: t.status, epochs: t.epochs, ...(t.reason ? { reason: t.reason } : {}),
  };
}

/** A parameter's value as the table shows it: 3 significant digits, exponent form for small or large numbers. */
export function formatValue(v: number | string | undefined): string {
  if (v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-2 && Math.abs(v) < 1e3 ? v.toPrecision(3) : v.toExponential(2);
}

function paramsText(p: TrialParams): string {
  return TUNE_PARAMS.filter((k) => p[k] !== undefined).map((k) => `${k} ${formatValue(p[k])}`).join(' · ');
}

/** A range as the report writes it, e.g. "lr log [1.00e-4, 0.100]". */
function rangeText(k: string, r: TuneRange): string {
  return r.kind === 'choice' ? `${k} [${r.values.join(', ')}]` : `${k} ${r.kind} [${formatValue(r.min)}, ${formatValue(r.max)}]`;
}

/** The text report: the trials best first, the best, and what early stopping saved. */
export function tuneText(file: string, rounds: Tune[], seconds: number, regression: boolean): string {
  const first = rounds[0].search;
  const keys = TUNE_PARAMS.filter((k) => first.ranges[k]);
  const scoreName = regression ? 'val R²' : 'val acc';
  const score = (t: TrialResult): string => {
    const s = regression ? t.valR2 : t.valAcc;
    const std = regression ? t.valR2Std : t.valAccStd;
    if (s === undefined) return '–';
    const text = regression ? s.toFixed(4) : `${(s * 100).toFixed(1)}%`;
    return std === undefined ? text : `${text} ±${regression ? std.toFixed(4) : (std * 100).toFixed(1)}`;
  };
  const several = rounds.length > 1;
  const header = ['trial', 'status', ...(several ? ['round'] : []), 'epochs', scoreName, 'val loss', ...keys];
  const trials = rounds.flatMap((t) => t.trials);
  const rows = byScore(trials).map((t) => [
    String(t.index), t.status, ...(several ? [String(t.round)] : []), String(t.epochs), score(t), t.valLoss === undefined ? '–' : t.valLoss.toFixed(4),
    ...keys.map((k) => formatValue(t.params[k])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ') + '\n';
  const count = several ? `${rounds.length} rounds of ${first.trials} trials` : `${first.trials} trials`;
  let text = `${file}: ${count} × ${first.seeds} seed${first.seeds > 1 ? 's' : ''}, ${first.epochs} epochs each, ${rounds[0].concurrency} at a time, ${seconds.toFixed(1)} s\n`;
  for (const t of rounds.slice(1)) text += `round ${t.round} (narrowed around round ${t.round - 1}'s best): ${keys.map((k) => rangeText(k, t.search.ranges[k]!)).join(' · ')}\n`;
  text += line(header) + rows.map(line).join('');
  const best = bestTrial(trials);
  text += best ? `best: trial ${best.index} · ${scoreName} ${score(best)} · ${paramsText(best.params)}\n` : 'best: none (no trial trained its whole budget)\n';
  return text + savingsText(totalSavings(rounds)) + '\n';
}

function savingsText(v: TuneSavings): string {
  const pct = v.budgetEpochs > 0 ? ` (${(v.fraction * 100).toFixed(0)}%)` : '';
  return `early stopping (median rule: from epoch ${MEDIAN_RULE.fromEpoch}, below the median of ≥ ${MEDIAN_RULE.minPeers} earlier trials at that epoch): ` +
    `${v.savedEpochs} of ${v.budgetEpochs} epochs not trained${pct}, ${v.savedByRule} by the rule, ${v.savedByDivergence} by divergence`;
}
