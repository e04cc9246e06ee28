/**
 * Stop, Pause and Step without shared memory (the web's control path, issue 18), run on the
 * desktop: the real worker (dist/worker.js) with `sharedControl: false`, so Stop is a message and
 * the worker reads its queue after every step. The cases are session.test.ts's (control-cases.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunManager } from '../../../src/training/runs';
import { LONG_SPIRAL, pauseStepResume, stopWithinOneStep, until } from './control-cases';
import { nodeWorkers } from '../../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../../dist/worker.js');

const managers: RunManager[] = [];
function manager(): RunManager {
  const m = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20, sharedControl: false });
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
