import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** What every TrainLens webview may do: run its script, and load files from the extension's dist/ and media/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** What every TrainLens page is built from: the webview's CSP source, a fresh nonce, its script and style sheet, the display language. */
export function pageBasics(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, style: string): {
  cspSource: string; nonce: string; scriptUri: string; styleUri: string; language: string;
} {
  return {
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', script)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', style)).toString(),
    language: vscode.env.language,
  };
}
