/**
 * `trainlens train FILE` on a surface file: the file's optimizer steps the point down f(x, y).
 * Text: a header, the progress bar on a TTY, a summary line. `--json`: one
 * {"type":"step","step","position","value"} line per step from 0 (the start) — every step up to
 * MAX_PATH_POINTS steps, every ⌈n/MAX_PATH_POINTS⌉-th past that, the last always — then
 * {"type":"done","position","value","steps"}. On divergence, the message on stderr and exit 1, as
 * for a network.
 */
import * as path from 'node:path';
import type { SurfaceModelSpec } from '../model/spec';
import type { SurfaceFrame, SurfacePoint } from '../engine/surface/types';
import { MAX_PATH_POINTS } from '../training/protocol';
import type { LoopMessage } from '../training/loop';
import { runSurface } from '../training/surface-loop';
import { ProgressBar } from './progress';

type Out = NodeJS.WriteStream;

export interface SurfaceTrainArgs {
  file: string;
  json: boolean;
  epochs?: number;
  seed?: number;
  statsEvery?: number;
}

/** The step lines keep every stride-th step (and the last) of a run of `steps` steps. */
export function pathStride(steps: number): number {
  return steps <= MAX_PATH_POINTS ? 1 : Math.ceil(steps / MAX_PATH_POINTS);
}

/** A step line or the done line's fields, in the order scripts see them. */
export function stepLine(p: SurfacePoint): string {
  return JSON.stringify({ type: 'step', step: p.step, position: [p.x, p.y], value: p.f });
}

export function doneLine(p: SurfacePoint, steps: number): string {
  return JSON.stringify({ type: 'done', position: [p.x, p.y], value: p.f, steps });
}

/** A number for the text lines: at most 6 significant digits. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** The progress bar's words for a surface run: "step 120/300  f = 0.01234  ‖∇f‖ = 0.4" (4 significant digits). */
export function barFields(step: number, steps: number, p: SurfacePoint): string[] {
  const short = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
  return [`step ${step}/${steps}`, `f = ${short(p.f)}`, `‖∇f‖ = ${short(p.grad)}`];
}

/** "rosenbrock (1-x)^2+… · start (-1.5, 2) · adam lr 0.02 · 300 steps". */
function header(spec: SurfaceModelSpec): string {
  const s = spec.surface;
  const what = s.preset !== null ? `${s.preset} f = ${s.expression}` : `f = ${s.expression}`;
  const noise = s.noise > 0 ? ` · gradient noise σ ${num(s.noise)} (seed ${spec.train.seed})` : '';
  return `${what} · start (${num(s.start[0])}, ${num(s.start[1])}) · ${spec.optimizer.type} lr ${num(spec.optimizer.lr)} · ${s.steps} steps${noise}`;
}

/** ", 0.00123 from the minimum (1, 1)", from the frame's critical points (empty when it knows no minimum). */
function nearestMinimum(frame: SurfaceFrame | null, p: SurfacePoint): string {
  const minima = (frame?.critical ?? []).filter((c) => c.kind === 'minimum');
  if (minima.length === 0) return '';
  const dist = (c: { x: number; y: number }): number => Math.hypot(p.x - c.x, p.y - c.y);
  const best = minima.reduce((a, b) => (dist(b) < dist(a) ? b : a));
  return ` · ${num(dist(best))} from the minimum (${num(best.x)}, ${num(best.y)})`;
}

export function trainSurfaceCommand(a: SurfaceTrainArgs, loaded: SurfaceModelSpec, out: Out, err: Out): number {
  // Refused rather than guessed: a surface's length is train.steps, and it has no layers to take statistics of.
  if (a.epochs !== undefined) {
    err.write(`trainlens: ${a.file} is a surface: it trains train.steps steps (${loaded.surface.steps}), not epochs; --epochs does not apply. Change train.steps in the file.\n`);
    return 2;
  }
  if (a.statsEvery !== undefined) {
    err.write(`trainlens: ${a.file} is a surface: it has no layers to take statistics of; --stats-every does not apply.\n`);
    return 2;
  }
  const spec: SurfaceModelSpec = { ...loaded, train: { ...loaded.train, seed: a.seed ?? loaded.train.seed } };
  const steps = spec.surface.steps;
  const stride = pathStride(steps);
  const bar = !a.json && out.isTTY ? new ProgressBar(out, path.basename(a.file)) : undefined;
  if (!a.json) out.write(header(spec) + '\n');
  // What the messages told so far: the frame (its critical points), the newest point and the newest step line.
  const seen: { frame: SurfaceFrame | null; last?: SurfacePoint; lastWritten: number } = { frame: null, lastWritten: -1 };
  const post = (m: LoopMessage): void => {
    if (m.type === 'started') seen.frame = m.surface ?? null;
    if (m.type !== 'progress' || !m.path) return;
    if (m.path.length > 0) seen.last = m.path[m.path.length - 1];
    if (a.json) {
      const kept = m.path.filter((p) => p.step % stride === 0 || p.step === steps);
      if (kept.length > 0) {
        out.write(kept.map(stepLine).join('\n') + '\n');
        seen.lastWritten = kept[kept.length - 1].step;
      }
    } else {
      if (bar && seen.last) bar.draw(m.step, steps, barFields(m.step, steps, seen.last));
    }
  };
  const result = runSurface(spec, { runId: 'cli', progressIntervalMs: 100, post });
  bar?.finish();
  // The last point reached is always a line, even off the stride (a diverged run's last good point).
  const last = seen.last;
  if (a.json && last && last.step !== seen.lastWritten) out.write(stepLine(last) + '\n');
  if (result.type === 'error' || !last) {
    err.write(`trainlens: ${a.file}: ${result.type === 'error' ? result.message : 'the surface run reported no point'}\n`);
    return 1;
  }
  if (a.json) {
    out.write(doneLine(last, result.final.steps) + '\n');
  } else {
    const f = result.final;
    out.write(
      `${path.basename(a.file)}: (${num(last.x)}, ${num(last.y)}) · f ${num(last.f)} · ‖∇f‖ ${num(last.grad)}` +
      `${nearestMinimum(seen.frame, last)} · ${f.steps} steps in ${f.seconds.toFixed(2)} s\n`,
    );
  }
  return 0;
}
