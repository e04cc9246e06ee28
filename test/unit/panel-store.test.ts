import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOSS_POINTS, RunStore, SMOOTHING } from '../../webview/store';
import { Ema } from '../../webview/smoothing';
import type { RunSnapshot } from '../../src/training/protocol';

function snapshot(losses: number[]): RunSnapshot {
  return {
    info: {
      runId: 'r', source: 's', title: 't', parameters: 0, trainSize: 0, validationSize: 0, batchSize: 1, stepsPerEpoch: 1,
      totalSteps: losses.length, layers: [], boundary: null, epochs: 1, optimizer: 'sgd', init: 'he',
    },
    status: 'running', paused: false, losses, epochs: [], stats: [], latestStats: null, markers: [], boundary: null,
    step: losses.length, samplesPerSec: 0, final: null, error: null, previous: null, gradcheck: null,
  };
}

test('a very long run keeps a bounded, evenly spaced loss series; the smoothed curve still averages every step', () => {
  const n = 3 * MAX_LOSS_POINTS + 12_345;
  const losses = Array.from({ length: n }, (_, i) => 1 / (1 + i / 1000) + 0.01 * Math.sin(i));
  const store = new RunStore();
  store.load(snapshot(losses));
  assert.ok(store.raw.length < MAX_LOSS_POINTS && store.raw.length > MAX_LOSS_POINTS / 4, `${store.raw.length} points`);
  const stride = (store.raw[1].x as number) - (store.raw[0].x as number);
  assert.equal(stride, 4, 'halved twice');
  store.raw.forEach((p, i) => {
    assert.equal(p.x, 1 + i * stride);
    assert.equal(p.y, losses[(p.x as number) - 1]);
  });
  const ema = new Ema(SMOOTHING);
  const all = losses.map((y) => ema.push(y));
  store.smooth.forEach((p) => assert.equal(p.y, all[(p.x as number) - 1]));
  // A short run is drawn whole.
  const short = new RunStore();
  short.load(snapshot(losses.slice(0, 2400)));
  assert.equal(short.raw.length, 2400);
});
