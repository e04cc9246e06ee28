import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimated, LossHistory } from '../../src/training/history';
import { applyProgress, type LiveRun, type RunSeries } from '../../src/training/progress';
import type { EpochMetrics, PanelProgress, StatsPoint } from '../../src/training/protocol';
import { Rng } from '../../src/engine/rng';

function series(cap = 64): RunSeries {
  return { loss: new Decimated(cap), epochs: new Decimated<EpochMetrics>(cap), stats: new Decimated<StatsPoint>(cap) };
}

function live(): LiveRun {
  return { latestStats: null, lastLoss: null, markers: [], boundary: null, filters: null, step: 0, paused: false, samplesPerSec: 0 };
}

test('keptOf predicts exactly what pushing keeps, through thinnings, and changes nothing', () => {
  const rng = new Rng(7);
  for (const cap of [2, 3, 5, 16, 100]) {
    const pushed = new Decimated<number>(cap);
    const applied = new Decimated<number>(cap);
    let next = 0;
    for (let batch = 0; batch < 300; batch++) {
      const items = Array.from({ length: rng.int(40) }, () => next++);
      const before = applied.state();
      const delta = applied.keptOf(items);
      assert.deepEqual(applied.state(), before, 'keptOf leaves the series alone');
      const entered = items.filter((item) => pushed.push(item));
      assert.deepEqual(delta.items, entered, `cap ${cap}, batch ${batch}: the items that enter`);
      assert.equal(delta.from, before.count);
      assert.equal(delta.count, pushed.count);
      applied.apply(delta);
      assert.deepEqual(applied.state(), pushed.state(), `cap ${cap}, batch ${batch}: the same series`);
    }
    assert.ok(pushed.stride > 1, `cap ${cap}: the series thinned`);
  }
});

test('LossHistory.keep smooths every loss, kept or not, and the host and a mirror applying its delta agree', () => {
  const host = new LossHistory(8);
  const direct = new LossHistory(8);
  const mirror = new Decimated<[number, number]>(8);
  for (let k = 0; k < 50; k++) {
    const losses = [1 / (k + 1), 1 / (k + 2), 1 / (k + 3)];
    const delta = host.keep(losses);
    host.series.apply(delta);
    mirror.apply(delta);
    direct.pushAll(losses);
  }
  assert.deepEqual(host.series.state(), direct.series.state());
  assert.deepEqual(mirror.state(), host.series.state());
});

test('applyProgress: the host and the panel end with the same run; a message that does not follow on changes nothing', () => {
  const hostSeries = series(16);
  const panelSeries = series(16);
  const hostRun = live();
  const panelRun = live();
  for (let k = 0; k < 40; k++) {
    const p: PanelProgress = {
      type: 'progress', runId: 'r', loss: hostSeries.loss.keptOf([[k, k], [k + 0.5, k]]), epochs: hostSeries.epochs.keptOf([]),
      stats: hostSeries.stats.keptOf([{ step: k, loss: k, layers: [] }]), latestStats: null, lastLoss: k + 0.5,
      markers: k === 3 ? [{ step: 3, kind: 'optimizer', label: 'adam → sgd' }] : [], boundary: null, filters: null, step: 2 * k + 2, paused: false, samplesPerSec: 10 * k,
    };
    const a = applyProgress(hostSeries, hostRun, p);
    const b = applyProgress(panelSeries, panelRun, p);
    assert.equal(a, b);
    assert.notEqual(a, null);
  }
  assert.deepEqual(panelRun, hostRun);
  assert.deepEqual(panelSeries.loss.state(), hostSeries.loss.state());
  assert.deepEqual(panelSeries.stats.state(), hostSeries.stats.state());
  assert.equal(hostRun.step, 80);
  assert.equal(hostRun.markers.length, 1);
  // A message built for a later point (one was lost on the way) is refused whole.
  const gap: PanelProgress = {
    type: 'progress', runId: 'r', loss: { from: hostSeries.loss.count + 2, items: [[9, 9]], count: hostSeries.loss.count + 3 },
    epochs: { from: 0, items: [], count: 0 }, stats: { from: hostSeries.stats.count, items: [], count: hostSeries.stats.count },
    latestStats: null, lastLoss: 9, markers: [], boundary: null, filters: null, step: 999, paused: true, samplesPerSec: 1,
  };
  const before = JSON.stringify([panelRun, panelSeries.loss.state()]);
  assert.equal(applyProgress(panelSeries, panelRun, gap), null);
  assert.equal(JSON.stringify([panelRun, panelSeries.loss.state()]), before);
});
