import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunStore } from '../../webview/store';
import { RunManager } from '../../src/training/runs';
import { Comparison } from '../../src/training/compare';
import { compareVariants, withSeeds } from '../../src/model/variants';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { overlayOfSession, overlaysOfStored } from '../../src/panel/overlays';
import { RunStore as KeptRuns } from '../../src/runs/store';
import { RunRecorder } from '../../src/runs/recorder';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';
import { nodeStoreFiles } from '../../src/node/store-files';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

test('the panel\'s store: a comparison over seeds becomes one group per variant, its curves the seeds\' mean, min and max', async () => {
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const kept = new KeptRuns(nodeStoreFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-seeds-'))));
  const recorder = new RunRecorder(runs, kept, () => {});
  const short = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } };
  const plan = withSeeds(compareVariants(short, 'optimizer', ['sgd', 'adam']), 2);
  const c = new Comparison(runs, 'file:///w/s.nn.yaml', 's.nn.yaml', 'optimizer', plan, null, 2, 2).start();
  await c.finished;
  await Promise.all(c.sessions.map((s) => s!.finished));
  const overlays = c.sessions.map((s, i) => overlayOfSession(s!, plan[i].label));

  const store = new RunStore();
  store.setOverlays({ title: 'optimizer', runs: overlays, seeds: 2 });
  assert.deepEqual(store.overlays.map((o) => o.colorIndex), [0, 0, 1, 1], 'a variant\'s seeds share its colour');
  assert.deepEqual(store.seedGroups.map((g) => [g.label, g.runs.length, g.seeds]), [['sgd', 2, 2], ['adam', 2, 2]]);
  store.seedGroups.forEach((g, k) => {
    const [a, b] = [c.sessions[2 * k]!, c.sessions[2 * k + 1]!];
    // The smoothed loss of every step (3 epochs × 8 steps: none thinned), averaged over the two seeds.
    const sa = a.loss.series.state().items.map(([, sm]) => sm);
    const sb = b.loss.series.state().items.map(([, sm]) => sm);
    assert.equal(g.loss.mean.length, 24);
    g.loss.mean.forEach((p, i) => {
      assert.equal(p.x, i + 1);
      assert.equal(p.y, (sa[i] + sb[i]) / 2);
      assert.equal(g.loss.min[i].y, Math.min(sa[i], sb[i]));
      assert.equal(g.loss.max[i].y, Math.max(sa[i], sb[i]));
    });
    const va = a.epochs.state().items.map((e) => e.valAcc!);
    const vb = b.epochs.state().items.map((e) => e.valAcc!);
    assert.deepEqual(g.acc.mean.map((p) => [p.x, p.y]), va.map((v, i) => [i + 1, (v + vb[i]) / 2]));
    assert.equal(g.final.loss!.mean, (a.final!.loss + b.final!.loss) / 2);
    assert.ok(Math.abs(g.final.valAcc!.std! - Math.abs(a.final!.valAcc! - b.final!.valAcc!) / Math.SQRT2) < 1e-15);
  });

  const live = store.seedGroups.map((g) => g.final);

  // The same runs without seeds: one colour each, no groups.
  store.setOverlays({ title: 'plain', runs: overlays });
  assert.deepEqual(store.overlays.map((o) => o.colorIndex), [0, 1, 2, 3]);
  assert.equal(store.seedGroups.length, 0);

  // Kept, and shown again from the Runs view: grouped as the comparison was, with the same figures.
  kept.flush();
  const ids = new Set(c.sessions.map((s) => s!.runId));
  const picked = (await kept.list()).filter((r) => ids.has(r.runId)).reverse();
  const again = await overlaysOfStored(kept, picked, (r) => r.runId);
  assert.equal(again.seeds, 2);
  store.setOverlays({ title: 'kept', ...again });
  assert.deepEqual(store.seedGroups.map((g) => g.label).sort(), ['adam', 'sgd']);
  for (const g of store.seedGroups) assert.deepEqual(g.final, live[g.label === 'sgd' ? 0 : 1]);
  // Kept runs of one variant, or of no comparison over seeds, are plain overlays.
  assert.equal((await overlaysOfStored(kept, picked.filter((r) => r.info?.variant?.seed === 1), (r) => r.runId)).seeds, undefined);
  recorder.dispose();
});
