/**
 * The messages of a run's kernel threads (src/engine/wasm/threads.ts). The worker owns the kernels
 * and their shared memory; the host starts and watches the helper threads, so that a helper that
 * dies fails the run with a reason even while the worker waits for its part.
 */
import type { HelperInit, ThreadsInfo } from '../engine/wasm/threads';

/** worker → host: what each helper thread the run may get needs (helpers[i] is helper i + 1). */
export interface HelpersMessage {
  type: 'helpers';
  runId: string;
  helpers: HelperInit[];
}

/** worker → host: the threads the kernels use changed (a helper became ready, a new share). */
export interface ThreadsMessage {
  type: 'threads';
  runId: string;
  info: ThreadsInfo;
}

/** host → worker: use this many threads from now on (the run's share of the cores). */
export interface SetThreadsMessage {
  type: 'setThreads';
  count: number;
}
