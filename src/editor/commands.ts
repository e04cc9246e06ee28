import * as vscode from 'vscode';
import type { RunManager } from '../training/runs';
import type { ChartsPanel } from '../panel/panel';
import { isModelDocument, modelTitle, type ModelDocuments } from './models';
import type { TrainingSession } from '../training/session';

export interface CommandDeps {
  models: ModelDocuments;
  runs: RunManager;
  charts: ChartsPanel;
}

/** The model document a command is about: the one it was invoked on, else the active editor's. */
async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
  }
  const active = vscode.window.activeTextEditor?.document;
  return active && isModelDocument(active) ? active : undefined;
}

/** Trains what the editor shows, saved or not; a file with errors points to its problems instead. */
export async function trainCommand(deps: CommandDeps, uri?: unknown): Promise<TrainingSession | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) {
    void vscode.window.showWarningMessage('TrainLens: open a model file (*.nn.yaml) to train it.');
    return undefined;
  }
  const source = deps.models.get(doc);
  const title = modelTitle(doc.uri);
  if (!source.spec) {
    const errors = source.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first ? ` Line ${doc.positionAt(first.start).line + 1}: ${first.message}` : '';
    const choice = await vscode.window.showErrorMessage(
      `TrainLens: ${title} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} to train.${where}`,
      'Show Problems',
    );
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    return undefined;
  }
  const session = deps.runs.start(doc.uri.toString(), title, source.spec);
  deps.charts.show();
  return session;
}

export async function stopCommand(deps: CommandDeps, uri?: unknown): Promise<void> {
  const doc = await targetDocument(uri);
  if (doc && deps.runs.stop(doc.uri.toString())) return;
  const latest = deps.runs.latest;
  if (latest?.running) latest.stop();
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('trainlens.train', (uri?: unknown) => trainCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.stop', (uri?: unknown) => stopCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.showPanel', () => deps.charts.show()),
  ];
}
