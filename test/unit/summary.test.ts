import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Network } from '../../src/engine/network';
import type { LayerSpec } from '../../src/model/spec';
import type { Shape } from '../../src/model/shapes';
import { parseModel } from '../../src/model/parse';
import { inputShape } from '../../src/model/data';
import { DATASETS } from '../../src/model/spec';
import { bytes, compact, grouped, inputShapeOf, readPartialModel, summarize, summarizeLayers } from '../../src/model/summary';

const root = path.resolve(__dirname, '../../..');
const relu = { type: 'relu' as const };
const linear = { type: 'linear' as const };

/** Builds the engine's network and checks every figure of the summary against it, layer by layer. */
function assertMatchesEngine(input: Shape, layers: LayerSpec[]): void {
  const s = summarizeLayers({ dataset: 'test', input, classes: undefined }, layers);
  const net = new Network({ inputShape: input, layers, init: { type: 'he' }, loss: 'softmax', initSeed: 1, trainSeed: 2 });
  assert.equal(s.params, net.parameterCount, 'total parameters');
  assert.equal(s.paramBytes, 4 * net.parameterCount);
  assert.equal(s.macs, net.layers.reduce((a, l) => a + l.macsPerSample, 0), 'total multiply-adds');
  assert.equal(s.flops, 2 * s.macs!);
  layers.forEach((_, i) => {
    const built = net.layers.filter((l) => l.sourceIndex === i);
    const row = s.layers[i];
    assert.deepEqual(row.input, built[0].inShape, `layer ${i + 1} input`);
    assert.deepEqual(row.output, built[built.length - 1].outShape, `layer ${i + 1} output`);
    const params = built.flatMap((l) => l.params);
    assert.deepEqual(row.paramLayout.map(([, n]) => n), params.map((p) => p.value.length), `layer ${i + 1} parameter tensors`);
    assert.equal(row.params, params.reduce((a, p) => a + p.value.length, 0), `layer ${i + 1} parameters`);
    assert.equal(row.macs, built.reduce((a, l) => a + l.macsPerSample, 0), `layer ${i + 1} multiply-adds`);
  });
  assert.equal(s.output!.reduce((a, b) => a * b, 1), net.outputSize, 'scores per sample');
}

test('the spiral MLP: dense D·M + M parameters, 2·D·M FLOPs', () => {
  const layers: LayerSpec[] = [{ kind: 'dense', units: 100, activation: relu }, { kind: 'dense', units: 3, activation: linear }];
  assertMatchesEngine([2], layers);
  const s = summarizeLayers({ dataset: 'spiral', input: [2], classes: 3 }, layers);
  assert.equal(s.layers[0].params, 2 * 100 + 100);
  assert.equal(s.layers[0].flops, 2 * 2 * 100);
  assert.equal(s.layers[0].title, 'dense 100 · relu');
  assert.equal(s.layers[1].params, 100 * 3 + 3);
  assert.equal(s.params, 603);
  assert.deepEqual(s.output, [3]);
});

test('a CNN on MNIST-shaped input: conv F·C·K·K + F, pool, batchnorm per channel, dense after conv flattens', () => {
  const layers: LayerSpec[] = [
    { kind: 'conv', filters: 8, size: 3, stride: 1, pad: 1, activation: relu },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'conv', filters: 16, size: 3, stride: 1, pad: 1, activation: linear },
    { kind: 'activation', activation: relu },
    { kind: 'pool', size: 2, stride: 2, type: 'avg' },
    { kind: 'dropout', p: 0.25 },
    { kind: 'dense', units: 10, activation: linear },
  ];
  assertMatchesEngine([1, 28, 28], layers);
  const s = summarizeLayers({ dataset: 'mnist', input: [1, 28, 28], classes: 10 }, layers);
  assert.equal(s.layers[0].params, 8 * 1 * 3 * 3 + 8);
  assert.deepEqual(s.layers[0].output, [8, 28, 28]);
  assert.equal(s.layers[1].params, 2 * 8);
  assert.deepEqual(s.layers[2].output, [8, 14, 14]);
  assert.equal(s.layers[3].params, 16 * 8 * 9 + 16);
  assert.equal(s.layers[3].flops, 2 * 16 * 14 * 14 * 8 * 9);
  assert.deepEqual(s.layers[5].output, [16, 7, 7]);
  assert.equal(s.layers[7].params, 16 * 7 * 7 * 10 + 10);
});

test('maxout D·U·K + U·K, batchnorm on features 2·D, flatten, strided conv without padding', () => {
  assertMatchesEngine([20], [
    { kind: 'maxout', units: 30, pieces: 3 },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'dense', units: 5, activation: { type: 'leaky_relu', alpha: 0.1 } },
  ]);
  assertMatchesEngine([3, 32, 32], [
    { kind: 'conv', filters: 6, size: 5, stride: 3, pad: 0, activation: { type: 'tanh' } },
    { kind: 'flatten' },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'maxout', units: 7, pieces: 2 },
    { kind: 'dense', units: 10, activation: linear },
  ]);
  const s = summarizeLayers({ dataset: 'x', input: [20], classes: undefined }, [{ kind: 'maxout', units: 30, pieces: 3 }]);
  assert.equal(s.layers[0].params, 20 * 30 * 3 + 30 * 3);
});

test('the weight-init example: ten 500-unit tanh layers', () => {
  const text = readFileSync(path.join(root, 'examples/init-experiment.nn.yaml'), 'utf8');
  const { spec } = parseModel(text);
  assert.ok(spec);
  assertMatchesEngine(inputShapeOf(spec.data)!, spec.layers);
  const s = summarize(spec);
  assert.equal(s.params, 10 * (500 * 500 + 500) + 500 * 10 + 10);
  assert.equal(s.flops, 2 * (10 * 500 * 500 + 500 * 10));
});

test('input shapes come from the data', () => {
  assert.deepEqual(inputShapeOf({ dataset: 'spiral', features: 2 }), [2]);
  assert.deepEqual(inputShapeOf({ dataset: 'moons', features: 2 }), [2]);
  assert.deepEqual(inputShapeOf({ dataset: 'gaussian', features: 500 }), [500]);
  assert.deepEqual(inputShapeOf({ dataset: 'mnist', features: 784 }), [1, 28, 28]);
  assert.deepEqual(inputShapeOf({ dataset: 'cifar10', features: 3072 }), [3, 32, 32]);
  assert.equal(inputShapeOf({ dataset: 'csv', features: 0 }), undefined);
  assert.equal(inputShapeOf({ dataset: 'idx', features: 0 }), undefined);
  // The same shapes the data reader gives the engine.
  for (const dataset of DATASETS) {
    const { spec } = parseModel(`data: { dataset: ${dataset} }\nlayers:\n  - dense: ${dataset === 'gaussian' || dataset === 'mnist' ? 10 : dataset === 'spiral' || dataset === 'blobs' ? 3 : dataset === 'sine' || dataset === 'ripple' ? 1 : 2}\n`);
    assert.ok(spec, dataset);
    assert.deepEqual(inputShapeOf(spec.data), inputShape(spec.data), dataset);
  }
});

test('unknown input (csv): shapes after a dense layer are known, the first layer says why not', () => {
  const s = summarizeLayers({ dataset: 'csv', input: undefined, classes: undefined }, [
    { kind: 'dense', units: 16, activation: relu },
    { kind: 'dense', units: 3, activation: linear },
  ]);
  assert.equal(s.layers[0].params, undefined);
  assert.deepEqual(s.layers[0].output, [16]);
  assert.match(s.layers[0].problem!, /known once the csv data is loaded/);
  assert.equal(s.layers[1].params, 16 * 3 + 3);
  assert.equal(s.params, undefined, 'no total while a layer is unknown');
});

test('a file with errors: every readable layer is still summarized', () => {
  const text = `data: { dataset: spiral }
layers:
  - dense: 100
    activation: relu
  - desne: 50
  - dense: 20
  - conv: { filters: 4, size: 3 }
  - dense: 3
loss: softmax
optimizr: adam
`;
  assert.equal(parseModel(text).spec, undefined);
  const p = readPartialModel(text);
  assert.equal(p.layerRanges.length, 5);
  assert.equal(text.slice(p.layerRanges[0][0], p.layerRanges[0][0] + 10), 'dense: 100');
  const [a, b, c, d, e] = p.summary.layers;
  assert.equal(a.params, 300);
  assert.equal(b.kind, undefined);
  assert.equal(c.params, undefined, 'its input comes from a layer with errors');
  assert.deepEqual(c.output, [20]);
  assert.match(d.problem!, /conv needs image input/);
  assert.deepEqual(e.output, [3], 'a dense layer gives its units whatever comes in');
  assert.equal(e.params, undefined, 'but its parameters depend on its input');
  assert.ok(p.layersKey);
  assert.equal(text.slice(p.layersKey[0], p.layersKey[1]), 'layers');
});

test('a file that is not YAML yet gives an empty summary, not an exception', () => {
  for (const text of ['', 'layers: [', 'data: {dataset: spiral\nlayers:\n  - dense: 3\n  - {', '- a\n- b', ':::']) {
    const p = readPartialModel(text);
    assert.ok(p.summary.layers.length <= 2);
  }
  const p = readPartialModel('data: {dataset: spiral}\nlayers:\n  - dense: 8\n  - dense:');
  assert.equal(p.summary.layers[0].params, 24);
});

test('readable numbers', () => {
  assert.equal(grouped(1234567), '1,234,567');
  assert.equal(compact(999), '999');
  assert.equal(compact(1500), '1.5k');
  assert.equal(compact(2_510_000), '2.51M');
  assert.equal(bytes(300), '300 B');
  assert.equal(bytes(4 * 603), '2.36 KiB');
  assert.equal(bytes(4 * 2_515_510), '9.6 MiB');
});

test('every template parses with no problems and the summary matches the engine', () => {
  const dir = path.join(root, 'templates');
  const files = readdirSync(dir).filter((f) => f.endsWith('.nn.yaml'));
  assert.ok(files.length >= 6, 'six templates');
  for (const f of files) {
    const { spec, diagnostics } = parseModel(readFileSync(path.join(dir, f), 'utf8'));
    assert.deepEqual(diagnostics.map((d) => d.message), [], f);
    assert.ok(spec, f);
    const input = inputShapeOf(spec.data);
    if (input) assertMatchesEngine(input, spec.layers);
  }
});
