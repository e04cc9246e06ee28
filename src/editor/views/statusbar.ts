import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import type { TrainingSession } from '../../training/session';
import { describeRun } from './format';
import { describeSurfaceRun } from './surface-text';

const ICON: Record<TrainingSession['status'], string> = {
  running: '$(sync~spin)', finished: '$(check)', stopped: '$(debug-stop)', failed: '$(error)',
};

/**
 * One status bar item per model file with a run: epoch, loss and throughput while training, the
 * final figures after; a click opens that file's charts. Finished runs show while their file is
 * the active editor.
 */
export class TrainingStatusBar implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;
  private created = 0;

  constructor(private readonly runs: RunManager) {
    const events = runs.onEvent((e) => {
      if (e.type === 'gradcheck') return;
      if (e.type === 'progress') this.schedule();
      else this.update();
    });
    this.subscriptions.push({ dispose: () => events.dispose() }, vscode.window.onDidChangeActiveTextEditor(() => this.update()));
  }

  private schedule(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.update();
    }, 250);
  }

  private update(): void {
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const shown = new Set<string>();
    for (const source of this.sources()) {
      const run = this.runs.get(source);
      if (!run || (!run.running && source !== active)) continue;
      shown.add(source);
      let item = this.items.get(source);
      if (!item) {
        item = vscode.window.createStatusBarItem(`trainlens.status.${++this.created}`, vscode.StatusBarAlignment.Left, 10);
        item.name = 'TrainLens';
        this.items.set(source, item);
      }
      const name = run.info.title.replace(/\.nn\.(ya?ml|json)$/i, '');
      const surface = run.spec.surface;
      item.text = `${run.paused ? '$(debug-pause)' : ICON[run.status]} ${name}: ${run.paused ? `${vscode.l10n.t('paused')} · ` : ''}${surface ? describeSurfaceRun(run) : describeRun(run)}`;
      item.tooltip = `TrainLens — ${run.info.title}\n` + (surface
        ? vscode.l10n.t('surface {0} · start ({1}, {2}) · {3} steps', surface.preset ?? surface.expression, surface.start[0], surface.start[1], surface.steps)
        : vscode.l10n.t('{0} parameters · {1} training / {2} held-out samples · batch {3}',
          run.info.parameters.toLocaleString('en-US'), run.info.trainSize, run.info.validationSize, run.info.batchSize)) +
        `\n${vscode.l10n.t('Click to show the charts.')}`;
      item.command = { title: vscode.l10n.t('Show Charts'), command: 'trainlens.showPanel', arguments: [vscode.Uri.parse(source)] };
      item.backgroundColor = run.status === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      item.show();
    }
    for (const [source, item] of this.items) {
      if (!shown.has(source)) {
        item.dispose();
        this.items.delete(source);
      }
    }
  }

  private sources(): string[] {
    const all = new Set<string>(this.items.keys());
    if (this.runs.latest) all.add(this.runs.latest.info.source);
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    if (active) all.add(active);
    for (const s of this.runs.runningSources()) all.add(s);
    return [...all];
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const item of this.items.values()) item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
