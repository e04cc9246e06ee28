import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunManager } from '../../src/training/runs';
import { SPIRAL } from './fixtures';
import type { ProgressMessage } from '../../src/training/protocol';
import { runTraining, type LoopMessage } from '../../src/training/loop';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

test('a run in a worker thread trains the spiral and reports every step once, in order', async () => {
  const runs = new RunManager(workerPath, 20);
  const events: string[] = [];
  runs.onEvent((e) => events.push(e.type));
  const s = runs.start('file:///spiral.nn.yaml', 'spiral.nn.yaml', SPIRAL);
  assert.equal(runs.isRunning('file:///spiral.nn.yaml'), true);
  await s.finished;
  assert.equal(s.status, 'finished');
  assert.equal(s.losses.length, s.info.totalSteps);
  assert.equal(s.info.totalSteps, 20 * 8);
  assert.equal(s.epochs.length, 20);
  assert.deepEqual(s.epochs.map((e) => e.epoch), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(s.final && s.final.loss < s.losses[0], 'loss fell');
  assert.equal(events[0], 'created');
  assert.equal(events.at(-1), 'status');
  assert.equal(runs.isRunning('file:///spiral.nn.yaml'), false);
});

test('stop ends a long run after the current step, and reports final metrics', async () => {
  const runs = new RunManager(workerPath, 20);
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const s = runs.start('a', 'a', long);
  await new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'progress') resolve(); }));
  runs.stop('a');
  await s.finished;
  assert.equal(s.status, 'stopped');
  assert.ok(s.final, 'final metrics');
  assert.ok(s.step < s.info.totalSteps);
  assert.equal(s.losses.length, s.final!.steps);
});

test('a model file that is training keeps its run; another file trains alongside', async () => {
  const runs = new RunManager(workerPath, 20);
  const a = runs.start('a', 'a', SPIRAL);
  assert.equal(runs.start('a', 'a', SPIRAL), a);
  const b = runs.start('b', 'b', SPIRAL);
  assert.notEqual(a, b);
  await Promise.all([a.finished, b.finished]);
  // Same spec, same seed: the two runs agree bit for bit.
  assert.deepEqual(a.losses, b.losses);
});

test('progress messages are bounded by the interval, not by the step rate', () => {
  let clock = 0;
  const posted: LoopMessage[] = [];
  // Each step advances a fake clock by 1 ms; a 50 ms interval allows about one message per 50 steps.
  runTraining({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 50 } }, {
    runId: 'r', progressIntervalMs: 50, post: (m) => posted.push(m), now: () => (clock += 0.5),
  });
  const progress = posted.filter((m): m is ProgressMessage => m.type === 'progress');
  const steps = progress.reduce((s, p) => s + p.losses.length, 0);
  assert.equal(steps, 50 * 8);
  assert.ok(progress.length <= Math.ceil(steps / 40) + 1, `${progress.length} messages for ${steps} steps`);
  assert.equal(posted.at(-1)!.type, 'done');
});

test('a diverging run stops at the first non-finite loss and names the step', () => {
  const posted: LoopMessage[] = [];
  // lr·l2 = 100 multiplies the weights by −99 each step: float32 overflows within a few dozen steps.
  const r = runTraining({ ...SPIRAL, optimizer: { type: 'sgd', lr: 100 }, train: { ...SPIRAL.train, l2: 1 } }, {
    runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m),
  });
  assert.equal(r.type, 'error');
  assert.ok(r.type === 'error' && r.step !== undefined && r.step >= 1);
  assert.match(r.type === 'error' ? r.message : '', /at step \d+\. Lower the learning rate/);
});
