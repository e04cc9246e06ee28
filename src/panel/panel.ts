import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { RunManager, RunsEvent } from '../training/runs';
import type { TrainingSession } from '../training/session';
import { isWebviewToHost, type HostToWebview } from '../training/protocol';

export const PANEL_VIEW_TYPE = 'trainlens.panel';

/**
 * The charts beside the editor. It shows the latest run; the host keeps that run's history, so the
 * panel is refilled at once when it is (re)opened, even mid-run.
 */
export class ChartsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly runsSubscription: { dispose(): void };
  /** What the webview last reported drawing, per run (for tests and diagnostics). */
  readonly rendered = new Map<string, number>();
  private readonly renderedListeners = new Set<() => void>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly runs: RunManager) {
    this.runsSubscription = runs.onEvent((e) => this.forward(e));
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens the panel beside the editor (or reveals it), keeping focus in the editor. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'TrainLens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.adopt(panel);
  }

  /** Takes over a panel VS Code restored after a reload. */
  restore(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    this.adopt(panel);
  }

  onDidRender(listener: () => void): vscode.Disposable {
    this.renderedListeners.add(listener);
    return new vscode.Disposable(() => this.renderedListeners.delete(listener));
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html(panel.webview);
    this.updateTitle();
    this.panelSubscriptions = [
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
        for (const s of this.panelSubscriptions) s.dispose();
        this.panelSubscriptions = [];
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
    ];
  }

  private receive(m: unknown): void {
    if (!isWebviewToHost(m)) {
      console.warn('TrainLens: dropped a malformed message from the panel');
      return;
    }
    const run = this.runs.latest;
    switch (m.type) {
      case 'ready':
        this.post({ type: 'snapshot', run: run ? run.snapshot() : null });
        break;
      case 'stop':
        run?.stop();
        break;
      case 'train':
        if (run) void vscode.commands.executeCommand('trainlens.train', vscode.Uri.parse(run.info.source));
        break;
      case 'rendered':
        this.rendered.set(m.runId, m.points);
        for (const l of this.renderedListeners) l();
        break;
    }
  }

  private forward(e: RunsEvent): void {
    const s = e.session;
    if (s !== this.runs.latest) return;
    switch (e.type) {
      case 'created':
        this.updateTitle();
        this.post({ type: 'snapshot', run: s.snapshot() });
        break;
      case 'started':
        this.post({ type: 'snapshot', run: s.snapshot() });
        break;
      case 'progress':
        this.post({ type: 'progress', runId: s.runId, firstStep: e.firstStep, losses: e.losses, epochs: e.epochs, step: s.step, samplesPerSec: s.samplesPerSec });
        break;
      case 'status':
        this.post({ type: 'status', runId: s.runId, status: s.status, final: s.final, error: s.error });
        break;
    }
  }

  private updateTitle(): void {
    const run: TrainingSession | undefined = this.runs.latest;
    if (this.panel) this.panel.title = run ? `TrainLens: ${run.info.title}` : 'TrainLens';
  }

  private post(m: HostToWebview): void {
    void this.panel?.webview.postMessage(m);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>TrainLens</title>
</head>
<body>
  <header>
    <div class="title"><h1 id="run-title">TrainLens</h1><span id="run-status" class="status"></span></div>
    <div class="toolbar">
      <button id="train" type="button" title="Train the model again">▶ Train</button>
      <button id="stop" type="button" title="Stop after the current step" disabled>■ Stop</button>
    </div>
  </header>
  <p id="run-summary" class="summary">No run yet. Open a <code>*.nn.yaml</code> model file and choose <strong>▶ Train</strong>.</p>
  <section class="chart">
    <h2>Loss</h2>
    <div class="canvas-box"><canvas id="loss-chart" data-points="0" data-state="idle" aria-label="Training and validation loss"></canvas></div>
  </section>
  <section class="chart">
    <h2>Accuracy</h2>
    <div class="canvas-box"><canvas id="acc-chart" data-points="0" aria-label="Training and validation accuracy per epoch"></canvas></div>
  </section>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.runsSubscription.dispose();
    this.panel?.dispose();
  }
}

/** Brings the panel back after a window reload. */
export class ChartsPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly charts: ChartsPanel) {}
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.charts.restore(panel);
  }
}
