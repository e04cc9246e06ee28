import * as vscode from 'vscode';

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
    nonce: randomNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', script)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', style)).toString(),
    language: vscode.env.language,
  };
}

/** 16 random bytes in base64, from the Web Crypto API (the same in Node's extension host and a browser's). */
function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
