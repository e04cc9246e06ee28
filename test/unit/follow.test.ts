import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunLoop, type LoopMessage } from '../../src/training/loop';
import { Trainer } from '../../src/engine/trainer';
import { inspectSample } from '../../src/engine/inspect';
import { RunManager } from '../../src/training/runs';
import type { TrainingSession } from '../../src/training/session';
import { INSPECT_FOLLOW_MS, type InspectTarget } from '../../src/training/protocol';
import type { InspectResult } from '../../src/engine/inspect-types';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

/** Fake time: every training step takes 100 ms. */
const STEP_MS = 100;

interface Followed { loop: RunLoop; posted: LoopMessage[]; inspections: Array<{ at: number; result: InspectResult }> }

function followed(spec: ModelSpec, startPaused = false): Followed {
  const posted: LoopMessage[] = [];
  const inspections: Followed['inspections'] = [];
  const box: { loop?: RunLoop } = {};
  const now = (): number => (box.loop ? box.loop.trainer.step * STEP_MS : 0);
  const loop = new RunLoop(spec, {
    runId: 'r', progressIntervalMs: 1e9, now,
    post: (m) => {
      posted.push(m);
      if (m.type === 'inspect') inspections.push({ at: now(), result: m.result });
    },
  }, startPaused);
  box.loop = loop;
  return { loop, posted, inspections };
}

function runToEnd(loop: RunLoop): void {
  while (!loop.done) loop.runSlice(1000);
}

/** What inspectSample gives for the target after `steps` steps of the same spec. */
function replay(spec: ModelSpec, target: InspectTarget, steps: number[]): InspectResult[] {
  const t = new Trainer(spec);
  return steps.map((s) => {
    while (t.step < s) t.trainStep();
    return inspectSample(spec, t.network, target.split === 'train' ? t.trainSet : t.validationSet, target, { origin: 'live', step: t.step });
  });
}

test(`follow: an inspection at once, then at most one per ${INSPECT_FOLLOW_MS} ms of (fake) time while training, each with the weights of its step`, () => {
  const { loop, inspections, posted } = followed(SPIRAL);
  const target: InspectTarget = { split: 'val', sample: 7 };
  loop.follow(target);
  assert.equal(inspections.length, 1, 'at once');
  assert.equal(inspections[0].result.step, 0);
  runToEnd(loop);
  assert.equal(posted[posted.length - 1].type, 'done');
  for (let k = 1; k < inspections.length; k++) {
    assert.ok(inspections[k].at - inspections[k - 1].at >= INSPECT_FOLLOW_MS, `inspections ${k - 1} and ${k}: ${inspections[k].at - inspections[k - 1].at} ms apart`);
  }
  // 160 steps of 100 ms: one every 4 steps after the first.
  const steps = inspections.map((i) => i.result.step);
  assert.deepEqual(steps, Array.from({ length: 41 }, (_, k) => 4 * k));
  for (const i of inspections) {
    assert.equal(i.result.weights, 'live');
    assert.equal(i.result.split, 'val');
    assert.equal(i.result.sample, 7);
  }
  assert.deepEqual(inspections.map((i) => i.result), replay(SPIRAL, target, steps));
});

test('follow(null): nothing more is inspected; a new target is inspected at once', () => {
  const { loop, inspections } = followed(SPIRAL);
  loop.follow({ split: 'train', sample: 3 });
  loop.runSlice(1000);
  const before = inspections.length;
  assert.ok(before >= 2, `${before} inspections in the first slice`);
  loop.follow(null);
  loop.runSlice(2000);
  assert.equal(inspections.length, before);
  loop.follow({ split: 'train', sample: 4 });
  assert.equal(inspections.length, before + 1);
  assert.equal(inspections[before].result.sample, 4);
  loop.follow(null);
  runToEnd(loop);
  assert.equal(inspections.length, before + 1);
});

test('paused: every single step is inspected at once, whatever the time; resumed, the rate applies again', () => {
  const { loop, inspections } = followed(SPIRAL, true);
  loop.follow({ split: 'train', sample: 0 });
  for (let k = 1; k <= 3; k++) {
    loop.stepOnce();
    loop.runSlice(1000);
    assert.equal(loop.trainer.step, k);
    assert.equal(inspections.length, 1 + k, `after single step ${k}`);
    assert.equal(inspections[k].result.step, k);
  }
  loop.resume();
  loop.runSlice(1000);
  assert.equal(loop.trainer.step, 13);
  // From step 3 (300 ms): steps 7 and 11 are 400 ms later each.
  assert.deepEqual(inspections.slice(4).map((i) => i.result.step), [7, 11]);
});

test('a target the run cannot inspect is dropped with a warning; the run goes on and finishes', (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined);
  const { loop, inspections, posted } = followed({ ...SPIRAL, train: { ...SPIRAL.train, epochs: 2 } });
  loop.follow({ split: 'val', sample: 60 });
  loop.follow({ split: 'train', sample: -1 });
  loop.follow({ split: 'train', sample: 1.5 });
  assert.equal(inspections.length, 0);
  assert.equal(warn.mock.callCount(), 3);
  assert.match(String(warn.mock.calls[0].arguments[0]), /validation set has 60 samples/);
  runToEnd(loop);
  assert.equal(inspections.length, 0, 'dropped, not retried');
  assert.equal(posted[posted.length - 1].type, 'done');
  // Nothing held out: any validation sample is out of range.
  const none = followed({ ...SPIRAL, data: { ...SPIRAL.data, validation: 0 }, train: { ...SPIRAL.train, epochs: 1 } });
  none.loop.follow({ split: 'val', sample: 0 });
  runToEnd(none.loop);
  assert.equal(none.inspections.length, 0);
  assert.equal(none.posted[none.posted.length - 1].type, 'done');
});

function nextInspect(s: TrainingSession): Promise<InspectResult> {
  return new Promise((resolve) => {
    const sub = s.onEvent((e) => {
      if (e.type === 'inspect') {
        sub.dispose();
        resolve(e.result);
      }
    });
  });
}

test('a session follows a sample in its worker: inspect events with the live weights; follow(null) is sent on', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const long = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };
  const s = runs.start('f', 'f', long);
  await new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'started') resolve(); }));
  const first = nextInspect(s);
  s.follow({ split: 'train', sample: 12 });
  assert.deepEqual(s.following, { split: 'train', sample: 12 });
  const r = await first;
  assert.equal(r.sample, 12);
  assert.equal(r.split, 'train');
  assert.equal(r.weights, 'live');
  const second = await nextInspect(s);
  assert.ok(second.step > r.step, `the weights moved on: step ${r.step}, then ${second.step}`);
  s.follow(null);
  assert.equal(s.following, null);
  runs.stop('f');
  await s.finished;
  assert.equal(s.status, 'stopped');
});

test('a session keeps the gallery and the newest mistakes (mnist) for its snapshot, and forwards the mistakes to the panel', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const spec: ModelSpec = {
    ...SPIRAL, data: { dataset: 'mnist', samples: 200, classes: 10, noise: 0, features: 784, validation: 0.2 },
    layers: [{ kind: 'dense', units: 10, activation: { type: 'linear' } }],
    train: { ...SPIRAL.train, epochs: 3, batch: 40 },
  };
  const s = runs.start('m', 'm', spec);
  const forwarded: number[] = [];
  s.onEvent((e) => { if (e.type === 'progress' && e.progress.mistakes) forwarded.push(e.progress.mistakes.epoch); });
  await s.finished;
  assert.equal(s.status, 'finished', s.error ?? '');
  // The newest epoch's frame of each progress message (several epochs may end between two).
  assert.equal(forwarded[forwarded.length - 1], 3);
  assert.deepEqual(forwarded, [...new Set(forwarded)].sort());
  const snap = s.snapshot();
  assert.equal(snap.gallery!.indices.length, 40, 'the 40 held-out digits (fewer than the gallery holds)');
  assert.equal(snap.gallery!.width, 28);
  assert.equal(Object.hasOwn(s.info, 'gallery'), false, 'not part of the run info');
  assert.equal(snap.mistakes!.epoch, 3);
  assert.equal(snap.mistakes!.validationSize, 40);
  assert.equal(snap.mistakes!.images!.indices.length, snap.mistakes!.items.length);
  const confusion = s.epochs.items[s.epochs.items.length - 1].confusion!;
  assert.equal(snap.mistakes!.total, 40 - confusion.reduce((a, row, y) => a + row[y], 0));
});
