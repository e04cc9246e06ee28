/**
 * Kernel helper threads for the engine running in this thread (the CLI, the bench, tests): spawns
 * them, waits until they are ready, and lets the engine spread its kernels over them. A run in VS
 * Code gets its helpers from its session instead (src/training/session.ts), which watches them.
 *
 * Here the thread that waits for the helpers' parts is the one that started them, so it cannot
 * see a helper exit while it waits: a helper that throws marks its job failed (the engine throws
 * that), and one killed between jobs is noticed when this thread's event loop next runs, and no
 * longer invited. A helper killed in the middle of a part would leave this thread waiting: nothing
 * here kills helpers, and runs in VS Code have theirs watched by the host (session-threads.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { helperInit, helperLost, releaseHelpers, setThreads, threadsInfo, MAX_HELPERS, type ThreadsInfo } from '../engine/wasm/threads';

/** The helpers started here, by their index (1-based; each index has its own GEMM scratch). */
const helpers = new Map<number, Worker>();

/** dist/kernel-helper.js beside the bundle, or out/src/training/kernel-helper.js for tsc's output. */
export function defaultHelperPath(): string {
  const candidates = [path.join(__dirname, 'kernel-helper.js'), path.join(__dirname, '..', 'training', 'kernel-helper.js')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/**
 * Uses `n` threads for this thread's kernels: starts the helpers still missing (n − 1 in all, at
 * most MAX_HELPERS) and waits for each to be ready, at most `readyMs` each. Returns what runs,
 * with the reason when fewer than n do (no shared memory here, a helper that did not start).
 */
export function startKernelThreads(n: number, helperPath = defaultHelperPath(), readyMs = 10_000): ThreadsInfo {
  const want = Math.max(1, Math.min(1 + MAX_HELPERS, Math.floor(n)));
  const info = setThreads(want);
  if (!info.shared) return info;
  for (let index = 1; helpers.size < want - 1 && index <= MAX_HELPERS; index++) {
    if (helpers.has(index)) continue;
    const init = helperInit(index);
    if (!init) break;
    const worker = new Worker(helperPath, { workerData: { ...init, lowerPriority: false } });
    worker.unref(); // the process ends when its own work does
    let failed = false;
    // A helper's own error: the engine has already thrown the failure of its job (threads.ts).
    worker.on('error', () => (failed = true));
    worker.on('exit', (code) => {
      if (helpers.get(index) !== worker) return; // released
      helpers.delete(index);
      if (code !== 0 && !failed) helperLost(); // killed: it did not say it left
    });
    helpers.set(index, worker);
  }
  waitReady(want, readyMs * (want - 1));
  return threadsInfo(want);
}

/** Blocks until `want` − 1 helpers say they are ready, or `ms` pass. */
function waitReady(want: number, ms: number): void {
  const until = Date.now() + ms;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  while (threadsInfo(want).threads < want && Date.now() < until) Atomics.wait(signal, 0, 0, 5);
}

/** Releases the helpers (they return after their part) and goes back to one thread. */
export function stopKernelThreads(): void {
  releaseHelpers();
  helpers.clear();
  setThreads(1);
}
