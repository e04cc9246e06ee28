/**
 * The host side of a surface run: the session keeps the path (every point up to MAX_PATH_POINTS,
 * thinned evenly past it), the panel mirrors it from what the progress messages kept, the run store
 * keeps it across a reload, and overlays carry it. The worker here is a stand-in that speaks the
 * protocol (a surface 'started', 'progress' with path points, 'done'), so these tests do not depend
 * on the surface engine's numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunManager } from '../../../src/training/runs';
import { appendKept, Decimated, PATH_CAP } from '../../../src/training/history';
import { MAX_PATH_POINTS, type SurfaceFrame, type SurfacePoint } from '../../../src/training/protocol';
import { SURFACE_NETWORK, type SurfaceModelSpec } from '../../../src/model/spec';
import { RunStore } from '../../../src/runs/store';
import { RunRecorder } from '../../../src/runs/recorder';
import { overlayOfSession, overlaysOfStored } from '../../../src/panel/overlays';
import { nodeWorkers } from '../../../src/node/workers';
import { nodeStoreFiles } from '../../../src/node/store-files';

/** Point k of the stand-in's path: a spiral in to the origin, f = x² + y². */
function pointAt(k: number): SurfacePoint {
  const r = 2 / (1 + k / 50);
  const x = r * Math.cos(k / 7);
  const y = r * Math.sin(k / 7);
  return { step: k, x, y, f: x * x + y * y, grad: 2 * r };
}

const FRAME: SurfaceFrame = {
  preset: null, expression: 'x^2 + y^2', xMin: -3, xMax: 3, yMin: -3, yMax: 3, resolution: 3,
  values: [18, 9, 18, 9, 0, 9, 18, 9, 18], levels: [0.1, 1, 10], critical: [{ x: 0, y: 0, f: 0, kind: 'minimum' }], start: [2, 0],
};

/** A worker that answers 'start' as a surface run of spec.surface.steps steps, in batches of 1 to 997 points. */
const STAND_IN = `
const { parentPort } = require('node:worker_threads');
${pointAt.toString()}
parentPort.on('message', (m) => {
  if (m.type !== 'start') return;
  const steps = m.spec.surface.steps;
  const frame = ${JSON.stringify(FRAME)};
  parentPort.postMessage({ type: 'started', runId: m.runId, parameters: 2, trainSize: 0, validationSize: 0, batchSize: 1,
    stepsPerEpoch: steps, totalSteps: steps, layers: [], boundary: null, surface: frame });
  let k = 0;
  let size = 1;
  while (k <= steps) {
    const path = [];
    for (let i = 0; i < size && k <= steps; i++) path.push(pointAt(k++));
    const losses = path.filter((p) => p.step > 0).map((p) => p.f);
    const last = path[path.length - 1];
    parentPort.postMessage({ type: 'progress', runId: m.runId, firstStep: Math.max(1, path[0].step), losses, epochs: [], stats: [],
      markers: [], boundary: null, filters: null, path, step: last.step, epoch: 0, paused: false, samplesPerSec: 1, seconds: 0 });
    size = (size * 31 + 7) % 997 + 1;
  }
  const end = pointAt(steps);
  parentPort.postMessage({ type: 'done', runId: m.runId, status: 'finished',
    final: { loss: end.f, regLoss: 0, trainAcc: null, valLoss: null, valAcc: null, steps, epochs: 1, samplesPerSec: 1, seconds: 0 },
    weights: [{ name: 'position', shape: [2], values: new Float32Array([end.x, end.y]) }] });
});
`;

function standIn(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-surface-host-'));
  const file = path.join(dir, 'worker.js');
  fs.writeFileSync(file, STAND_IN);
  return file;
}

function surfaceSpec(steps: number): SurfaceModelSpec {
  return {
    ...SURFACE_NETWORK, optimizer: { type: 'adam', lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 1, batch: 1, l2: 0, l1: 0, seed: 1 },
    surface: { preset: null, expression: 'x^2 + y^2', start: [2, 0], steps, noise: 0 },
  };
}

test('appendKept mirrors a Decimated series from the items it kept: every point up to MAX_PATH_POINTS steps, thinned evenly past', () => {
  const series = new Decimated<number>(PATH_CAP);
  const mirror: number[] = [];
  let n = 0;
  let size = 3;
  while (n < 3 * MAX_PATH_POINTS) {
    const batch = Array.from({ length: size }, () => n++);
    const delta = series.keptOf(batch);
    const hostThinned = series.apply(delta);
    assert.equal(appendKept(mirror, delta.items, PATH_CAP), hostThinned);
    assert.deepEqual(mirror, series.items);
    // A run of MAX_PATH_POINTS steps (MAX_PATH_POINTS + 1 points, step 0 included) is kept whole.
    if (n <= MAX_PATH_POINTS + 1) assert.equal(series.items.length, n);
    size = (size * 17 + 5) % 1301 + 1;
  }
  assert.ok(series.items.length < PATH_CAP && series.items.length > PATH_CAP / 4);
  const gaps = new Set(series.items.slice(1).map((v, i) => v - series.items[i]));
  assert.deepEqual([...gaps], [series.stride], 'evenly spaced');
});

test('a surface session keeps its path: the snapshot has steps + 1 points, the panel mirrors it from the progress messages, overlays carry it', async () => {
  const runs = new RunManager(nodeWorkers(standIn()), { progressIntervalMs: 20 });
  const s = runs.start('file:///bowl.nn.yaml', 'bowl.nn.yaml', surfaceSpec(300));
  const mirror: SurfacePoint[] = [];
  s.onEvent((e) => {
    if (e.type === 'progress' && e.progress.path) appendKept(mirror, e.progress.path, PATH_CAP);
  });
  await s.finished;
  assert.equal(s.status, 'finished');
  const snap = s.snapshot();
  assert.deepEqual(snap.info.surface, FRAME);
  assert.equal(snap.path?.length, 301);
  assert.deepEqual(snap.path, Array.from({ length: 301 }, (_, k) => pointAt(k)));
  assert.deepEqual(mirror, snap.path);
  assert.equal(s.final?.loss, pointAt(300).f);
  assert.equal(s.loss.steps, 300, 'one loss (f) per step');
  assert.deepEqual(overlayOfSession(s, 'adam').path, snap.path);
});

test('a long surface run: the path is thinned evenly, kept by the run store as the session keeps it, and read back after a reload', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-surface-store-'));
  const runs = new RunManager(nodeWorkers(standIn()), { progressIntervalMs: 20 });
  const store = new RunStore(nodeStoreFiles(root), 10);
  const recorder = new RunRecorder(runs, store);
  const steps = 3 * MAX_PATH_POINTS + 17;
  const s = runs.start('file:///bowl.nn.yaml', 'bowl.nn.yaml', surfaceSpec(steps));
  const mirror: SurfacePoint[] = [];
  s.onEvent((e) => {
    if (e.type === 'progress' && e.progress.path) appendKept(mirror, e.progress.path, PATH_CAP);
  });
  await s.finished;
  recorder.dispose();
  await store.flushed();
  const kept = s.snapshot().path!;
  assert.ok(kept.length < PATH_CAP && kept.length > MAX_PATH_POINTS / 4, `${kept.length} points`);
  assert.equal(kept[0].step, 0);
  const stride = kept[1].step - kept[0].step;
  assert.ok(stride >= 4);
  assert.ok(kept.every((p, i) => p.step === i * stride), 'evenly spaced from the start');
  assert.deepEqual(mirror, kept);

  const reloaded = new RunStore(nodeStoreFiles(root));
  const [run] = await reloaded.list();
  assert.equal(run.runId, s.runId);
  assert.deepEqual(run.info?.surface, FRAME, 'the frame is kept');
  assert.deepEqual((await reloaded.history(run.runId)).path, kept, 'the path survives a reload');
  assert.deepEqual((await reloaded.loadWeights(run.runId)).map((w) => [w.name, [...w.values]]), [['position', [...new Float32Array([pointAt(steps).x, pointAt(steps).y])]]]);
  const overlays = await overlaysOfStored(reloaded, [run], () => 'kept');
  assert.deepEqual(overlays.surface, FRAME);
  assert.deepEqual(overlays.runs[0].path, kept);
  store.dispose();
});

test('kept runs from before surfaces (no path in their history) read as before, without a path', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-surface-old-'));
  const store = new RunStore(nodeStoreFiles(root));
  store.create({ runId: 'old-1', source: 'file:///a.nn.yaml', title: 'a.nn.yaml', created: 1, seed: 1, spec: surfaceSpec(1), info: null });
  await store.flushed();
  fs.writeFileSync(path.join(root, 'old-1', 'metrics.jsonl'), [
    JSON.stringify({ t: 'losses', first: 1, v: [2, 1] }),
    JSON.stringify({ t: 'delta', loss: { from: 2, items: [[0.5, 0.5]], count: 3 }, epochs: { from: 0, items: [], count: 0 }, stats: { from: 0, items: [], count: 0 } }),
  ].join('\n') + '\n');
  const h = await store.history('old-1');
  assert.equal(h.path, undefined);
  assert.equal(h.loss.count, 3);
  assert.equal(h.skipped, 0);
});
