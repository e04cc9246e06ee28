import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunManager } from '../training/runs';
import type { ChartsPanels } from '../panel/panels';
import { isModelDocument, modelTitle, type ModelDocuments } from './models';
import type { TrainingSession } from '../training/session';
import { swapInitEdits, swapOptimizerEdits, type TextEdit } from '../model/edits';
import { INIT_SCHEMES, OPTIMIZERS, type InitScheme, type ModelSpec, type OptimizerName } from '../model/spec';
import { parseModel } from '../model/parse';
import type { ModelCheck } from '../training/protocol';

export interface CommandDeps {
  models: ModelDocuments;
  runs: RunManager;
  charts: ChartsPanels;
}

/** What each update rule fixes, in cs231n's words (lecture 7). */
export const OPTIMIZER_NOTES: Record<OptimizerName, string> = {
  sgd: 'the plain gradient step: crawls along shallow directions, jitters along steep ones',
  momentum: 'builds up velocity, so it rolls through noise, saddle points and shallow valleys',
  nesterov: 'momentum that looks ahead before it steps, so it corrects an overshoot sooner',
  adagrad: 'per-parameter steps scaled by all past squared gradients; the steps shrink over time',
  rmsprop: 'AdaGrad with a leaky average of squared gradients, so the steps do not die out',
  adam: 'momentum + RMSProp with bias correction: the usual first choice',
  adamw: 'Adam with weight decay taken out of the gradient step (decoupled)',
};

/** What each init scheme does to a deep net (lecture 6). */
export const INIT_NOTES: Record<InitScheme, string> = {
  zeros: 'every unit computes the same thing: symmetry is never broken',
  small: '0.01·N(0,1): in a deep net the activations shrink toward 0 layer by layer',
  xavier: 'N(0,1)/√fan_in: keeps the variance through tanh layers',
  he: 'N(0,1)·√(2/fan_in): keeps the variance through ReLU layers',
};

/** The folder data paths are relative to: the model file's (none for an unsaved file). */
function baseDir(doc: vscode.TextDocument): string | null {
  return doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : null;
}

/** The model document a command is about: the one it was invoked on, else the active editor's. */
async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isModelDocument(active)) return active;
  void vscode.window.showWarningMessage('TrainLens: open a model file (*.nn.yaml) first.');
  return undefined;
}

/** The spec of a document, or undefined after pointing the user at its problems. */
async function specOf(deps: CommandDeps, doc: vscode.TextDocument, what: string): Promise<ModelSpec | undefined> {
  const source = deps.models.get(doc);
  if (source.spec) return source.spec;
  const errors = source.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first ? ` Line ${doc.positionAt(first.start).line + 1}: ${first.message}` : '';
  const s = errors.length === 1 ? '' : 's';
  void vscode.window.showErrorMessage(
    `TrainLens: ${modelTitle(doc.uri)} has ${errors.length} problem${s}; fix ${s ? 'them' : 'it'} to ${what}.${where}`,
    'Show Problems',
  ).then((choice) => {
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return undefined;
}

/** Trains what the editor shows, saved or not; a file with errors points to its problems instead. */
export async function trainCommand(deps: CommandDeps, uri?: unknown): Promise<TrainingSession | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = await specOf(deps, doc, 'train');
  if (!spec) return undefined;
  const session = deps.runs.start(doc.uri.toString(), modelTitle(doc.uri), spec, baseDir(doc));
  deps.charts.show(doc.uri.toString());
  return session;
}

/** The run of the target model file, or the latest running one. */
async function targetRun(deps: CommandDeps, uri: unknown): Promise<TrainingSession | undefined> {
  if (uri instanceof vscode.Uri) return deps.runs.get(uri.toString());
  const active = vscode.window.activeTextEditor?.document;
  const run = active && isModelDocument(active) ? deps.runs.get(active.uri.toString()) : undefined;
  return run?.running ? run : deps.runs.latest;
}

async function applyEdits(doc: vscode.TextDocument, edits: TextEdit[]): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  return vscode.workspace.applyEdit(edit);
}

/**
 * Swap Optimizer…: pick a rule (or pass one), edit the file (undoable, comments kept), and if the
 * model is training switch the worker's rule from the next step, keeping the weights.
 */
export async function swapOptimizerCommand(deps: CommandDeps, uri?: unknown, choice?: unknown): Promise<OptimizerName | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const current = deps.models.get(doc).spec?.optimizer.type ?? parseModel(doc.getText()).spec?.optimizer.type;
  let name: OptimizerName | undefined = typeof choice === 'string' && (OPTIMIZERS as readonly string[]).includes(choice) ? choice as OptimizerName : undefined;
  if (!name) {
    const picked = await vscode.window.showQuickPick(
      OPTIMIZERS.map((o) => ({ label: o === current ? `$(check) ${o}` : o, name: o, description: o === current ? 'current' : undefined, detail: OPTIMIZER_NOTES[o] })),
      { title: `Swap optimizer — ${modelTitle(doc.uri)}`, placeHolder: deps.runs.isRunning(doc.uri.toString()) ? 'Training goes on from the same weights with the new rule' : 'The model file is edited (undoable)', matchOnDetail: true },
    );
    name = picked?.name;
  }
  if (!name) return undefined;
  const edits = swapOptimizerEdits(doc.getText(), name);
  if (!edits) {
    void vscode.window.showErrorMessage(`TrainLens: the optimizer of ${modelTitle(doc.uri)} cannot be changed automatically (the file has YAML errors, several documents, or an alias shares the value); edit it by hand.`);
    return undefined;
  }
  if (edits.length > 0 && !(await applyEdits(doc, edits))) return undefined;
  const run = deps.runs.get(doc.uri.toString());
  const spec = parseModel(doc.getText()).spec;
  if (run?.running && spec) run.setOptimizer(spec.optimizer);
  return name;
}

/**
 * Swap Init Scheme…: edit the file; init only matters at the start, so a model that is training
 * restarts from new weights, and the previous run stays on the charts, faded.
 */
export async function swapInitCommand(deps: CommandDeps, uri?: unknown, choice?: unknown): Promise<InitScheme | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const currentInit = deps.models.get(doc).spec?.init.type;
  let scheme: InitScheme | undefined = typeof choice === 'string' && (INIT_SCHEMES as readonly string[]).includes(choice) ? choice as InitScheme : undefined;
  if (!scheme) {
    const picked = await vscode.window.showQuickPick(
      INIT_SCHEMES.map((s) => ({ label: s === currentInit ? `$(check) ${s}` : s, scheme: s, description: s === currentInit ? 'current' : undefined, detail: INIT_NOTES[s] })),
      { title: `Swap init scheme — ${modelTitle(doc.uri)}`, placeHolder: deps.runs.isRunning(doc.uri.toString()) ? 'Training restarts from new weights; the current run stays on the charts, faded' : 'The model file is edited (undoable)', matchOnDetail: true },
    );
    scheme = picked?.scheme;
  }
  if (!scheme) return undefined;
  const edits = swapInitEdits(doc.getText(), scheme);
  if (!edits) {
    void vscode.window.showErrorMessage(`TrainLens: the init scheme of ${modelTitle(doc.uri)} cannot be changed automatically (the file has YAML errors, several documents, or an alias shares the value); edit it by hand.`);
    return undefined;
  }
  if (edits.length > 0 && !(await applyEdits(doc, edits))) return undefined;
  const source = doc.uri.toString();
  if (deps.runs.isRunning(source)) {
    const spec = parseModel(doc.getText()).spec;
    if (spec) {
      deps.runs.restart(source, modelTitle(doc.uri), spec, baseDir(doc));
      deps.charts.show(source);
    }
  }
  return scheme;
}

/** Gradient Check: the engine's float64 check of every parameter, in a worker; results in the panel. */
export async function gradcheckCommand(deps: CommandDeps, uri?: unknown): Promise<ModelCheck | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = await specOf(deps, doc, 'check its gradients');
  if (!spec) return undefined;
  const source = doc.uri.toString();
  deps.charts.show(source);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `TrainLens: checking the gradients of ${modelTitle(doc.uri)}` },
      () => deps.runs.gradcheck(source, spec, baseDir(doc)),
    );
    const worst = result.params.reduce((a, b) => (b.relError > a.relError ? b : a), result.params[0]);
    const message = `TrainLens: gradient check of ${modelTitle(doc.uri)}: max relative error ${result.maxRelError.toExponential(2)} (${worst?.verdict ?? 'good'}${worst ? `, ${worst.name}` : ''}).`;
    if (result.maxRelError > 1e-4) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`TrainLens: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const onRun = (fn: (s: TrainingSession) => void) => async (uri?: unknown): Promise<void> => {
    const run = await targetRun(deps, uri);
    if (run?.running) fn(run);
  };
  return [
    vscode.commands.registerCommand('trainlens.train', (uri?: unknown) => trainCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.stop', onRun((s) => s.stop())),
    vscode.commands.registerCommand('trainlens.pause', onRun((s) => s.pause())),
    vscode.commands.registerCommand('trainlens.resume', onRun((s) => s.resume())),
    vscode.commands.registerCommand('trainlens.step', onRun((s) => s.stepOnce())),
    vscode.commands.registerCommand('trainlens.swapOptimizer', (uri?: unknown, choice?: unknown) => swapOptimizerCommand(deps, uri, choice)),
    vscode.commands.registerCommand('trainlens.swapInit', (uri?: unknown, choice?: unknown) => swapInitCommand(deps, uri, choice)),
    vscode.commands.registerCommand('trainlens.gradcheck', (uri?: unknown) => gradcheckCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.showPanel', async (uri?: unknown) => {
      const source = uri instanceof vscode.Uri ? uri.toString()
        : vscode.window.activeTextEditor && isModelDocument(vscode.window.activeTextEditor.document)
          ? vscode.window.activeTextEditor.document.uri.toString()
          : deps.runs.latest?.info.source;
      if (source) deps.charts.show(source);
      else void vscode.window.showWarningMessage('TrainLens: open a model file (*.nn.yaml) to see its charts.');
    }),
  ];
}
