import { Trainer } from '../engine/trainer';
import type { ModelSpec } from '../model/spec';
import {
  CONTROL_STOP, type DoneMessage, type EpochMetrics, type ErrorMessage, type ProgressMessage, type StartedMessage,
  type StatsMessage,
} from './protocol';

export type LoopMessage = StartedMessage | ProgressMessage | StatsMessage | DoneMessage | ErrorMessage;

export interface LoopOptions {
  runId: string;
  /** Read every step; CONTROL_STOP ends the run after the current step. */
  control?: Int32Array;
  progressIntervalMs: number;
  /** Statistics every this many steps, starting at step 0 (0 or absent: none). */
  statsEvery?: number;
  post: (m: LoopMessage) => void;
  now?: () => number;
}

/**
 * Trains a spec to the end (or until stopped), posting batched progress at most once per
 * interval, so the message rate is bounded however fast the steps are.
 * Runs synchronously; the worker and the CLI both drive it.
 */
export function runTraining(spec: ModelSpec, o: LoopOptions): DoneMessage | ErrorMessage {
  const now = o.now ?? (() => performance.now());
  const runId = o.runId;
  let trainer: Trainer;
  try {
    trainer = new Trainer(spec);
  } catch (e) {
    const m: ErrorMessage = { type: 'error', runId, message: `Could not build the model: ${errorText(e)}` };
    o.post(m);
    return m;
  }
  o.post({
    type: 'started', runId,
    parameters: trainer.network.parameterCount,
    trainSize: trainer.trainSet.n,
    validationSize: trainer.validationSet.n,
    batchSize: trainer.batchSize,
    stepsPerEpoch: trainer.stepsPerEpoch,
    totalSteps: trainer.totalSteps,
  });

  const t0 = now();
  let lastPost = t0;
  let samples = 0;
  let losses: number[] = [];
  let epochs: EpochMetrics[] = [];
  let firstStep = 1;
  let epochLoss = 0;
  let epochCorrect = 0;
  let epochSamples = 0;
  let epochSteps = 0;
  const hasValidation = trainer.validationSet.n > 0;
  const statsEvery = o.statsEvery ?? 0;

  const flush = (): void => {
    const t = now();
    const seconds = (t - t0) / 1000;
    o.post({
      type: 'progress', runId, firstStep, losses, epochs,
      step: trainer.step, epoch: trainer.epoch,
      samplesPerSec: seconds > 0 ? samples / seconds : 0, seconds,
    });
    firstStep = trainer.step + 1;
    losses = [];
    epochs = [];
    lastPost = t;
  };

  let status: 'finished' | 'stopped' = 'finished';
  while (!trainer.done) {
    if (o.control && Atomics.load(o.control, 0) === CONTROL_STOP) {
      status = 'stopped';
      break;
    }
    const withStats = statsEvery > 0 && trainer.step % statsEvery === 0;
    const r = trainer.trainStep(withStats);
    if (r.stats) o.post({ type: 'stats', runId, stats: r.stats });
    if (!Number.isFinite(r.loss)) {
      flush();
      const m: ErrorMessage = {
        type: 'error', runId, step: trainer.step,
        message: `Loss became ${r.loss} at step ${trainer.step}. Lower the learning rate or change the init scheme.`,
      };
      o.post(m);
      return m;
    }
    samples += r.batchSize;
    losses.push(r.loss);
    epochLoss += r.loss;
    epochCorrect += r.correct;
    epochSamples += r.batchSize;
    epochSteps++;
    if (r.epochEnded) {
      const val = hasValidation ? trainer.evaluate(trainer.validationSet) : null;
      epochs.push({
        epoch: trainer.epoch, step: trainer.step,
        loss: epochLoss / epochSteps, regLoss: r.regLoss, trainAcc: epochCorrect / epochSamples,
        valLoss: val ? val.loss : null, valAcc: val ? val.accuracy : null,
        seconds: (now() - t0) / 1000,
      });
      epochLoss = epochCorrect = epochSamples = epochSteps = 0;
    }
    if (now() - lastPost >= o.progressIntervalMs) flush();
  }
  const seconds = (now() - t0) / 1000;
  if (losses.length > 0 || epochs.length > 0) flush();

  const train = trainer.evaluate(trainer.trainSet);
  const val = hasValidation ? trainer.evaluate(trainer.validationSet) : null;
  const done: DoneMessage = {
    type: 'done', runId, status,
    final: {
      loss: train.loss, regLoss: train.regLoss, trainAcc: train.accuracy,
      valLoss: val ? val.loss : null, valAcc: val ? val.accuracy : null,
      steps: trainer.step, epochs: trainer.epoch,
      samplesPerSec: seconds > 0 ? samples / seconds : 0, seconds,
    },
  };
  o.post(done);
  return done;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
