import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import type { ChartsPanels } from '../../panel/panels';
import { dataBaseDir, isModelDocument, modelTitle, type ModelDocuments } from '../models';
import { isSurfaceSpec, type ModelSpec } from '../../model/spec';
import type { ModelSource } from '../../model/parse';

/** What every command reaches: the parsed documents, the runs, the panels; and how a command finds its document. */

export interface CommandDeps {
  models: ModelDocuments;
  runs: RunManager;
  charts: ChartsPanels;
}

/** The folder data paths are relative to: the model file's (none for an unsaved file), as the platform names it. */
export function baseDir(doc: vscode.TextDocument): string | null {
  return dataBaseDir(doc.uri);
}

/** The model document a command is about: the one it was invoked on, else the active editor's. */
export async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isModelDocument(active)) return active;
  void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: open a model file (*.nn.yaml) first.'));
  return undefined;
}

/**
 * The spec of a document, or undefined after pointing the user at its problems. `purpose` is what
 * the command was for: training, checking the gradients, the sanity checks or the range test.
 */
export async function specOf(deps: Pick<CommandDeps, 'models'>, doc: vscode.TextDocument, purpose: 'train' | 'gradcheck' | 'sanity' | 'lrFind' | 'inspect'): Promise<ModelSpec | undefined> {
  const source = deps.models.get(doc);
  if (source.spec) return source.spec;
  if (source.circuit) {
    circuitNotice(doc);
    return undefined;
  }
  const errors = source.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first ? vscode.l10n.t(' Line {0}: {1}', doc.positionAt(first.start).line + 1, first.message) : '';
  const name = modelTitle(doc.uri);
  const message = purpose === 'sanity' || purpose === 'lrFind' || purpose === 'inspect'
    ? checkProblems(purpose, name, errors.length)
    : purpose === 'train'
      ? errors.length === 1
        ? vscode.l10n.t('TrainLens: {0} has 1 problem; fix it to train.', name)
        : vscode.l10n.t('TrainLens: {0} has {1} problems; fix them to train.', name, errors.length)
      : errors.length === 1
        ? vscode.l10n.t('TrainLens: {0} has 1 problem; fix it to check its gradients.', name)
        : vscode.l10n.t('TrainLens: {0} has {1} problems; fix them to check its gradients.', name, errors.length);
  const showProblems = vscode.l10n.t('Show Problems');
  void vscode.window.showErrorMessage(message + where, showProblems).then((choice) => {
    if (choice === showProblems) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return undefined;
}

/** Whether a parsed model file is a surface file (`surface:`), with errors or not. */
export function isSurfaceSource(source: ModelSource): boolean {
  return source.surface !== undefined || (source.spec !== undefined && isSurfaceSpec(source.spec));
}

/**
 * A command that needs a network (`what`, e.g. "The gradient check") asked of a surface file: says
 * so, naming the file and what a surface offers, and returns true; false for any other file.
 */
export function refuseSurface(deps: Pick<CommandDeps, 'models'>, doc: vscode.TextDocument, what: string): boolean {
  if (!isSurfaceSource(deps.models.get(doc))) return false;
  surfaceNotice(what, modelTitle(doc.uri));
  return true;
}

/** The surface notices shown so far, newest last (at most 100): what the integration tests read back. */
export const surfaceNotices: string[] = [];

/** "… needs a network; bowl.nn.yaml is a surface": for commands on a surface file or a kept surface run. */
export function surfaceNotice(what: string, name: string): void {
  const message = vscode.l10n.t('TrainLens: {0} needs a network; {1} is a surface (a function f(x, y) for the optimizers to race on). On a surface: Train, Swap Optimizer and Compare.', what, name);
  surfaceNotices.push(message);
  if (surfaceNotices.length > 100) surfaceNotices.shift();
  void vscode.window.showInformationMessage(message);
}

/** A circuit file has no network to train or check: say so, and offer its circuit. */
function circuitNotice(doc: vscode.TextDocument): void {
  const show = vscode.l10n.t('Show Circuit');
  void vscode.window.showInformationMessage(
    vscode.l10n.t('TrainLens: {0} is a circuit (an expression, not a network): step through it forward and backward with Show Circuit.', modelTitle(doc.uri)), show,
  ).then((choice) => {
    if (choice === show) void vscode.commands.executeCommand('trainlens.showCircuit', doc.uri);
  });
}

/** "fix it to run the sanity checks" / "to find a learning rate" / "to inspect a sample", for specOf. */
function checkProblems(purpose: 'sanity' | 'lrFind' | 'inspect', name: string, count: number): string {
  if (purpose === 'inspect') {
    return count === 1
      ? vscode.l10n.t('TrainLens: {0} has 1 problem; fix it to inspect a sample.', name)
      : vscode.l10n.t('TrainLens: {0} has {1} problems; fix them to inspect a sample.', name, count);
  }
  if (purpose === 'sanity') {
    return count === 1
      ? vscode.l10n.t('TrainLens: {0} has 1 problem; fix it to run the sanity checks.', name)
      : vscode.l10n.t('TrainLens: {0} has {1} problems; fix them to run the sanity checks.', name, count);
  }
  return count === 1
    ? vscode.l10n.t('TrainLens: {0} has 1 problem; fix it to find a learning rate.', name)
    : vscode.l10n.t('TrainLens: {0} has {1} problems; fix them to find a learning rate.', name, count);
}
