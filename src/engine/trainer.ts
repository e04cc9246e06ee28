import { Rng } from './rng';
import { ARENA_DATA_BYTES } from '../model/memory';
import { Network, type Regularization } from './network';
import { createOptimizer, type Optimizer } from './optim';
import { learningRate } from './schedule';
import { allocate, firstNonFinite, maxAbs, type Dtype, type FloatArray } from './tensor';
import { isRegressionSet, splitValidation, splitValidationInPlace, withRows, type Dataset } from './data/dataset';
import { makeRipple, makeSine } from './data/regression';
import { RegressionSums, targetMeans, type RegressionScore } from './metrics';
import { makeGaussian, makeSpiral } from './data/spiral';
import { makeBlobs, makeCircles, makeMoons, makeXor } from './data/plane';
import { normalize } from './data/normalize';
import { seededRows, seededSubset } from './data/subset';
import { probeSize, StatsRecorder, type ProbeSet, type StepStats } from './stats';
import type { ModelSpec, OptimizerSpec } from '../model/spec';
import { ModelMismatch, modelMismatch } from '../model/fit';
import { addr, allocFloat32, allocInt32, kernelsFor } from './wasm/kernels';
import * as parallel from './wasm/parallel-update';

/**
 * Where a step first went non-finite: the loss was NaN or ±Infinity because a layer's output was
 * (forward, the first such layer), or the loss itself was (loss), or a gradient was (gradient, the
 * first parameter the backward pass reached), or the update would have made a weight or an
 * optimizer state value non-finite (update, the first such parameter). The step's update was not
 * applied, and nothing else it touched was kept.
 */
export interface Divergence {
  /** The step that diverged (0-based: updates applied before it). */
  step: number;
  where: 'forward' | 'loss' | 'gradient' | 'update';
  /** The layer, e.g. "layers[2] dense 100", or the parameter, e.g. "layers[0].W"; null for the loss. */
  at: string | null;
  /** The loss of the step (may be finite when a gradient was not). */
  loss: number;
}

export interface StepResult {
  /** data loss + regularization, the quantity being minimized */
  loss: number;
  dataLoss: number;
  regLoss: number;
  correct: number;
  batchSize: number;
  /** The learning rate this step used. */
  lr: number;
  /** true when this step finished an epoch */
  epochEnded: boolean;
  /** Present when the step was asked for statistics. */
  stats?: StepStats;
  /** Present when the step went non-finite: nothing was updated, the step did not count. */
  divergence?: Divergence;
}

export interface Evaluation {
  /** Data loss + regularization. */
  loss: number;
  regLoss: number;
  /** Fraction classified right; NaN for regression (no classes). */
  accuracy: number;
  /** Regression sets only: R² and RMSE of the predictions (see RegressionScore). */
  regression?: RegressionScore;
}

/** Sees the scores (n, outputSize) of rows start…start + n − 1 of a set Trainer.evaluate is evaluating. */
export type EvaluationHook = (scores: FloatArray, start: number, n: number) => void;

/** Independent random streams per purpose, so changing one (e.g. init) leaves the others alone. */
export function streamSeed(seed: number, purpose: 'data' | 'split' | 'init' | 'order' | 'train' | 'subset' | 'probe'): number {
  const salt = {
    data: 0x51ed270b, split: 0x1b873593, init: 0x2545f491, order: 0x6c8e9cf5, train: 0x3c6ef372, subset: 0x7f4a7c15, probe: 0x165667b1,
  }[purpose];
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ salt) >>> 0;
}

/**
 * The generated data set of a spec, seeded by the data seed (`data.seed`, default `train.seed`).
 * Data read from files (mnist, csv, idx, cifar10) is loaded by the Node side (src/data/load.ts)
 * and handed to the Trainer.
 */
export function makeDataset(spec: ModelSpec): Dataset {
  const d = spec.data;
  const rng = new Rng(streamSeed(d.seed ?? spec.train.seed, 'data'));
  switch (d.dataset) {
    case 'spiral': return makeSpiral(d.samples, d.classes, d.noise, rng);
    case 'circles': return makeCircles(d.samples, d.noise, rng);
    case 'moons': return makeMoons(d.samples, d.noise, rng);
    case 'xor': return makeXor(d.samples, d.noise, rng);
    case 'blobs': return makeBlobs(d.samples, d.classes, d.noise, rng);
    case 'gaussian': return makeGaussian(d.samples, d.features, d.classes, rng);
    case 'sine': return makeSine(d.samples, d.noise, rng);
    case 'ripple': return makeRipple(d.samples, d.noise, rng);
    case 'mnist': case 'csv': case 'idx': case 'cifar10':
      throw new Error(`makeDataset: '${d.dataset}' is read from a file; load it with loadDataset (src/data/load.ts) and pass it to the Trainer`);
  }
}

export function buildNetwork(spec: ModelSpec, inputShape: readonly number[], dtype: Dtype = 'float32'): Network {
  return new Network({
    inputShape, layers: spec.layers, init: spec.init, loss: spec.loss, dtype,
    initSeed: streamSeed(spec.train.seed, 'init'), trainSeed: streamSeed(spec.train.seed, 'train'),
    ...(spec.svmMargin !== undefined ? { svmMargin: spec.svmMargin } : {}),
  });
}

const EVAL_CHUNK = 1024;
/** Training samples the epoch's train accuracy is measured on, at most (cs231n's Solver.check_accuracy num_samples). */
export const TRAIN_SUBSET = 1000;
export { ARENA_DATA_BYTES };

function copyToArena(x: Float32Array): Float32Array {
  const copy = allocFloat32(x.length);
  copy.set(x);
  return copy;
}

export interface TrainerOptions {
  /**
   * The data set is the Trainer's (the caller lets it go, as the worker does): the split reorders
   * its rows in place and CSV normalization rewrites them, so the training and held-out sets are
   * views of it rather than copies, and training holds one copy of the data, not two. Default:
   * true for the generated set the Trainer makes itself, false for a set handed to it.
   */
  ownData?: boolean;
  /** Float32 training sets up to this many bytes are copied into the kernels' arena (default ARENA_DATA_BYTES). */
  arenaDataBytes?: number;
}

/**
 * Runs mini-batch training of a ModelSpec: seeded data, init, batch order and dropout, so the
 * same spec gives bit-identical losses.
 */
export class Trainer {
  readonly network: Network;
  readonly trainSet: Dataset;
  readonly validationSet: Dataset;
  /**
   * At most TRAIN_SUBSET training samples drawn once from the run's seed (the whole training set when
   * it is no larger): the epoch's train accuracy is an eval-mode evaluation of them (trainAccuracy).
   */
  readonly trainSubset: Dataset;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly reg: Regularization;
  /** Steps taken so far. */
  step = 0;
  /** Epochs completed so far. */
  epoch = 0;

  private optimizerRule: Optimizer;
  private readonly orderRng: Rng;
  private readonly order: Int32Array;
  private cursor = 0;
  private readonly xBatch: FloatArray;
  /** The batch's labels (Int32), or for regression its targets (batch, targetCount) (Float32). */
  private readonly yBatch: Int32Array | Float32Array;
  private evalChunk: FloatArray | undefined;
  private recorder: StatsRecorder | undefined;
  /** max|dw| of each parameter in the current step. */
  private readonly gradMax: Float64Array;

  constructor(readonly spec: ModelSpec, dtype: Dtype = 'float32', data?: Dataset, options: TrainerOptions = {}) {
    const owned = options.ownData ?? data === undefined;
    data ??= makeDataset(spec);
    // File data is only known now: its shape and classes must fit the model the parser checked.
    const mismatch = modelMismatch(spec, data);
    if (mismatch) throw new ModelMismatch(mismatch);
    const splitRng = new Rng(streamSeed(spec.data.seed ?? spec.train.seed, 'split'));
    // The same rows on each side, in the same order, either way: copied, or reordered in place.
    const split = owned ? splitValidationInPlace(data, spec.data.validation, splitRng) : splitValidation(data, spec.data.validation, splitRng);
    // CSV features are normalized with the training side's statistics; images are already in [0, 1].
    const { train, validation } = spec.data.dataset === 'csv' ? normalize(split.train, split.validation, spec.data.csv?.normalize ?? 'standard', owned) : split;
    // Training rows in the kernels' arena when they take a modest part of it, so a mini-batch is
    // gathered by one kernel call of row copies. Past that they stay where they are (a view of
    // an owned set: no second copy of a large set).
    const toArena = dtype === 'float32' && train.x.length * 4 <= (options.arenaDataBytes ?? ARENA_DATA_BYTES);
    this.trainSet = toArena ? withRows(train, copyToArena(train.x), owned ? train.y.slice() : train.y, train.n, owned ? train.targets?.slice() : train.targets) : train;
    // Views of an owned set whose training rows went to the arena are copied out (the held-out
    // rows are the smaller part), so the set itself can be let go.
    this.validationSet = toArena && owned ? withRows(validation, validation.x.slice(), validation.y.slice(), validation.n, validation.targets?.slice()) : validation;
    this.trainSubset = seededSubset(this.trainSet, TRAIN_SUBSET, new Rng(streamSeed(spec.train.seed, 'subset')));
    this.network = buildNetwork(spec, train.shape, dtype);
    this.optimizerRule = createOptimizer(spec.optimizer);
    this.gradMax = new Float64Array(this.network.params.length);
    this.reg = { l2: spec.train.l2, l1: spec.train.l1 };
    this.batchSize = spec.train.batch === 'full' ? train.n : Math.min(spec.train.batch, train.n);
    this.stepsPerEpoch = Math.ceil(train.n / this.batchSize);
    this.totalSteps = this.stepsPerEpoch * spec.train.epochs;
    this.orderRng = new Rng(streamSeed(spec.train.seed, 'order'));
    this.order = dtype === 'float32' ? allocInt32(train.n) : new Int32Array(train.n);
    for (let i = 0; i < train.n; i++) this.order[i] = i;
    this.orderRng.shuffle(this.order);
    this.xBatch = allocate(dtype, this.batchSize * train.features);
    // Labels in the kernels' arena (float32 runs), so the loss kernel reads them in place.
    const targetCount = train.targetCount ?? 0;
    this.yBatch = isRegressionSet(train) ? new Float32Array(this.batchSize * targetCount)
      : dtype === 'float32' ? allocInt32(this.batchSize) : new Int32Array(this.batchSize);
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  get optimizer(): OptimizerSpec {
    return this.optimizerRule.spec;
  }

  /** Swaps the update rule from the next step on: the weights stay, the new rule starts fresh. */
  setOptimizer(spec: OptimizerSpec): void {
    this.optimizerRule = createOptimizer(spec);
  }

  /** The learning rate of the next step, after the schedule. */
  get learningRate(): number {
    const epochs = this.step / this.stepsPerEpoch;
    return learningRate(this.optimizerRule.spec.lr, this.spec.train.schedule, epochs, this.spec.train.epochs);
  }

  /**
   * One mini-batch: gather, forward, loss, backward, update; with stats, also the step's statistics.
   * lr overrides the schedule's learning rate for this step only; the optimizer's state (momentum,
   * Adam's moments and step count) carries on as in any other step (the learning-rate finder's use).
   */
  trainStep(withStats = false, lr = this.learningRate): StepResult {
    const { trainSet: data, batchSize } = this;
    const f = data.features;
    const tc = data.targetCount ?? 0;
    const n = Math.min(batchSize, data.n - this.cursor);
    const k = kernelsFor(this.xBatch, data.x, this.order);
    if (k) parallel.gatherRows(k, addr(this.xBatch), addr(data.x), addr(this.order, this.cursor), n, f);
    for (let i = 0; i < n; i++) {
      const src = this.order[this.cursor + i];
      if (!k) {
        const from = src * f;
        const to = i * f;
        for (let j = 0; j < f; j++) this.xBatch[to + j] = data.x[from + j];
      }
      if (tc === 0) this.yBatch[i] = data.y[src];
      else for (let j = 0; j < tc; j++) this.yBatch[i * tc + j] = data.targets![src * tc + j];
    }
    const r = this.network.loss(this.xBatch, this.yBatch, 0, n, this.reg, true);
    let divergence = this.checkFinite(r.loss, n);
    let stats: StepStats | undefined;
    if (!divergence) {
      if (withStats) {
        this.recorder ??= new StatsRecorder(this.network, this.probeSet());
        this.recorder.beforeUpdate();
      }
      // The optimizer declines an update that would overflow, and then changes nothing.
      const overflow = this.optimizerRule.update(this.network.params, lr, this.gradMax);
      if (overflow) divergence = { step: this.step, where: 'update', at: overflow, loss: r.loss };
    }
    if (divergence) {
      // Nothing the step touched is kept: batchnorm's staged statistics are dropped, dropout's
      // streams rewound; the weights, the optimizer's state, the step counter, the cursor and the epoch are left alone.
      this.network.endStep(false);
      return { loss: r.loss, dataLoss: r.dataLoss, regLoss: r.regLoss, correct: r.correct, batchSize: n, lr, epochEnded: false, divergence };
    }
    this.network.endStep(true);
    if (withStats) stats = this.recorder!.finish(this.step, r.dataLoss, true);
    this.step++;
    this.cursor += n;
    let epochEnded = false;
    if (this.cursor >= data.n) {
      this.cursor = 0;
      this.epoch++;
      epochEnded = true;
      this.orderRng.shuffle(this.order);
    }
    return { loss: r.loss, dataLoss: r.dataLoss, regLoss: r.regLoss, correct: r.correct, batchSize: n, lr, epochEnded, stats };
  }

  /**
   * The activation statistics' probe set: probeSize(batch, n) training samples drawn once from the
   * run's seed (its own stream), copied in the network's dtype; made when statistics are first asked for.
   */
  private probeSet(): ProbeSet {
    const data = this.trainSet;
    const f = data.features;
    const rows = seededRows(data.n, probeSize(this.batchSize, data.n), new Rng(streamSeed(this.spec.train.seed, 'probe')));
    const x = allocate(this.network.dtype, rows.length * f);
    rows.forEach((r, i) => x.set(data.x.subarray(r * f, (r + 1) * f), i * f));
    return { x, n: rows.length };
  }

  /** After forward and backward: where the step first went non-finite, if it did. */
  private checkFinite(loss: number, n: number): Divergence | undefined {
    const net = this.network;
    if (!Number.isFinite(loss)) {
      for (let i = 0; i < net.layers.length; i++) {
        const l = net.layers[i];
        if (firstNonFinite(net.outputs[i], n * l.outSize) >= 0) {
          return { step: this.step, where: 'forward', at: `layers[${l.sourceIndex}] ${l.label}`, loss };
        }
      }
      return { step: this.step, where: 'loss', at: null, loss };
    }
    // The backward pass meets the last layer first: report the first parameter it reached.
    for (let i = net.params.length - 1; i >= 0; i--) {
      const p = net.params[i];
      // max|dw|, for the divergence check and for the optimizer's bound on its update.
      this.gradMax[i] = maxAbs(p.grad);
      if (!Number.isFinite(this.gradMax[i])) return { step: this.step, where: 'gradient', at: p.name, loss };
    }
    return undefined;
  }

  /**
   * cs231n's Solver.check_accuracy on the training side: loss and accuracy of the fixed, seeded
   * training subset (trainSubset), in evaluation mode (dropout off, batchnorm's running statistics).
   */
  trainAccuracy(): Evaluation {
    return this.evaluate(this.trainSubset);
  }

  /**
   * Loss (data + regularization) and accuracy (regression: R² and RMSE) over a whole set, in evaluation mode.
   * onChunk sees the scores of each chunk of rows as they are computed: rows start…start + n − 1 of
   * the set, (n, outputSize) row-major, valid only during the call (the confusion matrix of an epoch
   * is counted from them, in the same pass).
   */
  evaluate(set: Dataset, onChunk?: EvaluationHook): Evaluation {
    if (set.n === 0) return { loss: NaN, regLoss: NaN, accuracy: NaN };
    const f = set.features;
    const tc = set.targetCount ?? 0;
    const sums = isRegressionSet(set) ? new RegressionSums(tc, targetMeans(set.targets, set.n, tc)) : undefined;
    const last = this.network.layers.length - 1;
    let lossSum = 0;
    let correct = 0;
    const rows = Math.min(EVAL_CHUNK, set.n);
    if (!this.evalChunk || this.evalChunk.length < rows * f) this.evalChunk = allocate(this.network.dtype, rows * f);
    const chunk = this.evalChunk;
    for (let start = 0; start < set.n; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, set.n - start);
      for (let i = 0; i < n * f; i++) chunk[i] = set.x[start * f + i];
      const r = this.network.loss(chunk, set.targets ?? set.y, start, n, { l2: 0, l1: 0 }, false);
      lossSum += r.dataLoss * n;
      correct += r.correct;
      // The last layer's output is the predictions.
      sums?.add(this.network.outputs[last], set.targets!, start, n);
      onChunk?.(this.network.outputs[last], start, n);
    }
    const regLoss = this.network.regLoss(this.reg);
    if (sums) return { loss: lossSum / set.n + regLoss, regLoss, accuracy: NaN, regression: sums.score() };
    return { loss: lossSum / set.n + regLoss, regLoss, accuracy: correct / set.n };
  }
}
