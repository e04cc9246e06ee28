import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunManager } from '../../src/training/runs';
import { SPIRAL } from './fixtures';
import { LONG_SPIRAL, pauseStepResume, stopWithinOneStep } from './web/control-cases';
import { Trainer } from '../../src/engine/trainer';
import type { ProgressMessage } from '../../src/training/protocol';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

/**
 * Every manager a test makes, stopped when the file's tests end: a test that fails while a long
 * run trains must not leave its worker keeping the process alive.
 */
const managers: RunManager[] = [];
function manager(...args: ConstructorParameters<typeof RunManager>): RunManager {
  const m = new RunManager(...args);
  managers.push(m);
  return m;
}
after(() => {
  for (const m of managers) m.stopAll();
});

test('a run in a worker thread trains the spiral and reports every step once, in order', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const events: string[] = [];
  runs.onEvent((e) => events.push(e.type));
  const s = runs.start('file:///spiral.nn.yaml', 'spiral.nn.yaml', SPIRAL);
  assert.equal(runs.isRunning('file:///spiral.nn.yaml'), true);
  await s.finished;
  assert.equal(s.status, 'finished');
  assert.equal(s.loss.steps, s.info.totalSteps);
  assert.equal(s.loss.values().length, s.info.totalSteps, 'a short run keeps every step');
  assert.equal(s.info.totalSteps, 20 * 8);
  assert.equal(s.epochs.count, 20);
  assert.deepEqual(s.epochs.items.map((e) => e.epoch), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(s.final && s.final.loss < s.loss.values()[0], 'loss fell');
  assert.equal(events[0], 'created');
  assert.equal(events.at(-1), 'status');
  assert.equal(runs.isRunning('file:///spiral.nn.yaml'), false);
});

test('stop ends a long run after the current step, and reports final metrics', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const s = runs.start('a', 'a', long);
  await new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'progress') resolve(); }));
  runs.stop('a');
  await s.finished;
  assert.equal(s.status, 'stopped');
  assert.ok(s.final, 'final metrics');
  assert.ok(s.step < s.info.totalSteps);
  assert.equal(s.loss.steps, s.final!.steps);
});

test('stop takes effect within one step: the worker takes at most the step it is in, for fast and slow models', async () => {
  const latencies = await stopWithinOneStep(manager(nodeWorkers(workerPath), { progressIntervalMs: 20, stopGraceMs: 60_000 }));
  console.log(`steps taken after a stop request: ${latencies.join(', ')}`);
});

test('a model file that is training keeps its run; another file trains alongside', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const a = runs.start('a', 'a', SPIRAL);
  assert.equal(runs.start('a', 'a', SPIRAL), a);
  const b = runs.start('b', 'b', SPIRAL);
  assert.notEqual(a, b);
  await Promise.all([a.finished, b.finished]);
  // Same spec, same seed: the two runs agree bit for bit.
  assert.deepEqual(a.loss.values(), b.loss.values());
});

test('progress messages are bounded by the interval, not by the step rate', () => {
  let clock = 0;
  const posted: LoopMessage[] = [];
  // A fake clock that advances 0.5 ms at every look: messages are bounded by its time, not by steps.
  runTraining({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 50 } }, {
    runId: 'r', progressIntervalMs: 50, statsEvery: 1, statsMinMs: 20, post: (m) => posted.push(m), now: () => (clock += 0.5),
  });
  const progress = posted.filter((m): m is ProgressMessage => m.type === 'progress');
  const steps = progress.reduce((s, p) => s + p.losses.length, 0);
  assert.equal(steps, 50 * 8);
  assert.ok(progress.length <= Math.floor(clock / 50) + 2, `${progress.length} messages in ${clock} ms`);
  assert.ok(progress.length < steps / 10, `${progress.length} messages for ${steps} steps`);
  // Statistics: asked for at every step, but no more often than every 20 ms of the fake clock.
  const stats = progress.flatMap((p) => p.stats);
  assert.equal(stats[0].step, 0);
  assert.ok(stats.length > 1 && stats.length <= Math.floor(clock / 20) + 1, `${stats.length} stats in ${clock} ms`);
  assert.equal(posted.at(-1)!.type, 'done');
});

test('a diverging run stops at the first non-finite step, names the step and the layer, keeps the weights from before it and marks it', () => {
  const posted: LoopMessage[] = [];
  // lr·l2 = 100 multiplies the weights by −99 each step: float32 overflows within a few dozen steps.
  const spec = { ...SPIRAL, optimizer: { type: 'sgd' as const, lr: 100 }, train: { ...SPIRAL.train, l2: 1 } };
  const r = runTraining(spec, { runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m) });
  assert.equal(r.type, 'error');
  if (r.type !== 'error') return;
  const d = r.divergence!;
  assert.ok(d && r.step === d.step && d.step >= 1, `step ${r.step}`);
  assert.ok(d.where === 'forward' || d.where === 'gradient', d.where);
  assert.match(d.at ?? '', /^layers\[\d\]/);
  assert.match(r.message, new RegExp(`^Training diverged at step ${d.step}: .*layers\\[\\d\\].*became NaN or infinite.* The weights from before this step are kept\\. Lower the learning rate \\(now 100\\) or change the init scheme\\.$`));
  // The kept weights are the engine's after exactly d.step updates, all finite.
  const t = new Trainer(spec);
  for (let i = 0; i < d.step; i++) assert.equal(t.trainStep().divergence, undefined);
  assert.deepEqual(r.weights!.map((w) => w.name), t.network.params.map((p) => p.name));
  r.weights!.forEach((w, i) => {
    assert.deepEqual(w.values, Float32Array.from(t.network.params[i].value), w.name);
    assert.ok(w.values.every(Number.isFinite), `${w.name} finite`);
  });
  assert.ok(t.trainStep().divergence, 'the next step diverges in the engine too');
  const markers = posted.flatMap((m) => (m.type === 'progress' ? m.markers : []));
  assert.deepEqual(markers.map((m) => [m.step, m.kind]), [[d.step, 'divergence']]);
});

test('pause, step and resume: a paused run trains exactly the steps asked for', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const s = runs.start('p', 'p', LONG_SPIRAL);
  await pauseStepResume(s);
  s.stop();
  await s.finished;
  assert.equal(s.status, 'stopped');
});

test('an optimizer swap mid-run takes effect at the next step and is marked', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const s = runs.start('o', 'o', long);
  await until(() => s.step > 0);
  s.pause();
  await until(() => s.paused);
  const at = s.step;
  assert.equal(s.optimizer, long.optimizer, 'the spec\'s rule until a swap');
  s.setOptimizer({ type: 'sgd', lr: 0 });
  assert.deepEqual(s.optimizer, { type: 'sgd', lr: 0 }, 'the rule training uses now (what an export of its weights trains on with)');
  s.stepOnce();
  await until(() => s.markers.length === 1 && s.step === at + 1);
  assert.deepEqual(s.markers[0], { step: at, kind: 'optimizer', label: 'adam → sgd' });
  assert.equal(s.info.optimizer, 'sgd');
  s.stop();
  await s.finished;
});

test('an init restart keeps the previous run to draw beside the new one', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const a = runs.start('i', 'i.nn.yaml', long);
  await until(() => a.loss.steps > 10);
  const b = runs.restart('i', 'i.nn.yaml', { ...long, init: { type: 'xavier' } });
  await a.finished;
  assert.equal(a.status, 'stopped');
  assert.notEqual(a, b);
  assert.equal(runs.get('i'), b);
  assert.equal(b.previous?.label, 'previous (he)');
  assert.ok((b.previous?.loss.count ?? 0) >= 10);
  assert.equal(b.info.init, 'xavier');
  b.stop();
  await b.finished;
});

test('a gradient check runs in a worker of its own and reports every parameter', async () => {
  const runs = manager(nodeWorkers(workerPath));
  const states: string[] = [];
  runs.onEvent((e) => { if (e.type === 'gradcheck') states.push(e.state); });
  const r = await runs.gradcheck('g', SPIRAL);
  assert.deepEqual(states, ['running', 'done']);
  assert.equal(r.params.length, 4);
  assert.ok(r.maxRelError < 1e-7);
  assert.equal(runs.lastCheck('g'), r);
});

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a worker that dies (a crash, out of memory) fails its run with the reason; the host and the other runs go on', async () => {
  const runs = manager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const a = runs.start('a', 'a', long);
  const b = runs.start('b', 'b', long);
  await Promise.all([a, b].map((s) => new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'progress') resolve(); }))));
  // What an out-of-memory kill or a native crash looks like from the host: the thread is gone.
  await (a as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  await a.finished;
  assert.equal(a.status, 'failed');
  assert.match(a.error ?? '', /The training worker exited unexpectedly \(code \d+\)\./);
  // A worker whose JavaScript heap fills up is ended by Node alone: its run says so.
  const starved = manager(nodeWorkers(workerPath), { workerHeapMB: 2 }).start('c', 'c', long);
  await starved.finished;
  assert.equal(starved.status, 'failed');
  assert.equal(starved.error, 'The training worker ran out of memory (its JavaScript heap is full). Train on fewer samples or a smaller model.');
  const before = b.step;
  await new Promise<void>((resolve) => b.onEvent((e) => { if (e.type === 'progress' && b.step > before + 100) resolve(); }));
  assert.equal(b.running, true, 'the other run trains on');
  b.stop();
  await b.finished;
  assert.equal(b.status, 'stopped');
});
