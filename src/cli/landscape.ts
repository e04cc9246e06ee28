/**
 * `trainlens landscape FILE [--json] [--weights trained|initial] [--resolution N] [--plane random|pca]
 * [--epochs N] [--seed S]`: trains the model as `trainlens train` does (recording the weights it
 * visits), then computes the loss landscape (src/engine/landscape): the training loss along the
 * line from the initial to the trained weights, and on a plane through the trained (or initial) weights.
 */
import * as path from 'node:path';
import { loadDataset } from '../data/load';
import type { ModelSpec } from '../model/spec';
import { landscapeOf, LandscapeError } from '../training/landscape-task';
import type { LandscapeCentre, LandscapeOptions, LandscapeResult } from '../engine/landscape/types';
import { MAX_RESOLUTION, MIN_RESOLUTION } from '../engine/landscape/compute';
import { trainToEnd } from './train-to-end';
import { scanFlags } from './flags';

type Out = NodeJS.WriteStream;
/** main.ts's loadSpec: the spec, or undefined after printing its diagnostics (a circuit file: one line). */
type SpecLoader = (file: string, err: Out, what: string) => ModelSpec | undefined;

const USAGE = 'Usage: trainlens landscape FILE [--json] [--weights trained|initial] [--resolution N] [--plane random|pca] [--epochs N] [--seed S]';

interface LandscapeArgs { file: string; json: boolean; centre: LandscapeCentre; resolution: number; plane: 'random' | 'pca'; epochs?: number; seed: number }

class UsageError extends Error {}

const CHOICES: Record<string, readonly string[]> = { '--weights': ['trained', 'initial'], '--plane': ['random', 'pca'] };
const WHOLE: Record<string, [number, number]> = { '--resolution': [MIN_RESOLUTION, MAX_RESOLUTION], '--epochs': [1, 2 ** 32 - 1], '--seed': [0, 2 ** 32 - 1] };

/** A flag's value, checked: one of its choices, or a whole number in its range. */
function flagValue(flag: string, v: string): string | number {
  const choices = CHOICES[flag];
  if (choices) {
    if (!choices.includes(v)) throw new UsageError(`${flag} is ${choices.map((c) => `'${c}'`).join(' or ')}, got '${v}'.`);
    return v;
  }
  const [lo, hi] = WHOLE[flag];
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < lo || n > hi) throw new UsageError(`${flag} must be a whole number from ${lo} to ${hi}, got '${v}'.`);
  return n;
}

function parseLandscapeArgs(args: string[]): LandscapeArgs {
  const { files, json, values } = scanFlags('landscape', args, [...Object.keys(CHOICES), ...Object.keys(WHOLE)], USAGE, (m) => new UsageError(m));
  const given: Record<string, string | number> = {};
  for (const [flag, v] of values) given[flag] = flagValue(flag, v);
  if (files.length !== 1) throw new UsageError(`landscape takes one model file.\n${USAGE}`);
  return {
    file: files[0], json,
    centre: (given['--weights'] ?? 'trained') as LandscapeCentre,
    plane: (given['--plane'] ?? 'random') as 'random' | 'pca',
    resolution: (given['--resolution'] ?? 21) as number,
    seed: (given['--seed'] ?? 1) as number,
    ...(given['--epochs'] !== undefined ? { epochs: given['--epochs'] as number } : {}),
  };
}

export async function landscapeCommand(args: string[], out: Out, err: Out, loadSpec: SpecLoader): Promise<number> {
  let a: LandscapeArgs;
  try {
    a = parseLandscapeArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`trainlens: ${e.message}\n`);
    return 2;
  }
  const loaded = loadSpec(a.file, err, 'computed');
  // (A surface or circuit file is refused by loadSpec, in one line.)
  if (!loaded) return 1;
  const spec = { ...loaded, train: { ...loaded.train, epochs: a.epochs ?? loaded.train.epochs } };
  const data = await loadDataset(spec, path.dirname(path.resolve(a.file)));
  const run = trainToEnd(spec, data, a, out);
  if (typeof run === 'string') {
    err.write(`trainlens: ${a.file}: ${run}\n`);
    return 1;
  }
  const options: LandscapeOptions = { resolution: a.resolution, plane: a.plane, seed: a.seed, centre: a.centre };
  // The evaluations so far, redrawn in place on a TTY.
  const tty = !a.json && out.isTTY;
  let result: LandscapeResult;
  try {
    result = landscapeOf(run.loop.trainer, { weights: run.done.weights, trajectory: run.done.trajectory ?? { steps: [], snapshots: [] }, options }, {
      progress: (done, total) => {
        if (tty) out.write(`\r${path.basename(a.file)} landscape: ${done}/${total} evaluations`);
      },
    });
  } catch (e) {
    if (!(e instanceof LandscapeError)) throw e;
    err.write(`trainlens: ${a.file}: ${e.message}\n`);
    return 1;
  } finally {
    if (tty) out.write('\r\x1b[K');
  }
  out.write(a.json ? JSON.stringify({ type: 'landscape', ...result }) + '\n' : landscapeText(path.basename(a.file), result, run.done.final.steps));
  return 0;
}

// ─── text ──────────────────────────────────────────────────────────────────────

const num = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toExponential(3)) : String(v));
const point = (p: readonly number[]): string => `(${p.map((v) => v.toFixed(3)).join(', ')})`;

/** The line as a table of (α, loss), then the plane in a few lines: its minimum, the path's start and end. */
export function landscapeText(file: string, r: LandscapeResult, steps: number): string {
  const s = r.surface;
  const lines = [
    `${file}: loss landscape after ${steps} steps · ${r.evaluations} evaluations of ${r.samples} training samples in ${r.seconds.toFixed(2)} s`,
  ];
  if (r.requestedResolution !== undefined) lines.push(`(resolution ${s.resolution}, lowered from ${r.requestedResolution} to bound the work)`);
  lines.push('', 'line θ(α) = θ₀ + α·(θ₁ − θ₀), θ₀ initial, θ₁ trained:', '       α  loss');
  r.line.alphas.forEach((alpha, i) => {
    const mark = alpha === 0 ? '  initial' : alpha === 1 ? '  trained' : '';
    lines.push(`${alpha.toFixed(3).padStart(8)}  ${num(r.line.losses[i])}${mark}`);
  });
  let best = 0;
  s.values.forEach((v, k) => {
    if (v < s.values[best] || !Number.isFinite(s.values[best])) best = k;
  });
  const at = (k: number): [number, number] => [
    s.aMin + ((k % s.resolution) * (s.aMax - s.aMin)) / (s.resolution - 1),
    s.bMin + (Math.floor(k / s.resolution) * (s.bMax - s.bMin)) / (s.resolution - 1),
  ];
  const how = s.plane === 'pca' ? `the trajectory's principal directions (explained ${s.explained!.map((e) => `${(e * 100).toFixed(1)}%`).join(' + ')})` : 'filter-normalized random directions';
  lines.push(
    '',
    `plane θ(a, b) = θc + a·d₁ + b·d₂ around the ${s.centre === 'initial' ? 'initial' : 'trained'} weights θc, d₁ and d₂ ${how}:`,
    `  a ∈ [${num(s.aMin)}, ${num(s.aMax)}], b ∈ [${num(s.bMin)}, ${num(s.bMax)}], ${s.resolution}×${s.resolution} points`,
    `  min ${num(s.values[best])} at (a, b) = ${point(at(best))}`,
    `  path: step ${s.pathSteps[0]} at ${point(s.path[0])} → step ${s.pathSteps.at(-1)} at ${point(s.path.at(-1)!)} (${s.path.length} snapshots)`,
  );
  return lines.join('\n') + '\n';
}
