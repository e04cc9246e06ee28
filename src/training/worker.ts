/** Worker-thread entry (Node): the worker core (worker-core.ts) over node:worker_threads' parentPort. */
import { parentPort } from 'node:worker_threads';
import { startWorker } from './worker-core';
import { lowerThreadPriority } from './priority';
import type { HostToWorker, WorkerToHost } from './protocol';
import { nodeDataFiles } from '../node/data-files';

if (!parentPort) throw new Error('worker.js must run in a worker thread');
const port = parentPort;

startWorker(
  { post: (m: WorkerToHost) => port.postMessage(m), onMessage: (f) => port.on('message', (m: HostToWorker) => f(m)), close: () => port.close() },
  {
    files: nodeDataFiles,
    yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
    // With the host's SharedArrayBuffer, Stop is seen at every step: 15 ms between looks at the queue (pause, step, swaps).
    sliceMs: (shared) => (shared ? 15 : 0),
    lowerPriority: lowerThreadPriority,
  },
);
