/** Kept runs: where they live, the store, the Runs view over it, the recorder, and the offer to prune. */
import * as vscode from 'vscode';
import { RunStore } from '../runs/store';
import { RunRecorder } from '../runs/recorder';
import { registerRunsView, runLabel, type RunsTree } from './views/runs-view';
import { overlaysOfStored } from '../panel/overlays';
import { inspectKeptRun } from './commands/inspect';
import type { RunManager } from '../training/runs';
import type { ChartsPanels } from '../panel/panels';
import type { InspectController } from '../panel/inspect-host';
import type { HostPlatform } from '../platform/host';

/** Where kept runs live: the workspace's storage, or a folder of the workspace (a setting). */
function runsFolder(context: vscode.ExtensionContext): vscode.Uri {
  const config = vscode.workspace.getConfiguration('trainlens.runs');
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (config.get<string>('location') === 'workspaceFolder' && folder) {
    return vscode.Uri.joinPath(folder.uri, (config.get<string>('folder') || '.trainlens/runs').replace(/\\/g, '/'));
  }
  return vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'runs');
}

/**
 * After a run ends: when kept runs exceed the size limit, offer to delete the oldest — never
 * without asking, and at most once per session unless the user asks again.
 */
async function offerPrune(store: RunStore, tree: RunsTree, asked: { done: boolean }): Promise<void> {
  if (asked.done) return;
  const capMB = vscode.workspace.getConfiguration('trainlens.runs').get<number>('maxStorageMB') ?? 500;
  asked.done = true; // while the store is measured: one offer at a time
  const { total, runs } = await store.pruneCandidates(capMB * 1024 * 1024);
  if (runs.length === 0) {
    asked.done = false;
    return;
  }
  const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
  const remove = vscode.l10n.t('Delete {0} Oldest', runs.length);
  const settings = vscode.l10n.t('Change the Limit');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('TrainLens keeps {0} MB of runs, over the {1} MB limit. Delete the {2} oldest ({3} MB)?', mb(total), capMB, runs.length, mb(runs.reduce((s, r) => s + r.bytes, 0))),
    remove, settings,
  );
  if (answer === remove) {
    await Promise.all(runs.map((r) => store.delete(r.run.runId)));
    tree.refresh();
    asked.done = false;
  } else if (answer === settings) {
    void vscode.commands.executeCommand('workbench.action.openSettings', 'trainlens.runs.maxStorageMB');
  }
}

/** Kept runs: the store (whatever was recorded as running when VS Code last stopped was interrupted), the Runs view, the recorder. */
export function setUpKeptRuns(
  context: vscode.ExtensionContext, platform: Pick<HostPlatform, 'storeFiles' | 'baseDirOf'>,
  runs: RunManager, charts: ChartsPanels, inspector: InspectController,
) {
  const folder = runsFolder(context);
  // Off the disk (workspace.fs rewrites the whole history file to append), history is written less often.
  const store = new RunStore(platform.storeFiles(folder), folder.scheme === 'file' ? 1000 : 5000);
  void store.markInterrupted(new Set());
  const asked = { done: false };
  const runsView = registerRunsView({
    store, runs, baseDirOf: (uri) => platform.baseDirOf(uri),
    inspect: async (run) => inspectKeptRun({ runs, charts, inspector }, run, await store.loadWeights(run.runId)),
    show: async (picked) => {
      const source = picked[0].source;
      const overlays = await overlaysOfStored(store, picked, runLabel);
      charts.show(source);
      charts.setOverlays(source, {
        title: picked.length === 1 ? runLabel(picked[0]) : vscode.l10n.t('{0} kept runs', picked.length),
        ...overlays,
      });
    },
  });
  const recorder = new RunRecorder(runs, store, () => {
    runsView.tree.refresh();
    void offerPrune(store, runsView.tree, asked);
  });
  return { store, runsView, recorder };
}
