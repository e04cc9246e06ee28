import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import { fitGridX, type BoundaryFrame, type ProgressMessage, type StartedMessage } from '../../src/training/protocol';
import { frameInputs, regressionFrame, FIT_RESOLUTION_1D, FIT_RESOLUTION_2D } from '../../src/training/fit-frame';
import { makeRipple, makeSine } from '../../src/engine/data/regression';
import { regressionSet } from '../../src/engine/data/dataset';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/trainer';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

function regressionSpec(dataset: 'sine' | 'ripple', features: number, epochs: number): ModelSpec {
  return {
    data: { dataset, samples: 120, classes: 0, targets: 1, noise: 0.1, features, validation: 0.25 },
    layers: [{ kind: 'dense', units: 16, activation: { type: 'tanh' } }, { kind: 'dense', units: 1, activation: { type: 'linear' } }],
    loss: 'mse',
    init: { type: 'xavier' },
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs, batch: 30, l2: 0, l1: 0, seed: 3 },
  };
}

/** Trains to the end with a clock of 1 ms per call; the messages posted. */
function train(spec: ModelSpec, data: ReturnType<typeof makeSine>): LoopMessage[] {
  const posted: LoopMessage[] = [];
  let clock = 0;
  runTraining(spec, { runId: 'r', progressIntervalMs: 5, boundaryMs: 20, post: (m) => posted.push(m), now: () => (clock += 1) }, data);
  return posted;
}

test('1-D regression: the frame holds both sets\' points and targets; each grid is the net\'s prediction at fitGridX, the last at the last step', () => {
  const spec = regressionSpec('sine', 1, 8);
  const posted = train(spec, makeSine(120, 0.1, new Rng(5)));
  const started = posted.find((m): m is StartedMessage => m.type === 'started')!;
  assert.equal(started.regression, true);
  const f = started.boundary!;
  assert.equal(f.kind, 'regression1d');
  assert.equal(f.resolution, FIT_RESOLUTION_1D);
  assert.deepEqual([f.points.length, f.targets!.length, f.valPoints!.length, f.valTargets!.length], [90, 90, 30, 30]);
  assert.deepEqual(f.labels, []);
  // The targets' range is over both sets; x runs over both sets' inputs with 5 % margin.
  const all = [...f.targets!, ...f.valTargets!];
  assert.equal(f.valueMin, Math.min(...all));
  assert.equal(f.valueMax, Math.max(...all));
  const xs = [...f.points, ...f.valPoints!];
  const pad = (Math.max(...xs) - Math.min(...xs)) * 0.05;
  assert.ok(Math.abs(f.xMin - (Math.min(...xs) - pad)) < 1e-12 && Math.abs(f.xMax - (Math.max(...xs) + pad)) < 1e-12);

  const grids = posted.filter((m): m is ProgressMessage => m.type === 'progress' && m.boundary !== null).map((m) => m.boundary!);
  assert.ok(grids.length >= 2, `${grids.length} grids`);
  const last = grids.at(-1)!;
  assert.equal(last.step, 24, 'the end is drawn');
  assert.deepEqual(last.classes, []);
  assert.equal(last.values!.length, FIT_RESOLUTION_1D);
  // The same weights, trained again the same way, predict the same values at the grid's x.
  const t = new Trainer(spec, 'float32', makeSine(120, 0.1, new Rng(5)));
  for (let i = 0; i < 24; i++) t.trainStep();
  for (const i of [0, 57, FIT_RESOLUTION_1D - 1]) {
    const y = t.network.forward(Float32Array.of(fitGridX(f, i)), 1, false)[0];
    assert.ok(Math.abs(last.values![i] - y) < 1e-6, `x ${fitGridX(f, i)}: grid ${last.values![i]} vs ${y}`);
  }
});

test('2-D regression: a square frame around the data, a 64² grid of predictions row by row from the top left', () => {
  const spec = regressionSpec('ripple', 2, 4);
  const posted = train(spec, makeRipple(120, 0.1, new Rng(2)));
  const f = posted.find((m): m is StartedMessage => m.type === 'started')!.boundary!;
  assert.equal(f.kind, 'regression2d');
  assert.equal(f.resolution, FIT_RESOLUTION_2D);
  assert.ok(Math.abs((f.xMax - f.xMin) - (f.yMax - f.yMin)) < 1e-9, 'square');
  assert.equal(f.points.length, 2 * f.targets!.length);
  const grid = posted.filter((m): m is ProgressMessage => m.type === 'progress' && m.boundary !== null).at(-1)!.boundary!;
  assert.equal(grid.values!.length, FIT_RESOLUTION_2D ** 2);
  const inputs = frameInputs(f);
  // Cell (row 0, col 0) is the top left: smallest x₁, largest x₂.
  assert.ok(inputs[0] < inputs[2] && inputs[1] > inputs[2 * FIT_RESOLUTION_2D + 1]);
  const t = new Trainer(spec, 'float32', makeRipple(120, 0.1, new Rng(2)));
  for (let i = 0; i < grid.step; i++) t.trainStep();
  const out = t.network.forward(inputs, FIT_RESOLUTION_2D ** 2, false);
  for (const i of [0, 1000, 4095]) assert.ok(Math.abs(grid.values![i] - out[i]) < 1e-6, `cell ${i}`);
});

test('regression frames: none past 2 inputs; the first of several targets, named; classification keeps its decision boundary', () => {
  const x = Float32Array.from({ length: 30 }, (_, i) => i);
  assert.equal(regressionFrame(regressionSet(x, new Float32Array(10), 10, [3]), regressionSet(new Float32Array(0), new Float32Array(0), 0, [3])), null);
  const two = regressionSet(x.slice(0, 10), Float32Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i : -i)), 10, [1], ['price', 'rent']);
  const f = regressionFrame(two, regressionSet(new Float32Array(0), new Float32Array(0), 0, [1])) as BoundaryFrame;
  assert.equal(f.outputs, 2);
  assert.equal(f.target, 'price');
  assert.deepEqual(f.targets, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.deepEqual([f.valueMin, f.valueMax], [0, 18]);
  assert.deepEqual(f.valPoints, []);

  const posted: LoopMessage[] = [];
  runTraining({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 1 } }, { runId: 'c', progressIntervalMs: 0, boundaryMs: 0, post: (m) => posted.push(m) });
  const started = posted.find((m): m is StartedMessage => m.type === 'started')!;
  assert.equal(started.regression, false);
  assert.equal(started.boundary!.kind, 'classes');
  const grid = posted.filter((m): m is ProgressMessage => m.type === 'progress' && m.boundary !== null).at(-1)!.boundary!;
  assert.equal(grid.classes.length, 64 * 64);
  assert.equal(grid.values, undefined);
});
