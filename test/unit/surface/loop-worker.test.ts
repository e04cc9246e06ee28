import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OPTIMIZER_DEFAULTS, SURFACE_NETWORK, type SurfaceModelSpec } from '../../../src/model/spec';
import { CONTROL_STOP, CONTROL_WORDS, type DoneMessage, type HostToWorker, type ProgressMessage, type StartedMessage, type WorkerToHost } from '../../../src/training/protocol';
import { enginePath } from './loop-oracle';

const workerPath = path.resolve(__dirname, '../../../../dist/worker.js');

const spec: SurfaceModelSpec = {
  ...SURFACE_NETWORK, optimizer: { ...OPTIMIZER_DEFAULTS.adam, lr: 0.02 }, train: { epochs: 1, batch: 1, l2: 0, l1: 0, seed: 1 },
  surface: { preset: 'rosenbrock', expression: '', start: [-1.5, 2], steps: 300, noise: 0 },
};

/** A worker given `start`; `until` says when to stop listening (the worker is then terminated). */
function startWorker(extra: Partial<Extract<HostToWorker, { type: 'start' }>>, control: SharedArrayBuffer, on: (m: WorkerToHost, w: Worker) => boolean): Promise<WorkerToHost[]> {
  const w = new Worker(workerPath);
  const seen: WorkerToHost[] = [];
  return new Promise((resolve, reject) => {
    w.on('message', (m: WorkerToHost) => {
      seen.push(m);
      if (on(m, w)) void w.terminate().then(() => resolve(seen));
    });
    w.on('error', reject);
    w.postMessage({ type: 'start', runId: 'r', spec, baseDir: null, control, progressIntervalMs: 50, statsEvery: 0, statsMinMs: 0, ...extra } satisfies HostToWorker);
  });
}

test('worker: a surface start runs the surface (no data), paced over about 4 s, its path the engine\'s', async () => {
  const seen = await startWorker({}, new SharedArrayBuffer(4 * CONTROL_WORDS), (m) => m.type === 'done' || m.type === 'error');
  const started = seen[0] as StartedMessage;
  assert.equal(started.type, 'started');
  assert.equal(started.surface?.preset, 'rosenbrock');
  const progress = seen.filter((m): m is ProgressMessage => m.type === 'progress');
  assert.deepEqual(progress.flatMap((p) => p.path ?? []), enginePath(spec));
  const done = seen.at(-1) as DoneMessage;
  assert.equal(done.type, 'done');
  assert.equal(done.final.steps, 300);
  // 75 steps a second: step 300 is not due before 4 s (a loaded machine only makes it later).
  assert.ok(done.final.seconds >= 3.99, String(done.final.seconds));
  assert.ok(progress.length >= 10, `${progress.length} progress messages: the path arrives as it is walked`);
});

test('worker: paused, Step takes one update each, Stop ends the run where it is', async () => {
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
  let steps = 0;
  const seen = await startWorker({ paused: true }, control, (m, w) => {
    if (m.type === 'started') {
      w.postMessage({ type: 'step' } satisfies HostToWorker);
      w.postMessage({ type: 'step' } satisfies HostToWorker);
    }
    if (m.type === 'progress') steps = m.step;
    if (m.type === 'progress' && m.step === 2) {
      Atomics.store(new Int32Array(control), 0, CONTROL_STOP);
      w.postMessage({ type: 'pause' } satisfies HostToWorker);
    }
    return m.type === 'done' || m.type === 'error';
  });
  const done = seen.at(-1) as DoneMessage;
  assert.equal(done.type, 'done');
  assert.equal(done.status, 'stopped');
  assert.equal(done.final.steps, 2);
  assert.equal(steps, 2);
});

test('worker: a task that needs a network, given a surface, answers an error saying so', async () => {
  for (const type of ['gradcheck', 'sanity', 'lrFind'] as const) {
    const w = new Worker(workerPath);
    const m = await new Promise<WorkerToHost>((resolve, reject) => {
      w.once('message', resolve);
      w.on('error', reject);
      w.postMessage({ type, runId: 'g', spec, baseDir: null } satisfies HostToWorker);
    });
    await w.terminate();
    assert.equal(m.type, 'error', type);
    assert.match((m as { message: string }).message, /surface file .* no network/, type);
  }
});
