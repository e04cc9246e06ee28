/**
 * What the worker core (src/training/worker-core.ts) needs of the thread it runs in: a port to the
 * host and a few host-specific services. The Node entry (src/training/worker.ts) supplies them from
 * node:worker_threads; a web entry supplies them from a Web Worker's `self`.
 */
import type { HostToWorker, WorkerToHost } from '../training/protocol';
import type { DataFiles } from '../data/data-files';

/** The worker's end of its channel to the host. */
export interface WorkerPort {
  post(m: WorkerToHost): void;
  onMessage(f: (m: HostToWorker) => void): void;
  /** Ends the worker (its task is done). */
  close(): void;
}

export interface WorkerEnv {
  /** How the worker reads data files (Node: fs and zlib; web: requests answered by the host through workspace.fs). */
  files: DataFiles;
  /** Lets queued messages in (Node: setImmediate; web: a MessageChannel round). */
  yieldNow(): Promise<void>;
  /**
   * Milliseconds of training between looks at the message queue: a shared Stop flag is seen at
   * every step, so slices can be long; without one (0: one step per slice) every message, Stop
   * included, takes effect within one step.
   */
  sliceMs(sharedControl: boolean): number;
  /** Lowers the thread's scheduling priority, where the host can (a no-op where it cannot). */
  lowerPriority(): void;
}
