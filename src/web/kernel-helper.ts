/**
 * Web Worker entry of a kernel helper thread (bundled as a classic script, dist/web/kernel-helper.js),
 * started by the web platform only where the page is cross-origin isolated: its first message is
 * what it needs (the kernels' module and shared memory, its index), and it takes parts of the
 * kernels' jobs until released (src/engine/wasm/threads.ts), then closes. A browser has no thread
 * priorities: lowerPriority is not used here.
 */
import { runHelper } from '../engine/wasm/threads';
import type { KernelHelperData } from '../training/kernel-helper';

/** What the entry uses of a dedicated worker's global scope. */
export interface HelperScope {
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

/** Waits for the helper's data, then runs the helper's loop in this thread until it is released. */
export function startWebHelper(scope: HelperScope): void {
  scope.onmessage = (ev) => {
    scope.onmessage = null;
    runHelper(ev.data as KernelHelperData);
    scope.close();
  };
}

// In a worker (not when a test imports this file under Node).
if (typeof (globalThis as { importScripts?: unknown }).importScripts === 'function') startWebHelper(globalThis as unknown as HelperScope);
