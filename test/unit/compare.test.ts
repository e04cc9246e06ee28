import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunManager } from '../../src/training/runs';
import { Comparison } from '../../src/training/compare';
import { compareVariants } from '../../src/model/variants';
import { Trainer } from '../../src/engine/trainer';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');
const SHORT = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } };

test('a comparison trains every variant, at most `concurrency` at a time, and each equals its own run', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const variants = compareVariants(SHORT, 'optimizer', ['sgd', 'momentum', 'adam']);
  const c = new Comparison(runs, 'file:///w/spiral.nn.yaml', 'spiral.nn.yaml', 'optimizer', variants, null, 2);
  let running = 0;
  let most = 0;
  c.onEvent((e) => {
    if (e.type === 'variant') most = Math.max(most, ++running);
    if (e.type === 'ended') running--;
  });
  c.start();
  assert.equal(runs.get('file:///w/spiral.nn.yaml'), undefined, 'variants are not the file\'s own run');
  assert.equal(runs.anyRunning, true);
  await c.finished;
  assert.equal(c.state, 'finished');
  assert.equal(most, 2);
  assert.equal(c.done, 3);
  c.sessions.forEach((s, i) => {
    assert.equal(s!.status, 'finished');
    assert.deepEqual(s!.info.variant, { comparison: c.id, dimension: 'optimizer', label: variants[i].label, index: i, count: 3 });
    // The worker's losses are the engine's for that variant's spec: same data, init and batches.
    const t = new Trainer(variants[i].spec);
    const expected = Array.from({ length: s!.loss.steps }, () => t.trainStep().loss);
    assert.deepEqual(s!.loss.values(), expected, `${variants[i].label}: losses`);
  });
  assert.equal(runs.anyRunning, false);
});

test('cancel stops the running variants and starts no more', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const c = new Comparison(runs, 'a', 'a', 'lr', compareVariants(long, 'lr', [0.1, 0.01, 0.001]), null, 2).start();
  await new Promise<void>((resolve) => c.sessions[0]!.onEvent((e) => { if (e.type === 'progress') resolve(); }));
  c.cancel();
  await c.finished;
  assert.equal(c.state, 'cancelled');
  assert.equal(c.sessions[2], undefined, 'the third variant never started');
  for (const s of c.sessions.slice(0, 2)) {
    await s!.finished;
    assert.equal(s!.status, 'stopped');
  }
});
