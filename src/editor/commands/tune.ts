/**
 * Tune…: random search over the file's `tune:` ranges (or ranges picked in a QuickPick), each
 * trial an ordinary run kept like Compare's variants; the panel's Tune tab shows it live. Then
 * "Narrow around the best" (a finer second round), "Apply best" (one undoable edit) and Stop.
 */
import * as vscode from 'vscode';
import { baseDir, refuseSurface, specOf, targetDocument, type CommandDeps } from './context';
import { modelTitle } from '../models';
import { requireTrust } from './trust';
import { pickTune, type TuneChoice } from './tune-pick';
import { tuneSectionEdit } from './tune-section';
import { applyTrialEdits } from './tune-apply';
import { Tune } from '../../training/tune';
import { bestTrial } from '../../training/tune-rule';
import { TuneFeed, type TuneRecord } from '../../panel/tune-feed';
import type { TrialParams } from '../../model/tune';

export type { TuneChoice } from './tune-pick';

/** "lr 0.0023 · l2 3.1e-5 · optimizer adam" */
export function paramsText(params: TrialParams): string {
  return Object.entries(params).map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`).join(' · ');
}

/** The notification of a round: trials ended so far; cancelling it stops the round. */
function showProgress(tune: Tune, title: string): void {
  const total = tune.trials.length;
  void vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: vscode.l10n.t('TrainLens: tuning {0}, round {1} ({2} trials, {3} at a time)', title, tune.round, total, tune.concurrency),
  }, (progress, token) => {
    token.onCancellationRequested(() => tune.cancel());
    const sub = tune.onEvent((e) => {
      if (e.type === 'trial' && e.phase === 'ended') {
        const ended = tune.trials.filter((t) => t.status !== 'pending' && t.status !== 'running').length;
        progress.report({ increment: 100 / total, message: vscode.l10n.t('{0} of {1} trials ended', ended, total) });
      }
    });
    return tune.finished.then(() => sub.dispose());
  });
}

function startRound(deps: CommandDeps, feed: TuneFeed, rec: Omit<TuneRecord, 'rounds'>, options: Partial<ConstructorParameters<typeof Tune>[1]>): Tune {
  const tune = new Tune(deps.runs, { source: rec.source, title: rec.title, spec: rec.spec, baseDir: rec.baseDir, ...options });
  feed.add(rec, tune);
  tune.start();
  showProgress(tune, rec.title);
  return tune;
}

/** Writes the chosen section into the file (one undoable edit); false when it cannot be written safely. */
async function writeSection(doc: vscode.TextDocument, choice: TuneChoice): Promise<boolean> {
  const edit = tuneSectionEdit(doc.getText(), choice.tune);
  if (!edit) return false;
  const we = new vscode.WorkspaceEdit();
  we.insert(doc.uri, doc.positionAt(edit.start), edit.text);
  return vscode.workspace.applyEdit(we);
}

/** Tune…: the file's section, else the ranges picked (written into the file if asked); the search starts at once. */
export async function tuneCommand(deps: CommandDeps, feed: TuneFeed, uri?: unknown, given?: TuneChoice): Promise<Tune | undefined> {
  if (!requireTrust(vscode.l10n.t('Tuning'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Tuning'))) return undefined;
  const spec = await specOf(deps, doc, 'train');
  if (!spec) return undefined;
  const source = doc.uri.toString();
  const title = modelTitle(doc.uri);
  const running = feed.running(source);
  if (running) {
    deps.charts.show(source);
    void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: {0} is being tuned already; stop it from the panel or the notification first.', title));
    return running;
  }
  const choice = given ?? (spec.tune ? { tune: spec.tune, write: false } : await pickTune(spec, title));
  if (!choice) return undefined;
  if (choice.write && !spec.tune && !(await writeSection(doc, choice))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: the tune: section could not be written into {0}; tuning without it.', title));
  }
  return startRound(deps, feed, { source, title, spec: { ...spec, tune: choice.tune }, baseDir: baseDir(doc) }, { tune: choice.tune });
}

/** Narrow around the best: round n + 1 over ranges centred on the best trial so far. */
export function narrowCommand(deps: CommandDeps, feed: TuneFeed, uri?: unknown): Tune | undefined {
  const rec = uri instanceof vscode.Uri ? feed.get(uri.toString()) : undefined;
  const last = rec?.rounds.at(-1);
  if (!rec || !last || last.state === 'running') return undefined;
  const narrowed = last.narrowed();
  if (!narrowed) {
    void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: no trial has finished its epochs yet: nothing to narrow around.'));
    return undefined;
  }
  return startRound(deps, feed, rec, { tune: narrowed, round: last.round + 1, firstIndex: last.nextIndex });
}

/** Apply best: the best trial's values into the model file, as one undoable edit. */
export async function applyBestCommand(feed: TuneFeed, uri?: unknown): Promise<boolean> {
  const rec = uri instanceof vscode.Uri ? feed.get(uri.toString()) : undefined;
  const best = rec && bestTrial(rec.rounds.flatMap((r) => r.trials));
  if (!rec || !best) return false;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(rec.source));
  const result = applyTrialEdits(doc.getText(), best.params);
  if (!result) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the values of trial {0} cannot be written into {1} automatically ({2}); edit it by hand.', best.index, rec.title, paramsText(best.params)));
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  if (result.edits.length > 0 && !(await vscode.workspace.applyEdit(edit))) return false;
  const skipped = result.skipped.length > 0 ? ' ' + vscode.l10n.t('Not written (the trial did not use it): {0}.', result.skipped.join(', ')) : '';
  void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: trial {0} applied to {1}: {2}.', best.index, rec.title, paramsText(best.params)) + skipped);
  return true;
}

/** The Tune… commands; the feed keeps each file's search for its panel. */
export function registerTuneCommands(deps: CommandDeps): vscode.Disposable[] {
  const feed = new TuneFeed(deps.charts);
  return [
    feed,
    vscode.commands.registerCommand('trainlens.tune', (uri?: unknown, choice?: TuneChoice) => tuneCommand(deps, feed, uri, choice)),
    vscode.commands.registerCommand('trainlens.tuneNarrow', (uri?: unknown) => narrowCommand(deps, feed, uri)),
    vscode.commands.registerCommand('trainlens.tuneApplyBest', (uri?: unknown) => applyBestCommand(feed, uri)),
    vscode.commands.registerCommand('trainlens.tuneStop', (uri?: unknown) => {
      const running = uri instanceof vscode.Uri ? feed.running(uri.toString()) : undefined;
      running?.cancel();
      return running !== undefined;
    }),
  ];
}
