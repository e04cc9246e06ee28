import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPTIMIZER_DEFAULTS, SURFACE_NETWORK, type OptimizerSpec, type SurfaceModelSpec, type SurfaceSetup } from '../../../src/model/spec';
import { SurfaceLoop, pacedRate, runSurface } from '../../../src/training/surface-loop';
import { enginePath as runPath } from './loop-oracle';
import type { SurfacePoint } from '../../../src/engine/surface/types';
import { CONTROL_STEP, CONTROL_STOP, CONTROL_WORDS, type DoneMessage, type ErrorMessage, type ProgressMessage, type StartedMessage } from '../../../src/training/protocol';
import type { LoopMessage } from '../../../src/training/loop';

function surfaceSpec(setup: Partial<SurfaceSetup>, optimizer: OptimizerSpec, seed = 1): SurfaceModelSpec {
  const surface: SurfaceSetup = { preset: 'rosenbrock', expression: '', start: [-1.5, 2], steps: 300, noise: 0, ...setup };
  return { ...SURFACE_NETWORK, optimizer, train: { epochs: 1, batch: 1, l2: 0, l1: 0, seed }, surface };
}

const adam = (lr: number): OptimizerSpec => ({ ...OPTIMIZER_DEFAULTS.adam, lr });

function collect(): { messages: LoopMessage[]; post: (m: LoopMessage) => void; progress: () => ProgressMessage[] } {
  const messages: LoopMessage[] = [];
  return {
    messages,
    post: (m) => messages.push(m),
    progress: () => messages.filter((m): m is ProgressMessage => m.type === 'progress'),
  };
}

const pathOf = (ps: ProgressMessage[]): SurfacePoint[] => ps.flatMap((p) => p.path ?? []);

test('a surface run: started with the surface\'s shape and frame, progress with f as the loss and the path from step 0, done with the final point', () => {
  const spec = surfaceSpec({ noise: 0.3, steps: 300 }, adam(0.02), 7);
  const c = collect();
  const end = runSurface(spec, { runId: 'r', progressIntervalMs: 0, post: c.post, now: () => 0 });
  const started = c.messages[0] as StartedMessage;
  assert.equal(started.type, 'started');
  assert.deepEqual(
    { p: started.parameters, t: started.trainSize, v: started.validationSize, b: started.batchSize, e: started.stepsPerEpoch, n: started.totalSteps, l: started.layers, bd: started.boundary },
    { p: 2, t: 0, v: 0, b: 1, e: 300, n: 300, l: [], bd: null },
  );
  assert.equal(started.surface?.preset, 'rosenbrock');
  assert.deepEqual(started.surface?.start, [-1.5, 2]);
  assert.ok(started.surface!.critical.some((p) => p.kind === 'minimum' && p.x === 1 && p.y === 1));

  const progress = c.progress();
  const path = pathOf(progress);
  // Every point the engine visits, step 0 (the start) to 300, in order, float64 as computed.
  assert.deepEqual(path, runPath(spec));
  assert.deepEqual(path.map((p) => p.step), Array.from({ length: 301 }, (_, i) => i));
  // Rosenbrock at the start: (1 + 1.5)² + 100·(2 − 1.5²)² = 12.5; ∇f = (−2·2.5 − 400·(−1.5)·(−0.25), 200·(−0.25)) = (−155, −50).
  assert.deepEqual(path[0], { step: 0, x: -1.5, y: 2, f: 12.5, grad: Math.hypot(-155, -50) });
  // losses: f after each step (1-based firstStep), contiguous from message to message.
  assert.deepEqual(progress.flatMap((p) => p.losses), path.slice(1).map((p) => p.f));
  let next = 1;
  for (const p of progress) {
    assert.equal(p.firstStep, next);
    assert.deepEqual(p.epochs, []);
    next = p.step + 1;
  }
  assert.equal(progress[0].path![0].step, 0);

  assert.equal(end.type, 'done');
  const done = end as DoneMessage;
  assert.equal(c.messages.at(-1), done);
  assert.equal(done.status, 'finished');
  const last = path.at(-1)!;
  assert.equal(done.final.loss, last.f);
  assert.deepEqual({ ...done.final, seconds: 0, samplesPerSec: 0 }, { loss: last.f, regLoss: 0, trainAcc: null, valLoss: null, valAcc: null, steps: 300, epochs: 1, samplesPerSec: 0, seconds: 0 });
  assert.deepEqual(done.weights.map((w) => [w.name, w.shape]), [['position', [2]]]);
  assert.deepEqual(Array.from(done.weights[0].values), [Math.fround(last.x), Math.fround(last.y)]);
  // The noise is seeded: another seed, another path.
  assert.notDeepEqual(runPath(surfaceSpec({ noise: 0.3 }, adam(0.02), 8)).at(-1), last);
});

test('pause, Step and Stop through the control word: one update per Step, the step count in the control array, stopped where it was', () => {
  const control = new Int32Array(CONTROL_WORDS);
  const c = collect();
  const loop = new SurfaceLoop(surfaceSpec({}, adam(0.02)), { runId: 'r', control, progressIntervalMs: 1e9, post: c.post, now: () => 0 }, true);
  assert.equal(loop.runnable, false);
  assert.equal(loop.runSlice(1e9), undefined);
  assert.equal(loop.step, 0);
  loop.stepOnce();
  loop.stepOnce();
  assert.equal(loop.runnable, true);
  assert.equal(loop.runSlice(1e9), undefined);
  assert.equal(loop.step, 2);
  assert.equal(Atomics.load(control, CONTROL_STEP), 2);
  assert.equal(loop.runnable, false);
  // Each single step is posted at once (a paused run shows where it is).
  assert.deepEqual(pathOf(c.progress()).map((p) => p.step), [0, 1, 2]);
  Atomics.store(control, 0, CONTROL_STOP);
  const end = loop.runSlice(1e9) as DoneMessage;
  assert.equal(end.type, 'done');
  assert.equal(end.status, 'stopped');
  assert.equal(end.final.steps, 2);
  assert.equal(end.final.epochs, 0);
  assert.equal(loop.done, true);
  assert.equal(loop.runnable, false);
});

test('a running loop stops at the control word within one step', () => {
  const control = new Int32Array(CONTROL_WORDS);
  const loop = new SurfaceLoop(surfaceSpec({ steps: 1000 }, adam(0.02)), {
    runId: 'r', control, progressIntervalMs: 0, now: () => 0,
    // The host asks to stop as step 5's progress arrives.
    post: (m) => {
      if (m.type === 'progress' && m.step === 5) Atomics.store(control, 0, CONTROL_STOP);
    },
  });
  const end = loop.runSlice(1e9) as DoneMessage;
  assert.equal(end.status, 'stopped');
  assert.equal(end.final.steps, 5);
  assert.equal(Atomics.load(control, CONTROL_STEP), 5);
});

test('setOptimizer: marked at its step as "from → to", and the new rule starts with fresh state from the current point', () => {
  const momentum: OptimizerSpec = { ...OPTIMIZER_DEFAULTS.momentum, lr: 0.001 };
  const spec = surfaceSpec({ steps: 40 }, momentum);
  const c = collect();
  const loop = new SurfaceLoop(spec, { runId: 'r', progressIntervalMs: 1e9, post: c.post, now: () => 0 }, true);
  for (let i = 0; i < 10; i++) loop.stepOnce();
  loop.runSlice(1e9);
  loop.setOptimizer({ ...momentum });
  loop.resume();
  assert.equal(loop.runSlice(1e9)?.type, 'done');
  const progress = c.progress();
  assert.deepEqual(progress.flatMap((p) => p.markers), [{ step: 10, kind: 'optimizer', label: 'momentum → momentum' }]);
  const path = pathOf(progress);
  assert.deepEqual(path.slice(0, 11), runPath(spec).slice(0, 11));
  // From step 10 on: a new momentum run (velocity 0) from the point reached, not the old velocity carried on.
  const p10 = path[10];
  const fresh = runPath(surfaceSpec({ steps: 30, start: [p10.x, p10.y] }, momentum));
  assert.deepEqual(path.slice(10).map((p) => [p.x, p.y, p.f]), fresh.map((p) => [p.x, p.y, p.f]));
  // (Without the swap the velocity would carry on: another path.)
  const carried = runPath(spec).slice(11);
  assert.notDeepEqual(path.slice(11).map((p) => p.x), carried.map((p) => p.x));
});

test('divergence: the steps before it, a divergence marker, then an error naming the step and the learning rate, with the last finite position', () => {
  // Ravine 0.5x² + 50y² with SGD at lr 1: y ← y − 100y grows ×99 a step until it overflows.
  const spec = surfaceSpec({ preset: 'ravine', start: [1, 1], steps: 1000 }, { type: 'sgd', lr: 1 });
  const c = collect();
  const end = runSurface(spec, { runId: 'r', progressIntervalMs: 0, post: c.post, now: () => 0 }) as ErrorMessage;
  assert.equal(end.type, 'error');
  const path = pathOf(c.progress());
  const last = path.at(-1)!;
  assert.ok(last.step > 10 && last.step < 1000, `diverged after ${last.step} steps`);
  assert.deepEqual(path, runPath(spec));
  assert.equal(end.step, last.step + 1);
  assert.match(end.message, new RegExp(`Step ${last.step + 1}\\b`));
  assert.match(end.message, /smaller learning rate \(now 1\)/);
  assert.equal(end.lr, 1);
  assert.deepEqual(end.divergence, { step: last.step, where: 'update', at: null, loss: last.f });
  assert.deepEqual(Array.from(end.weights![0].values), [Math.fround(last.x), Math.fround(last.y)]);
  assert.deepEqual(c.progress().flatMap((p) => p.markers), [{ step: last.step + 1, kind: 'divergence', label: 'NaN/Inf' }]);
  assert.equal(c.messages.at(-1), end);
  assert.ok(path.every((p) => Number.isFinite(p.f) && Number.isFinite(p.x) && Number.isFinite(p.y)));
});

test('paced: a paced loop takes its steps as the clock allows (steps/4 per second, at least 60), restarting the pace at resume; unpaced runs flat out', () => {
  assert.equal(pacedRate(300), 75);
  assert.equal(pacedRate(100), 60);
  assert.equal(pacedRate(100_000), 25_000);
  let t = 0;
  const c = collect();
  const spec = surfaceSpec({ steps: 300 }, adam(0.02));
  const paced = new SurfaceLoop(spec, { runId: 'r', progressIntervalMs: 100, post: c.post, now: () => t, paced: true });
  assert.equal(paced.runSlice(15), undefined);
  assert.equal(paced.step, 0);
  assert.equal(paced.runnable, false);
  assert.ok(Math.abs(paced.idleMs! - 1000 / 75) < 1e-9, String(paced.idleMs));
  t = 1000;
  assert.equal(paced.runnable, true);
  paced.runSlice(15);
  assert.equal(paced.step, 75);
  // A pause does not save up steps: after it the pace starts again.
  paced.pause();
  t = 5000;
  paced.resume();
  paced.runSlice(15);
  assert.equal(paced.step, 75);
  t = 5500;
  paced.runSlice(15);
  assert.equal(paced.step, 75 + 37);
  t = 1e6;
  assert.equal(paced.runSlice(1e9)?.type, 'done');
  assert.equal(paced.step, 300);

  const flat = new SurfaceLoop(spec, { runId: 'r', progressIntervalMs: 100, post: () => undefined, now: () => 0 });
  assert.equal(flat.idleMs, undefined);
  assert.equal(flat.runSlice(15)?.type, 'done');
  assert.equal(flat.step, 300);
});
