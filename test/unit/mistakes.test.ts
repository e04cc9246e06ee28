import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import { Trainer } from '../../src/engine/trainer';
import { loadDataset } from '../../src/data/load';
import { sampleImages, imageGeometry } from '../../src/engine/sample-images';
import type { Dataset } from '../../src/engine/data/dataset';
import { allocate } from '../../src/engine/tensor';
import {
  GALLERY_SIZE, MAX_MISTAKES, boundaryPointRow, type MistakesFrame, type ProgressMessage, type SampleImages, type StartedMessage,
} from '../../src/training/protocol';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'dist/mnist-10k.bin.gz');

interface Run { started: StartedMessage; progress: ProgressMessage[] }

function run(spec: ModelSpec, data?: Dataset, boundaryMs?: number): Run {
  const posted: LoopMessage[] = [];
  const end = runTraining(spec, { runId: 'r', progressIntervalMs: 0, boundaryMs, post: (m) => posted.push(m) }, data);
  assert.equal(end.type, 'done');
  return {
    started: posted.find((m): m is StartedMessage => m.type === 'started')!,
    progress: posted.filter((m): m is ProgressMessage => m.type === 'progress'),
  };
}

/** Scores of row i of a set, one row forward in eval mode, as float64 numbers. */
function rowScores(t: Trainer, set: Dataset, i: number): number[] {
  // The output buffer may be larger than one row (sized for the largest batch seen).
  return Array.from(t.network.forward(set.x.subarray(i * set.features, (i + 1) * set.features), 1, false).subarray(0, t.network.outputSize));
}

function argmax(s: number[]): number {
  let best = 0;
  for (let j = 1; j < s.length; j++) if (s[j] > s[best]) best = j;
  return best;
}

/**
 * The frame's mistakes, independently: every held-out row wrong with the trainer's weights now, and
 * its confidence from the scores of the whole set in one eval-mode forward pass (one chunk, as the
 * evaluation computes them), in float64 here.
 */
function independentMistakes(t: Trainer, loss: 'softmax' | 'svm'): Array<{ index: number; label: number; predicted: number; confidence: number }> {
  const v = t.validationSet;
  const c = t.network.outputSize;
  assert.ok(v.n <= 1024, 'one evaluation chunk');
  const x = allocate('float32', v.n * v.features);
  x.set(v.x.subarray(0, v.n * v.features));
  const all = Array.from(t.network.forward(x, v.n, false).subarray(0, v.n * c));
  const out = [];
  for (let i = 0; i < v.n; i++) {
    const s = all.slice(i * c, (i + 1) * c);
    const p = argmax(s);
    if (p === v.y[i]) continue;
    const max = Math.max(...s);
    const confidence = loss === 'svm' ? s[p] - s[v.y[i]] : Math.exp(s[p] - max) / s.reduce((a, z) => a + Math.exp(z - max), 0);
    out.push({ index: i, label: v.y[i], predicted: p, confidence });
  }
  return out;
}

function checkFrame(frame: MistakesFrame, t: Trainer, loss: 'softmax' | 'svm'): void {
  const all = independentMistakes(t, loss);
  assert.equal(frame.total, all.length);
  assert.equal(frame.validationSize, t.validationSet.n);
  assert.equal(frame.items.length, Math.min(all.length, MAX_MISTAKES));
  const byIndex = new Map(all.map((m) => [m.index, m]));
  for (const [k, m] of frame.items.entries()) {
    const want = byIndex.get(m.index);
    assert.ok(want, `item ${k} (sample ${m.index}) is a mistake`);
    assert.equal(m.label, want.label);
    assert.equal(m.predicted, want.predicted);
    assert.ok(Math.abs(m.confidence - want.confidence) <= 1e-12, `${m.confidence} vs ${want.confidence}`);
    if (loss === 'svm') assert.ok(m.confidence >= 0);
    if (k > 0) {
      const prev = frame.items[k - 1];
      assert.ok(prev.confidence > m.confidence || (prev.confidence === m.confidence && prev.index < m.index), 'most confident first, ties by index');
    }
  }
  // The most confident ones: none left out is more confident than the last kept.
  const last = frame.items[frame.items.length - 1];
  const kept = new Set(frame.items.map((m) => m.index));
  if (last) for (const m of all) if (!kept.has(m.index)) assert.ok(m.confidence <= last.confidence + 1e-12, `sample ${m.index} left out`);
}

for (const loss of ['softmax', 'svm'] as const) {
  test(`${loss}: each epoch's mistakes are the held-out samples the epoch's weights get wrong, the most confident first, at most ${MAX_MISTAKES}`, () => {
    // 1,500 points, 300 held out, one epoch: more mistakes than are sent.
    const spec: ModelSpec = { ...SPIRAL, loss, data: { ...SPIRAL.data, samples: 1500 }, train: { ...SPIRAL.train, epochs: 2, batch: 200 } };
    const { started, progress } = run(spec);
    assert.equal(started.gallery, undefined, 'no gallery for 2-D points');
    const frames = progress.map((p) => p.mistakes).filter((m): m is MistakesFrame => !!m);
    assert.deepEqual(frames.map((f) => f.epoch), [1, 2], 'one frame per epoch');
    const t = new Trainer(spec);
    for (const f of frames) {
      while (t.step < f.step) t.trainStep();
      assert.equal(f.images, null, 'no images for 2-D points');
      checkFrame(f, t, loss);
      const e = progress.flatMap((p) => p.epochs).find((x) => x.epoch === f.epoch)!;
      assert.equal(f.total, t.validationSet.n - e.confusion!.reduce((a, row, y) => a + row[y], 0), 'total = n − the confusion diagonal');
    }
    assert.ok(frames[0].total > MAX_MISTAKES, `${frames[0].total} mistakes after one epoch: more than are sent`);
  });
}

test('a run without a held-out set, or a regression, sends no mistakes', () => {
  const none = run({ ...SPIRAL, data: { ...SPIRAL.data, validation: 0 }, train: { ...SPIRAL.train, epochs: 2 } });
  assert.ok(none.progress.some((p) => p.epochs.length > 0));
  assert.ok(none.progress.every((p) => p.mistakes === undefined));
  const sine = run({
    ...SPIRAL, loss: 'mse', train: { ...SPIRAL.train, epochs: 2 },
    data: { dataset: 'sine', samples: 100, classes: 0, noise: 0.1, features: 1, validation: 0.2 },
    layers: [{ kind: 'dense', units: 8, activation: { type: 'tanh' } }, { kind: 'dense', units: 1, activation: { type: 'linear' } }],
  }, undefined, 0);
  assert.ok(sine.progress.every((p) => p.mistakes === undefined));
  assert.equal(sine.started.gallery, undefined);
  // The regression grid has values, no classes to be wrong about.
  const grids = sine.progress.map((p) => p.boundary).filter((b) => b !== null);
  assert.ok(grids.length > 0);
  for (const g of grids) assert.equal(g.wrong, undefined);
});

/** The bytes a SampleImages holds for row `row` of an image set, as round(255·x) clamped, in (y, x, channel) order. */
function expectedBytes(set: Dataset, row: number): number[] {
  const [c, h, w] = set.shape;
  const out: number[] = [];
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < c; ch++) out.push(Math.min(255, Math.max(0, Math.round(255 * set.x[row * set.features + ch * h * w + p]))));
  }
  return out;
}

function checkImages(images: SampleImages, set: Dataset, indices: number[]): void {
  assert.deepEqual(images.indices, indices);
  assert.deepEqual([images.channels, images.height, images.width], set.shape);
  const bytes = Buffer.from(images.pixels, 'base64');
  const size = set.features;
  assert.equal(bytes.length, indices.length * size);
  indices.forEach((row, i) => assert.deepEqual(Array.from(bytes.subarray(i * size, (i + 1) * size)), expectedBytes(set, row), `image ${i}`));
}

test('mnist: the started message has the gallery (the first held-out digits), each epoch\'s mistakes their digits', async () => {
  const spec: ModelSpec = {
    ...SPIRAL, data: { dataset: 'mnist', samples: 300, classes: 10, noise: 0, features: 784, validation: 0.2 },
    layers: [{ kind: 'dense', units: 10, activation: { type: 'linear' } }],
    train: { ...SPIRAL.train, epochs: 2, batch: 60 },
  };
  const data = await loadDataset(spec, null, { mnistPath: bundle });
  const { started, progress } = run(spec, data);
  // The loop copied the rows it was handed (not its own): the same set gives a trainer of the same split.
  const t = new Trainer(spec, 'float32', data);
  const v = t.validationSet;
  assert.equal(v.n, 60);
  checkImages(started.gallery!, v, Array.from({ length: GALLERY_SIZE }, (_, i) => i));
  const frames = progress.map((p) => p.mistakes).filter((m): m is MistakesFrame => !!m);
  assert.equal(frames.length, 2);
  for (const f of frames) {
    while (t.step < f.step) t.trainStep();
    checkFrame(f, t, 'softmax');
    assert.ok(f.items.length > 0);
    checkImages(f.images!, v, f.items.map((m) => m.index));
  }
});

test('sampleImages: RGB interleaved, values clamped to 0–255; not images → null; imageGeometry reads [c, h, w] with 1 or 3 channels', () => {
  // Two 3×1×2 images: channel planes of 2 pixels.
  const x = Float32Array.from([0, 1, 0.5, 0.25, -0.5, 1.5, /* row 1 */ 1, 1, 1, 1, 1, 1]);
  const set: Dataset = { x, y: new Int32Array(2), n: 2, shape: [3, 1, 2], features: 6, classes: 1 };
  const images = sampleImages(set, [0])!;
  assert.deepEqual(Array.from(Buffer.from(images.pixels, 'base64')), [0, 128, 0, 255, 64, 255]);
  assert.deepEqual(images.indices, [0]);
  assert.equal(sampleImages({ ...set, shape: [6], features: 6 }, [0]), null);
  assert.deepEqual(imageGeometry([1, 28, 28]), { channels: 1, height: 28, width: 28 });
  assert.deepEqual(imageGeometry([3, 32, 32]), { channels: 3, height: 32, width: 32 });
  assert.equal(imageGeometry([2, 8, 8]), null);
  assert.equal(imageGeometry([2]), null);
});

test('the classes grid rings the frame\'s points its weights misclassify: an eval-mode classification of each point, point k being training row boundaryPointRow(k)', () => {
  const spec: ModelSpec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } };
  const { started, progress } = run(spec, undefined, 0);
  const frame = started.boundary!;
  assert.equal(frame.kind, 'classes');
  const t = new Trainer(spec);
  const n = t.trainSet.n;
  const take = frame.labels.length;
  assert.equal(take, 240);
  for (let k = 0; k < take; k++) {
    const row = boundaryPointRow(k, n, take);
    assert.equal(frame.points[2 * k], t.trainSet.x[2 * row]);
    assert.equal(frame.points[2 * k + 1], t.trainSet.x[2 * row + 1]);
    assert.equal(frame.labels[k], t.trainSet.y[row]);
  }
  const points: Dataset = { x: Float32Array.from(frame.points), y: Int32Array.from(frame.labels), n: take, shape: [2], features: 2, classes: 3 };
  const grids = progress.map((p) => p.boundary).filter((b) => b !== null);
  assert.ok(grids.length >= 3 * 8, `${grids.length} grids`);
  let ringed = 0;
  for (const g of grids) {
    while (t.step < g.step) t.trainStep();
    const wrong: number[] = [];
    for (let k = 0; k < take; k++) if (argmax(rowScores(t, points, k)) !== frame.labels[k]) wrong.push(k);
    assert.deepEqual(g.wrong, wrong, `step ${g.step}`);
    ringed += wrong.length;
  }
  assert.ok(ringed > 0, 'some points were ringed');
});
