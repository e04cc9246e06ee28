/**
 * Workers on Node: the engine's worker and the kernel helpers as worker_threads, for the desktop
 * extension (src/node/platform.ts), the CLI and the tests.
 */
import * as os from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../training/protocol';
import type { WorkerLike, Workers } from '../platform/types';
import type { KernelHelperData } from '../training/kernel-helper';

/** A worker thread as a WorkerLike; `thread` is the Node worker itself (tests read its threadId). */
export interface NodeWorkerLike extends WorkerLike {
  readonly thread: Worker;
}

/** Wraps a worker thread: its error says whether its heap was full (ERR_WORKER_OUT_OF_MEMORY). */
export function wrapWorker(thread: Worker): NodeWorkerLike {
  return {
    thread,
    post: (m: HostToWorker) => thread.postMessage(m),
    onMessage: (f: (m: WorkerToHost) => void) => void thread.on('message', f),
    onError: (f) => void thread.on('error', (e) => f(e.message, (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')),
    onExit: (f) => void thread.on('exit', f),
    terminate: () => void thread.terminate(),
  };
}

/**
 * Workers from scripts: workerPath runs the engine (dist/worker.js, or out/src/training/worker.js
 * in tests), helperPath the kernel helpers (dist/kernel-helper.js; without it, no kernel threads).
 */
export function nodeWorkers(workerPath: string, helperPath?: string): Workers {
  return {
    start: (o) => {
      const resourceLimits: ResourceLimits | undefined = o?.heapLimitMB ? { maxOldGenerationSizeMb: o.heapLimitMB } : undefined;
      return wrapWorker(new Worker(workerPath, resourceLimits ? { resourceLimits } : undefined));
    },
    ...(helperPath ? { helpers: { start: (data: KernelHelperData) => wrapWorker(new Worker(helperPath, { workerData: data })) } } : {}),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    sharedMemory: true,
  };
}
