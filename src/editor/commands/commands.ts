import * as vscode from 'vscode';
import { isModelDocument, modelTitle } from '../models';
import { baseDir, refuseSurface, specOf, targetDocument, type CommandDeps } from './context';
import { INIT_NOTES, OPTIMIZER_NOTES } from '../language/docs';
import type { TrainingSession } from '../../training/session';
import { swapInitEdits, swapOptimizerEdits, type TextEdit } from '../../model/edits';
import { INIT_SCHEMES, OPTIMIZERS, type InitScheme, type OptimizerName } from '../../model/spec';
import { parseModel } from '../../model/parse';
import type { ModelCheck } from '../../training/protocol';
import { compareCommand, type CompareChoice } from './compare';
import { requireTrust } from './trust';
import { exportPyTorchCommand, type ExportChoice } from './export';
import { learningRateEdits } from './lr-edit';
import { lowerLearningRate } from '../../engine/divergence';
import { registerTuneCommands } from './tune';

/** Trains what the editor shows, saved or not; a file with errors points to its problems instead. */
export async function trainCommand(deps: CommandDeps, uri?: unknown): Promise<TrainingSession | undefined> {
  if (!requireTrust(vscode.l10n.t('Training'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  // A circuit file has nothing to train: "Train" shows its circuit, to step through.
  if (deps.models.get(doc).circuit) {
    await vscode.commands.executeCommand('trainlens.showCircuit', doc.uri);
    return undefined;
  }
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

/** Applies text edits to a document as one undoable WorkspaceEdit. */
export async function applyEdits(doc: vscode.TextDocument, edits: TextEdit[]): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  return vscode.workspace.applyEdit(edit);
}

/**
 * `choice` when it is one of `options`; otherwise the one the user picks (the current one checked,
 * each with its note), or undefined when the pick is dismissed.
 */
async function choiceOrPick<T extends string>(options: readonly T[], choice: unknown, current: string | undefined, notes: Record<T, string>, texts: { title: string; placeHolder: string }): Promise<T | undefined> {
  if (typeof choice === 'string' && (options as readonly string[]).includes(choice)) return choice as T;
  const picked = await vscode.window.showQuickPick(
    options.map((o) => ({ label: o === current ? `$(check) ${o}` : o, value: o, description: o === current ? vscode.l10n.t('current') : undefined, detail: notes[o] })),
    { ...texts, matchOnDetail: true },
  );
  return picked?.value;
}

/**
 * Swap Optimizer…: pick a rule (or pass one), edit the file (undoable, comments kept), and if the
 * model is training switch the worker's rule from the next step, keeping the weights.
 */
export async function swapOptimizerCommand(deps: CommandDeps, uri?: unknown, choice?: unknown): Promise<OptimizerName | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const current = deps.models.get(doc).spec?.optimizer.type ?? parseModel(doc.getText()).spec?.optimizer.type;
  const name = await choiceOrPick(OPTIMIZERS, choice, current, OPTIMIZER_NOTES, {
    title: vscode.l10n.t('Swap optimizer — {0}', modelTitle(doc.uri)),
    placeHolder: deps.runs.isRunning(doc.uri.toString()) ? vscode.l10n.t('Training goes on from the same weights with the new rule') : vscode.l10n.t('The model file is edited (undoable)'),
  });
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
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Swap Init Scheme'))) return undefined;
  const currentInit = deps.models.get(doc).spec?.init.type;
  const scheme = await choiceOrPick(INIT_SCHEMES, choice, currentInit, INIT_NOTES, {
    title: vscode.l10n.t('Swap init scheme — {0}', modelTitle(doc.uri)),
    placeHolder: deps.runs.isRunning(doc.uri.toString())
      ? vscode.l10n.t('Training restarts from new weights; the current run stays on the charts, faded')
      : vscode.l10n.t('The model file is edited (undoable)'),
  });
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
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('The gradient check'))) return undefined;
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
    ...registerTuneCommands(deps),
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
