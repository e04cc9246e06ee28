import * as vscode from 'vscode';
import type { ModelDiagnostic } from '../../model/diagnostics';
import { isModelDocument, type ModelDocuments } from '../models';

const SEVERITY: Record<ModelDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Problems in model files as the user types, debounced. */
export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('trainlens');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly models: ModelDocuments, private readonly delayMs = 250) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      // A data path whose check answered late (the web's asynchronous stat): diagnostics again.
      models.onDidResolvePaths((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.models.forget(d);
      }),
    );
    // A data file that appears, changes or goes away changes what the models say about it.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const dataChanged = (): void => {
      clearTimeout(this.dataTimer);
      this.dataTimer = setTimeout(() => {
        this.models.forgetAll();
        for (const d of vscode.workspace.textDocuments) this.refresh(d);
      }, 300);
    };
    this.subscriptions.push(watcher, watcher.onDidCreate(dataChanged), watcher.onDidDelete(dataChanged), watcher.onDidChange(dataChanged));
    // So does the memory limit.
    this.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trainlens.memoryLimitMB')) dataChanged();
    }));
    for (const d of vscode.workspace.textDocuments) this.refresh(d);
  }

  private dataTimer: NodeJS.Timeout | undefined;

  private schedule(doc: vscode.TextDocument): void {
    if (!isModelDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.refresh(doc);
    }, this.delayMs));
  }

  refresh(doc: vscode.TextDocument): void {
    if (!isModelDocument(doc) || doc.isClosed) return;
    const source = this.models.get(doc);
    this.collection.set(doc.uri, source.diagnostics.map((d) => {
      const range = new vscode.Range(doc.positionAt(d.start), doc.positionAt(Math.max(d.start, d.end)));
      const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
      diagnostic.source = 'TrainLens';
      return diagnostic;
    }));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.dataTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}
