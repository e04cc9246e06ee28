/** The worker's export task makes the files and sends them back (the host writes them); it writes nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../../../src/training/worker-core';
import type { HostToWorker, WorkerToHost } from '../../../src/training/protocol';
import type { ModelSpec } from '../../../src/model/spec';
import { SPIRAL } from '../fixtures';
import { nodeDataFiles } from '../../../src/node/data-files';
import { loadDatasetWith } from '../../../src/data/loader';
import { exportModel } from '../../../src/export/model-export';

async function exportIn(spec: ModelSpec): Promise<WorkerToHost[]> {
  const posts: WorkerToHost[] = [];
  let handler: ((m: HostToWorker) => void) | undefined;
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  startWorker(
    { post: (m) => posts.push(m), onMessage: (f) => (handler = f), close: () => close() },
    { files: nodeDataFiles, yieldNow: () => new Promise<void>((r) => setImmediate(r)), sliceMs: () => 0, lowerPriority: () => undefined },
  );
  handler!({ type: 'export', runId: 'x', spec, baseDir: null, source: '/some/folder/spiral.nn.yaml', run: null });
  await closed;
  return posts;
}

test('the export task answers with the files, the same ones exportModel makes, and ends', async () => {
  const posts = await exportIn(SPIRAL);
  assert.equal(posts.length, 1);
  const m = posts[0];
  assert.equal(m.type, 'exported');
  if (m.type !== 'exported') return;
  assert.equal(m.runId, 'x');
  assert.deepEqual(m.files.map((f) => f.name), ['spiral.py', 'spiral.weights.npz', 'spiral.data.npz']);
  const expected = exportModel(SPIRAL, await loadDatasetWith(nodeDataFiles, SPIRAL, null), { source: 'spiral.nn.yaml', ownData: true }).files();
  assert.deepEqual(m.files, expected);
  assert.match(m.files[0].contents as string, /nn\.Sequential/);
  assert.ok(m.files[1].contents instanceof Uint8Array && m.files[1].contents.length > 0);
});

test('an export the script cannot express is an error message, with no files', async () => {
  const posts = await exportIn({ ...SPIRAL, loss: 'mse' });
  assert.deepEqual(posts.map((p) => p.type), ['error']);
  assert.match(posts[0].type === 'error' ? posts[0].message : '', /the loss is 'mse', which needs numeric targets/);
});
