import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import { Trainer, TRAIN_SUBSET, streamSeed } from '../../src/engine/trainer';
import { Rng } from '../../src/engine/rng';
import { seededRows } from '../../src/engine/data/subset';
import type { EpochMetrics, ProgressMessage } from '../../src/training/protocol';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/** A dropout MLP on 1,500 spiral points: 1,200 training samples, more than the 1,000 trainAcc measures. */
const DROPOUT: ModelSpec = {
  ...SPIRAL,
  data: { ...SPIRAL.data, samples: 1500 },
  layers: [
    { kind: 'dense', units: 100, activation: { type: 'relu' } },
    { kind: 'dropout', p: 0.5 },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ],
  train: { ...SPIRAL.train, epochs: 1, batch: 64 },
};

function train(spec: ModelSpec): { epochs: EpochMetrics[]; losses: number[]; trainer: Trainer } {
  const posted: LoopMessage[] = [];
  const end = runTraining(spec, { runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m) });
  assert.equal(end.type, 'done');
  const progress = posted.filter((m): m is ProgressMessage => m.type === 'progress');
  // A second trainer of the same spec takes the same steps: its weights are the run's at the end.
  const trainer = new Trainer(spec);
  while (!trainer.done) trainer.trainStep();
  return { epochs: progress.flatMap((p) => p.epochs), losses: progress.flatMap((p) => p.losses), trainer };
}

/** Accuracy of rows `rows` of the trainer's training set, by a forward pass in eval mode and an argmax here. */
function evalAccuracy(t: Trainer, rows: Int32Array): number {
  const f = t.trainSet.features;
  const x = new Float32Array(rows.length * f);
  rows.forEach((r, i) => x.set(t.trainSet.x.subarray(r * f, (r + 1) * f), i * f));
  const c = t.network.outputSize;
  let correct = 0;
  for (let i = 0; i < rows.length; i++) {
    const scores = t.network.forward(x.subarray(i * f, (i + 1) * f), 1, false);
    let best = 0;
    for (let j = 1; j < c; j++) if (scores[j] > scores[best]) best = j;
    if (best === t.trainSet.y[rows[i]]) correct++;
  }
  return correct / rows.length;
}

test('trainAcc is an eval-mode evaluation of a fixed, seeded sample of 1,000 training samples; runningAcc is the training-mode figure', () => {
  const { epochs, trainer } = train(DROPOUT);
  assert.equal(trainer.trainSet.n, 1200);
  assert.equal(epochs.length, 1);
  const e = epochs[0];
  const rows = seededRows(1200, TRAIN_SUBSET, new Rng(streamSeed(DROPOUT.train.seed, 'subset')));
  assert.equal(rows.length, 1000);
  assert.equal(new Set(rows).size, 1000, 'distinct rows');
  assert.equal(trainer.trainSubset.n, 1000);
  assert.equal(e.trainAcc, evalAccuracy(trainer, rows));
  // Dropout is on in the running figure, off in trainAcc: they differ.
  assert.equal(typeof e.runningAcc, 'number');
  assert.notEqual(e.trainAcc, e.runningAcc);
  // The done message's figure covers all 1,200 samples.
  const all = Int32Array.from({ length: 1200 }, (_, i) => i);
  assert.equal(trainer.evaluate(trainer.trainSet).accuracy, evalAccuracy(trainer, all));
});

test('the train subset is drawn once from the seed: the same rows for the same seed, others for another, all rows when there are at most 1,000', () => {
  const a = new Trainer(DROPOUT).trainSubset;
  const b = new Trainer(DROPOUT).trainSubset;
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  const other = new Trainer({ ...DROPOUT, train: { ...DROPOUT.train, seed: 2 } }).trainSubset;
  assert.equal(other.n, 1000);
  assert.notDeepEqual(seededRows(1200, 1000, new Rng(streamSeed(1, 'subset'))), seededRows(1200, 1000, new Rng(streamSeed(2, 'subset'))));
  const small = new Trainer(SPIRAL);
  assert.equal(small.trainSubset, small.trainSet);
});

test('the epoch loss weights each batch by its size: a short last batch counts for what it holds', () => {
  // 126 spiral points, 101 for training, batches of 32: 32, 32, 32 and a last batch of 5.
  const spec: ModelSpec = { ...SPIRAL, data: { ...SPIRAL.data, samples: 126, classes: 3 }, train: { ...SPIRAL.train, epochs: 2, batch: 32 } };
  const { epochs, losses, trainer } = train(spec);
  assert.equal(trainer.trainSet.n, 101);
  assert.equal(trainer.stepsPerEpoch, 4);
  assert.equal(epochs.length, 2);
  const sizes = [32, 32, 32, 5];
  epochs.forEach((e, k) => {
    const l = losses.slice(4 * k, 4 * k + 4);
    let sum = 0;
    l.forEach((x, i) => { sum += x * sizes[i]; });
    assert.equal(e.loss, sum / 101, `epoch ${e.epoch}`);
    const mean = l.reduce((a, b) => a + b) / 4;
    assert.ok(Math.abs(e.loss - mean) > 1e-6, `epoch ${e.epoch}: the plain mean of the batch losses (${mean}) is another figure`);
  });
});

test('with at most 1,000 training samples, a finished run\'s last epoch and its done line give the same trainAcc', () => {
  const posted: LoopMessage[] = [];
  const end = runTraining({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } }, { runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m) });
  assert.equal(end.type, 'done');
  if (end.type !== 'done') return;
  const epochs = posted.flatMap((m) => (m.type === 'progress' ? m.epochs : []));
  assert.equal(epochs.length, 3);
  assert.equal(epochs[2].trainAcc, end.final.trainAcc);
});
