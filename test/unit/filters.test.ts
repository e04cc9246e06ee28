import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterImages, filterLayout, MAX_FILTER_IMAGES, toBase64 } from '../../src/engine/filters';
import { Trainer } from '../../src/engine/trainer';
import type { Dataset } from '../../src/engine/data/dataset';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import type { ProgressMessage } from '../../src/training/protocol';
import { SPIRAL } from './fixtures';

/** n random images of shape [c, h, w] in 3 classes. */
function images(n: number, c: number, h: number, w: number): Dataset {
  const f = c * h * w;
  return {
    x: Float32Array.from({ length: n * f }, (_, i) => Math.sin(i * 12.9898) * 0.5),
    y: Int32Array.from({ length: n }, (_, i) => i % 3), n, shape: [c, h, w], features: f, classes: 3,
  };
}

function trainer(data: Dataset, layers: LayerSpec[]): Trainer {
  const spec: ModelSpec = {
    ...SPIRAL, layers,
    data: { dataset: 'mnist', samples: data.n, classes: 3, noise: 0, features: data.features, validation: 0 },
  };
  return new Trainer(spec, 'float32', data);
}

const bytes = (b64: string): number[] => [...Buffer.from(b64, 'base64')];

test('dense on images: unit u\'s column of W, in (c, y, x) order, scaled to its own min..max', () => {
  const t = trainer(images(12, 1, 2, 3), [{ kind: 'dense', units: 4, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  const layout = filterLayout(t.network, [1, 2, 3])!;
  assert.deepEqual(layout, { index: 0, kind: 'dense', layer: 'layers[0] dense 4', width: 3, height: 2, channels: 1, total: 4 });
  const W = t.network.layers[0].params[0].value;
  // W is (6 inputs, 4 units): unit 2 gets the pixel ramp 0..5, unit 0 is flat.
  for (let d = 0; d < 6; d++) {
    W[d * 4 + 2] = d - 2;
    W[d * 4 + 0] = 0.25;
  }
  const f = filterImages(t.network, layout, 7);
  assert.equal(f.step, 7);
  assert.equal(f.count, 4);
  const px = bytes(f.pixels);
  assert.equal(px.length, 4 * 6);
  assert.deepEqual(px.slice(0, 6), [128, 128, 128, 128, 128, 128], 'a flat unit is mid-grey');
  assert.deepEqual(px.slice(12, 18), [0, 51, 102, 153, 204, 255], 'the ramp, row by row');
  assert.ok(f.min <= -2 && f.max >= 3);
});

test('conv on RGB images: filter f\'s row of W, channels interleaved per pixel', () => {
  const t = trainer(images(6, 3, 4, 4), [{ kind: 'conv', filters: 2, size: 2, stride: 2, pad: 0, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  const layout = filterLayout(t.network, [3, 4, 4])!;
  assert.equal(layout.kind, 'conv');
  assert.deepEqual([layout.width, layout.height, layout.channels, layout.total], [2, 2, 3, 2]);
  const W = t.network.layers[0].params[0].value;
  // Filter 1: red ramps over the 4 pixels, green constant low, blue constant high → (255·p/3·…).
  const row = 12;
  for (let p = 0; p < 4; p++) {
    W[row + 0 * 4 + p] = p; // c = 0
    W[row + 1 * 4 + p] = 0; // c = 1
    W[row + 2 * 4 + p] = 3; // c = 2
  }
  const px = bytes(filterImages(t.network, layout, 0).pixels).slice(12, 24);
  assert.deepEqual(px, [0, 0, 255, 85, 0, 255, 170, 0, 255, 255, 0, 255]);
});

test('no images where the first layer does not read an image as it is', () => {
  const spiral = new Trainer(SPIRAL);
  assert.equal(filterLayout(spiral.network, spiral.trainSet.shape), null, '2-D points');
  const two = trainer(images(6, 2, 4, 4), [{ kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  assert.equal(filterLayout(two.network, [2, 4, 4]), null, 'two channels are not a picture');
  const pooled = trainer(images(6, 1, 4, 4), [{ kind: 'pool', size: 2, stride: 2, type: 'max' }, { kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  assert.equal(filterLayout(pooled.network, [1, 4, 4]), null, 'pooled first');
});

test('at most 64 images: the first units, with how many the layer has', () => {
  const t = trainer(images(6, 1, 3, 3), [{ kind: 'dense', units: 100, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }]);
  const f = filterImages(t.network, filterLayout(t.network, [1, 3, 3])!, 0);
  assert.equal(f.count, MAX_FILTER_IMAGES);
  assert.equal(f.total, 100);
  assert.equal(bytes(f.pixels).length, MAX_FILTER_IMAGES * 9);
});

test('base64 without Buffer, also past the chunk size', () => {
  const b = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
  assert.equal(toBase64(b), Buffer.from(b).toString('base64'));
  assert.equal(toBase64(new Uint8Array(0)), '');
});

test('a run sends the weights as initialized with its first progress, then at most once per interval, and as they end', () => {
  const posted: LoopMessage[] = [];
  let clock = 0;
  const spec: ModelSpec = {
    ...SPIRAL,
    layers: [{ kind: 'dense', units: 8, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }],
    data: { dataset: 'mnist', samples: 30, classes: 3, noise: 0, features: 16, validation: 0 },
    train: { ...SPIRAL.train, epochs: 40, batch: 10 },
  };
  runTraining(spec, { runId: 'r', progressIntervalMs: 10, filtersMs: 100, post: (m) => posted.push(m), now: () => (clock += 1) }, images(30, 1, 4, 4));
  const progress = posted.filter((m): m is ProgressMessage => m.type === 'progress');
  const sent = progress.filter((p) => p.filters).map((p) => p.filters!);
  assert.equal(sent[0].step, 0, 'the initial weights first');
  assert.equal(sent.at(-1)!.step, 120, 'and the final ones');
  assert.ok(sent.length >= 3 && sent.length <= Math.ceil(clock / 100) + 2, `${sent.length} images sets in ${clock} ms`);
  // The final images are the final weights.
  const t = new Trainer(spec, 'float32', images(30, 1, 4, 4));
  for (let i = 0; i < 120; i++) t.trainStep();
  assert.equal(sent.at(-1)!.pixels, filterImages(t.network, filterLayout(t.network, [1, 4, 4])!, 120).pixels);
});
