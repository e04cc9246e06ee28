import * as vscode from 'vscode';
import { baseDir, refuseSurface, specOf, targetDocument, type CommandDeps } from './context';
import { modelTitle } from '../models';
import { requireTrust } from './trust';
import { exportName } from '../../export/pytorch';
import { writeExportFolder } from './export-write';

export interface ExportChoice {
  /** Folder to write into. */
  folder: vscode.Uri;
  weights: 'initial' | 'trained';
}

/**
 * Export as PyTorch…: the model as a script, its weights (initial, or the file's last run's) and
 * its data, into a folder the user picks. The export runs in a worker: the host never reads data.
 */
export async function exportPyTorchCommand(deps: CommandDeps, uri?: unknown, choice?: ExportChoice): Promise<string[] | undefined> {
  if (!requireTrust(vscode.l10n.t('Export as PyTorch'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Export as PyTorch'))) return undefined;
  const spec = await specOf(deps, doc, 'train');
  if (!spec) return undefined;
  const source = doc.uri.toString();
  const run = deps.runs.get(source);
  const trained = run && run.finalWeights && run.step > 0 ? run : undefined;
  let weights = choice?.weights ?? 'initial';
  if (!choice && trained) {
    const picked = await vscode.window.showQuickPick([
      { label: vscode.l10n.t('Initial weights'), description: vscode.l10n.t('seed {0}', spec.train.seed), weights: 'initial' as const },
      { label: vscode.l10n.t('Trained weights'), description: vscode.l10n.t('the last run: {0} steps, {1} epochs', trained.step, trained.epoch), weights: 'trained' as const },
    ], { title: vscode.l10n.t('Export as PyTorch — {0}', modelTitle(doc.uri)) });
    if (!picked) return undefined;
    weights = picked.weights;
  }
  let folder = choice?.folder;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      defaultUri: doc.uri.scheme === 'file' || vscode.workspace.getWorkspaceFolder(doc.uri) ? vscode.Uri.joinPath(doc.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Export Here'), title: vscode.l10n.t('Export as PyTorch — {0}', modelTitle(doc.uri)),
    });
    if (!picked?.[0]) return undefined;
    folder = picked[0];
    const existing = await existingExports(folder, exportName(doc.uri.path));
    if (existing.length > 0) {
      const replace = vscode.l10n.t('Replace');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exist in that folder. Replace them?', existing.join(', ')), { modal: true }, replace);
      if (answer !== replace) return undefined;
    }
  }
  // With trained weights: the spec the run trained (not newer editor text), with the update rule it
  // ended with after any swap.
  const exportSpec = weights === 'trained' && trained ? { ...trained.spec, optimizer: trained.optimizer } : spec;
  try {
    const target = folder;
    const written = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('TrainLens: exporting {0} to PyTorch…', modelTitle(doc.uri)) },
      async () => {
        // The worker makes the files (it reads the data); they are written here, through workspace.fs.
        const files = await deps.runs.exportPyTorch(exportSpec, doc.uri.path, baseDir(doc),
          weights === 'trained' && trained?.finalWeights ? { weights: trained.finalWeights, steps: trained.step, epochs: trained.epoch } : null);
        return writeExportFolder(vscode.workspace.fs, (f, name) => vscode.Uri.joinPath(f, name), target, files);
      },
    );
    offerScript(written, folder);
    return written.map((u) => (u.scheme === 'file' ? u.fsPath : u.toString()));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: cannot export {0} to PyTorch: {1}', modelTitle(doc.uri), e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

/** Which of the export's files (named after the model) are already in the folder. */
async function existingExports(folder: vscode.Uri, name: string): Promise<string[]> {
  const names = [`${name}.py`, `${name}.weights.npz`, `${name}.data.npz`];
  const found = await Promise.all(names.map((f) => Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, f))).then(() => true, () => false)));
  return names.filter((_, i) => found[i]);
}

/** Says what was exported where, offering to open the script or copy the command that runs it. */
function offerScript(written: readonly vscode.Uri[], folder: vscode.Uri): void {
  const script = written.find((u) => u.path.endsWith('.py'));
  const open = vscode.l10n.t('Open Script');
  const copy = vscode.l10n.t('Copy Run Command');
  const names = written.map((u) => u.path.slice(u.path.lastIndexOf('/') + 1));
  void vscode.window.showInformationMessage(
    vscode.l10n.t('TrainLens: exported {0} to {1}.', names.join(', '), vscode.workspace.asRelativePath(folder)),
    ...(script ? [open, copy] : []),
  ).then((answer) => {
    if (answer === open && script) void vscode.window.showTextDocument(script);
    // A file on disk by its full path, as before; elsewhere (a browser) the path in the workspace.
    const where = script && (script.scheme === 'file' ? script.fsPath : vscode.workspace.asRelativePath(script));
    if (answer === copy && where) void vscode.env.clipboard.writeText(`python3 "${where}"`);
  });
}
