/**
 * The desktop extension's entry (dist/extension.js, beside dist/worker.js and
 * dist/kernel-helper.js): TrainLens on Node's extension host.
 */
import type * as vscode from 'vscode';
import { activateWith, type TrainLensApi } from './activate';
import { nodePlatform } from './node/platform';

export type { TrainLensApi } from './activate';

let api: TrainLensApi | undefined;

export function activate(context: vscode.ExtensionContext): TrainLensApi {
  api = activateWith(context, nodePlatform(context));
  // `npm run train` names the example to train at once; activation has read it.
  delete process.env.TRAINLENS_AUTOTRAIN;
  return api;
}

/** Runs are stopped by the disposables registered in activateWith(); the kept runs' queued writes finish first. */
export function deactivate(): Promise<void> | undefined {
  return api?.store.flushed();
}
