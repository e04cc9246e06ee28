import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModel } from '../../src/model/parse';
import { Rng } from '../../src/engine/rng';
import { applyTrial, drawFrom, sampleTrial, trialSeed, usedParams, withTrainSeed } from '../../src/training/tune-sample';
import type { ModelSpec } from '../../src/model/spec';
import type { TuneSpec } from '../../src/model/tune';

const FILE = `data:
  dataset: spiral
  samples: 300
  classes: 3
layers:
  - dense: 50
    activation: relu
  - dropout: 0.5
  - dense: 40
    activation: relu
    init: xavier
  - dropout: 0.2
  - dense: 3
init: he
optimizer: { type: rmsprop, lr: 0.005, decay: 0.9 }
train:
  epochs: 30
  batch: 32
  l2: 0.001
  seed: 7
`;
const spec = parseModel(FILE).spec!;

/** The largest gap between the empirical CDF of xs and the uniform CDF on [0, 1] (Kolmogorov–Smirnov D). */
function ksUniform(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    d = Math.max(d, Math.abs((i + 1) / s.length - x), Math.abs(x - i / s.length));
  });
  return d;
}

// D's 0.1 % critical value is 1.95/√n: a correct sampler fails this 1 time in 1000.
const N = 4000;
const KS_BOUND = 1.95 / Math.sqrt(N);

test('log-uniform: the log of the draws is uniform over [log a, log b] (KS), and a plain uniform is not', () => {
  const tune: TuneSpec = { trials: N, epochs: 1, seeds: 1, ranges: { lr: { kind: 'log', min: 1e-6, max: 1 } } };
  const lrs = Array.from({ length: N }, (_, i) => sampleTrial(tune, 1, i).lr as number);
  assert.ok(lrs.every((v) => v >= 1e-6 && v <= 1));
  const logs = lrs.map((v) => (Math.log10(v) + 6) / 6);
  assert.ok(ksUniform(logs) < KS_BOUND, `D ${ksUniform(logs)}`);
  // The same test tells a linear uniform apart (almost every value above 1e-2).
  const linear: TuneSpec = { ...tune, ranges: { lr: { kind: 'range', min: 1e-6, max: 1 } } };
  const linLogs = Array.from({ length: N }, (_, i) => (Math.log10(sampleTrial(linear, 1, i).lr as number) + 6) / 6);
  assert.ok(ksUniform(linLogs) > 10 * KS_BOUND);
});

test('uniform, int and choice draws: uniform by KS, every whole number and choice about equally often', () => {
  const tune: TuneSpec = {
    trials: N, epochs: 1, seeds: 1,
    ranges: { dropout: { kind: 'range', min: 0.1, max: 0.6 }, hidden: { kind: 'int', min: 3, max: 7 }, optimizer: { kind: 'choice', values: ['sgd', 'adam', 'momentum'] } },
  };
  const draws = Array.from({ length: N }, (_, i) => sampleTrial(tune, 3, i));
  assert.ok(ksUniform(draws.map((d) => ((d.dropout as number) - 0.1) / 0.5)) < KS_BOUND);
  const count = (key: 'hidden' | 'optimizer', v: number | string): number => draws.filter((d) => d[key] === v).length;
  // Each of k outcomes: N/k expected, binomial sd √(N·p·(1−p)); allow 4 sd.
  for (const v of [3, 4, 5, 6, 7]) assert.ok(Math.abs(count('hidden', v) - N / 5) < 4 * Math.sqrt(N * 0.2 * 0.8), `hidden ${v}: ${count('hidden', v)}`);
  for (const v of ['sgd', 'adam', 'momentum']) assert.ok(Math.abs(count('optimizer', v) - N / 3) < 4 * Math.sqrt(N * (2 / 9)), `${v}`);
  assert.equal(draws.filter((d) => !Number.isInteger(d.hidden)).length, 0);
});

test('drawFrom at the ends of [0, 1): the bounds, and a log range of whole numbers rounds', () => {
  assert.equal(drawFrom({ kind: 'log', min: 1e-4, max: 1e-1 }, 0), 1e-4);
  assert.ok(Math.abs((drawFrom({ kind: 'log', min: 1e-4, max: 1e-1 }, 0.5) as number) - 10 ** -2.5) < 1e-15);
  assert.equal(drawFrom({ kind: 'int', min: 2, max: 4 }, 0.9999999), 4);
  assert.equal(drawFrom({ kind: 'int', min: 2, max: 4 }, 0), 2);
  assert.equal(drawFrom({ kind: 'log', min: 16, max: 256 }, 0.5, true), 64);
  assert.equal(drawFrom({ kind: 'choice', values: [1, 'x'] }, 0.9999999), 'x');
});

test('sampling is seeded by the file seed and the trial index: the same trial draws the same values, others differ', () => {
  const tune: TuneSpec = { trials: 10, epochs: 1, seeds: 1, ranges: { lr: { kind: 'log', min: 1e-5, max: 1 }, l2: { kind: 'log', min: 1e-5, max: 1 } } };
  const a = Array.from({ length: 10 }, (_, i) => sampleTrial(tune, 7, i));
  assert.deepEqual(a, Array.from({ length: 10 }, (_, i) => sampleTrial(tune, 7, i)));
  assert.equal(new Set(a.map((p) => p.lr)).size, 10);
  assert.notDeepEqual(sampleTrial(tune, 8, 0), a[0]);
  // Seed 1 trial 2 and seed 2 trial 1 do not share a stream.
  assert.notEqual(trialSeed(1, 2), trialSeed(2, 1));
  assert.equal(sampleTrial(tune, 7, 3).lr, drawFrom(tune.ranges.lr!, new Rng(trialSeed(7, 3)).uniform()));
});

/** The spec with fields that applyTrial may change set aside, to compare the rest. */
function rest(s: ModelSpec): unknown {
  return { ...s, optimizer: undefined, train: { ...s.train, epochs: undefined, l2: undefined, l1: undefined, batch: undefined }, layers: undefined, init: undefined };
}

test('applyTrial changes only what the trial says', () => {
  const t = applyTrial(spec, { lr: 0.02, l2: 0.3, l1: 1e-4, batch: 128, dropout: 0.1, hidden: 77, init: 'xavier' }, 5);
  assert.deepEqual(t.optimizer, { type: 'rmsprop', lr: 0.02, decay: 0.9, eps: 1e-8 }); // the file's decay kept
  assert.deepEqual(t.train, { ...spec.train, epochs: 5, l2: 0.3, l1: 1e-4, batch: 128 });
  assert.deepEqual(t.init, { type: 'xavier' });
  assert.deepEqual(t.layers.map((l) => (l.kind === 'dense' ? l.units : l.kind === 'dropout' ? l.p : l.kind)), [77, 0.1, 77, 0.1, 3]);
  // A layer's own init stays; activations stay.
  assert.deepEqual(t.layers[2], { ...spec.layers[2], units: 77 });
  assert.deepEqual(rest(t), rest(spec));
  assert.equal(t.train.seed, 7);
  // Nothing drawn: the file's model with the budget's epochs.
  assert.deepEqual(applyTrial(spec, {}, 30), spec);
  // The input is not changed.
  assert.equal(parseModel(FILE).spec!.layers.length, spec.layers.length);
  assert.deepEqual(spec, parseModel(FILE).spec);
});

test('applyTrial: a chosen rule takes its defaults at the trial\'s lr; momentum goes only into momentum and nesterov', () => {
  assert.deepEqual(applyTrial(spec, { optimizer: 'adam', lr: 0.003 }).optimizer, { type: 'adam', lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  // No lr drawn: another rule's default lr; the file's own rule keeps the file's settings.
  assert.deepEqual(applyTrial(spec, { optimizer: 'sgd' }).optimizer, { type: 'sgd', lr: 0.01 });
  assert.deepEqual(applyTrial(spec, { optimizer: 'rmsprop' }).optimizer, spec.optimizer);
  assert.deepEqual(applyTrial(spec, { optimizer: 'nesterov', momentum: 0.8, lr: 0.05 }).optimizer, { type: 'nesterov', lr: 0.05, momentum: 0.8 });
  assert.deepEqual(applyTrial(spec, { optimizer: 'adam', momentum: 0.8 }).optimizer, { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  assert.deepEqual(usedParams(spec, { optimizer: 'adam', momentum: 0.8 }), { optimizer: 'adam' });
  assert.deepEqual(usedParams(spec, { optimizer: 'momentum', momentum: 0.8 }), { optimizer: 'momentum', momentum: 0.8 });
});

test('withTrainSeed: seed k moves train.seed by k and pins the data seed (same data and split)', () => {
  assert.equal(withTrainSeed(spec, 0), spec);
  const s2 = withTrainSeed(spec, 2);
  assert.equal(s2.train.seed, 9);
  assert.equal(s2.data.seed, 7);
  const pinned = withTrainSeed({ ...spec, data: { ...spec.data, seed: 42 } }, 1);
  assert.equal(pinned.data.seed, 42);
  assert.equal(pinned.train.seed, 8);
});
