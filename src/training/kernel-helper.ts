/**
 * Worker-thread entry of a kernel helper thread (dist/kernel-helper.js): joins the kernels of the
 * thread that started it (the memory and build in workerData) and takes parts of their jobs until
 * released (src/engine/wasm/threads.ts). It runs at the training worker's niceness when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runHelper, type HelperInit } from '../engine/wasm/threads';
import { lowerThreadPriority } from './priority';

/** What a helper thread is started with. */
export interface KernelHelperData extends HelperInit {
  /** Run below the editor's priority, as the training worker does. */
  readonly lowerPriority: boolean;
}

if (!parentPort) throw new Error('kernel-helper.js must run in a worker thread');
const data = workerData as KernelHelperData;
if (data.lowerPriority) lowerThreadPriority();
runHelper(data);
process.exit(0);
