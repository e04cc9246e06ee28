import * as vscode from 'vscode';
import type { RunManager, RunsEvent } from '../training/runs';
import { isWebviewToHost, type HostToWebview, type InspectTarget, type OverlaySet, type PanelAction, type RunSnapshot, type WebviewToHost } from '../training/protocol';
import type { Comparison } from '../training/compare';
import { overlayOfSession, surfaceOf } from './overlays';
import { panelHtml } from './html';
import { pageBasics, webviewOptions } from './webview-options';

export const PANEL_VIEW_TYPE = 'trainlens.panel';

const ACTION_COMMANDS: Record<PanelAction, string> = {
  train: 'trainlens.train', stop: 'trainlens.stop', pause: 'trainlens.pause', resume: 'trainlens.resume',
  step: 'trainlens.step', swapOptimizer: 'trainlens.swapOptimizer', swapInit: 'trainlens.swapInit', gradcheck: 'trainlens.gradcheck',
  sanity: 'trainlens.sanity', lrFind: 'trainlens.lrFind', useLr: 'trainlens.useLr',
  tuneNarrow: 'trainlens.tuneNarrow', tuneApply: 'trainlens.tuneApplyBest', tuneStop: 'trainlens.tuneStop',
  inspect: 'trainlens.inspect', landscape: 'trainlens.landscape',
};

interface OpenPanel {
  panel: vscode.WebviewPanel;
  subscriptions: vscode.Disposable[];
}

/**
 * The chart panels, one per model file, beside the editor. The host keeps each run's history, so
 * a panel is refilled at once when it is (re)opened, even mid-run.
 */
export class ChartsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, OpenPanel>();
  private readonly runsSubscription: { dispose(): void };
  /** What each webview last reported drawing, per run (for tests and diagnostics). */
  readonly rendered = new Map<string, number>();
  /** Runs overlaid on each model file's panel (a comparison, or kept runs), re-sent on reload. */
  readonly overlays = new Map<string, OverlaySet>();
  /** Called with the model file whenever its panel (re)loads and asks for everything. */
  private readonly readyListeners = new Set<(source: string) => void>();
  /** Called when a panel asks to inspect a sample (a boundary point, a gallery image, a mistake). */
  private readonly inspectListeners = new Set<(source: string, target: InspectTarget) => void>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly runs: RunManager) {
    this.runsSubscription = runs.onEvent((e) => this.forward(e));
  }

  /** Whether a model file has a panel open (visible or in a background tab). */
  has(source: string): boolean {
    return this.panels.has(source);
  }

  isVisible(source: string): boolean {
    return this.panels.get(source)?.panel.visible ?? false;
  }

  /** Opens the panel of a model file beside the editor (or reveals it), keeping focus in the editor. */
  show(source: string): void {
    const open = this.panels.get(source);
    if (open) {
      open.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, panelTitle(source), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    this.adopt(source, panel);
  }

  /** Overlays runs on a model file's panel (opening it), or clears them (null). */
  setOverlays(source: string, set: OverlaySet | null): void {
    if (set) this.overlays.set(source, set);
    else this.overlays.delete(source);
    this.post(source, { type: 'overlays', overlays: set });
  }

  /**
   * Opens a model file's panel on a comparison: its variants overlaid, live (at most 4 updates a
   * second), until the comparison has ended.
   */
  showComparison(source: string, c: Comparison, title: string): void {
    this.show(source);
    const send = (): void => {
      const surface = surfaceOf(c.sessions.map((s) => s?.info.surface));
      this.setOverlays(source, {
        title, runs: c.sessions.flatMap((s, i) => (s ? [overlayOfSession(s, c.variants[i].label)] : [])),
        ...(c.seeds > 1 ? { seeds: c.seeds } : {}),
        ...(surface ? { surface } : {}),
      });
    };
    let timer: NodeJS.Timeout | undefined;
    const soon = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined;
        send();
      }, 250);
    };
    const sub = this.runs.onEvent((e) => {
      if (e.type !== 'gradcheck' && e.session.info.variant?.comparison === c.id) soon();
    });
    send();
    void c.finished.then(async () => {
      // The last variants' status arrives with their end: send once more when all are done.
      await Promise.all(c.sessions.map((s) => s?.finished));
      sub.dispose();
      if (timer) clearTimeout(timer);
      send();
    });
  }

  /** Takes over a panel VS Code restored after a reload; its saved state names its model file. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const source = (state as { run?: RunSnapshot | null; source?: string } | undefined)?.run?.info?.source
      ?? (state as { source?: string } | undefined)?.source;
    if (typeof source !== 'string' || this.panels.has(source)) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.adopt(source, panel);
  }

  private adopt(source: string, panel: vscode.WebviewPanel): void {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.title = panelTitle(source);
    const webview = panel.webview;
    webview.html = panelHtml({
      ...pageBasics(webview, this.extensionUri, 'webview.js', 'panel.css'),
      codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'codicons', 'codicon.css')).toString(),
      l10n: vscode.l10n.bundle,
      fileName: fileNameOf(source),
    });
    const open: OpenPanel = { panel, subscriptions: [] };
    open.subscriptions.push(
      panel.onDidDispose(() => {
        if (this.panels.get(source) === open) this.panels.delete(source);
        for (const s of open.subscriptions) s.dispose();
      }),
      webview.onDidReceiveMessage((m: unknown) => this.receive(source, m)),
    );
    this.panels.set(source, open);
  }

  private receive(source: string, m: unknown): void {
    if (!isWebviewToHost(m)) {
      console.warn('TrainLens: dropped a malformed message from the panel');
      return;
    }
    const message: WebviewToHost = m;
    switch (message.type) {
      case 'ready': {
        const run = this.runs.get(source);
        this.post(source, { type: 'snapshot', run: run ? run.snapshot() : null });
        const check = this.runs.lastCheck(source);
        if (!run && check) this.post(source, { type: 'gradcheck', runId: '', state: 'done', result: check, error: null });
        const overlays = this.overlays.get(source);
        if (overlays) this.post(source, { type: 'overlays', overlays });
        for (const l of this.readyListeners) l(source);
        break;
      }
      case 'action':
        void vscode.commands.executeCommand(ACTION_COMMANDS[message.action], vscode.Uri.parse(source));
        break;
      case 'rendered':
        this.rendered.set(message.runId, message.points);
        break;
      case 'savePng':
        void this.savePng(source, message.chart, message.dataUrl);
        break;
      case 'clearOverlays':
        this.setOverlays(source, null);
        break;
      case 'inspect':
        for (const l of this.inspectListeners) l(source, { split: message.split, sample: message.sample });
        break;
      case 'applyFix':
        // The doctor's command (editor/language/doctor-actions.ts) makes the same edit as the quick fix.
        void vscode.commands.executeCommand('trainlens.applyDoctorFix', vscode.Uri.parse(source), message.runId, message.code, message.layer);
        break;
    }
  }

  /** Asks where to save a chart; the webview never names a path. */
  private async savePng(source: string, chart: string, dataUrl: string): Promise<void> {
    const model = vscode.Uri.parse(source);
    const base = (model.path.split('/').pop() ?? 'model').replace(/\.nn\.(ya?ml|json)$/i, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(model, '..', `${base}-${chart}.png`),
      filters: { [vscode.l10n.t('PNG image')]: ['png'] },
      saveLabel: vscode.l10n.t('Save Chart'),
    });
    if (!target) return;
    const bytes = Uint8Array.from(atob(dataUrl.slice(dataUrl.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: saved {0}.', target.path.split('/').pop() ?? ''));
  }

  private forward(e: RunsEvent): void {
    if (e.type === 'gradcheck') {
      const run = this.runs.get(e.source);
      this.post(e.source, { type: 'gradcheck', runId: run?.runId ?? '', state: e.state, result: e.result, error: e.error, reveal: true });
      return;
    }
    const s = e.session;
    const source = s.info.source;
    if (this.runs.get(source) !== s) return;
    switch (e.type) {
      case 'created':
      case 'started':
        // A new run of the file itself (Train, not a comparison's variant): the panel follows it, leaving kept or compared runs.
        if (e.type === 'created' && !s.info.variant && this.overlays.has(source)) this.setOverlays(source, null);
        this.post(source, { type: 'snapshot', run: s.snapshot() });
        break;
      case 'progress':
        this.post(source, e.progress);
        break;
      case 'status':
        // The threads change while the run trains (a helper ready, a new share of the cores).
        this.post(source, { type: 'status', runId: s.runId, status: s.status, final: s.final, error: s.error, ...(s.info.threads ? { threads: s.info.threads } : {}) });
        break;
      case 'findings':
        this.post(source, { type: 'findings', runId: s.runId, findings: s.findings });
        break;
    }
  }

  /** Calls back when a model file's panel (re)loads, to send it what is not a run's (e.g. checks). */
  onReady(listener: (source: string) => void): vscode.Disposable {
    this.readyListeners.add(listener);
    return new vscode.Disposable(() => this.readyListeners.delete(listener));
  }

  /** Calls back when a model file's panel asks to inspect a sample. */
  onInspectRequest(listener: (source: string, target: InspectTarget) => void): vscode.Disposable {
    this.inspectListeners.add(listener);
    return new vscode.Disposable(() => this.inspectListeners.delete(listener));
  }

  /** Sends a message to a model file's panel, if it is open. */
  post(source: string, m: HostToWebview): void {
    void this.panels.get(source)?.panel.webview.postMessage(m);
  }

  dispose(): void {
    this.runsSubscription.dispose();
    for (const { panel } of [...this.panels.values()]) panel.dispose();
  }
}

function fileNameOf(source: string): string {
  return vscode.Uri.parse(source).path.split('/').pop() || source;
}

function panelTitle(source: string): string {
  return `TrainLens: ${fileNameOf(source)}`;
}

/** Brings the panels back after a window reload. */
export class ChartsPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly charts: ChartsPanels) {}
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.charts.restore(panel, state);
  }
}
