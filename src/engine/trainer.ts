import { Rng } from './rng';
import { Network } from './network';
import { createOptimizer, type Optimizer } from './optim';
import { allocate, type Dtype, type FloatArray } from './tensor';
import { splitValidation, type Dataset } from './data/dataset';
import { makeSpiral } from './data/spiral';
import type { ModelSpec } from '../model/spec';

export interface StepResult {
  /** data loss + regularization, the quantity being minimized */
  loss: number;
  dataLoss: number;
  regLoss: number;
  correct: number;
  batchSize: number;
  /** true when this step finished an epoch */
  epochEnded: boolean;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/** Independent random streams per purpose, so changing one (e.g. init) leaves the others alone. */
export function streamSeed(seed: number, purpose: 'data' | 'init' | 'order'): number {
  const salt = purpose === 'data' ? 0x51ed270b : purpose === 'init' ? 0x2545f491 : 0x6c8e9cf5;
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ salt) >>> 0;
}

export function makeDataset(spec: ModelSpec): Dataset {
  const rng = new Rng(streamSeed(spec.train.seed, 'data'));
  const d = spec.data;
  return makeSpiral(d.samples, d.classes, d.noise, rng);
}

const EVAL_CHUNK = 1024;

/**
 * Runs mini-batch training of a ModelSpec: seeded data, init and batch order, so the same spec
 * gives bit-identical losses.
 */
export class Trainer {
  readonly network: Network;
  readonly trainSet: Dataset;
  readonly validationSet: Dataset;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  optimizer: Optimizer;
  /** Steps taken so far. */
  step = 0;
  /** Epochs completed so far. */
  epoch = 0;

  private readonly orderRng: Rng;
  private readonly order: Int32Array;
  private cursor = 0;
  private readonly xBatch: FloatArray;
  private readonly yBatch: Int32Array;

  constructor(readonly spec: ModelSpec, dtype: Dtype = 'float32') {
    const all = makeDataset(spec);
    const { train, validation } = splitValidation(all, spec.data.validation, new Rng(streamSeed(spec.train.seed, 'data') + 1));
    this.trainSet = train;
    this.validationSet = validation;
    this.network = new Network(train.features, spec.layers, spec.init, new Rng(streamSeed(spec.train.seed, 'init')), dtype);
    this.optimizer = createOptimizer(spec.optimizer);
    this.batchSize = spec.train.batch === 'full' ? train.n : Math.min(spec.train.batch, train.n);
    this.stepsPerEpoch = Math.ceil(train.n / this.batchSize);
    this.totalSteps = this.stepsPerEpoch * spec.train.epochs;
    this.orderRng = new Rng(streamSeed(spec.train.seed, 'order'));
    this.order = new Int32Array(train.n);
    for (let i = 0; i < train.n; i++) this.order[i] = i;
    this.orderRng.shuffle(this.order);
    this.xBatch = allocate(dtype, this.batchSize * train.features);
    this.yBatch = new Int32Array(this.batchSize);
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  /** One mini-batch: gather, forward, loss, backward, update. */
  trainStep(): StepResult {
    const { trainSet: data, batchSize } = this;
    const f = data.features;
    const n = Math.min(batchSize, data.n - this.cursor);
    for (let i = 0; i < n; i++) {
      const src = this.order[this.cursor + i];
      for (let k = 0; k < f; k++) this.xBatch[i * f + k] = data.x[src * f + k];
      this.yBatch[i] = data.y[src];
    }
    const r = this.network.loss(this.xBatch, this.yBatch, 0, n, this.spec.train.l2, true);
    this.optimizer.update(this.network.params, this.spec.optimizer.lr);
    this.step++;
    this.cursor += n;
    let epochEnded = false;
    if (this.cursor >= data.n) {
      this.cursor = 0;
      this.epoch++;
      epochEnded = true;
      this.orderRng.shuffle(this.order);
    }
    return { loss: r.loss, dataLoss: r.dataLoss, regLoss: r.regLoss, correct: r.correct, batchSize: n, epochEnded };
  }

  /** Loss (data + regularization) and accuracy over a whole set, without touching gradients. */
  evaluate(set: Dataset): Evaluation {
    if (set.n === 0) return { loss: NaN, accuracy: NaN };
    const f = set.features;
    let lossSum = 0;
    let correct = 0;
    const chunk = allocate(this.network.dtype, Math.min(EVAL_CHUNK, set.n) * f);
    for (let start = 0; start < set.n; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, set.n - start);
      for (let i = 0; i < n * f; i++) chunk[i] = set.x[start * f + i];
      const r = this.network.loss(chunk, set.y, start, n, 0, false);
      lossSum += r.dataLoss * n;
      correct += r.correct;
    }
    return { loss: lossSum / set.n + this.network.regLoss(this.spec.train.l2), accuracy: correct / set.n };
  }
}
