import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckCancelled, CheckRuns, type ChecksEvent } from '../../src/training/check-runs';
import { runSanity } from '../../src/engine/sanity';
import { lrFind } from '../../src/training/lr-find';
import { parseModel } from '../../src/model/parse';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

function recorder(checks: CheckRuns): ChecksEvent[] {
  const events: ChecksEvent[] = [];
  checks.onEvent((e) => events.push(e));
  return events;
}

test('the sanity checks in a worker give the figures of the engine run in-process, and keep the latest state', async () => {
  const checks = new CheckRuns(nodeWorkers(workerPath));
  const events = recorder(checks);
  const state = await checks.sanity('file:///spiral.nn.yaml', SPIRAL, null);
  assert.equal(state.state, 'done');
  assert.deepEqual(state.report, runSanity(SPIRAL));
  assert.ok(state.ms! > 0);
  assert.deepEqual(events.map((e) => e.type === 'sanity' && e.state.state), ['running', 'done']);
  assert.equal(checks.sanityState('file:///spiral.nn.yaml'), state);
  assert.equal(checks.isRunning('sanity', 'file:///spiral.nn.yaml'), false);
});

test('the range test in a worker: every step reported as it is measured, the result as in-process, the file\'s lr kept', async () => {
  const checks = new CheckRuns(nodeWorkers(workerPath));
  const events = recorder(checks);
  const state = await checks.lrFind('file:///spiral.nn.yaml', SPIRAL, null);
  const want = lrFind(SPIRAL);
  assert.deepEqual(state.result, want);
  assert.equal(state.lr, SPIRAL.optimizer.lr);
  const steps = events.flatMap((e) => (e.type === 'lrPoint' ? [e.point] : []));
  assert.deepEqual(steps, want.points);
  assert.ok(events.every((e) => e.type !== 'lrPoint' || e.steps === want.steps));
});

test('cancelling terminates the worker: the promise rejects with CheckCancelled, the state says so (or keeps the last result)', async () => {
  const checks = new CheckRuns(nodeWorkers(workerPath));
  const source = 'file:///a.nn.yaml';
  const first = checks.sanity(source, SPIRAL, null);
  assert.equal(checks.isRunning('sanity', source), true);
  assert.equal(checks.cancel('sanity', source), true);
  await assert.rejects(first, CheckCancelled);
  assert.equal(checks.sanityState(source)?.state, 'failed');
  assert.match(checks.sanityState(source)!.error!, /cancelled/);
  assert.equal(checks.cancel('sanity', source), false, 'nothing runs any more');

  const done = await checks.sanity(source, SPIRAL, null);
  const again = checks.sanity(source, SPIRAL, null);
  checks.cancel('sanity', source);
  await assert.rejects(again, CheckCancelled);
  assert.equal(checks.sanityState(source), done, 'the previous result again');
});

test('a new check of the same file replaces the running one, whose end does not overwrite the new state', async () => {
  const checks = new CheckRuns(nodeWorkers(workerPath));
  const source = 'file:///b.nn.yaml';
  const first = checks.lrFind(source, SPIRAL, null);
  const second = checks.lrFind(source, SPIRAL, null);
  await assert.rejects(first, CheckCancelled);
  const state = await second;
  assert.equal(state.state, 'done');
  assert.equal(checks.lrFindState(source), state);
});

test('bad input: a missing data file fails with the loader\'s message, named after the check', async () => {
  const spec = parseModel('data:\n  csv: no-such-file.csv\n  label: y\nlayers:\n  - dense: 2\n').spec;
  assert.ok(spec, 'the file parses without a path checker');
  const checks = new CheckRuns(nodeWorkers(workerPath));
  await assert.rejects(checks.sanity('file:///c.nn.yaml', spec, os.tmpdir()), /^Error: The sanity checks failed: .*no-such-file\.csv/);
  assert.equal(checks.sanityState('file:///c.nn.yaml')?.state, 'failed');
  await assert.rejects(checks.lrFind('file:///c.nn.yaml', spec, os.tmpdir()), /^Error: The learning-rate range test failed: .*no-such-file\.csv/);
});
