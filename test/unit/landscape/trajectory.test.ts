import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunLoop, type LoopMessage } from '../../../src/training/loop';
import { MAX_SNAPSHOTS, TRAJECTORY_BYTES, snapshotSteps } from '../../../src/engine/landscape/trajectory';
import { networkArrays } from '../../../src/export/arrays';
import { Trainer } from '../../../src/engine/trainer';
import { CONTROL_STOP, type DoneMessage } from '../../../src/training/protocol';
import { SPIRAL } from '../fixtures';
import { SPIRAL_BN, trainToEnd } from './helpers';

test('snapshotSteps: 0 and the last step, evenly spaced, at most MAX_SNAPSHOTS, within the byte bound, never fewer than 2', () => {
  const s = snapshotSteps(1000, 100);
  assert.equal(s.length, MAX_SNAPSHOTS);
  assert.equal(s[0], 0);
  assert.equal(s[s.length - 1], 1000);
  for (let i = 1; i < s.length; i++) assert.equal(s[i] - s[i - 1], 25);
  assert.deepEqual(snapshotSteps(3, 100), [0, 1, 2, 3]);
  // 1M weights: 4 MB a snapshot, 8 fit in 32 MB.
  const big = snapshotSteps(1000, 1_000_000);
  assert.equal(big.length, Math.floor(TRAJECTORY_BYTES / 4e6));
  assert.ok(big.length * 4e6 <= TRAJECTORY_BYTES);
  assert.deepEqual(snapshotSteps(1000, 100_000_000), [0, 1000]);
});

test('a finished run\'s trajectory: the initial weights at step 0, the final weights last, in networkArrays order', () => {
  const spec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } };
  const { loop, done } = trainToEnd(spec);
  const tr = done.trajectory!;
  assert.ok(tr);
  const total = loop.trainer.totalSteps;
  assert.deepEqual(tr.steps, snapshotSteps(total, tr.snapshots[0].length));
  assert.equal(tr.snapshots.length, tr.steps.length);
  const flat = (arrays: Array<{ data: ArrayLike<number> }>): number[] => arrays.flatMap((a) => Array.from(a.data));
  const fresh = new Trainer(spec);
  assert.deepEqual(Array.from(tr.snapshots[0]), flat(networkArrays(fresh.network, spec.layers)), 'step 0: as initialized');
  assert.deepEqual(Array.from(tr.snapshots.at(-1)!), done.weights.flatMap((w) => Array.from(w.values)), 'last: the final weights');
  assert.notDeepEqual(Array.from(tr.snapshots[1]), Array.from(tr.snapshots[0]));
});

test('initialLoss: the training loss at the initial weights, as final.loss is computed (spiral, and batchnorm + dropout)', () => {
  for (const spec of [SPIRAL, SPIRAL_BN]) {
    const { done } = trainToEnd({ ...spec, train: { ...spec.train, epochs: 2 } });
    const fresh = new Trainer(spec);
    assert.equal(done.final.initialLoss, fresh.evaluate(fresh.trainSet).loss);
    assert.ok(done.final.initialLoss! > done.final.loss);
  }
});

test('initialLoss leaves the final weights in place: final.loss and the weights are those of a run without it', () => {
  const { loop, done } = trainToEnd({ ...SPIRAL_BN, train: { ...SPIRAL_BN.train, epochs: 2 } });
  const t = loop.trainer;
  assert.equal(t.evaluate(t.trainSet).loss, done.final.loss);
  assert.deepEqual(networkArrays(t.network, t.spec.layers).flatMap((a) => Array.from(a.data)), done.weights.flatMap((w) => Array.from(w.values)));
});

test('a stopped run\'s trajectory ends at the step it stopped at', () => {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const messages: LoopMessage[] = [];
  const loop = new RunLoop({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 100 } }, { runId: 't', control, progressIntervalMs: Infinity, post: (m) => messages.push(m) });
  loop.runSlice(0);
  for (let i = 0; i < 300; i++) loop.runSlice(0);
  Atomics.store(control, 0, CONTROL_STOP);
  const end = loop.runSlice(Infinity) as DoneMessage;
  assert.equal(end.status, 'stopped');
  const tr = end.trajectory!;
  assert.equal(tr.steps[0], 0);
  assert.equal(tr.steps.at(-1), end.final.steps);
  assert.ok(tr.steps.every((s, i) => i === 0 || s > tr.steps[i - 1]));
  assert.ok(tr.steps.length >= 2 && tr.steps.length < MAX_SNAPSHOTS);
  assert.equal(typeof end.final.initialLoss, 'number');
});
