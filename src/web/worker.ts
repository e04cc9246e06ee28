/**
 * Web Worker entry (bundled as a classic script, dist/web/worker.js): the worker core over the
 * worker's `self`. Data files are asked of the host (data-files-rpc.ts), whose answers arrive
 * among the host's messages; Stop and the rest are messages too, seen between steps.
 */
import * as l10n from '@vscode/l10n';
import { startWorker } from '../training/worker-core';
import type { HostToWorker, WorkerToHost } from '../training/protocol';
import type { WorkerEnv, WorkerPort } from '../platform/worker-types';
import type { DataFiles } from '../data/data-files';
import { isFileAnswer, type FileRequest } from '../platform/file-rpc';
import { rpcDataFiles } from './data-files-rpc';

/** What the entry uses of a dedicated worker's global scope. */
export interface WorkerScope {
  onmessage: ((ev: { data: unknown }) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
  addEventListener(type: 'error', f: (ev: { message?: string; error?: unknown }) => void): void;
  addEventListener(type: 'unhandledrejection', f: (ev: { reason?: unknown }) => void): void;
}

/** A yield that lets queued messages in: one MessageChannel round (setTimeout(0) is clamped to 4 ms once nested). */
export function messageYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  // Under Node (the tests) the channel keeps the process alive only while a yield waits; browsers have no ref/unref.
  const node = channel.port2 as { ref?: () => void; unref?: () => void };
  (channel.port1 as { unref?: () => void }).unref?.();
  channel.port2.onmessage = () => {
    waiting.shift()?.();
    if (waiting.length === 0) node.unref?.();
  };
  node.unref?.();
  return () => new Promise<void>((resolve) => {
    if (waiting.push(resolve) === 1) node.ref?.();
    channel.port1.postMessage(0);
  });
}

/** The worker's environment in a browser: data through the host, message yields, no thread priority. */
export function webWorkerEnv(files: DataFiles): WorkerEnv {
  return {
    files,
    yieldNow: messageYield(),
    // Without a shared Stop flag (no cross-origin isolation) one step per slice, so every message lands within one step.
    sliceMs: (shared) => (shared ? 15 : 0),
    lowerPriority: () => undefined,
  };
}

/** Runs the worker core in `scope`: file answers go to the data files, everything else to the core; crashes are posted as errors. */
export function startWebWorker(scope: WorkerScope): void {
  const rpc = rpcDataFiles((r: FileRequest) => scope.postMessage(r));
  let handler: ((m: HostToWorker) => void) | undefined;
  let runId = '';
  scope.onmessage = (ev) => {
    if (isFileAnswer(ev.data)) {
      rpc.receive(ev.data);
      return;
    }
    const m = ev.data as HostToWorker;
    if ('runId' in m && typeof m.runId === 'string') runId = m.runId;
    handler?.(m);
  };
  const port: WorkerPort = {
    post: (m: WorkerToHost) => scope.postMessage(m),
    onMessage: (f) => (handler = f),
    close: () => scope.close(),
  };
  // A Web Worker has no exit event: a crash reaches the session as an error message (the host's onerror may say it too).
  const crashed = (e: unknown): void => {
    const message = (e as Error)?.message ?? String(e);
    scope.postMessage({ type: 'error', runId, message: l10n.t('The training worker crashed: {0}', message) } satisfies WorkerToHost);
  };
  scope.addEventListener('error', (ev) => crashed(ev.error ?? ev.message));
  scope.addEventListener('unhandledrejection', (ev) => crashed(ev.reason));
  startWorker(port, webWorkerEnv(rpc.files));
}

// In a worker (not when a test imports this file under Node).
if (typeof (globalThis as { importScripts?: unknown }).importScripts === 'function') startWebWorker(globalThis as unknown as WorkerScope);
