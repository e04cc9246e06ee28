/**
 * Stop, Pause and Step without shared memory (the web's control path, issue 18), run on the
 * desktop: the real worker (dist/worker.js) with `sharedControl: false`, so Stop is a message and
 * the worker reads its queue after every step. The cases are session.test.ts's (control-cases.ts).
 * And a platform whose workers share no memory (the web's Workers) gets that path by default.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunManager } from '../../../src/training/runs';
import { LONG_SPIRAL, pauseStepResume, stopWithinOneStep, until } from './control-cases';
import { nodeWorkers } from '../../../src/node/workers';
import type { WorkerLike, Workers } from '../../../src/platform/types';
import type { HostToWorker } from '../../../src/training/protocol';

const workerPath = path.resolve(__dirname, '../../../../dist/worker.js');

const managers: RunManager[] = [];
function manager(): RunManager {
  const m = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20, sharedControl: false, stopGraceMs: 60_000 });
  managers.push(m);
  return m;
}
after(() => {
  for (const m of managers) m.stopAll();
});

test('without shared control, a stop message takes effect within one step, for fast and slow models', async () => {
  const latencies = await stopWithinOneStep(manager());
  console.log(`steps taken after a stop message: ${latencies.join(', ')}`);
});

test('without shared control, a paused run trains exactly the steps asked for, and a stop ends it where it is', async () => {
  const s = manager().start('p', 'p', LONG_SPIRAL);
  await pauseStepResume(s);
  s.pause();
  await until(() => s.paused);
  const paused = s.step;
  s.stop(); // no 'resume' is sent: the stop message itself wakes the paused worker
  await s.finished;
  assert.equal(s.status, 'stopped');
  assert.equal(s.stepAtStop, paused);
  assert.equal(s.final!.steps, paused, 'no step after the stop of a paused run');
});

test('workers without shared memory (as on the web): the session starts its worker with no control words and stops it by message, within one step', async () => {
  const node = nodeWorkers(workerPath);
  const posted: HostToWorker[] = [];
  const answers: string[] = [];
  // The Node worker, seen through a Workers that says it shares no memory; what goes in and out is recorded.
  const web: Workers = {
    cores: node.cores, sharedMemory: false,
    start: (o) => {
      const w = node.start(o);
      w.onMessage((m) => answers.push(m.type));
      const seen: WorkerLike = { ...w, post: (m) => { posted.push(m); w.post(m); } };
      return seen;
    },
  };
  const m = new RunManager(web, { progressIntervalMs: 20, stopGraceMs: 60_000 });
  managers.push(m);
  const latencies = await stopWithinOneStep(m);
  const starts = posted.filter((p) => p.type === 'start');
  assert.ok(starts.length > 0);
  for (const start of starts) assert.equal(start.type === 'start' && start.control, null, 'no SharedArrayBuffer in the start message');
  assert.equal(posted.filter((p) => p.type === 'stop').length, starts.length, 'each run stopped by one stop message');
  assert.equal(answers.filter((a) => a === 'stopping').length, starts.length, 'each worker answered it');
  assert.ok(latencies.every((n) => n === 0 || n === 1), latencies.join(', '));
});
