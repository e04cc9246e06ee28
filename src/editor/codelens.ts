import * as vscode from 'vscode';
import type { RunManager } from '../training/runs';
import { describeRun } from './format';
import type { ModelDocuments } from './models';

/** Over the model: ▶ Train (⏹ Stop while training), Charts, and the run's live or final figures. */
export class ModelCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };
  private pending: NodeJS.Timeout | undefined;
  private lastFire = 0;

  constructor(private readonly models: ModelDocuments, private readonly runs: RunManager, private readonly minIntervalMs = 500) {
    this.subscription = runs.onEvent((e) => (e.type === 'progress' ? this.refreshSoon() : this.refreshNow()));
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const source = this.models.get(doc);
    const line = doc.positionAt(source.ranges.firstKey[0]).line;
    const range = new vscode.Range(line, 0, line, 0);
    const key = doc.uri.toString();
    const run = this.runs.get(key);
    const lenses: vscode.CodeLens[] = [];
    if (run?.running) {
      lenses.push(new vscode.CodeLens(range, { title: '⏹ Stop', command: 'trainlens.stop', arguments: [doc.uri], tooltip: 'Stop training after the current step' }));
    } else {
      lenses.push(new vscode.CodeLens(range, { title: '▶ Train', command: 'trainlens.train', arguments: [doc.uri], tooltip: 'Train this model in the background and chart it live' }));
    }
    lenses.push(new vscode.CodeLens(range, { title: 'Charts', command: 'trainlens.showPanel', arguments: [doc.uri], tooltip: 'Show the loss and accuracy charts' }));
    if (run) {
      lenses.push(new vscode.CodeLens(range, { title: describeRun(run), command: 'trainlens.showPanel', arguments: [doc.uri] }));
    }
    return lenses;
  }

  /** Progress refreshes at most twice a second; CodeLens redraws are not free. */
  private refreshSoon(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastFire + this.minIntervalMs - Date.now());
    this.pending = setTimeout(() => this.refreshNow(), wait);
  }

  private refreshNow(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.lastFire = Date.now();
    this.changed.fire();
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
