// The web kernel helper (src/web/kernel-helper.ts, dist/web/kernel-helper.js on a cross-origin
// isolated page) joins the kernels of the thread that started it from its first message and takes
// its parts: two threads with web helpers give the losses of one thread, bit for bit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Trainer } from '../../../src/engine/trainer';
import { setThreads, threadsInUse } from '../../../src/engine/wasm/threads';
import { startKernelThreads, stopKernelThreads } from '../../../src/node/kernel-threads';
import { wideGaussianMlp } from '../fixtures';

after(() => stopKernelThreads());

const SPEC = wideGaussianMlp('relu', 5);

/** The losses of 5 steps, and how many threads took part at the end. */
function losses(): { losses: number[]; threads: number } {
  const t = new Trainer(SPEC);
  const losses = Array.from({ length: 5 }, () => t.trainStep().loss);
  return { losses, threads: threadsInUse() };
}

test('two threads with web kernel helpers: the helper gets ready, takes part, and the losses are one thread\'s bit for bit', () => {
  const info = startKernelThreads(2, path.join(__dirname, 'web-helper-shim.js'));
  assert.equal(info.shared, true, 'shared memory under Node');
  assert.equal(info.threads, 2, `the web helper said it was ready: ${JSON.stringify(info)}`);
  const two = losses();
  assert.equal(two.threads, 2);
  setThreads(1);
  const one = losses();
  assert.equal(one.threads, 1);
  assert.deepEqual(two.losses, one.losses);
  assert.ok(two.losses.every(Number.isFinite));
  assert.equal(setThreads(2).threads, 2, 'the helper is still there for the next job');
});
