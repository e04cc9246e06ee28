import * as l10n from '@vscode/l10n';
import { Trainer, type Evaluation } from '../engine/trainer';
import { divergenceLabel, divergenceMessage } from '../engine/divergence';
import { filterImages, filterLayout, type FilterImages, type FilterLayout } from '../engine/filters';
import { networkArrays } from '../export/arrays';
import { gradcheckModel } from '../engine/check';
import { WeightVector } from '../engine/landscape/weights';
import { TrajectoryRecorder } from '../engine/landscape/trajectory';
import type { WeightTrajectory } from '../engine/landscape/types';
import type { ModelSpec, OptimizerSpec } from '../model/spec';
import { isRegressionSet, type Dataset } from '../engine/data/dataset';
import { boundaryGrid, boundaryInputs, frameOf } from './class-frame';
import { RunDoctor } from './doctor-run';
import { EpochReview } from './mistakes';
import { SampleFollower } from './follow';
import { PausableLoop } from './loop-control';
import type { TrainingLoop } from './loop-types';
import {
  CONTROL_STEP, CONTROL_STOP, type BoundaryFrame, type ParamValues, type BoundaryGrid, type DoneMessage, type EpochMetrics, type ErrorMessage,
  type GradcheckMessage, type LayerInfo, type Marker, type ProgressMessage, type StartedMessage, type StepStats, type FindingsMessage,
  type InspectMessage, type InspectTarget, type MistakesFrame,
} from './protocol';

export type LoopMessage = StartedMessage | ProgressMessage | DoneMessage | ErrorMessage | GradcheckMessage | FindingsMessage | InspectMessage;

export interface LoopOptions {
  runId: string;
  /** Read every step; CONTROL_STOP ends the run after the current step. */
  control?: Int32Array;
  progressIntervalMs: number;
  /** Statistics every this many steps, starting at step 0 (0 or absent: none)… */
  statsEvery?: number;
  /** …and no more often than this (0 or absent: every statsEvery steps). */
  statsMinMs?: number;
  /** Decision-boundary grids for 2-D data, no more often than this (absent: none). */
  boundaryMs?: number;
  /** For image data, the first layer's weights as images, no more often than this (absent: none). */
  filtersMs?: number;
  post: (m: LoopMessage) => void;
  now?: () => number;
  /** The data handed over is the run's to reorder in place (see TrainerOptions.ownData): the caller lets it go. */
  ownData?: boolean;
  /**
   * Pause at the end of every epoch but the last (after posting it), until resumed or stopped: a
   * tune trial waits there for the host's early-stopping verdict, so where it stops does not
   * depend on timing.
   */
  pauseEachEpoch?: boolean;
}

/**
 * One training run, driven in slices: the CLI runs it to the end in one go, the worker in slices
 * of a few milliseconds so that pause, step and optimizer swaps arrive between them. Progress is
 * batched and posted at most once per interval, so the message rate is bounded however fast the
 * steps are.
 */
export class RunLoop extends PausableLoop implements TrainingLoop {
  readonly trainer: Trainer;
  private pendingOptimizer: OptimizerSpec | undefined;
  private readonly runId: string;
  private readonly now: () => number;
  private readonly t0: number;
  private lastPost: number;
  private lastStats = -Infinity;
  private lastBoundary = -Infinity;
  private samples = 0;
  private losses: number[] = [];
  private epochs: EpochMetrics[] = [];
  private stats: StepStats[] = [];
  private markers: Marker[] = [];
  private boundary: BoundaryGrid | null = null;
  private filters: FilterImages | null = null;
  private lastFilters = -Infinity;
  private readonly filterLayout: FilterLayout | null;
  private firstStep = 1;
  private epochLoss = 0;
  private epochCorrect = 0;
  private epochSamples = 0;
  private readonly frame: BoundaryFrame | null;
  /** The frame's grid cells as inputs; for classes, followed by its points (one forward pass for both: boundaryInputs). */
  private readonly grid: Float32Array | undefined;
  /** Classification with a held-out set: the epoch's confusion matrix and mistakes (null otherwise). */
  private readonly review: EpochReview | null;
  /** The newest epoch's mistakes, until posted. */
  private mistakes: MistakesFrame | null = null;
  /** The sample the panel follows live. */
  private readonly follower: SampleFollower;
  private ended: DoneMessage | ErrorMessage | undefined;
  /** The training doctor: findings from the curves and statistics (doctor.ts). */
  private readonly doctor: RunDoctor;
  /** The weights the run visits, for the loss landscape (null when the arrays cannot be laid out). */
  private readonly trajectory: { vector: WeightVector; recorder: TrajectoryRecorder } | null;

  constructor(spec: ModelSpec, private readonly o: LoopOptions, startPaused = false, data?: Dataset) {
    super(startPaused);
    this.runId = o.runId;
    this.now = o.now ?? (() => performance.now());
    this.trainer = new Trainer(spec, 'float32', data, { ownData: o.ownData });
    this.frame = o.boundaryMs === undefined ? null : frameOf(this.trainer);
    if (this.frame) this.grid = boundaryInputs(this.frame);
    this.review = EpochReview.of(this.trainer);
    this.filterLayout = o.filtersMs !== undefined ? filterLayout(this.trainer.network, this.trainer.trainSet.shape) : null;
    const t = this.trainer;
    const layers = layerInfo(t);
    const gallery = this.review?.gallery() ?? null;
    o.post({
      type: 'started', runId: this.runId,
      parameters: t.network.parameterCount, trainSize: t.trainSet.n, validationSize: t.validationSet.n,
      batchSize: t.batchSize, stepsPerEpoch: t.stepsPerEpoch, totalSteps: t.totalSteps,
      layers, boundary: this.frame, regression: isRegressionSet(t.trainSet),
      ...(gallery ? { gallery } : {}),
    });
    this.follower = new SampleFollower(t, this.runId, o.post, this.now);
    this.doctor = new RunDoctor(t, layers.map((l) => l.index), this.runId, o.post);
    this.trajectory = trajectoryOf(t);
    this.t0 = this.now();
    this.lastPost = this.t0;
    // The weights as initialized: what the init scheme alone gives.
    this.takeFilters();
  }

  /** The first layer's weights as images, now (image data only). */
  private takeFilters(): void {
    if (!this.filterLayout) return;
    this.filters = filterImages(this.trainer.network, this.filterLayout, this.trainer.step);
    this.lastFilters = this.now();
  }

  get done(): boolean {
    return this.ended !== undefined;
  }

  /**
   * Follows a sample (InspectMessage now, then as the weights change, see SampleFollower), or stops
   * following (null). A sample the run cannot inspect is dropped with a warning; the run goes on.
   */
  follow(target: InspectTarget | null): void {
    if (!this.done) this.follower.follow(target);
  }

  /** Swaps the update rule before the next step; the switch is marked on the charts. */
  setOptimizer(spec: OptimizerSpec): void {
    this.pendingOptimizer = spec;
  }

  /** Whether the loop has work it can do now. */
  get runnable(): boolean {
    return !this.done && this.canStep;
  }

  /**
   * Trains until the time budget is spent, the run ends, or it is paused. Returns the last message
   * once the run has ended.
   */
  runSlice(budgetMs: number): DoneMessage | ErrorMessage | undefined {
    const t = this.trainer;
    const sliceEnd = this.now() + budgetMs;
    const statsEvery = this.o.statsEvery ?? 0;
    while (!this.ended) {
      if (t.done) return this.finish('finished');
      if (this.o.control && Atomics.load(this.o.control, 0) === CONTROL_STOP) return this.finish('stopped');
      // A single step taken while paused (the Step button).
      const single = this.paused;
      if (!this.takeStep()) break;
      if (this.pendingOptimizer) {
        const from = t.optimizer.type;
        t.setOptimizer(this.pendingOptimizer);
        this.markers.push({ step: t.step, kind: 'optimizer', label: `${from} → ${this.pendingOptimizer.type}` });
        this.pendingOptimizer = undefined;
      }
      const now = this.now();
      // Every statsEvery steps (time allowing), and always at the last step, so the end is charted.
      const withStats = statsEvery > 0 && ((t.step % statsEvery === 0 && now - this.lastStats >= (this.o.statsMinMs ?? 0)) || t.step === t.totalSteps - 1);
      if (withStats) this.lastStats = now;
      this.trajectory?.recorder.before(t.step);
      const r = t.trainStep(this.doctor.wantsStats(t.step) || withStats);
      if (this.o.control && this.o.control.length > CONTROL_STEP) Atomics.store(this.o.control, CONTROL_STEP, t.step);
      if (r.stats && withStats) this.stats.push(r.stats);
      if (r.divergence) {
        const d = r.divergence;
        // The steps before it and its marker reach the host before the error does.
        this.markers.push({ step: t.step, kind: 'divergence', label: divergenceLabel(d) });
        this.flush();
        this.doctor.end({ step: t.step, lr: r.lr });
        const m: ErrorMessage = {
          type: 'error', runId: this.runId, step: t.step, message: divergenceMessage(d, r.lr), divergence: d, lr: r.lr,
          // The weights before the step that diverged (its update was not applied), to inspect.
          weights: weightsOf(t),
        };
        this.ended = m;
        this.o.post(m);
        return m;
      }
      this.samples += r.batchSize;
      this.losses.push(r.loss);
      // Weighted by batch size: a short last batch counts for the samples it holds.
      this.epochLoss += r.loss * r.batchSize;
      this.epochCorrect += r.correct;
      this.epochSamples += r.batchSize;
      if (r.epochEnded) {
        this.endEpoch(r.regLoss);
        if (this.o.pauseEachEpoch && !t.done) this.hold();
      }
      this.doctor.afterStep(r, r.epochEnded ? this.epochs[this.epochs.length - 1] : undefined, t.epoch);
      if (this.frame && this.now() - this.lastBoundary >= (this.o.boundaryMs ?? Infinity)) this.computeBoundary();
      if (this.filterLayout && this.now() - this.lastFilters >= (this.o.filtersMs ?? Infinity)) this.takeFilters();
      if (this.now() - this.lastPost >= this.o.progressIntervalMs || this.paused) this.flush();
      this.follower.afterStep(single);
      if (this.now() >= sliceEnd) break;
    }
    return this.ended;
  }

  private endEpoch(regLoss: number): void {
    const t = this.trainer;
    // The held-out set's confusion matrix and mistakes are counted from the scores of its evaluation, in the same pass.
    this.review?.begin();
    const val = t.validationSet.n > 0 ? t.evaluate(t.validationSet, this.review?.hook) : null;
    // As cs231n's Solver: train accuracy in eval mode on a fixed sample of the training set.
    const train = t.trainAccuracy();
    this.epochs.push({
      epoch: t.epoch, step: t.step,
      loss: this.epochLoss / this.epochSamples, regLoss, runningAcc: train.regression ? null : this.epochCorrect / this.epochSamples,
      valLoss: val ? val.loss : null, ...scoreFields(train, val),
      confusion: this.review ? this.review.confusion() : null,
      seconds: (this.now() - this.t0) / 1000,
    });
    if (this.review) this.mistakes = this.review.mistakes(t.epoch, t.step);
    this.epochLoss = this.epochCorrect = this.epochSamples = 0;
  }

  /** The predicted class of every cell of the boundary grid and the points misclassified (regression: the predicted value), with the current weights. */
  private computeBoundary(): void {
    this.boundary = boundaryGrid(this.trainer, this.frame!, this.grid!);
    this.lastBoundary = this.now();
  }

  /** Posts everything gathered since the last post. */
  flush(): void {
    const t = this.trainer;
    const now = this.now();
    const seconds = (now - this.t0) / 1000;
    this.o.post({
      type: 'progress', runId: this.runId, firstStep: this.firstStep, losses: this.losses, epochs: this.epochs,
      stats: this.stats, markers: this.markers, boundary: this.boundary, filters: this.filters,
      ...(this.mistakes ? { mistakes: this.mistakes } : {}),
      step: t.step, epoch: t.epoch, paused: this.paused,
      samplesPerSec: seconds > 0 ? this.samples / seconds : 0, seconds,
    });
    this.firstStep = t.step + 1;
    this.losses = [];
    this.epochs = [];
    this.stats = [];
    this.markers = [];
    this.boundary = null;
    this.filters = null;
    this.mistakes = null;
    this.lastPost = now;
  }

  /**
   * The training loss at the initial weights (the trajectory's first snapshot), evaluated as the
   * final loss is (same arrays, same evaluation: the landscape's α = 0 matches it bit for bit);
   * the network is given back the final weights (the last snapshot) after.
   */
  private initialLoss(trajectory: WeightTrajectory): number {
    const t = this.trainer;
    const { vector } = this.trajectory!;
    vector.write(trajectory.snapshots[0]);
    const loss = t.evaluate(t.trainSet).loss;
    vector.write(trajectory.snapshots[trajectory.snapshots.length - 1]);
    return loss;
  }

  private finish(status: 'finished' | 'stopped'): DoneMessage {
    const t = this.trainer;
    const seconds = (this.now() - this.t0) / 1000;
    if (this.frame) this.computeBoundary();
    this.takeFilters();
    this.flush();
    this.doctor.end();
    const train = t.evaluate(t.trainSet);
    const val = t.validationSet.n > 0 ? t.evaluate(t.validationSet) : null;
    const trajectory = this.trajectory?.recorder.finish(t.step) ?? null;
    const done: DoneMessage = {
      type: 'done', runId: this.runId, status,
      final: {
        loss: train.loss, regLoss: train.regLoss,
        valLoss: val ? val.loss : null, ...scoreFields(train, val), trainRmse: train.regression?.rmse ?? null,
        steps: t.step, epochs: t.epoch,
        samplesPerSec: seconds > 0 ? this.samples / seconds : 0, seconds,
        initialLoss: trajectory ? this.initialLoss(trajectory) : null,
      },
      trajectory,
      // Copies: the engine's buffers are views of the kernels' memory, which must not be posted.
      weights: weightsOf(t),
    };
    this.ended = done;
    this.o.post(done);
    return done;
  }
}

/**
 * A trainer's weights as the trajectory lays them out (networkArrays's order), bound once, and a
 * recorder of snapshots at steps planned from the run's length; null when the arrays cannot be laid out.
 */
function trajectoryOf(t: Trainer): { vector: WeightVector; recorder: TrajectoryRecorder } | null {
  let vector: WeightVector;
  try {
    vector = new WeightVector(t.network, networkArrays(t.network, t.spec.layers));
  } catch {
    return null;
  }
  return { vector, recorder: new TrajectoryRecorder(vector, t.totalSteps) };
}

/**
 * Trains a spec to the end (or until stopped), synchronously, posting batched progress.
 * The CLI drives it; the worker uses RunLoop in slices.
 */
export function runTraining(spec: ModelSpec, o: LoopOptions, data?: Dataset, built?: (loop: RunLoop) => void): DoneMessage | ErrorMessage {
  let loop: RunLoop;
  try {
    loop = new RunLoop(spec, o, false, data);
  } catch (e) {
    const m: ErrorMessage = { type: 'error', runId: o.runId, message: l10n.t('Could not build the model: {0}', errorText(e)) };
    o.post(m);
    return m;
  }
  built?.(loop);
  let end: DoneMessage | ErrorMessage | undefined;
  while (!end) end = loop.runSlice(Infinity);
  return end;
}

/** A gradient check of the spec, as the worker reports it. */
export function runGradcheck(spec: ModelSpec, runId: string, data?: Dataset, ownData = false): GradcheckMessage {
  return { type: 'gradcheck', runId, result: gradcheckModel(spec, { data, ownData }) };
}

function layerInfo(t: Trainer): LayerInfo[] {
  const out: LayerInfo[] = [];
  for (const l of t.network.layers) {
    const last = out[out.length - 1];
    if (last && last.index === l.sourceIndex) {
      last.name += ` · ${l.label}`;
      last.outShape = [...l.outShape];
    } else {
      out.push({ index: l.sourceIndex, name: `layers[${l.sourceIndex}] ${l.label}`, kind: l.kind, outShape: [...l.outShape] });
    }
  }
  return out;
}

/**
 * The scores of an epoch or done line: accuracies for classes, R² and RMSE for regression (the
 * other kind null), from eval-mode evaluations of training samples and of the held-out set.
 */
export function scoreFields(train: Evaluation, val: Evaluation | null): Pick<EpochMetrics, 'trainAcc' | 'valAcc' | 'trainR2' | 'valR2' | 'valRmse'> {
  const regression = train.regression !== undefined;
  return {
    trainAcc: regression ? null : train.accuracy,
    valAcc: regression || !val ? null : val.accuracy,
    trainR2: train.regression?.r2 ?? null,
    valR2: val?.regression?.r2 ?? null,
    valRmse: val?.regression?.rmse ?? null,
  };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Copies of a trainer's weights and batchnorm statistics, named and shaped as exports write them. */
function weightsOf(t: Trainer): ParamValues[] {
  try {
    return networkArrays(t.network, t.spec.layers).map((a) => ({ name: a.name, shape: [...a.shape], values: Float32Array.from(a.data) }));
  } catch {
    // A spec whose shapes do not infer (cannot train either): the parameters, flat.
    return t.network.params.map((p) => ({ name: p.name, shape: [p.value.length], values: Float32Array.from(p.value) }));
  }
}
