/**
 * Show Loss Landscape: the training loss around the active model file's ended run (the line from
 * its initial to its trained weights, and a plane through the trained weights), computed in a
 * worker with a cancellable progress notification, and drawn in the panel's Landscape tab.
 */
import * as vscode from 'vscode';
import { memoryLimitBytes, modelTitle } from '../models';
import { baseDir, refuseSurface, targetDocument, type CommandDeps } from './context';
import { evaluationCount, MAX_RESOLUTION, MIN_RESOLUTION } from '../../engine/landscape/compute';
import type { LandscapeOptions } from '../../engine/landscape/types';
import type { LandscapeState } from '../../training/protocol';
import { DEFAULT_LANDSCAPE_OPTIONS, LandscapeHost, landscapeProblem, landscapeWorkers } from '../../panel/landscape-host';
import type { Workers } from '../../platform/types';

export interface LandscapeDeps extends CommandDeps {
  landscape: LandscapeHost;
}

/** Options given as the command's argument (tests, the Landscape tab), checked; undefined when not usable. */
export function givenOptions(o: unknown): LandscapeOptions | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const { plane, resolution, seed } = o as Record<string, unknown>;
  if (plane !== 'random' && plane !== 'pca') return undefined;
  if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION) return undefined;
  const s = typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 ? seed : DEFAULT_LANDSCAPE_OPTIONS.seed;
  return { plane, resolution, seed: s };
}

/** Asks for the plane and the resolution; the default (random, 21 × 21) first. */
async function pickOptions(): Promise<LandscapeOptions | undefined> {
  const item = (plane: 'random' | 'pca', resolution: number, label: string, detail: string) => ({
    label, detail, options: { ...DEFAULT_LANDSCAPE_OPTIONS, plane, resolution },
    description: vscode.l10n.t('{0} × {0} · {1} loss evaluations', resolution, evaluationCount(resolution)),
  });
  const random = vscode.l10n.t('Two filter-normalized random directions through the trained weights (Li et al., 2018)');
  const pca = vscode.l10n.t('The run\'s first two principal directions: the plane its weights moved in most');
  const picked = await vscode.window.showQuickPick([
    item('random', 21, vscode.l10n.t('Random plane'), random),
    item('pca', 21, vscode.l10n.t('Principal plane (PCA of the trajectory)'), pca),
    item('random', 41, vscode.l10n.t('Random plane, finer'), random),
    item('pca', 41, vscode.l10n.t('Principal plane, finer'), pca),
    item('random', 11, vscode.l10n.t('Random plane, quick'), random),
  ], { title: vscode.l10n.t('Show Loss Landscape: which plane?'), placeHolder: vscode.l10n.t('The 1-D line from the initial to the trained weights comes with each') });
  return picked?.options;
}

/**
 * Show Loss Landscape: arguments (uri, options) skip the question. Resolves with the tab's state;
 * with the sentence shown when the file has no run to take a landscape of; undefined when cancelled
 * before it started.
 */
export async function landscapeCommand(deps: LandscapeDeps, uri?: unknown, given?: unknown): Promise<LandscapeState | string | undefined> {
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Show Loss Landscape'))) return undefined;
  const source = doc.uri.toString();
  const name = modelTitle(doc.uri);
  const run = deps.runs.get(source);
  const problem = landscapeProblem(run, name);
  if (problem || !run?.finalWeights || !run.trajectory) {
    const text = problem ?? '';
    const train = vscode.l10n.t('Train');
    void vscode.window.showInformationMessage(`TrainLens: ${text}`, train).then((choice) => {
      if (choice === train) void vscode.commands.executeCommand('trainlens.train', doc.uri);
    });
    return text;
  }
  const options = givenOptions(given) ?? await pickOptions();
  if (!options) return undefined;
  const data = { runId: run.runId, spec: run.spec, baseDir: baseDir(doc), weights: run.finalWeights, trajectory: run.trajectory };
  deps.charts.show(source);
  let cancelled = false;
  const state = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: vscode.l10n.t('TrainLens: loss landscape of {0}', name),
  }, (progress, token) => {
    token.onCancellationRequested(() => {
      cancelled = true;
      deps.landscape.cancel(source);
    });
    let reported = 0;
    return deps.landscape.compute(source, data, options, (done, total) => {
      progress.report({ increment: ((done - reported) / total) * 100, message: vscode.l10n.t('{0} of {1} loss evaluations', done, total) });
      reported = done;
    });
  });
  // A cancel, or a newer request that replaced this one, is said in the tab only.
  if (state.state === 'failed' && !cancelled && deps.landscape.current(source) === state) void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: the loss landscape of {0} failed: {1}', name, state.error ?? ''));
  return state;
}

/**
 * The Landscape tab's host and the command trainlens.landscape (disposed with the extension).
 * Returns the host (for the extension's API). workers: the platform's (each landscape in a worker of its own).
 */
export function registerLandscape(context: Pick<vscode.ExtensionContext, 'subscriptions'>, deps: CommandDeps, workers: Pick<Workers, 'start'>): LandscapeHost {
  const host = new LandscapeHost(
    landscapeWorkers(workers, { memoryLimit: memoryLimitBytes, l10n: () => vscode.l10n.bundle }),
    (source, m) => deps.charts.post(source, m),
  );
  const all: LandscapeDeps = { ...deps, landscape: host };
  context.subscriptions.push(
    host,
    deps.charts.onReady((source) => host.resend(source)),
    vscode.commands.registerCommand('trainlens.landscape', (uri?: unknown, options?: unknown) => landscapeCommand(all, uri, options)),
  );
  return host;
}
