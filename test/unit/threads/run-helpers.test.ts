// A run in a worker with kernel helper threads (issue 17), as VS Code trains it: the RunManager
// divides a ThreadBudget between the runs, the worker offers its helpers, the host starts and
// watches them (src/training/session-threads.ts). Stop, pause and step keep their one-step
// latency with a helper attached; a helper that dies fails its run with a reason, without a hang,
// and the next run trains as before. Latencies are counted in steps, never in milliseconds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { RunManager } from '../../../src/training/runs';
import { nodeWorkers, type NodeWorkerLike } from '../../../src/node/workers';
import type { WorkerLike } from '../../../src/platform/types';
import { ThreadBudget } from '../../../src/training/thread-budget';
import type { TrainingSession } from '../../../src/training/session';
import type { ModelSpec } from '../../../src/model/spec';
import { SPIRAL } from '../fixtures';

/** The repository root: the nearest folder above this file with dist/worker.js (npm run build). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'dist', 'worker.js'))) return dir;
  }
  throw new Error('dist/worker.js not found above ' + __dirname + ': run npm run build');
}
const workerPath = path.join(repoRoot(), 'dist', 'worker.js');
const helperPath = path.join(repoRoot(), 'dist', 'kernel-helper.js');

const managers: RunManager[] = [];
function manager(budget: ThreadBudget): RunManager {
  const m = new RunManager(nodeWorkers(workerPath, helperPath), { progressIntervalMs: 20, threads: budget });
  managers.push(m);
  return m;
}
after(() => {
  for (const m of managers) m.stopAll();
});

/** 784-256-256-10 on batches of 64: its GEMMs are spread over two threads; trains "forever". */
const MLP: ModelSpec = {
  data: { dataset: 'gaussian', samples: 640, classes: 10, noise: 0, features: 784, validation: 0 },
  layers: [
    { kind: 'dense', units: 256, activation: { type: 'relu' } },
    { kind: 'dense', units: 256, activation: { type: 'relu' } },
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ],
  loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  train: { epochs: 1_000_000, batch: 64, l2: 0.0005, l1: 0, seed: 3 },
};

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves with the session when it ends, or rejects after `ms` (a hang is a failure, not a stuck test). */
function ended(s: TrainingSession, ms = 60_000): Promise<TrainingSession> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`run ${s.runId} did not end within ${ms} ms`)), ms); });
  return Promise.race([s.finished, timeout]).finally(() => clearTimeout(timer));
}

/** Until the worker says its kernels run on two threads (the host's helper is ready). */
async function helperAttached(s: TrainingSession): Promise<void> {
  await until(() => s.info.threads?.threads === 2 || !s.running, 'the kernels run on 2 threads');
  assert.equal(s.status, 'running', s.error ?? '');
  assert.equal(s.threads?.workers.length, 1, 'one helper thread');
  assert.deepEqual({ ...s.info.threads, reason: s.info.threads?.reason }, { threads: 2, requested: 2, shared: true, variant: s.info.threads?.variant, reason: undefined });
}

/** The Node worker thread behind a WorkerLike of nodeWorkers (threadId −1 once it ended). */
function thread(w: WorkerLike): Worker {
  return (w as NodeWorkerLike).thread;
}

function trainingWorker(s: TrainingSession): Worker {
  return thread((s as unknown as { worker: WorkerLike }).worker);
}

test('stop with a helper attached takes effect within one step', async () => {
  const runs = manager(new ThreadBudget(2));
  const latencies: number[] = [];
  for (let k = 0; k < 4; k++) {
    const s = runs.start(`stop${k}`, 'stop', MLP);
    await helperAttached(s);
    const at = s.step;
    await until(() => s.step > at + 2 + k * 5, 'a few steps on two threads');
    await new Promise((r) => setTimeout(r, 3 * k)); // a stop at an arbitrary moment within a step
    s.stop();
    await ended(s);
    assert.equal(s.status, 'stopped', s.error ?? '');
    assert.ok(s.stepAtStop !== null && s.stepAtStop > 0, 'the worker\'s step counter at the stop');
    const stepsAfter = s.final!.steps - s.stepAtStop!;
    latencies.push(stepsAfter);
    assert.ok(stepsAfter === 0 || stepsAfter === 1, `${stepsAfter} steps after the stop request`);
    assert.equal(s.loss.steps, s.final!.steps, 'every step taken was reported');
    await until(() => s.threads!.workers.every((w) => thread(w).threadId === -1), 'the helper ended with its run');
  }
  console.log(`steps taken after a stop request, helper attached: ${latencies.join(', ')}`);
});

test('pause with a helper attached: no step while paused, exactly one per step request, then stop', async () => {
  const runs = manager(new ThreadBudget(2));
  const s = runs.start('pause', 'pause', MLP);
  await helperAttached(s);
  s.pause();
  await until(() => s.paused, 'paused');
  const at = s.step;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(s.step, at, 'no steps while paused');
  for (let i = 1; i <= 3; i++) {
    s.stepOnce();
    await until(() => s.step >= at + i, `step ${i}`);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(s.step, at + i, `exactly ${i} steps after ${i} step requests`);
  }
  assert.equal(s.info.threads?.threads, 2, 'still on two threads');
  s.stop();
  await ended(s);
  assert.equal(s.status, 'stopped');
  assert.equal(s.final!.steps, at + 3, 'a stop while paused takes no step');
});

test('a killed helper fails its run with a reason naming it, ends its worker, and the next run trains on two threads', async () => {
  const budget = new ThreadBudget(2);
  const runs = manager(budget);
  const s = runs.start('kill', 'kill', MLP);
  await helperAttached(s);
  const at = s.step;
  await until(() => s.step > at + 5, 'training on two threads');
  const helper = thread(s.threads!.workers[0]);
  const worker = trainingWorker(s);
  await helper.terminate(); // what a native crash or an out-of-memory kill of the thread looks like
  await ended(s);
  assert.equal(s.status, 'failed');
  assert.match(s.error ?? '', /^Kernel helper thread 1 of this run (exited unexpectedly \(code \d+\)\.|crashed: .+)$/);
  await until(() => worker.threadId === -1, 'the training worker is gone');
  assert.equal(s.running, false);
  const stepAfter = s.step;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.step, stepAfter, 'no progress after the failure');

  const next = runs.start('kill', 'kill', MLP);
  assert.notEqual(next, s);
  assert.equal(next.threads?.share, 2, 'the failed run left the budget: the next run has both threads');
  await helperAttached(next);
  const from = next.step;
  await until(() => next.step > from + 20 || !next.running, 'the next run trains');
  assert.equal(next.status, 'running', next.error ?? '');
  next.stop();
  await ended(next);
  assert.equal(next.status, 'stopped');
  assert.ok(Number.isFinite(next.final!.loss));
});

test('two runs at once share two threads one each; when one ends the other gets the second thread and a helper', async () => {
  const runs = manager(new ThreadBudget(2));
  const a = runs.start('a', 'a', MLP);
  const b = runs.start('b', 'b', MLP);
  await until(() => (a.info.threads !== undefined && b.info.threads !== undefined && a.step > 3 && b.step > 3) || !a.running || !b.running, 'both train');
  assert.deepEqual([a.threads?.share, b.threads?.share], [1, 1]);
  assert.deepEqual([a.info.threads?.threads, b.info.threads?.threads], [1, 1]);
  assert.deepEqual([a.info.threads?.requested, b.info.threads?.requested], [1, 1]);
  assert.deepEqual([a.threads?.workers.length, b.threads?.workers.length], [0, 0], 'no helper while the share is one thread');
  a.stop();
  await ended(a);
  assert.equal(b.threads?.share, 2);
  await helperAttached(b);
  const from = b.step;
  await until(() => b.step > from + 10 || !b.running, 'b trains on two threads');
  b.stop();
  await ended(b);
  assert.equal(b.status, 'stopped', b.error ?? '');
});

test('a training worker that dies with a helper attached fails its run as before, and its helper ends with it', async () => {
  const budget = new ThreadBudget(2);
  const runs = manager(budget);
  const s = runs.start('dies', 'dies', MLP);
  await helperAttached(s);
  const helper = thread(s.threads!.workers[0]);
  await trainingWorker(s).terminate();
  await ended(s);
  assert.equal(s.status, 'failed');
  assert.match(s.error ?? '', /^The training worker exited unexpectedly \(code \d+\)\.$/, 'the worker\'s death, not its helper\'s ending, is the reason');
  await until(() => helper.threadId === -1, 'the helper ended with its run');
  assert.equal(budget.shareOf(0), 2, 'the run left the budget');
});

test('a model too small to spread keeps one thread and no helper, and leaves its share to a run that can use it', async () => {
  // Three threads: without the cap the spiral, which started first, would take two and the MLP one.
  const budget = new ThreadBudget(3);
  const runs = manager(budget);
  const small = runs.start('small', 'small', { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } });
  const big = runs.start('big', 'big', MLP);
  await until(() => small.info.threads?.why === 'small-model' || !small.running, 'the spiral says its calls are too small');
  assert.equal(small.status, 'running', small.error ?? '');
  await helperAttached(big);
  assert.deepEqual([small.threads?.share, big.threads?.share], [1, 2]);
  assert.equal(small.info.threads?.threads, 1);
  assert.equal(small.threads?.workers.length, 0, 'the spiral started no helper');
  const from = small.step;
  await until(() => small.step > from + 50, 'the spiral trains on');
  small.stop();
  big.stop();
  await Promise.all([ended(small), ended(big)]);
  assert.deepEqual([small.status, big.status], ['stopped', 'stopped']);
});
