/**
 * The circuit panels, one per `circuit:` model file, beside its editor: the circuit redrawn as the
 * user types (the newest that evaluates; the file's first error above it), and the gate clicked
 * selected in the file. A serializer brings them back after a window reload.
 */
import * as vscode from 'vscode';
import { isCircuitViewToHost, type HostToCircuitView } from '../training/protocol';
import type { CircuitGraph } from '../engine/circuit/types';
import { modelTitle, type ModelDocuments } from '../editor/models';
import { circuitHtml } from './circuit-html';
import { pageBasics, webviewOptions } from './webview-options';

export const CIRCUIT_VIEW_TYPE = 'trainlens.circuit';

/** Edits closer together than this are sent as one update. */
const DEBOUNCE_MS = 50;

interface OpenCircuit {
  panel: vscode.WebviewPanel;
  uri: vscode.Uri;
  /** The newest graph that evaluated, kept while the file has errors. */
  graph: CircuitGraph | null;
  timer: NodeJS.Timeout | undefined;
  subscriptions: vscode.Disposable[];
}

export class CircuitPanels implements vscode.Disposable {
  private readonly panels = new Map<string, OpenCircuit>();
  private readonly changes: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri, private readonly models: ModelDocuments) {
    this.changes = vscode.workspace.onDidChangeTextDocument((e) => this.soon(e.document));
  }

  /** Whether a file has a circuit panel open. */
  has(uri: vscode.Uri): boolean {
    return this.panels.has(uri.toString());
  }

  /** Opens the circuit panel of a file beside its editor (or reveals it), keeping focus in the editor. */
  show(doc: vscode.TextDocument): void {
    const open = this.panels.get(doc.uri.toString());
    if (open) {
      open.panel.reveal(undefined, true);
      this.update(doc);
      return;
    }
    const panel = vscode.window.createWebviewPanel(CIRCUIT_VIEW_TYPE, panelTitle(doc.uri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    this.adopt(doc.uri, panel);
  }

  /** Takes over a panel VS Code restored after a reload; its saved state names the file. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const source = (state as { source?: unknown } | undefined)?.source;
    if (typeof source !== 'string' || source === '' || this.panels.has(source)) {
      panel.dispose();
      return;
    }
    const uri = vscode.Uri.parse(source);
    try {
      await vscode.workspace.openTextDocument(uri);
    } catch {
      panel.dispose(); // the file is gone
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.adopt(uri, panel);
  }

  private adopt(uri: vscode.Uri, panel: vscode.WebviewPanel): void {
    const key = uri.toString();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.title = panelTitle(uri);
    const webview = panel.webview;
    webview.html = circuitHtml({
      ...pageBasics(webview, this.extensionUri, 'circuit.js', 'circuit.css'),
      source: key,
      title: modelTitle(uri),
      l10n: vscode.l10n.bundle,
    });
    const open: OpenCircuit = { panel, uri, graph: null, timer: undefined, subscriptions: [] };
    open.subscriptions.push(
      panel.onDidDispose(() => {
        if (this.panels.get(key) === open) this.panels.delete(key);
        if (open.timer) clearTimeout(open.timer);
        for (const s of open.subscriptions) s.dispose();
      }),
      webview.onDidReceiveMessage((m: unknown) => void this.receive(open, m)),
    );
    this.panels.set(key, open);
  }

  private async receive(open: OpenCircuit, m: unknown): Promise<void> {
    if (!isCircuitViewToHost(m)) {
      console.warn('TrainLens: dropped a malformed message from the circuit panel');
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === open.uri.toString())
      ?? await vscode.workspace.openTextDocument(open.uri).then((d) => d, () => undefined);
    if (!doc) return;
    if (m.type === 'ready') this.update(doc);
    else await revealRange(doc, m.start, m.end);
  }

  /** A keystroke: the update goes out once the typing pauses for DEBOUNCE_MS. */
  private soon(doc: vscode.TextDocument): void {
    const open = this.panels.get(doc.uri.toString());
    if (!open) return;
    if (open.timer) clearTimeout(open.timer);
    open.timer = setTimeout(() => {
      open.timer = undefined;
      this.update(doc);
    }, DEBOUNCE_MS);
  }

  /** Sends the file's circuit to its panel: the newest graph that evaluated, and the first error. */
  private update(doc: vscode.TextDocument): void {
    const open = this.panels.get(doc.uri.toString());
    if (!open) return;
    const source = this.models.get(doc);
    if (source.circuit?.graph) open.graph = source.circuit.graph;
    const first = source.diagnostics.find((d) => d.severity === 'error');
    const error = first
      ? vscode.l10n.t('Line {0}: {1}', doc.positionAt(first.start).line + 1, first.message)
      : source.circuit ? null : vscode.l10n.t('{0} has no circuit: key.', modelTitle(doc.uri));
    const message: HostToCircuitView = { type: 'circuit', title: modelTitle(doc.uri), graph: open.graph, error };
    void open.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.changes.dispose();
    for (const { panel } of [...this.panels.values()]) panel.dispose();
  }
}

/** Selects a gate's text (offsets into the file, clamped to it) in the file's editor. */
async function revealRange(doc: vscode.TextDocument, start: number, end: number): Promise<void> {
  const length = doc.getText().length;
  const range = new vscode.Range(doc.positionAt(Math.min(start, length)), doc.positionAt(Math.min(Math.max(start, end), length)));
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: new vscode.Selection(range.start, range.end),
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function panelTitle(uri: vscode.Uri): string {
  return vscode.l10n.t('Circuit: {0}', modelTitle(uri));
}

/** Brings the circuit panels back after a window reload. */
export class CircuitPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly panels: CircuitPanels) {}
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    await this.panels.restore(panel, state);
  }
}

/** The circuit panels and their serializer, registered with the extension's context. */
export function setUpCircuitPanels(context: vscode.ExtensionContext, models: ModelDocuments): CircuitPanels {
  const panels = new CircuitPanels(context.extensionUri, models);
  context.subscriptions.push(panels, vscode.window.registerWebviewPanelSerializer(CIRCUIT_VIEW_TYPE, new CircuitPanelSerializer(panels)));
  return panels;
}
