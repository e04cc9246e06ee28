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
import { compareCommand, type CompareChoice } from './compare-command';
import { requireTrust } from './trust';
import { exportPyTorchCommand, type ExportChoice } from './export-command';
import { learningRateEdits } from './lr-edit';
import { lowerLearningRate } from '../training/divergence';

export interface CommandDeps {
  models: ModelDocuments;
  runs: RunManager;
  charts: ChartsPanels;
}

/** What each update rule fixes, in cs231n's words (lecture 7). */
export const OPTIMIZER_NOTES: Record<OptimizerName, string> = {
  sgd: vscode.l10n.t('the plain gradient step: crawls along shallow directions, jitters along steep ones'),
  momentum: vscode.l10n.t('builds up velocity, so it rolls through noise, saddle points and shallow valleys'),
  nesterov: vscode.l10n.t('momentum that looks ahead before it steps, so it corrects an overshoot sooner'),
  adagrad: vscode.l10n.t('per-parameter steps scaled by all past squared gradients; the steps shrink over time'),
  rmsprop: vscode.l10n.t('AdaGrad with a leaky average of squared gradients, so the steps do not die out'),
  adam: vscode.l10n.t('momentum + RMSProp with bias correction: the usual first choice'),
  adamw: vscode.l10n.t('Adam with weight decay taken out of the gradient step (decoupled)'),
};

/** What each init scheme does to a deep net (lecture 6). */
export const INIT_NOTES: Record<InitScheme, string> = {
  zeros: vscode.l10n.t('every unit computes the same thing: symmetry is never broken'),
  small: vscode.l10n.t('0.01·N(0,1): in a deep net the activations shrink toward 0 layer by layer'),
  xavier: vscode.l10n.t('N(0,1)/√fan_in: keeps the variance through tanh layers'),
  he: vscode.l10n.t('N(0,1)·√(2/fan_in): keeps the variance through ReLU layers'),
};

/** The folder data paths are relative to: the model file's (none for an unsaved file). */
export function baseDir(doc: vscode.TextDocument): string | null {
  return doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : null;
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
 * the command was for: training, or checking the gradients.
 */
export async function specOf(deps: Pick<CommandDeps, 'models'>, doc: vscode.TextDocument, purpose: 'train' | 'gradcheck'): Promise<ModelSpec | undefined> {
  const source = deps.models.get(doc);
  if (source.spec) return source.spec;
  const errors = source.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first ? vscode.l10n.t(' Line {0}: {1}', doc.positionAt(first.start).line + 1, first.message) : '';
  const name = modelTitle(doc.uri);
  const message = purpose === 'train'
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

/** Trains what the editor shows, saved or not; a file with errors points to its problems instead. */
export async function trainCommand(deps: CommandDeps, uri?: unknown): Promise<TrainingSession | undefined> {
  if (!requireTrust(vscode.l10n.t('Training'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = await specOf(deps, doc, 'train');
  if (!spec) return undefined;
  const session = deps.runs.start(doc.uri.toString(), modelTitle(doc.uri), spec, baseDir(doc));
  deps.charts.show(doc.uri.toString());
  return session;
}

/**
 * After a divergence: sets the model file's learning rate (given, or a tenth of the file's) with
 * an undoable edit, and trains again.
 */
export async function lowerLearningRateCommand(deps: CommandDeps, uri?: unknown, lr?: unknown): Promise<TrainingSession | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = deps.models.get(doc).spec;
  if (!spec) return undefined;
  const target = typeof lr === 'number' && Number.isFinite(lr) && lr > 0 ? lr : lowerLearningRate(spec.optimizer.lr);
  const edits = spec.optimizer.lr === target ? [] : learningRateEdits(doc.getText(), target, spec.optimizer.type);
  if (!edits) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the learning rate of {0} cannot be changed automatically; edit it by hand.', modelTitle(doc.uri)));
    return undefined;
  }
  if (edits.length > 0 && !(await applyEdits(doc, edits))) return undefined;
  return trainCommand(deps, doc.uri);
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
      OPTIMIZERS.map((o) => ({ label: o === current ? `$(check) ${o}` : o, name: o, description: o === current ? vscode.l10n.t('current') : undefined, detail: OPTIMIZER_NOTES[o] })),
      {
        title: vscode.l10n.t('Swap optimizer — {0}', modelTitle(doc.uri)),
        placeHolder: deps.runs.isRunning(doc.uri.toString()) ? vscode.l10n.t('Training goes on from the same weights with the new rule') : vscode.l10n.t('The model file is edited (undoable)'),
        matchOnDetail: true,
      },
    );
    name = picked?.name;
  }
  if (!name) return undefined;
  const edits = swapOptimizerEdits(doc.getText(), name);
  if (!edits) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the optimizer of {0} cannot be changed automatically (the file has YAML errors, several documents, or an alias shares the value); edit it by hand.', modelTitle(doc.uri)));
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
      INIT_SCHEMES.map((s) => ({ label: s === currentInit ? `$(check) ${s}` : s, scheme: s, description: s === currentInit ? vscode.l10n.t('current') : undefined, detail: INIT_NOTES[s] })),
      {
        title: vscode.l10n.t('Swap init scheme — {0}', modelTitle(doc.uri)),
        placeHolder: deps.runs.isRunning(doc.uri.toString())
          ? vscode.l10n.t('Training restarts from new weights; the current run stays on the charts, faded')
          : vscode.l10n.t('The model file is edited (undoable)'),
        matchOnDetail: true,
      },
    );
    scheme = picked?.scheme;
  }
  if (!scheme) return undefined;
  const edits = swapInitEdits(doc.getText(), scheme);
  if (!edits) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the init scheme of {0} cannot be changed automatically (the file has YAML errors, several documents, or an alias shares the value); edit it by hand.', modelTitle(doc.uri)));
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
  if (!requireTrust(vscode.l10n.t('The gradient check'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = await specOf(deps, doc, 'gradcheck');
  if (!spec) return undefined;
  const source = doc.uri.toString();
  deps.charts.show(source);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('TrainLens: checking the gradients of {0}', modelTitle(doc.uri)) },
      () => deps.runs.gradcheck(source, spec, baseDir(doc)),
    );
    const worst = result.params.reduce((a, b) => (b.relError > a.relError ? b : a), result.params[0]);
    const verdict = verdictText(worst?.verdict ?? 'good');
    const message = worst
      ? vscode.l10n.t('TrainLens: gradient check of {0}: max relative error {1} ({2}, {3}).', modelTitle(doc.uri), result.maxRelError.toExponential(2), verdict, worst.name)
      : vscode.l10n.t('TrainLens: gradient check of {0}: max relative error {1} ({2}).', modelTitle(doc.uri), result.maxRelError.toExponential(2), verdict);
    if (result.maxRelError > 1e-4) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: {0}', e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

/** cs231n's verdict on a relative error, in the user's words. */
export function verdictText(verdict: ModelCheck['params'][number]['verdict']): string {
  switch (verdict) {
    case 'good': return vscode.l10n.t('good');
    case 'kinks only': return vscode.l10n.t('kinks only');
    case 'uncomfortable': return vscode.l10n.t('uncomfortable');
    case 'wrong': return vscode.l10n.t('wrong');
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
    vscode.commands.registerCommand('trainlens.lowerLearningRate', (uri?: unknown, lr?: unknown) => lowerLearningRateCommand(deps, uri, lr)),
    vscode.commands.registerCommand('trainlens.compare', (uri?: unknown, choice?: CompareChoice) => compareCommand(deps, uri, choice)),
    vscode.commands.registerCommand('trainlens.exportPyTorch', (uri?: unknown, choice?: ExportChoice) => exportPyTorchCommand(deps, uri, choice)),
    vscode.commands.registerCommand('trainlens.showPanel', async (uri?: unknown) => {
      const source = uri instanceof vscode.Uri ? uri.toString()
        : vscode.window.activeTextEditor && isModelDocument(vscode.window.activeTextEditor.document)
          ? vscode.window.activeTextEditor.document.uri.toString()
          : deps.runs.latest?.info.source;
      if (source) deps.charts.show(source);
      else void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: open a model file (*.nn.yaml) to see its charts.'));
    }),
  ];
}
