/**
 * A surface run (a `surface:` file), driven as RunLoop drives a network: the same controls (pause,
 * Step, Stop, optimizer swaps) and the same messages, with f as the loss and the point's path in
 * each progress message. In the worker it is paced, so a race can be watched.
 */
import * as l10n from '@vscode/l10n';
import type { OptimizerSpec, SurfaceModelSpec } from '../model/spec';
import { compileSurface } from '../engine/surface/surface';
import { surfaceFrame } from '../engine/surface/frame';
import { SurfaceRun, type SurfaceDiverged } from '../engine/surface/run';
import type { SurfacePoint } from '../engine/surface/types';
import { CONTROL_STEP, CONTROL_STOP, type DoneMessage, type ErrorMessage, type Marker } from './protocol';
import type { LoopMessage } from './loop';
import type { TrainingLoop } from './loop-types';
import { PausableLoop } from './loop-control';

export interface SurfaceLoopOptions {
  runId: string;
  /** Read every step; CONTROL_STOP ends the run after the current step. */
  control?: Int32Array;
  progressIntervalMs: number;
  post: (m: LoopMessage) => void;
  now?: () => number;
  /** Spread the steps over about PACE_SECONDS (the worker: a race to watch); the CLI runs flat out. */
  paced?: boolean;
}

/** A paced run takes about this long… */
export const PACE_SECONDS = 4;
/** …but steps no slower than this many per second (a short run ends sooner). */
export const MIN_PACED_STEPS_PER_SECOND = 60;

/** Steps per second of a paced run of `steps` steps. */
export function pacedRate(steps: number): number {
  return Math.max(MIN_PACED_STEPS_PER_SECOND, steps / PACE_SECONDS);
}

export class SurfaceLoop extends PausableLoop implements TrainingLoop {
  private readonly run: SurfaceRun;
  private readonly now: () => number;
  private readonly t0: number;
  private lastPost: number;
  private pendingOptimizer: OptimizerSpec | undefined;
  private optimizerType: string;
  /** The learning rate of the rule in use (the divergence message names it). */
  private lr: number;
  private readonly rate: number;
  /** Pacing restarts at every resume: steps taken since paceStart. */
  private paceStart: number;
  private pacedSteps = 0;
  private firstStep = 1;
  private losses: number[] = [];
  private path: SurfacePoint[];
  private markers: Marker[] = [];
  private ended: DoneMessage | ErrorMessage | undefined;

  constructor(spec: SurfaceModelSpec, private readonly o: SurfaceLoopOptions, startPaused = false) {
    super(startPaused);
    this.now = o.now ?? (() => performance.now());
    const setup = spec.surface;
    const surface = compileSurface(setup);
    this.run = new SurfaceRun(surface, setup, spec.optimizer, spec.train.seed);
    this.optimizerType = spec.optimizer.type;
    this.lr = spec.optimizer.lr;
    this.rate = pacedRate(setup.steps);
    o.post({
      type: 'started', runId: o.runId,
      parameters: 2, trainSize: 0, validationSize: 0, batchSize: 1,
      stepsPerEpoch: setup.steps, totalSteps: setup.steps, layers: [], boundary: null,
      // The frame shows the start (and the critical points around it).
      surface: surfaceFrame(surface, setup),
    });
    this.path = [{ ...this.run.point }];
    this.t0 = this.now();
    this.lastPost = this.t0;
    this.paceStart = this.t0;
  }

  get done(): boolean {
    return this.ended !== undefined;
  }

  /** Steps taken so far. */
  get step(): number {
    return this.run.step;
  }

  /** Resumes; a paced run's pace counts from now (the steps do not rush to catch up the pause). */
  override resume(): void {
    super.resume();
    this.paceStart = this.now();
    this.pacedSteps = 0;
  }

  /** A surface has no samples to follow. */
  follow(): void {}

  setOptimizer(spec: OptimizerSpec): void {
    this.pendingOptimizer = spec;
  }

  get runnable(): boolean {
    if (this.done) return false;
    if (this.paused) return this.canStep;
    return this.idleMs === undefined;
  }

  get idleMs(): number | undefined {
    if (!this.o.paced || this.paused || this.done) return undefined;
    const due = this.paceStart + ((this.pacedSteps + 1) * 1000) / this.rate;
    const wait = due - this.now();
    return wait > 0 ? wait : undefined;
  }

  /** Steps until the budget is spent, the run ends, or it waits (paused; paced: the next step not yet due). */
  runSlice(budgetMs: number): DoneMessage | ErrorMessage | undefined {
    const sliceEnd = this.now() + budgetMs;
    while (!this.ended) {
      if (this.run.done) return this.finish('finished');
      if (this.o.control && Atomics.load(this.o.control, 0) === CONTROL_STOP) return this.finish('stopped');
      if (this.paused) {
        if (!this.takeStep()) break;
      } else if (this.idleMs !== undefined) {
        break;
      } else {
        this.pacedSteps++;
      }
      if (this.stepOne()) return this.ended;
      if (this.now() - this.lastPost >= this.o.progressIntervalMs || this.paused) this.flush();
      if (this.now() >= sliceEnd) break;
    }
    return this.ended;
  }

  /** One update (after a pending optimizer swap); true when it diverged and the run ended. */
  private stepOne(): boolean {
    if (this.pendingOptimizer) {
      const to = this.pendingOptimizer;
      this.run.setOptimizer(to);
      this.markers.push({ step: this.run.step, kind: 'optimizer', label: `${this.optimizerType} → ${to.type}` });
      this.optimizerType = to.type;
      this.lr = to.lr;
      this.pendingOptimizer = undefined;
    }
    const before = { ...this.run.point };
    const r = this.run.advance();
    if (this.o.control && this.o.control.length > CONTROL_STEP) Atomics.store(this.o.control, CONTROL_STEP, this.run.step);
    if ('diverged' in r) {
      this.diverge(r, before);
      return true;
    }
    this.losses.push(r.f);
    this.path.push({ ...r });
    return false;
  }

  /**
   * The steps before it and its marker reach the host first; the position from before the step is
   * kept. `r.diverged` says what went non-finite at which step (the run's own sentence).
   */
  private diverge(r: SurfaceDiverged, before: SurfacePoint): void {
    this.markers.push({ step: r.step, kind: 'divergence', label: 'NaN/Inf' });
    this.flush();
    const m: ErrorMessage = {
      type: 'error', runId: this.o.runId, step: r.step,
      message: l10n.t('Diverged: {0} The position from before this step is kept; try a smaller learning rate (now {1}).', r.diverged, this.lr),
      // As a network's divergence (0-based step: the updates before it), so the run's notice offers to train again with a tenth of the lr.
      divergence: { step: r.step - 1, where: 'update', at: null, loss: before.f },
      lr: this.lr,
      weights: positionWeights(before),
    };
    this.ended = m;
    this.o.post(m);
  }

  flush(): void {
    const now = this.now();
    const seconds = (now - this.t0) / 1000;
    const step = this.run.step;
    this.o.post({
      type: 'progress', runId: this.o.runId, firstStep: this.firstStep, losses: this.losses, epochs: [],
      stats: [], markers: this.markers, boundary: null, filters: null, path: this.path,
      step, epoch: this.run.done ? 1 : 0, paused: this.paused,
      samplesPerSec: seconds > 0 ? step / seconds : 0, seconds,
    });
    this.firstStep = step + 1;
    this.losses = [];
    this.path = [];
    this.markers = [];
    this.lastPost = now;
  }

  private finish(status: 'finished' | 'stopped'): DoneMessage {
    this.flush();
    const seconds = (this.now() - this.t0) / 1000;
    const p = this.run.point;
    const done: DoneMessage = {
      type: 'done', runId: this.o.runId, status,
      final: {
        loss: p.f, regLoss: 0, trainAcc: null, valLoss: null, valAcc: null,
        steps: this.run.step, epochs: this.run.done ? 1 : 0,
        samplesPerSec: seconds > 0 ? this.run.step / seconds : 0, seconds,
      },
      weights: positionWeights(p),
    };
    this.ended = done;
    this.o.post(done);
    return done;
  }
}

/** The point as a run's weights. Float32 rounds the position; the path holds it in float64. */
function positionWeights(p: SurfacePoint): DoneMessage['weights'] {
  return [{ name: 'position', shape: [2], values: Float32Array.of(p.x, p.y) }];
}

/** Runs a surface file to the end (or until stopped), synchronously: the CLI's run. */
export function runSurface(spec: SurfaceModelSpec, o: SurfaceLoopOptions): DoneMessage | ErrorMessage {
  let loop: SurfaceLoop;
  try {
    loop = new SurfaceLoop(spec, { ...o, paced: false });
  } catch (e) {
    const m: ErrorMessage = { type: 'error', runId: o.runId, message: l10n.t('Could not build the surface: {0}', e instanceof Error ? e.message : String(e)) };
    o.post(m);
    return m;
  }
  let end: DoneMessage | ErrorMessage | undefined;
  while (!end) end = loop.runSlice(Infinity);
  return end;
}
