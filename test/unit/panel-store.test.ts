import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunStore, isRunSnapshot } from '../../webview/store';
import {
  Decimated, Ema, LossHistory, MAX_EPOCH_POINTS, MAX_LOSS_POINTS, SMOOTHING, pushAll, thinnedTo, type LossPoint,
} from '../../src/training/history';
import type { EpochMetrics, PanelProgress, RunSnapshot } from '../../src/training/protocol';
import { RunManager } from '../../src/training/runs';
import { FAST_SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

/** A reproducible loss curve: falling, with noise. */
function lossAt(i: number): number {
  return 1 / (1 + i / 1000) + 0.01 * Math.sin(i * 1.7);
}

function snapshotOf(h: LossHistory, epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS)): RunSnapshot {
  return {
    info: {
      runId: 'r', source: 's', title: 't', parameters: 0, trainSize: 0, validationSize: 0, batchSize: 1, stepsPerEpoch: 1,
      totalSteps: h.steps, layers: [], boundary: null, epochs: 1, optimizer: 'sgd', init: 'he',
    },
    status: 'running', paused: false, loss: h.series.state(), lastLoss: h.values().at(-1) ?? null, epochs: epochs.state(),
    stats: { count: 0, stride: 1, items: [] }, latestStats: null, markers: [], boundary: null, filters: null,
    step: h.steps, samplesPerSec: 0, final: null, error: null, previous: null, gradcheck: null,
  };
}

test('a decimated series keeps fewer than its cap, evenly spaced, exactly the items whose number is a multiple of the stride', () => {
  for (const cap of [2, 3, 8, 1000]) {
    const d = new Decimated<number>(cap);
    for (let n = 0; n < 50 * cap + 7; n++) {
      d.push(n);
      assert.ok(d.items.length < cap, `cap ${cap}: ${d.items.length} kept after ${n + 1}`);
      d.items.forEach((v, i) => assert.equal(v, i * d.stride));
      // Every multiple of the stride pushed so far is there: nothing in between is missing.
      assert.equal(d.items.length, Math.ceil(d.count / d.stride));
    }
  }
});

test('a mirror fed only what the source kept holds the same series, through every thinning, whatever the batch sizes', () => {
  const cap = 64;
  const source = new LossHistory(cap);
  const mirror = new Decimated<LossPoint>(cap);
  let i = 0;
  let thinnings = 0;
  let sent = 0;
  for (let batch = 0; batch < 400; batch++) {
    const size = [0, 1, 3, 17, 64, 129, 1000][batch % 7];
    const delta = source.pushAll(Array.from({ length: size }, () => lossAt(i++)));
    sent += delta.items.length;
    const thinned = mirror.apply(delta);
    assert.notEqual(thinned, null);
    if (thinned) thinnings++;
    assert.deepEqual(mirror.state(), source.series.state(), `after batch ${batch}`);
  }
  assert.ok(thinnings >= 8, `${thinnings} thinnings`);
  // What travels is bounded by what is kept, not by the steps.
  assert.ok(sent < i / 20, `${sent} points sent for ${i} steps`);
});

test('a mirror that missed a batch notices, changes nothing, and a new snapshot puts it right', () => {
  const source = new LossHistory(32);
  const mirror = new Decimated<LossPoint>(32);
  mirror.apply(source.pushAll([1, 2, 3]));
  source.pushAll([4, 5]); // lost on the way
  const before = mirror.state();
  assert.equal(mirror.apply(source.pushAll([6])), null);
  assert.deepEqual(mirror.state(), before);
  const again = new Decimated<LossPoint>(32, source.series.state());
  assert.equal(again.apply(source.pushAll([7, 8])), false);
  assert.deepEqual(again.state(), source.series.state());
});

test('the smoothed curve at the kept steps averages every step, not only the kept ones', () => {
  const h = new LossHistory(1000);
  const n = 25_013;
  const losses = Array.from({ length: n }, (_, i) => lossAt(i));
  h.pushAll(losses);
  const ema = new Ema(SMOOTHING);
  const all = losses.map((y) => ema.push(y));
  assert.equal(h.series.stride, 32);
  h.series.items.forEach(([raw, smooth], k) => {
    const step = h.series.numberAt(k);
    assert.equal(raw, losses[step]);
    assert.equal(smooth, all[step]);
  });
});

test('thinnedTo keeps every 2^k-th item, fewer than the cap, and leaves the source alone', () => {
  const d = new Decimated<number>(100_000);
  for (let n = 0; n < 10_000; n++) d.push(n);
  const s = d.state();
  const t = thinnedTo(s, 1000);
  assert.equal(t.stride, 16);
  assert.equal(t.count, 10_000);
  assert.deepEqual(t.items, Array.from({ length: 625 }, (_, i) => i * 16));
  assert.equal(s.items.length, 10_000);
});

test('the panel draws a long run from the host\'s bounded history and keeps mirroring it as it grows', () => {
  const host = new LossHistory();
  const epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
  let i = 0;
  host.pushAll(Array.from({ length: 3 * MAX_LOSS_POINTS + 12_345 }, () => lossAt(i++)));
  const store = new RunStore();
  store.load(snapshotOf(host, epochs));
  assert.equal(store.steps, i);
  assert.ok(store.raw.length < MAX_LOSS_POINTS && store.raw.length > MAX_LOSS_POINTS / 4, `${store.raw.length} points`);
  const ema = new Ema(SMOOTHING);
  const all = Array.from({ length: 6 * MAX_LOSS_POINTS }, (_, k) => ema.push(lossAt(k)));
  const check = (): void => {
    const stride = host.series.stride;
    assert.equal(store.raw.length, host.series.items.length);
    store.raw.forEach((p, k) => {
      assert.equal(p.x, 1 + k * stride);
      assert.equal(p.y, lossAt((p.x as number) - 1));
    });
    store.smooth.forEach((p) => assert.equal(p.y, all[(p.x as number) - 1]));
  };
  check();
  // Progress in messages of 3,000 steps (a 30,000 steps/s run, 10 messages a second), through a thinning.
  const version = store.version;
  while (i < 5 * MAX_LOSS_POINTS) {
    const loss = host.pushAll(Array.from({ length: 3000 }, () => lossAt(i++)));
    const epoch = pushAll(epochs, []);
    const m: PanelProgress = {
      type: 'progress', runId: 'r', loss, epochs: epoch, stats: { from: 0, items: [], count: 0 },
      latestStats: null, lastLoss: lossAt(i - 1), markers: [], boundary: null, filters: null, step: i, paused: false, samplesPerSec: 1,
    };
    assert.ok(loss.items.length <= 3000 / 4 + 1, 'a message carries only what the host kept');
    assert.equal(store.addProgress(m), true);
  }
  assert.ok(store.version > version, 'the charts rebuilt after the history thinned');
  check();
  assert.equal(store.run?.lastLoss, lossAt(i - 1));
  // A short run is drawn whole.
  const short = new LossHistory();
  short.pushAll(Array.from({ length: 2400 }, (_, k) => lossAt(k)));
  const shortStore = new RunStore();
  shortStore.load(snapshotOf(short));
  assert.equal(shortStore.raw.length, 2400);
});

test('the panel saves its history in the current format and refuses state saved in another', () => {
  const h = new LossHistory();
  h.pushAll([3, 2, 1]);
  const store = new RunStore();
  store.load(snapshotOf(h));
  const saved = JSON.parse(JSON.stringify(store.saved())) as unknown;
  assert.equal(isRunSnapshot(saved), true);
  const again = new RunStore();
  again.load(saved as RunSnapshot);
  assert.deepEqual(again.raw, store.raw);
  // The format before the history was bounded: whole arrays.
  const old = { ...snapshotOf(h), loss: undefined, losses: [3, 2, 1], epochs: [], stats: [] };
  assert.equal(isRunSnapshot(old), false);
  assert.equal(isRunSnapshot(null), false);
  assert.equal(isRunSnapshot({ ...snapshotOf(h), previous: { label: 'p', losses: [1] } }), false);
});

test('a run far faster than the panel can draw: the host keeps a bounded history and a late panel gets a bounded snapshot', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 100 });
  const s = runs.start('fast', 'fast', FAST_SPIRAL);
  let messages = 0;
  let sentLoss = 0;
  let sentEpochs = 0;
  s.onEvent((e) => {
    if (e.type !== 'progress') return;
    messages++;
    sentLoss += e.progress.loss.items.length;
    sentEpochs += e.progress.epochs.items.length;
  });
  const target = 10 * MAX_LOSS_POINTS;
  const t0 = Date.now();
  while (s.loss.steps < target && s.running && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
  s.stop();
  await s.finished;
  assert.equal(s.status, 'stopped');
  assert.ok(s.loss.steps >= target, `${s.loss.steps} steps`);
  assert.ok(s.loss.series.items.length < MAX_LOSS_POINTS, `${s.loss.series.items.length} losses kept`);
  assert.ok(s.loss.series.stride >= 8);
  assert.equal(s.epochs.count, s.final!.epochs, 'every epoch counted');
  assert.ok(s.epochs.items.length < MAX_EPOCH_POINTS);
  const json = JSON.stringify(s.snapshot()).length;
  assert.ok(json < 3_000_000, `snapshot of ${json} characters`);
  // What the panel is sent grows with the caps and the number of thinnings (each halves the rate), not with the steps.
  const bound = (cap: number, n: number): number => cap * (1 + Math.log2(Math.max(1, n / cap)));
  assert.ok(sentLoss <= bound(MAX_LOSS_POINTS, s.loss.steps), `${sentLoss} losses sent in ${messages} messages for ${s.loss.steps} steps`);
  assert.ok(sentEpochs <= bound(MAX_EPOCH_POINTS, s.epochs.count), `${sentEpochs} epochs sent for ${s.epochs.count}`);
});
