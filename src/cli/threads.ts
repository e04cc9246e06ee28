/**
 * `--threads N`: the threads a command's kernels use (src/node/kernel-threads.ts). Default: one per
 * core. The kernels give the same results on any number of threads; only the speed changes.
 */
import * as os from 'node:os';
import { startKernelThreads } from '../node/kernel-threads';
import type { ThreadsInfo } from '../engine/wasm/threads';
import { smallModelThreads, worthThreads } from '../engine/wasm/parallel';
import type { RunLoop } from '../training/loop';

/** The most threads --threads takes (the kernels' 1 + MAX_HELPERS). */
export const MAX_THREADS = 16;

/** One thread per core, at most MAX_THREADS. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
}

/** --threads' value, or the one-line message refusing it. */
export function threadsValue(flag: string, v: string | undefined): number | string {
  const n = Number(v);
  if (v === undefined || !/^\d+$/.test(v) || n < 1 || n > MAX_THREADS) return `${flag} must be a whole number from 1 to ${MAX_THREADS}, got '${v ?? ''}'.`;
  return n;
}

/** Starts this process's kernel helpers for `n` threads (default: one per core); what runs. */
export function useThreads(n = defaultThreads()): ThreadsInfo {
  return startKernelThreads(n);
}

/**
 * The threads for a built run, as a run in VS Code gets them: helpers only when one of the model's
 * kernel calls is large enough to spread (else one thread, and the reason).
 */
export function threadsForLoop(loop: RunLoop, n = defaultThreads()): ThreadsInfo {
  const { network, batchSize } = loop.trainer;
  return worthThreads(network.layers, batchSize) ? startKernelThreads(n) : smallModelThreads(n);
}

/**
 * "2 threads", "1 thread", or with the reason when fewer than asked for run: "1 of 2 threads (…)";
 * without a shared memory, "1 thread (single-threaded build: …)".
 */
export function threadsText(t: ThreadsInfo): string {
  const count = t.shared && t.threads < t.requested && t.why !== 'small-model'
    ? `${t.threads} of ${t.requested} threads` : `${t.threads} thread${t.threads === 1 ? '' : 's'}`;
  const why = t.reason ?? (t.shared ? undefined : t.variant === null ? 'no WebAssembly kernels' : 'single-threaded build');
  return why ? `${count} (${why})` : count;
}
