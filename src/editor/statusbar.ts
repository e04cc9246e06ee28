import * as vscode from 'vscode';
import type { RunManager } from '../training/runs';
import type { TrainingSession } from '../training/session';
import { describeRun } from './format';

const ICON: Record<TrainingSession['status'], string> = {
  running: '$(sync~spin)', finished: '$(check)', stopped: '$(debug-stop)', failed: '$(error)',
};

/** Epoch, loss and throughput of the latest run; a click opens the charts. */
export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trainlens.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: { dispose(): void };

  constructor(private readonly runs: RunManager) {
    this.item.name = 'TrainLens';
    this.item.command = 'trainlens.showPanel';
    this.subscription = runs.onEvent(() => this.update());
  }

  private update(): void {
    const run = this.runs.latest;
    if (!run) {
      this.item.hide();
      return;
    }
    const name = run.info.title.replace(/\.nn\.ya?ml$/i, '');
    this.item.text = `${ICON[run.status]} ${name}: ${describeRun(run)}`;
    this.item.tooltip = `TrainLens — ${run.info.title}\n${run.info.parameters.toLocaleString('en-US')} parameters · ` +
      `${run.info.trainSize} training / ${run.info.validationSize} held-out samples · batch ${run.info.batchSize}\nClick to show the charts.`;
    this.item.backgroundColor = run.status === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
