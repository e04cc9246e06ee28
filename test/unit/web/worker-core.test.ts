/** The worker core with no worker thread: a fake port, unshared control (the web's shape). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../../../src/training/worker-core';
import type { DoneMessage, HostToWorker, ProgressMessage, StartMessage, WorkerToHost } from '../../../src/training/protocol';
import type { ModelSpec } from '../../../src/model/spec';
import { SPIRAL } from '../fixtures';
import { nodeDataFiles } from '../../../src/node/data-files';

function fakeWorker(): { send(m: HostToWorker): void; posts: WorkerToHost[]; closed: Promise<void>; yields: () => number } {
  const posts: WorkerToHost[] = [];
  let handler: ((m: HostToWorker) => void) | undefined;
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  let yields = 0;
  startWorker(
    { post: (m) => posts.push(m), onMessage: (f) => (handler = f), close: () => close() },
    {
      files: nodeDataFiles,
      yieldNow: () => { yields++; return new Promise<void>((resolve) => setImmediate(resolve)); },
      sliceMs: (shared) => (shared ? 15 : 0),
      lowerPriority: () => undefined,
    },
  );
  return { send: (m) => handler!(m), posts, closed, yields: () => yields };
}

function start(spec: ModelSpec): StartMessage {
  return { type: 'start', runId: 'r', spec, control: null, baseDir: null, progressIntervalMs: 20, statsEvery: 0, statsMinMs: 0 };
}

const stepsIn = (posts: WorkerToHost[]): number =>
  posts.filter((m): m is ProgressMessage => m.type === 'progress').reduce((n, p) => n + p.losses.length, 0);

test('the worker core trains a spec to its end through a port, one step per slice without shared control', async () => {
  const w = fakeWorker();
  w.send(start(SPIRAL));
  await w.closed;
  const done = w.posts.at(-1) as DoneMessage;
  assert.equal(done.type, 'done');
  assert.equal(done.status, 'finished');
  assert.equal(done.final.steps, 20 * 8);
  assert.equal(stepsIn(w.posts), 20 * 8, 'every step reported once');
  // runSlice(0) takes exactly one step: the core yields once after each of them.
  assert.equal(w.yields(), 20 * 8);
});

test('the worker core answers a stop message at once with its step count, and stops before the next step', async () => {
  const w = fakeWorker();
  w.send(start({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } }));
  while (stepsIn(w.posts) < 10) await new Promise((r) => setTimeout(r, 5));
  w.send({ type: 'stop' });
  // Answered in the handler itself, before any further step could run.
  const stopping = w.posts.at(-1)!;
  assert.equal(stopping.type, 'stopping');
  if (stopping.type !== 'stopping') return;
  assert.ok(stopping.step >= 10, `step ${stopping.step}`);
  w.send({ type: 'stop' }); // a second stop is not answered again
  assert.equal(w.posts.filter((m) => m.type === 'stopping').length, 1);
  await w.closed;
  const done = w.posts.at(-1) as DoneMessage;
  assert.equal(done.type, 'done');
  assert.equal(done.status, 'stopped');
  assert.equal(done.final.steps, stopping.step, 'no step after the stop');
  assert.equal(stepsIn(w.posts), stopping.step);
});
