/**
 * The web extension's entry (package.json "browser"): VS Code's web worker extension host, as in
 * vscode.dev and github.dev. No Node there: no process, Buffer, setImmediate or node: modules.
 */
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // The web test (scripts/vscode/web-test.mjs) asserts this line: a Node host never logs it.
  console.log(`TrainLens: web extension host (crossOriginIsolated=${String(globalThis.crossOriginIsolated)})`);
}

export function deactivate(): void {}
