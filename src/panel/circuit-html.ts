/**
 * The circuit panel's HTML: a header (file, expression, f and its gradients), the error banner and
 * the slot webview/circuit-main.ts draws the CircuitView into. The same strict CSP as the chart
 * panel: only the nonce'd bundle and the extension's own style sheets.
 */
import * as vscode from 'vscode';
import { escape } from './cards';
import { panelCsp } from './csp';

export interface CircuitHtmlOptions {
  cspSource: string;
  nonce: string;
  /** webview.asWebviewUri(dist/circuit.js) */
  scriptUri: string;
  /** webview.asWebviewUri(media/circuit.css) */
  styleUri: string;
  /** The model file (its URI), kept in the webview's state so the panel comes back after a reload. */
  source: string;
  /** Its file name, for the header until the first message. */
  title: string;
  language?: string;
  /** The extension's l10n bundle (vscode.l10n.bundle), for the strings webview/ writes; none in English. */
  l10n?: Record<string, unknown>;
}

export function circuitHtml(opts: CircuitHtmlOptions): string {
  const l10nData = opts.l10n ? ` data-l10n="${escape(JSON.stringify(opts.l10n))}"` : '';
  return `<!DOCTYPE html>
<html lang="${escape(opts.language ?? 'en')}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${panelCsp(opts.cspSource, opts.nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escape(opts.styleUri)}">
  <title>${escape(vscode.l10n.t('Circuit: {0}', opts.title))}</title>
</head>
<body data-source="${escape(opts.source)}"${l10nData}>
  <header class="circuit-header">
    <h1 id="circuit-title">${escape(opts.title)}</h1>
    <div id="circuit-expression" class="expression"></div>
    <div id="circuit-result" class="result" aria-live="polite"></div>
    <div id="circuit-error" class="circuit-error" role="alert" hidden></div>
  </header>
  <main id="circuit-view"></main>
  <script nonce="${escape(opts.nonce)}" src="${escape(opts.scriptUri)}"></script>
</body>
</html>`;
}
