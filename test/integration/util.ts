import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainLensApi } from '../../src/extension';

/** Polls until check() returns a value (not undefined/false), or fails with what it was waiting for. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run in a workspace (a copy of examples/)');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Writes a model file into the workspace and opens it in an editor. */
export async function writeModel(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

export async function readWorkspaceFile(name: string): Promise<string> {
  return (await vscode.workspace.fs.readFile(workspaceFile(name))).toString();
}

export async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  return lenses.map((l) => l.command?.title ?? '');
}

export async function activateExtension(): Promise<TrainLensApi> {
  const ext = vscode.extensions.getExtension<TrainLensApi>('trainlens.trainlens');
  assert.ok(ext, 'the extension is installed');
  return ext.activate();
}

/**
 * In a describe block: activates the extension before its tests and, after each, stops every run
 * and closes the editors. Returns the extension's API.
 */
export function useExtension(): () => TrainLensApi {
  let api: TrainLensApi | undefined;
  before(async () => {
    api = await activateExtension();
  });
  afterEach(async () => {
    api?.runs.stopAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  return () => {
    assert.ok(api, 'the extension is active');
    return api;
  };
}

export const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
