/**
 * What the extension host needs of the platform it runs on (Node's extension host or a browser's
 * web worker extension host). One implementation per platform: src/node/platform.ts and
 * src/web/platform.ts. Nothing here imports vscode, so the training side (src/training/) stays
 * testable under plain Node; the vscode-facing half (HostPlatform) adds what the editor needs.
 */
import type { HostToWorker, WorkerToHost } from '../training/protocol';
import type { KernelHelperData } from '../training/kernel-helper';

/** A worker as a session sees it: Node's worker_threads.Worker or a Web Worker. */
export interface WorkerLike {
  post(m: HostToWorker): void;
  onMessage(f: (m: WorkerToHost) => void): void;
  /** A crash; outOfMemory when the platform can tell (Node: ERR_WORKER_OUT_OF_MEMORY). */
  onError(f: (message: string, outOfMemory: boolean) => void): void;
  /** Node: the worker exited. A Web Worker has no exit event: this is never called there. */
  onExit(f: (code: number) => void): void;
  terminate(): void;
}

export interface WorkerOptions {
  /** The worker's JavaScript heap limit in MB, where the platform can set one (Node). */
  heapLimitMB?: number;
}

/** How runs, checks and one-shot tasks start their workers. */
export interface Workers {
  /** The engine's worker (training, checks, inspect, landscape, export). */
  start(o?: WorkerOptions): WorkerLike;
  /** Kernel helper threads; absent where memory cannot be shared (a browser without cross-origin isolation). */
  readonly helpers?: { start(data: KernelHelperData): WorkerLike };
  /** Logical cores (Node: os.availableParallelism(); browser: navigator.hardwareConcurrency). */
  readonly cores: number;
  /** Whether Stop can go through a SharedArrayBuffer the worker reads at every step (false: through messages). */
  readonly sharedMemory: boolean;
}

/**
 * The files of the kept-runs store, under one root folder; `rel` paths use '/'.
 * Node: fs under a folder (atomic writes with fsync). Browser: vscode.workspace.fs (no append: a
 * read and rewrite; no fsync).
 */
export interface StoreFiles {
  mkdir(rel: string): Promise<void>;
  /** Writes a whole file so that a reader sees the old contents or the new, never a part. */
  writeAtomic(rel: string, data: string | Uint8Array): Promise<void>;
  append(rel: string, text: string): Promise<void>;
  /** The file's bytes, or undefined when it does not exist. */
  read(rel: string): Promise<Uint8Array | undefined>;
  /** The names in a folder ([] when it does not exist). */
  list(rel: string): Promise<string[]>;
  /** Bytes of a file, or of a folder's files summed (0 when absent). */
  size(rel: string): Promise<number>;
  /** Removes a file or a folder with what it holds (nothing when absent). */
  remove(rel: string): Promise<void>;
}

