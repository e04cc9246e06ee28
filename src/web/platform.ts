/**
 * The web extension's platform (docs/web-plan.md §2.1): what the editor side needs of a browser's
 * web worker extension host. Workers are Web Workers started from one blob URL of dist/web/worker.js
 * (VS Code refuses a worker from the extension's own vscode-remote:/https: URL); their file
 * requests are answered here through workspace.fs (FileServer) and never reach a session; data
 * paths are checked on URIs with an async stat cache; kept runs go through workspace.fs.
 */
import * as vscode from 'vscode';
import type { HostPlatform } from '../platform/host';
import type { WorkerLike } from '../platform/types';
import type { HostToWorker, WorkerToHost } from '../training/protocol';
import type { KernelHelperData } from '../training/kernel-helper';
import { isFileRequest } from '../platform/file-rpc';
import { FileServer } from './file-server';
import { PathStats, webPathChecker } from './path-check';
import { webStoreFiles } from './store-files';

const folderUris = (): vscode.Uri[] => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);

/**
 * Whether memory can be shared with the workers (a SharedArrayBuffer for Stop and the kernels):
 * only on a cross-origin isolated page (vscode.dev with ?vscode-coi), never in the offline test.
 */
export function canShareMemory(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

/**
 * A worker's crashes, passed to the listeners added. The session words them ("The training worker
 * crashed: …"); a browser cannot tell an out-of-memory.
 */
function crashListeners(worker: Worker): WorkerLike['onError'] {
  const listeners: ((message: string, outOfMemory: boolean) => void)[] = [];
  worker.onerror = (ev: ErrorEvent) => {
    ev.preventDefault();
    const message = ev.message || String(ev.error ?? '');
    for (const f of listeners) f(message, false);
  };
  return (f) => void listeners.push(f);
}

/**
 * A Web Worker as a session sees it. Its file requests go to `files` and the answers back with
 * their bytes transferred; everything else goes to the listeners. A Web Worker has no exit event:
 * onExit never fires (a worker ends by saying done or error, or is terminated).
 */
export function webWorker(url: string, files: Pick<FileServer<vscode.Uri>, 'answer'>): WorkerLike {
  const worker = new Worker(url);
  const messageListeners: ((m: WorkerToHost) => void)[] = [];
  const onError = crashListeners(worker);
  let terminated = false;
  worker.onmessage = (ev: MessageEvent<unknown>) => {
    const m = ev.data;
    if (isFileRequest(m)) {
      void files.answer(m).then(({ answer, transfer }) => {
        if (!terminated) worker.postMessage(answer, transfer);
      });
      return;
    }
    for (const f of messageListeners) f(m as WorkerToHost);
  };
  return {
    post: (m: HostToWorker) => worker.postMessage(m),
    onMessage: (f) => void messageListeners.push(f),
    onError,
    onExit: () => undefined,
    terminate: () => {
      terminated = true;
      worker.terminate();
    },
  };
}

/**
 * A kernel helper as a Web Worker: sent its data (the kernels' module and shared memory) at once.
 * It never posts; a crash reaches the run through onError (there is no exit event in a browser).
 */
export function webHelper(url: string, data: KernelHelperData): WorkerLike {
  const worker = new Worker(url);
  const onError = crashListeners(worker);
  worker.postMessage(data);
  return {
    post: () => undefined,
    onMessage: () => undefined,
    onError,
    onExit: () => undefined,
    terminate: () => worker.terminate(),
  };
}

/** A blob URL of one of dist/web/'s worker scripts (VS Code refuses a worker from the extension's own URL). */
async function scriptUrl(context: vscode.ExtensionContext, name: string): Promise<string> {
  const script = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', name));
  return URL.createObjectURL(new Blob([script as Uint8Array<ArrayBuffer>], { type: 'application/javascript' }));
}

/**
 * The platform of the web worker extension host. Reads the worker's script once (the sessions
 * start workers synchronously), so activation awaits it.
 */
export async function webPlatform(context: vscode.ExtensionContext): Promise<HostPlatform> {
  const sharedMemory = canShareMemory();
  const url = await scriptUrl(context, 'worker.js');
  // Kernel helper threads need shared memory: only where the page is cross-origin isolated.
  const helperUrl = sharedMemory ? await scriptUrl(context, 'kernel-helper.js') : undefined;
  const files = new FileServer<vscode.Uri>({
    fs: vscode.workspace.fs,
    roots: folderUris,
    extensionUri: context.extensionUri,
    parse: (s) => vscode.Uri.parse(s),
  });
  // One stat cache for every model file's data paths, dropped when files appear or go away (the
  // diagnostics' file watcher calls dataChanged) and when the workspace's folders change.
  const stats = new PathStats((uri) => vscode.workspace.fs.stat(uri as vscode.Uri));
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => stats.clear()),
    { dispose: () => URL.revokeObjectURL(url) },
    { dispose: () => helperUrl && URL.revokeObjectURL(helperUrl) },
  );
  return {
    kind: 'web',
    start: () => webWorker(url, files),
    ...(helperUrl ? { helpers: { start: (data: KernelHelperData) => webHelper(helperUrl, data) } } : {}),
    cores: Math.max(1, navigator.hardwareConcurrency || 1),
    sharedMemory,
    baseDirOf: (uri) => (uri.scheme === 'untitled' ? null : vscode.Uri.joinPath(uri, '..').toString()),
    pathChecker: (doc, onResolved) =>
      doc.uri.scheme === 'untitled' ? undefined : webPathChecker({ docUri: doc.uri, roots: folderUris(), stats, onResolved }),
    dataChanged: () => stats.clear(),
    storeFiles: (root) => webStoreFiles(root, vscode.workspace.fs),
    env: () => undefined,
  };
}
