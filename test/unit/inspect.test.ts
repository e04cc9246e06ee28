import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer } from '../../src/engine/trainer';
import { Rng } from '../../src/engine/rng';
import { float64Twin, forwardFrom, inspectSample, sampleRow } from '../../src/engine/inspect';
import { LOSS_FUNCTIONS, hingeChecksum } from '../../src/engine/loss';
import type { Network } from '../../src/engine/network';
import type { Dataset } from '../../src/engine/data/dataset';
import type { InspectResult } from '../../src/engine/inspect-types';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/** Centered-difference step on a layer's output (float64). */
const H = 1e-5;
/** Relative error allowed away from kinks; gradients below DENOM_FLOOR are compared absolutely (DENOM_FLOOR·TOL). */
const TOL = 1e-6;
const DENOM_FLOOR = 1e-3;
/** Entries checked per layer output at most (a seeded sample, plus the largest |gradient|). */
const ENTRIES = 24;

const relu = { type: 'relu' } as const;
const linear = { type: 'linear' } as const;

function spec(layers: LayerSpec[], over: Partial<ModelSpec> = {}): ModelSpec {
  return { ...SPIRAL, layers, ...over, train: { ...SPIRAL.train, batch: 16, ...over.train } };
}

/** Which piece every piecewise choice from layer `from` on took (and the SVM hinge's), after a forward pass from there. */
function decisions(net: Network, from: number, set: Dataset, k: number, scores: Float64Array): string {
  const parts = net.layers.slice(from).map((l) => l.decisionChecksum?.(1) ?? 0);
  if (net.lossName === 'svm') parts.push(hingeChecksum(scores, set.y, k, 1, net.outputSize, net.svmMargin));
  return parts.join(',');
}

/** The sample's data loss when layer `from`'s input is h, and the piecewise decisions taken from there. */
function lossAt(net: Network, from: number, h: Float64Array, set: Dataset, k: number): { loss: number; kinks: string } {
  const outs = forwardFrom(net, from, h);
  const scores = outs.length > 0 ? outs[outs.length - 1] : h;
  const loss = LOSS_FUNCTIONS[net.lossName](scores, set.targets ?? set.y, k, 1, net.outputSize, undefined, net.svmMargin).loss;
  return { loss, kinks: decisions(net, from, set, k, scores) };
}

function entriesOf(g: number[], rng: Rng): number[] {
  const picks = new Set<number>();
  let big = 0;
  g.forEach((v, i) => { if (Math.abs(v) > Math.abs(g[big])) big = i; });
  picks.add(big);
  if (g.length <= ENTRIES) return g.map((_, i) => i);
  while (picks.size < ENTRIES) picks.add(rng.int(g.length));
  return [...picks];
}

interface CheckCount { checked: number; kinks: number }

/**
 * ∂L/∂(x) against centered differences of the sample's float64 loss, where x is layer `from − 1`'s
 * output (from = 0: the input): perturb one entry and run the layers from `from` on.
 */
function checkGradient(net: Network, from: number, base: number[], analytic: number[], set: Dataset, k: number, what: string, count: CheckCount): void {
  const rng = new Rng(from + 7);
  const ref = lossAt(net, from, Float64Array.from(base), set, k).kinks;
  for (const i of entriesOf(analytic, rng)) {
    const h = Float64Array.from(base);
    h[i] = base[i] + H;
    const plus = lossAt(net, from, h, set, k);
    h[i] = base[i] - H;
    const minus = lossAt(net, from, h, set, k);
    if (plus.kinks !== ref || minus.kinks !== ref) {
      count.kinks++;
      continue;
    }
    const numeric = (plus.loss - minus.loss) / (2 * H);
    const a = analytic[i];
    const rel = Math.abs(a - numeric) / Math.max(DENOM_FLOOR, Math.abs(a) + Math.abs(numeric));
    assert.ok(rel <= TOL, `${what}[${i}]: analytic ${a}, numeric ${numeric}, relative error ${rel}`);
    count.checked++;
  }
}

/** Every layer's dout and dinput of the inspected sample against centered differences. */
function checkAllGradients(s: ModelSpec, trainer: Trainer, r: InspectResult, set: Dataset): CheckCount {
  const net = float64Twin(s, trainer.network);
  const count = { checked: 0, kinks: 0 };
  r.layers.forEach((l, i) => checkGradient(net, i + 1, l.out, l.dout, set, r.sample, `${l.name} dout`, count));
  checkGradient(net, 0, r.input, r.dinput, set, r.sample, 'dinput', count);
  return count;
}

/** A trainer of `s` after `steps` training steps (weights moved, batchnorm's running statistics updated). */
function trained(s: ModelSpec, steps: number, data?: Dataset): Trainer {
  const t = new Trainer(s, 'float32', data);
  for (let i = 0; i < steps; i++) t.trainStep();
  return t;
}

/** The float32 network's data loss on that one sample, evaluation mode. */
function float32Loss(t: Trainer, set: Dataset, k: number): number {
  const x = Float32Array.from(sampleRow(set, k));
  return t.network.loss(x, set.targets ?? set.y, k, 1, { l2: 0, l1: 0 }, false).dataLoss;
}

function inspectAndCheck(s: ModelSpec, steps: number, k: number, split: 'train' | 'val' = 'val', data?: Dataset): { r: InspectResult; set: Dataset } {
  const t = trained(s, steps, data);
  const set = split === 'val' ? t.validationSet : t.trainSet;
  const r = inspectSample(s, t.network, set, { split, sample: k }, { origin: 'live', step: t.step });
  const count = checkAllGradients(s, t, r, set);
  assert.ok(count.checked > 0, 'some entries are checked');
  const f32 = float32Loss(t, set, k);
  // float32 rounding of the same computation: ~1e-7 relative per operation.
  assert.ok(Math.abs(r.loss - f32) <= 1e-6 * Math.max(Math.abs(r.loss), 1e-3), `float64 loss ${r.loss} vs float32 ${f32}`);
  return { r, set };
}

/** A seeded set of small images (1×8×8, 3 classes): a bright bar whose place depends on the class. */
function images(n: number): Dataset {
  const rng = new Rng(5);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let p = 0; p < 64; p++) x[i * 64 + p] = 0.2 * rng.uniform() + (Math.floor(p / 8) % 3 === y[i] ? 0.7 : 0);
  }
  return { x, y, n, shape: [1, 8, 8], features: 64, classes: 3, labelNames: ['top', 'middle', 'bottom'] };
}

const IMAGE_DATA: ModelSpec['data'] = { dataset: 'idx', samples: 0, classes: 3, noise: 0, features: 64, validation: 0.2, idx: { images: 'x', labels: 'y' } };

test('inspect: dense tanh / relu / sigmoid on spiral: every dout and dinput match centered differences; softmax terms', () => {
  const s = spec([
    { kind: 'dense', units: 8, activation: { type: 'tanh' } },
    { kind: 'dense', units: 8, activation: relu },
    { kind: 'dense', units: 6, activation: { type: 'sigmoid' } },
    { kind: 'dense', units: 3, activation: linear },
  ]);
  const { r } = inspectAndCheck(s, 30, 5);
  assert.equal(r.type, 'inspect');
  assert.equal(r.layers.length, 7);
  assert.deepEqual(r.layers.map((l) => l.name).slice(0, 2), ['layers[0] dense 8', 'layers[0] tanh']);
  assert.deepEqual(r.layers.map((l) => l.kind), ['dense', 'activation', 'dense', 'activation', 'dense', 'activation', 'dense']);
  assert.deepEqual(r.inputShape, [2]);
  assert.deepEqual(r.scores, r.layers[6].out);
  assert.deepEqual(r.dscores, r.layers[6].dout);
  const probs = r.probs!;
  assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(-Math.log(probs[r.label as number]) - r.loss) < 1e-12);
  probs.forEach((p, j) => assert.ok(Math.abs(r.dscores[j] - (p - (j === r.label ? 1 : 0))) < 1e-12));
  assert.equal(r.predicted, r.scores.indexOf(Math.max(...r.scores)));
  assert.equal(r.margins, undefined);
  assert.equal(r.circuit, undefined, '203 weights: no circuit');
});

test('inspect: conv + batchnorm + max pool + avg pool on small images', () => {
  const s = spec([
    { kind: 'conv', filters: 3, size: 3, stride: 1, pad: 1, activation: linear },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'activation', activation: relu },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'conv', filters: 2, size: 3, stride: 1, pad: 0, activation: { type: 'tanh' } },
    { kind: 'pool', size: 2, stride: 2, type: 'avg' },
    { kind: 'dense', units: 3, activation: linear },
  ], { data: IMAGE_DATA });
  const { r } = inspectAndCheck(s, 10, 2, 'val', images(30));
  assert.deepEqual(r.inputShape, [1, 8, 8]);
  assert.deepEqual(r.layers[0].shape, [3, 8, 8]);
  assert.deepEqual(r.layers[3].shape, [3, 4, 4]);
  assert.deepEqual(r.layers[4].shape, [2, 2, 2]);
  assert.equal(r.dinput.length, 64);
  assert.deepEqual(r.labelNames, ['top', 'middle', 'bottom']);
  assert.equal(r.circuit, undefined, 'conv: no circuit');
});

test('inspect: batchnorm + dropout in evaluation mode (running statistics, no mask)', () => {
  const s = spec([
    { kind: 'dense', units: 10, activation: linear },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'activation', activation: { type: 'elu' } },
    { kind: 'dropout', p: 0.5 },
    { kind: 'dense', units: 3, activation: linear },
  ]);
  const { r } = inspectAndCheck(s, 40, 3, 'train');
  const drop = r.layers.find((l) => l.kind === 'dropout')!;
  const before = r.layers[r.layers.indexOf(drop) - 1];
  assert.deepEqual(drop.out, before.out, 'dropout is the identity in evaluation mode');
});

test('inspect: maxout with the SVM loss: margins are the hinge terms', () => {
  const s = spec([
    { kind: 'maxout', units: 6, pieces: 3 },
    { kind: 'dense', units: 3, activation: linear },
  ], { loss: 'svm' });
  const { r } = inspectAndCheck(s, 5, 7);
  const y = r.label as number;
  const m = r.margins!;
  assert.equal(m[y], 0);
  assert.equal(r.margin, 1);
  assert.ok(Math.abs(m.reduce((a, b) => a + b, 0) - r.loss) < 1e-12);
  m.forEach((v, j) => { if (j !== y) assert.equal(v, Math.max(0, r.scores[j] - r.scores[y] + 1)); });
  assert.equal(r.probs, undefined);
});

test('inspect: mse regression (sine): the errors give the loss; label is the targets, predicted null', () => {
  const s = spec([
    { kind: 'dense', units: 12, activation: { type: 'gelu' } },
    { kind: 'dense', units: 1, activation: linear },
  ], { loss: 'mse', data: { dataset: 'sine', samples: 80, classes: 0, noise: 0.1, features: 1, targets: 1, validation: 0.25 } });
  const { r, set } = inspectAndCheck(s, 20, 4);
  const e = r.errors!;
  assert.deepEqual(r.label, [set.targets![4]]);
  assert.equal(e[0], r.scores[0] - set.targets![4]);
  assert.equal(r.predicted, null);
  assert.ok(Math.abs(e.reduce((a, v) => a + v * v, 0) / e.length - r.loss) < 1e-12);
  assert.ok(Math.abs(r.dscores[0] - 2 * e[0]) < 1e-12);
});

test('inspect: a sample out of range throws, naming the split and its size', () => {
  const t = new Trainer(SPIRAL);
  assert.throws(() => inspectSample(SPIRAL, t.network, t.validationSet, { split: 'val', sample: 60 }, { origin: 'initial', step: 0 }),
    (e: Error) => e instanceof RangeError && /60/.test(e.message) && /validation set/.test(e.message) && /60 samples/.test(e.message));
  assert.throws(() => inspectSample(SPIRAL, t.network, t.trainSet, { split: 'train', sample: -1 }, { origin: 'initial', step: 0 }), /training set has 240 samples/);
});

test('inspect: follows the network\'s current weights (the cached float64 copy is refreshed)', () => {
  const t = new Trainer(SPIRAL);
  const target = { split: 'val', sample: 0 } as const;
  const r0 = inspectSample(SPIRAL, t.network, t.validationSet, target, { origin: 'initial', step: 0 });
  for (let i = 0; i < 20; i++) t.trainStep();
  const r1 = inspectSample(SPIRAL, t.network, t.validationSet, target, { origin: 'live', step: t.step });
  assert.notDeepEqual(r1.scores, r0.scores);
  assert.equal(r1.step, 20);
  assert.equal(r1.weights, 'live');
  assert.ok(Math.abs(r1.loss - float32Loss(t, t.validationSet, 0)) <= 1e-6 * r1.loss);
  // One float64 copy per network and model structure: a copy of the spec finds it again.
  assert.equal(float64Twin({ ...SPIRAL }, t.network), float64Twin(SPIRAL, t.network));
  assert.equal(r1.labelNames, undefined);
});

test('inspect: a network that does not fit its spec is refused with a clear error', () => {
  const t = new Trainer(SPIRAL);
  const other: ModelSpec = { ...SPIRAL, layers: [{ kind: 'dense', units: 50, activation: relu }, { kind: 'dense', units: 3, activation: linear }] };
  assert.throws(() => inspectSample(other, t.network, t.validationSet, { split: 'val', sample: 0 }, { origin: 'initial', step: 0 }), /does not match/);
});
