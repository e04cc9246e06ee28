import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunStore, type StoredRun } from '../../src/runs/store';
import { RunRecorder } from '../../src/runs/recorder';
import { metricsCsv } from '../../src/runs/csv';
import { RunManager } from '../../src/training/runs';
import { Decimated, Ema, LossHistory, MAX_EPOCH_POINTS, MAX_LOSS_POINTS, SMOOTHING, pushAll, type SeriesDelta } from '../../src/training/history';
import type { EpochMetrics } from '../../src/training/protocol';
import type { StoreFiles } from '../../src/platform/types';
import { nodeStoreFiles } from '../../src/node/store-files';
import { webStoreFiles } from '../../src/web/store-files';
import { FAST_SPIRAL, SPIRAL } from './fixtures';
import { FakeWorkspaceFs, fakeRoot } from './web/fake-workspace-fs';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-runs-'));
}

/** The store's two kinds of files: a folder on disk (the desktop), workspace.fs (the web; here an in-memory one). */
const BACKENDS: Array<{ name: string; files: () => StoreFiles }> = [
  { name: 'on disk', files: () => nodeStoreFiles(tempRoot()) },
  { name: 'through workspace.fs', files: () => webStoreFiles(fakeRoot(), new FakeWorkspaceFs()) },
];

async function text(files: StoreFiles, rel: string): Promise<string | undefined> {
  const bytes = await files.read(rel);
  return bytes && new TextDecoder().decode(bytes);
}

function newRun(store: RunStore, runId: string, created: number): StoredRun {
  return store.create({ runId, source: 'file:///w/spiral.nn.yaml', title: 'spiral.nn.yaml', created, seed: 1, spec: SPIRAL, info: null });
}

const EPOCH: EpochMetrics = { epoch: 1, step: 3, loss: 1, regLoss: 0, trainAcc: 0.5, valLoss: null, valAcc: null, seconds: 1 };
const none = <T>(n: number): SeriesDelta<T> => ({ from: n, items: [], count: n });

for (const { name, files: newFiles } of BACKENDS) {
  test(`${name}: a run record is created, updated atomically, listed newest first and read back`, async () => {
    const files = newFiles();
    const store = new RunStore(files);
    newRun(store, 'run-a', 1000);
    newRun(store, 'run-b', 2000);
    assert.deepEqual((await store.list()).map((r) => r.runId), ['run-b', 'run-a']);
    const a = (await store.read('run-a'))!;
    assert.equal(a.status, 'running');
    assert.deepEqual(a.spec, SPIRAL);
    void store.update('run-a', { name: 'baseline', status: 'finished' });
    // Not awaited: the read waits for the write asked for before it.
    assert.equal((await store.read('run-a'))!.name, 'baseline');
    assert.equal((await store.read('run-a'))!.status, 'finished');
    // Nothing but the run's own files: temp files were renamed into place; the record as it always was written.
    assert.deepEqual((await files.list('run-a')).sort(), ['run.json']);
    const written = (await text(files, 'run-a/run.json'))!;
    assert.equal(written, JSON.stringify(JSON.parse(written), null, 1));
    assert.throws(() => store.update('../escape', { name: 'x' }), /bad run id/);
    assert.equal(await store.update('run-none', { name: 'x' }), undefined, 'a run not kept is not created by an update');
  });

  test(`${name}: a crash in the middle of writing leaves the previous record readable`, async () => {
    const files = newFiles();
    const store = new RunStore(files);
    newRun(store, 'run-a', 1000);
    void store.update('run-a', { name: 'kept' });
    // What a crash between write and rename leaves behind: a torn temp file next to the record.
    await store.flushed();
    await files.append('run-a/run.json.999.tmp', '{"version":1,"runId":"run-a","na');
    assert.equal((await store.read('run-a'))!.name, 'kept');
    await files.writeAtomic('run-a/run.json', (await files.read('run-a/run.json'))!);
    assert.equal((await store.read('run-a'))!.name, 'kept');
    assert.equal((await store.list()).length, 1);
  });

  test(`${name}: history is appended in batches, deltas that follow on merged into one line, and read back; a torn last line is skipped, the rest kept`, async () => {
    const files = newFiles();
    const store = new RunStore(files, 30);
    newRun(store, 'run-a', 1000);
    const h1 = new LossHistory();
    const first = h1.pushAll([1.1, 1.0]);
    store.append('run-a', [{ t: 'delta', loss: first, epochs: none(0), stats: none(0) }]);
    const marker = { step: 2, kind: 'optimizer', label: 'adam → sgd' } as const;
    store.append('run-a', [{ t: 'delta', loss: h1.pushAll([0.9]), epochs: { from: 0, items: [EPOCH], count: 1 }, stats: none(0) }, { t: 'marker', v: marker }]);
    await store.read('run-a');
    assert.equal(await files.read('run-a/metrics.jsonl'), undefined, 'not written before the flush interval');
    await new Promise((r) => setTimeout(r, 80));
    await store.read('run-a');
    const lines = (await text(files, 'run-a/metrics.jsonl'))!.trim().split('\n');
    assert.equal(lines.length, 2, 'flushed by the timer: one merged delta and the marker');
    assert.equal(lines[1], JSON.stringify({ t: 'marker', v: marker }));
    await files.append('run-a/metrics.jsonl', '{"t":"delta","loss":{"from":3,"at":[3');
    const h = await store.history('run-a');
    assert.deepEqual(h.loss, h1.series.state());
    assert.deepEqual(h.loss.items.map((p) => p[0]), [1.1, 1.0, 0.9]);
    assert.deepEqual(h.epochs.items, [EPOCH]);
    assert.equal(h.markers.length, 1);
    assert.equal(h.skipped, 1);
  });

  test(`${name}: a history written by an earlier TrainLens (every step, line by line) still reads, smoothed as the panel smooths`, async () => {
    const store = new RunStore(newFiles());
    newRun(store, 'run-old', 1000);
    store.append('run-old', [{ t: 'losses', first: 1, v: [1.1, 1.0] }, { t: 'losses', first: 4, v: [0.8] }, { t: 'epoch', v: EPOCH }]);
    const h = await store.history('run-old');
    const ema = new Ema(SMOOTHING);
    const expected = [1.1, 1.0].map((v) => [v, ema.push(v)]);
    assert.deepEqual(h.loss.items.slice(0, 2), expected);
    assert.ok(Number.isNaN(h.loss.items[2][0]), 'step 3 was torn off: no loss');
    assert.equal(h.loss.items[3][0], 0.8);
    assert.equal(h.loss.count, 4);
    assert.deepEqual(h.epochs.items, [EPOCH]);
  });

  test(`${name}: a long run's file stays bounded: rewritten whole (atomically) each time the history thins, and read back equal`, async () => {
    const files = newFiles();
    const store = new RunStore(files, 5);
    newRun(store, 'run-long', 1000);
    const host = new LossHistory();
    const epochs = new Decimated<EpochMetrics>(MAX_EPOCH_POINTS);
    let i = 0;
    let rewrites = 0;
    let largest = 0;
    while (i < 8 * MAX_LOSS_POINTS) {
      const stride = host.series.stride;
      const loss = host.pushAll(Array.from({ length: 1000 }, () => Math.exp(-(i++) / 50_000)));
      const ep = pushAll(epochs, [{ ...EPOCH, epoch: i / 1000, step: i }]);
      if (host.series.stride !== stride) {
        void store.replaceHistory('run-long', { t: 'state', loss: host.series.state(), epochs: epochs.state(), stats: { count: 0, stride: 1, items: [] }, markers: [] });
        rewrites++;
      } else {
        store.append('run-long', [{ t: 'delta', loss, epochs: ep, stats: none(0) }]);
      }
      if (i % 50_000 === 0) {
        await store.flushed();
        largest = Math.max(largest, await files.size('run-long/metrics.jsonl'));
      }
    }
    const h = await store.history('run-long');
    assert.deepEqual(h.loss, host.series.state());
    assert.deepEqual(h.epochs, epochs.state());
    assert.equal(h.skipped, 0);
    assert.equal(rewrites, 4, 'at 20k, 40k, 80k and 160k steps');
    assert.ok(largest > 0 && largest < 3 * 1024 * 1024, `the file peaked at ${largest} bytes for ${i} steps`);
  });

  test(`${name}: runs left "running" by a reload are marked interrupted, never dropped; live ones stay`, async () => {
    const store = new RunStore(newFiles());
    newRun(store, 'run-a', 1000);
    newRun(store, 'run-b', 2000);
    const changed = await store.markInterrupted(new Set(['run-b']));
    assert.deepEqual(changed.map((r) => r.runId), ['run-a']);
    assert.equal((await store.read('run-a'))!.status, 'interrupted');
    assert.match((await store.read('run-a'))!.error ?? '', /interrupted/);
    assert.equal((await store.read('run-b'))!.status, 'running');
    assert.equal((await store.list()).length, 2);
  });

  test(`${name}: weights round-trip exactly`, async () => {
    const files = newFiles();
    const store = new RunStore(files);
    newRun(store, 'run-a', 1000);
    const w = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i) * 1e-3);
    const b = Float32Array.from([0.5, -0.25, 3]);
    void store.saveWeights('run-a', [{ name: 'layers[0].W', shape: [200, 3], values: w }, { name: 'layers[0].b', shape: [3], values: b }]);
    const back = await store.loadWeights('run-a');
    assert.deepEqual(back.map((x) => [x.name, x.shape]), [['layers[0].W', [200, 3]], ['layers[0].b', [3]]]);
    assert.deepEqual(back[0].values, w);
    assert.deepEqual(back[1].values, b);
    // weights.bin: the floats, little-endian, one after the other.
    const bytes = (await files.read('run-a/weights.bin'))!;
    assert.equal(bytes.byteLength, 4 * 603);
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getFloat32(4 * 600, true), 0.5);
  });

  test(`${name}: the size cap names the oldest finished runs to prune and deletes nothing by itself`, async () => {
    const store = new RunStore(newFiles());
    for (let i = 0; i < 4; i++) {
      newRun(store, `run-${i}`, 1000 + i);
      void store.saveWeights(`run-${i}`, [{ name: 'w', shape: [25_000], values: new Float32Array(25_000) }]); // ~100 kB each
      if (i !== 0) void store.update(`run-${i}`, { status: 'finished' });
    }
    const total4 = async (): Promise<number> => (await Promise.all([0, 1, 2, 3].map((i) => store.size(`run-${i}`)))).reduce((s, x) => s + x, 0);
    const each = await store.size('run-1');
    assert.ok(each > 100_000, `${each} bytes`);
    const { total, runs } = await store.pruneCandidates(await total4() - 1.5 * each);
    assert.equal(total, await total4());
    // run-0 is still running: skipped; the two oldest finished runs bring the total under the cap.
    assert.deepEqual(runs.map((r) => r.run.runId), ['run-1', 'run-2']);
    assert.equal((await store.list()).length, 4, 'nothing deleted');
    void store.delete('run-1');
    assert.deepEqual((await store.list()).map((r) => r.runId), ['run-3', 'run-2', 'run-0']);
    assert.equal(await store.size('run-1'), 0);
  });

  test(`${name}: a recorder keeps a worker run: record, full loss history, epochs, statistics, status and weights`, async () => {
    const store = new RunStore(newFiles(), 20);
    const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
    const recorder = new RunRecorder(runs, store);
    const s = runs.start('file:///w/spiral.nn.yaml', 'spiral.nn.yaml', SPIRAL);
    assert.equal((await store.read(s.runId))!.status, 'running', 'recorded at once');
    await s.finished;
    const kept = (await store.read(s.runId))!;
    assert.equal(kept.status, 'finished');
    assert.deepEqual(kept.final, s.final);
    assert.equal(kept.info!.totalSteps, s.info.totalSteps);
    const h = await store.history(s.runId);
    assert.deepEqual(h.loss, s.loss.series.state());
    assert.equal(h.loss.items.length, s.info.totalSteps, 'every step of a short run');
    assert.deepEqual(h.epochs, s.epochs.state());
    assert.deepEqual(h.stats, s.stats.state());
    const weights = await store.loadWeights(s.runId);
    assert.deepEqual(weights.map((w) => w.name), s.finalWeights!.map((w) => w.name));
    weights.forEach((w, i) => assert.deepEqual(w.values, s.finalWeights![i].values));
    recorder.dispose();
  });

  test(`${name}: a recorder disposed while a run trains (VS Code closing) keeps that run as interrupted`, async () => {
    const store = new RunStore(newFiles(), 20);
    const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
    const recorder = new RunRecorder(runs, store);
    const s = runs.start('a', 'a', { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } });
    await new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'progress' && s.loss.steps > 50) resolve(); }));
    recorder.dispose();
    runs.stopAll();
    await store.flushed(); // what deactivate waits for
    await s.finished;
    assert.equal(s.status, 'stopped');
    const kept = (await store.read(s.runId))!;
    assert.equal(kept.status, 'interrupted', 'not "stopped": the user did not stop it');
    assert.match(kept.error ?? '', /interrupted/);
    assert.ok((await store.history(s.runId)).loss.count > 0, 'its history so far');
  });
}

test('a run\'s writes keep their order; another run\'s writes do not wait for them; reads and flushed() wait for the writes asked before them', { timeout: 20_000 }, async () => {
  // StoreFiles whose appends to run a's history hang until released.
  const inner = webStoreFiles(fakeRoot(), new FakeWorkspaceFs());
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const order: string[] = [];
  const files: StoreFiles = {
    ...inner,
    append: async (rel, t) => {
      if (rel.startsWith('a/')) await held;
      order.push(`append ${rel}`);
      return inner.append(rel, t);
    },
    writeAtomic: async (rel, data) => {
      order.push(`write ${rel}`);
      return inner.writeAtomic(rel, data);
    },
  };
  const store = new RunStore(files, 60_000);
  newRun(store, 'a', 1);
  newRun(store, 'b', 2);
  store.append('a', [{ t: 'epoch', v: EPOCH }]);
  store.flush();
  const renamedA = store.update('a', { name: 'A' });
  const renamedB = store.update('b', { name: 'B' });
  assert.equal((await renamedB)?.name, 'B', 'b is renamed while a\'s history write hangs');
  assert.deepEqual(order.filter((o) => o.startsWith('write a/run.json')).length, 1, 'a: only its creation is written so far');
  const readA = store.read('a');
  const listed = store.list();
  const flushed = store.flushed();
  let settled = false;
  void Promise.all([readA, listed, flushed]).then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'the read of a, the list and flushed() wait for a\'s hanging write');
  release();
  assert.equal((await renamedA)?.name, 'A');
  assert.equal((await readA)?.name, 'A', 'the read sees the rename asked before it');
  assert.deepEqual((await listed).map((r) => r.name), ['B', 'A']);
  await flushed;
  const a = order.filter((o) => o.includes('a/'));
  assert.ok(a.indexOf('append a/metrics.jsonl') < a.lastIndexOf('write a/run.json'), `a's writes in the order asked: ${a.join(', ')}`);
});

test('the same operations give the same files on disk and through workspace.fs, run.json aside from its update time', async () => {
  const results = await Promise.all(BACKENDS.map(async ({ files: newFiles }) => {
    const files = newFiles();
    const store = new RunStore(files, 10_000);
    newRun(store, 'run-a', 1000);
    newRun(store, 'run-b', 2000);
    store.append('run-a', [{ t: 'delta', loss: new LossHistory().pushAll([1, 0.5]), epochs: none(0), stats: none(0) }, { t: 'epoch', v: EPOCH }]);
    store.flush();
    store.append('run-a', [{ t: 'marker', v: { step: 2, kind: 'optimizer', label: 'adam → sgd' } }]);
    void store.update('run-a', { status: 'finished', name: 'ünïcode ✓' });
    void store.saveWeights('run-a', [{ name: 'w', shape: [2], values: Float32Array.from([1.5, -2]) }]);
    void store.delete('run-b');
    await store.flushed();
    const names = (await files.list('')).sort();
    const contents = await Promise.all(names.map(async (n) => {
      const inside = (await files.list(n)).sort();
      return [n, await Promise.all(inside.map(async (f) => {
        let t = (await text(files, `${n}/${f}`))!;
        if (f === 'run.json') t = t.replace(/"updated": \d+/, '"updated": 0');
        return [f, f === 'weights.bin' ? [...(await files.read(`${n}/${f}`))!] : t];
      }))];
    }));
    const sizes = await Promise.all((await files.list('run-a')).map((f) => files.size(`run-a/${f}`)));
    return { names, contents, size: await files.size('run-a'), sum: sizes.reduce((a, b) => a + b, 0) };
  }));
  assert.deepEqual(results[0].names, ['run-a']);
  assert.deepEqual(results[1], results[0]);
  assert.equal(results[0].size, results[0].sum, 'a folder\'s size: its files\' summed');
});

test('on disk: a run is the files it always was, under the folder given', async () => {
  const root = tempRoot();
  const store = new RunStore(nodeStoreFiles(root), 20);
  const run = newRun(store, 'run-a', 1000);
  store.append('run-a', [{ t: 'epoch', v: EPOCH }]);
  void store.saveWeights('run-a', [{ name: 'w', shape: [1], values: Float32Array.from([2]) }]);
  await store.flushed();
  assert.deepEqual(fs.readdirSync(path.join(root, 'run-a')).sort(), ['metrics.jsonl', 'run.json', 'weights.bin']);
  const meta = JSON.parse(fs.readFileSync(path.join(root, 'run-a', 'run.json'), 'utf8')) as StoredRun;
  assert.deepEqual({ ...meta, updated: 0, weights: [] }, { ...run, updated: 0 });
  assert.equal(fs.readFileSync(path.join(root, 'run-a', 'metrics.jsonl'), 'utf8'), JSON.stringify({ t: 'epoch', v: EPOCH }) + '\n');
  assert.deepEqual([...fs.readFileSync(path.join(root, 'run-a', 'weights.bin'))], [...new Uint8Array(Float32Array.from([2]).buffer)]);
});

test('a recorder keeps a run past its history\'s caps: the file, rewritten as it thins, reads back as the session\'s history', async () => {
  const root = tempRoot();
  const store = new RunStore(nodeStoreFiles(root), 20);
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const recorder = new RunRecorder(runs, store);
  const s = runs.start('fast', 'fast', FAST_SPIRAL);
  const t0 = Date.now();
  while (s.loss.steps < 3 * MAX_LOSS_POINTS && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
  s.stop();
  await s.finished;
  recorder.dispose();
  assert.ok(s.loss.series.stride >= 2, `the history thinned (${s.loss.steps} steps)`);
  const h = await store.history(s.runId);
  assert.deepEqual(h.loss, s.loss.series.state());
  assert.deepEqual(h.epochs, s.epochs.state());
  assert.equal(h.skipped, 0);
  const size = fs.statSync(path.join(root, s.runId, 'metrics.jsonl')).size;
  assert.ok(size < 4 * 1024 * 1024, `${size} bytes on disk`);
});

test('metrics CSV: a row per kept step, epoch figures on the step that ended the epoch', () => {
  const csv = metricsCsv({
    loss: { count: 3, stride: 1, items: [[1.5, 1.5], [1.25, 1.4], [1, 1.2]] },
    epochs: { count: 1, stride: 1, items: [{ epoch: 1, step: 2, loss: 1.375, regLoss: 0, trainAcc: 0.5, valLoss: 1.4, valAcc: 0.25, seconds: 0.5 }] },
    stats: { count: 0, stride: 1, items: [] }, markers: [], skipped: 0,
  });
  assert.equal(csv, [
    'step,loss,epoch,epoch_loss,train_acc,val_loss,val_acc,seconds',
    '1,1.5,,,,,,',
    '2,1.25,1,1.375,0.5,1.4,0.25,0.5',
    '3,1,,,,,,',
    '',
  ].join('\n'));
  // A long run: the kept steps (every 4th), and the epochs' own steps between them.
  const long = metricsCsv({
    loss: { count: 12, stride: 4, items: [[3, 3], [2, 2.5], [1, 2]] },
    epochs: { count: 2, stride: 1, items: [{ epoch: 1, step: 6, loss: 2.5, regLoss: 0, trainAcc: 0.5, valLoss: null, valAcc: null, seconds: 1 }, { epoch: 2, step: 12, loss: 1, regLoss: 0, trainAcc: 0.9, valLoss: null, valAcc: null, seconds: 2 }] },
    stats: { count: 0, stride: 1, items: [] }, markers: [], skipped: 0,
  });
  assert.deepEqual(long.trim().split('\n').slice(1).map((r) => r.split(',').slice(0, 3).join(',')), ['1,3,', '5,2,', '6,,1', '9,1,', '12,,2']);
});
