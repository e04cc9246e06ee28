import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStore } from '../../../webview/store';
import { Decimated, PATH_CAP } from '../../../src/training/history';
import type { PanelProgress, RunSnapshot, SurfaceFrame, SurfacePoint } from '../../../src/training/protocol';
import { surfaceFrame } from '../../../webview/surface/runs';

const FRAME: SurfaceFrame = {
  preset: 'saddle', expression: 'x^2 - y^2', xMin: -1, xMax: 1, yMin: -1, yMax: 1, resolution: 2, values: [0, 0, 0, 0],
  levels: [], critical: [{ x: 0, y: 0, f: 0, kind: 'saddle' }], start: [0.5, 0.01],
};
const point = (step: number): SurfacePoint => ({ step, x: step / 10, y: -step / 10, f: step, grad: 1 });
const empty = { count: 0, stride: 1, items: [] };

function snapshot(path: SurfacePoint[]): RunSnapshot {
  return {
    info: {
      runId: 'r', source: 's', title: 'saddle.nn.yaml', parameters: 2, trainSize: 0, validationSize: 0, batchSize: 1, stepsPerEpoch: 1,
      totalSteps: 50_000, layers: [], boundary: null, epochs: 1, optimizer: 'sgd', init: 'zeros', surface: FRAME,
    },
    status: 'running', paused: false, loss: empty, lastLoss: null, epochs: empty, stats: empty, latestStats: null, markers: [], boundary: null,
    filters: null, step: path.length - 1, samplesPerSec: 0, final: null, error: null, previous: null, gradcheck: null, path,
  };
}

const progress = (path: SurfacePoint[], step: number): PanelProgress => ({
  type: 'progress', runId: 'r', loss: { from: 0, count: 0, items: [] }, epochs: { from: 0, count: 0, items: [] }, stats: { from: 0, count: 0, items: [] },
  latestStats: null, lastLoss: null, markers: [], boundary: null, filters: null, path, step, paused: false, samplesPerSec: 0,
});

test('the panel\'s path mirrors the host\'s (Decimated at PATH_CAP) from the snapshot and each message\'s kept points, through its thinnings', () => {
  const host = new Decimated<SurfacePoint>(PATH_CAP);
  let step = 0;
  for (; step < 500; step++) host.push(point(step));
  const store = new RunStore();
  store.load(snapshot(host.items.slice()));
  assert.equal(store.path.length, 500);
  assert.equal(surfaceFrame(store), FRAME);
  for (let batch = 0; batch < 60; batch++) {
    // What the host keeps of the next steps is what it sends (keptOf), then keeps them itself.
    const next = Array.from({ length: 700 + batch * 13 }, () => point(step++));
    const delta = host.keptOf(next);
    host.apply(delta);
    assert.ok(store.addProgress(progress(delta.items, step - 1)));
  }
  assert.ok(host.stride >= 4, `the host thinned (stride ${host.stride})`);
  assert.deepEqual(store.path.map((p) => p.step), host.items.map((p) => p.step));
  // A message repeated (a late panel) adds nothing twice.
  store.addProgress(progress(host.items.slice(-3), step - 1));
  assert.deepEqual(store.path.map((p) => p.step), host.items.map((p) => p.step));
  // The saved state carries the path, and reloads to the same.
  const saved = store.saved()!;
  assert.deepEqual(saved.path, store.path);
  const again = new RunStore();
  again.load(saved);
  assert.deepEqual(again.path, store.path);
});

test('overlaid surface runs bring their paths and the surface they are drawn on', () => {
  const store = new RunStore();
  store.setOverlays({
    title: 'optimizer: 2 variants', surface: FRAME,
    runs: ['sgd', 'adam'].map((label, k) => ({
      id: label, label, status: 'finished', markers: [], final: null, error: null, loss: empty, epochs: empty, stats: empty, path: [point(0), point(k + 1)],
    })),
  });
  assert.equal(surfaceFrame(store), FRAME);
  assert.deepEqual(store.overlays.map((o) => o.path?.at(-1)?.step), [1, 2]);
  store.setOverlays(null);
  assert.equal(surfaceFrame(store), null);
});
