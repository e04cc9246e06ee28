/**
 * The web extension's entry (package.json "browser"): VS Code's web worker extension host, as in
 * vscode.dev and github.dev. No Node there: no process, Buffer, setImmediate or node: modules. The
 * extension is the desktop's (src/activate.ts) over the web platform (src/web/platform.ts).
 */
import type * as vscode from 'vscode';
import { activateWith, type TrainLensApi } from '../activate';
import { webPlatform } from './platform';

export async function activate(context: vscode.ExtensionContext): Promise<TrainLensApi> {
  // The web test (scripts/vscode/web-test.mjs) asserts this line (a Node host never logs it) and what it says the host has.
  const has = (name: string): string => `${name} ${typeof (globalThis as Record<string, unknown>)[name]}`;
  console.log(`TrainLens: web extension host (crossOriginIsolated=${String(globalThis.crossOriginIsolated)}; ${['process', 'SharedArrayBuffer', 'Worker', 'WebAssembly'].map(has).join(', ')})`);
  api = activateWith(context, await webPlatform(context));
  return api;
}

let api: TrainLensApi | undefined;

/** Runs are stopped by the disposables registered in activateWith(); the kept runs' queued writes finish first. */
export function deactivate(): Promise<void> | undefined {
  return api?.store.flushed();
}
