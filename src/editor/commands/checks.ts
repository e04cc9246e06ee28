import * as vscode from 'vscode';
import { modelTitle } from '../models';
import { baseDir, refuseSurface, specOf, targetDocument, type CommandDeps } from './context';
import { requireTrust } from './trust';
import { applyEdits } from './commands';
import { learningRateEdits } from './lr-edit';
import { CheckCancelled, type CheckRuns } from '../../training/check-runs';
import { writtenLr } from '../../training/lr-suggestion';
import type { ChecksBridge } from '../../panel/checks-bridge';
import type { LrFindState, SanityState } from '../../training/protocol';

/** Sanity Check and Find Learning Rate: each in a worker, with a cancellable notification; results in the panel. */

export interface CheckDeps extends CommandDeps {
  checks: CheckRuns;
  bridge: ChecksBridge;
}

function failure(e: unknown): undefined {
  if (!(e instanceof CheckCancelled)) void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: {0}', e instanceof Error ? e.message : String(e)));
  return undefined;
}

/** The model file a check runs on, its spec, and its panel opened on the Checks tab; undefined after telling the user why not. */
async function checkTarget(deps: CheckDeps, uri: unknown, purpose: 'sanity' | 'lrFind', what: string) {
  if (!requireTrust(what)) return undefined;
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, what)) return undefined;
  const spec = await specOf(deps, doc, purpose);
  if (!spec) return undefined;
  const source = doc.uri.toString();
  deps.bridge.show(source);
  return { doc, spec, source, name: modelTitle(doc.uri) };
}

/** Sanity Check: cs231n's five checks before training (src/engine/sanity.ts). */
export async function sanityCommand(deps: CheckDeps, uri?: unknown): Promise<SanityState | undefined> {
  const target = await checkTarget(deps, uri, 'sanity', vscode.l10n.t('The sanity checks'));
  if (!target) return undefined;
  const { doc, spec, source, name } = target;
  try {
    const state = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TrainLens: sanity checks of {0}', name), cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => deps.checks.cancel('sanity', source));
        return deps.checks.sanity(source, spec, baseDir(doc));
      },
    );
    const checks = state.report?.checks ?? [];
    const failed = checks.filter((c) => !c.pass);
    if (failed.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: {0} passed all {1} sanity checks.', name, checks.length));
    } else {
      void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: {0} passed {1} of {2} sanity checks; failed: {3}. See the Problems view and the panel\'s Checks tab.',
        name, checks.length - failed.length, checks.length, failed.map((c) => c.name).join(', ')));
    }
    return state;
  } catch (e) {
    return failure(e);
  }
}

/** Find Learning Rate: the range test (src/training/lr-find.ts), its steps as the notification's progress. */
export async function lrFindCommand(deps: CheckDeps, uri?: unknown): Promise<LrFindState | undefined> {
  const target = await checkTarget(deps, uri, 'lrFind', vscode.l10n.t('The learning-rate range test'));
  if (!target) return undefined;
  const { doc, spec, source, name } = target;
  try {
    const state = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TrainLens: learning-rate range test of {0}', name), cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => deps.checks.cancel('lrFind', source));
        const sub = deps.checks.onEvent((e) => {
          if (e.type === 'lrPoint' && e.source === source) {
            progress.report({ increment: 100 / e.steps, message: vscode.l10n.t('step {0} of {1}, lr {2}', e.point.step + 1, e.steps, e.point.lr.toExponential(1)) });
          }
        });
        return deps.checks.lrFind(source, spec, baseDir(doc)).finally(() => sub.dispose());
      },
    );
    const s = state.result?.suggestion;
    if (s) {
      const use = vscode.l10n.t('Use lr {0}', writtenLr(s.lr));
      void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: {0}: the loss falls fastest at lr {1} (the file has {2}).', name, writtenLr(s.lr), spec.optimizer.lr), use)
        .then((choice) => choice === use && useLrCommand(deps, doc.uri, s.lr));
    } else {
      void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: {0}: the loss did not fall anywhere between lr {1} and {2}; no learning rate to suggest.', name, state.result?.lrMin ?? '?', state.result?.lrMax ?? '?'));
    }
    return state;
  } catch (e) {
    return failure(e);
  }
}

/**
 * Use this lr: writes a learning rate (given, else the file's last range test's suggestion) into
 * the model file, to 2 significant digits, as one undoable edit. True when the file was edited.
 */
export async function useLrCommand(deps: CheckDeps, uri?: unknown, lr?: unknown): Promise<boolean> {
  const doc = await targetDocument(uri);
  if (!doc) return false;
  const suggested = typeof lr === 'number' ? lr : deps.checks.lrFindState(doc.uri.toString())?.result?.suggestion?.lr;
  if (suggested === undefined || !(suggested > 0) || !Number.isFinite(suggested)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: run Find Learning Rate on {0} first.', modelTitle(doc.uri)));
    return false;
  }
  const spec = deps.models.get(doc).spec;
  const target = writtenLr(suggested);
  const edits = spec ? learningRateEdits(doc.getText(), target, spec.optimizer.type) : undefined;
  if (!edits) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the learning rate of {0} cannot be changed automatically; edit it by hand.', modelTitle(doc.uri)));
    return false;
  }
  return applyEdits(doc, edits);
}

export function registerCheckCommands(deps: CheckDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('trainlens.sanity', (uri?: unknown) => sanityCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.lrFind', (uri?: unknown) => lrFindCommand(deps, uri)),
    vscode.commands.registerCommand('trainlens.useLr', (uri?: unknown, lr?: unknown) => useLrCommand(deps, uri, lr)),
    vscode.commands.registerCommand('trainlens.showChecks', (uri?: unknown) => {
      if (uri instanceof vscode.Uri) deps.bridge.show(uri.toString());
    }),
  ];
}
