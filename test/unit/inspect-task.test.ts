import { nodeDataFiles } from '../../src/node/data-files';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { inspectOnce, runInspect, type InspectRequest } from '../../src/training/inspect-task';
import { runTraining } from '../../src/training/loop';
import { Trainer, makeDataset } from '../../src/engine/trainer';
import { inspectSample } from '../../src/engine/inspect';
import { setNetworkArrays } from '../../src/export/arrays';
import { oneShotWorker } from '../../src/training/one-shot';
import type { DoneMessage, InspectMessage, ParamValues, WorkerToHost } from '../../src/training/protocol';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');
const SPEC: ModelSpec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 5 } };

function request(o: Partial<InspectRequest> = {}): InspectRequest {
  return {
    type: 'inspect', runId: 'i', spec: SPEC, baseDir: null, target: { split: 'val', sample: 5 }, weights: null, origin: 'initial', step: 0, ...o,
  };
}

function trainedWeights(): { weights: ParamValues[]; steps: number } {
  const end = runTraining(SPEC, { runId: 'r', progressIntervalMs: 1e9, post: () => undefined });
  assert.equal(end.type, 'done');
  return { weights: (end as DoneMessage).weights, steps: (end as DoneMessage).final.steps };
}

async function answer(m: InspectRequest): Promise<WorkerToHost[]> {
  const posted: WorkerToHost[] = [];
  await runInspect(m, (msg) => posted.push(msg), nodeDataFiles);
  return posted;
}

test('the one-shot inspect answers with the weights given (the origin and step echoed), initial weights otherwise', async () => {
  const { weights, steps } = trainedWeights();
  const [trained] = await answer(request({ weights, origin: 'final', step: steps }));
  const [initial] = await answer(request());
  assert.equal(trained.type, 'inspect');
  assert.equal(initial.type, 'inspect');
  const a = (trained as InspectMessage).result;
  const b = (initial as InspectMessage).result;
  assert.equal((trained as InspectMessage).runId, 'i');
  assert.deepEqual([a.weights, a.step, a.split, a.sample], ['final', steps, 'val', 5]);
  assert.deepEqual([b.weights, b.step], ['initial', 0]);
  assert.notDeepEqual(a.scores, b.scores, 'trained and initial weights give different scores');
  assert.deepEqual(a.input, b.input, 'the same sample');
  // Independently: the split of a Trainer of the spec, the weights copied in, inspected in place.
  const t = new Trainer(SPEC);
  assert.deepEqual(b, inspectSample(SPEC, t.network, t.validationSet, { split: 'val', sample: 5 }, { origin: 'initial', step: 0 }));
  setNetworkArrays(t.network, SPEC.layers, weights.map((w) => ({ name: w.name, shape: w.shape, data: w.values })));
  assert.deepEqual(a, inspectSample(SPEC, t.network, t.validationSet, { split: 'val', sample: 5 }, { origin: 'final', step: steps }));
  // The trained network classifies better: its loss on this sample is not the initial one.
  assert.notEqual(a.loss, b.loss);
});

test('the one-shot inspect errors clearly: a sample out of range names the split and its size; weights that do not fit', async () => {
  const [train] = await answer(request({ target: { split: 'train', sample: 240 } }));
  assert.deepEqual(train, { type: 'error', runId: 'i', message: 'Sample 240 is out of range: the training set has 240 samples (0–239).' });
  const [val] = await answer(request({ target: { split: 'val', sample: -1 } }));
  assert.deepEqual(val, { type: 'error', runId: 'i', message: 'Sample -1 is out of range: the validation set has 60 samples (0–59).' });
  const [empty] = await answer(request({ spec: { ...SPEC, data: { ...SPEC.data, validation: 0 } }, target: { split: 'val', sample: 0 } }));
  assert.deepEqual(empty, { type: 'error', runId: 'i', message: 'Sample 0 does not exist: the validation set is empty.' });
  const { weights } = trainedWeights();
  const [bad] = await answer(request({ weights: weights.slice(1) }));
  assert.equal(bad.type, 'error');
  assert.match((bad as { message: string }).message, /^The weights do not fit the model: layers\[0\]\.W: not given/);
  const [broken] = await answer(request({ spec: { ...SPEC, layers: [{ kind: 'dense', units: 4, activation: { type: 'linear' } }] } }));
  assert.equal(broken.type, 'error');
  assert.match((broken as { message: string }).message, /^Could not inspect the sample: .*3 classes/);
});

test('inspectOnce splits the data it is handed in place, as a training run does', () => {
  const data = makeDataset(SPEC);
  const m = inspectOnce(request({ target: { split: 'train', sample: 0 } }), data);
  const t = new Trainer(SPEC);
  assert.deepEqual(m.result.input, Array.from(t.trainSet.x.subarray(0, 2)));
});

test('the worker answers an inspect request and ends (oneShotWorker)', async () => {
  const shot = oneShotWorker(nodeWorkers(workerPath).start, request({ target: { split: 'train', sample: 9 } }), {
    accept: (m) => m.type === 'inspect',
    crashed: (e) => e,
    exited: (code) => new Error(`exited ${code}`),
  });
  const m = (await shot.answer) as InspectMessage;
  assert.equal(m.result.sample, 9);
  assert.equal(m.result.split, 'train');
  assert.equal(m.result.layers.length, 3);
  const failing = oneShotWorker(nodeWorkers(workerPath).start, request({ target: { split: 'train', sample: 1e6 } }), {
    accept: (msg) => msg.type === 'inspect',
    crashed: (e) => e,
    exited: (code) => new Error(`exited ${code}`),
  });
  await assert.rejects(failing.answer, { message: 'Sample 1000000 is out of range: the training set has 240 samples (0–239).' });
});
