import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import type { RunStore, StoredRun, StoredStatus } from '../../runs/store';
import { metricsCsv } from '../../runs/csv';
import { requireTrust } from '../commands/trust';
import { weightsJson } from '../../export/weights-json';
import type { FinalMetrics } from '../../training/protocol';
import { formatR2 } from './format';
import { surfaceSummary } from './surface-text';

/** A model file in the Runs view, or one of its runs. */
export type RunsNode = { kind: 'source'; source: string; runs: StoredRun[] } | { kind: 'run'; run: StoredRun };

const STATUS_ICON: Record<StoredStatus, string> = {
  running: 'sync~spin', finished: 'pass', stopped: 'debug-stop', failed: 'error', interrupted: 'warning',
};

function statusLabel(s: StoredStatus): string {
  switch (s) {
    case 'running': return vscode.l10n.t('running');
    case 'finished': return vscode.l10n.t('finished');
    case 'stopped': return vscode.l10n.t('stopped');
    case 'failed': return vscode.l10n.t('failed');
    case 'interrupted': return vscode.l10n.t('interrupted');
  }
}

function percent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`;
}

/** A model file's name, and its folder relative to the workspace ('' when there is none to show). */
function sourceLabel(source: string): { name: string; folder: string } {
  const uri = /^[a-z][\w+.-]+:/i.test(source) ? vscode.Uri.parse(source) : vscode.Uri.file(source);
  const slash = uri.path.lastIndexOf('/');
  const name = uri.path.slice(slash + 1) || source;
  if (slash < 0 || uri.scheme === 'untitled') return { name, folder: '' };
  const folder = vscode.workspace.asRelativePath(uri.with({ path: uri.path.slice(0, slash) || '/' }));
  return { name, folder: folder === '.' ? '' : folder };
}

/**
 * "finished · val 93.3 % · loss 0.214"; for regression "finished · val R² 0.987 · RMSE 0.103 · loss 0.0107";
 * for a surface "finished · adam · f = 1.2e-5 · 300 steps" (the rule it ended with, after any swap).
 */
export function runDescription(r: StoredRun): string {
  const parts = [statusLabel(r.status)];
  const f = r.final;
  if (r.spec.surface) {
    const optimizer = r.info?.optimizer ?? r.spec.optimizer.type;
    if (f) parts.push(surfaceSummary(optimizer, f.loss, f.steps));
    else parts.push(optimizer);
    return parts.join(' · ');
  }
  if (f && f.trainR2 !== null && f.trainR2 !== undefined) {
    // The held-out figures where there is a held-out set, else the training ones.
    const held = f.valR2 !== null && f.valR2 !== undefined;
    parts.push(held ? vscode.l10n.t('val R² {0}', formatR2(f.valR2)) : vscode.l10n.t('train R² {0}', formatR2(f.trainR2)));
    const rmse = held ? f.valRmse : f.trainRmse;
    if (rmse !== null && rmse !== undefined) parts.push(vscode.l10n.t('RMSE {0}', rmse.toPrecision(3)));
    parts.push(vscode.l10n.t('loss {0}', f.loss.toPrecision(3)));
  } else if (f) {
    parts.push(f.valAcc !== null ? vscode.l10n.t('val {0}', percent(f.valAcc)) : vscode.l10n.t('train {0}', percent(f.trainAcc)));
    parts.push(vscode.l10n.t('loss {0}', f.loss.toPrecision(3)));
  }
  return parts.join(' · ');
}

/** The user's name for a run; else when it started, after its label when it was one of a comparison or a tune search ("trial 3 · …"). */
export function runLabel(r: StoredRun): string {
  const when = new Date(r.created).toLocaleString();
  const variant = r.info?.variant;
  return r.name || (variant ? `${variant.label} · ${when}` : when);
}

/** The kept runs, by model file, newest first. */
export class RunsTree implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly store: RunStore) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (node?.kind === 'run') return [];
    if (node?.kind === 'source') return node.runs.map((run) => ({ kind: 'run', run }));
    const bySource = new Map<string, StoredRun[]>();
    for (const r of await this.store.list()) {
      const list = bySource.get(r.source) ?? [];
      list.push(r);
      bySource.set(r.source, list);
    }
    return [...bySource.entries()].map(([source, runs]) => ({ kind: 'source', source, runs }));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'source') {
      const { name, folder } = sourceLabel(node.source);
      const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
      item.description = folder || undefined;
      item.iconPath = vscode.ThemeIcon.File;
      item.resourceUri = node.source.startsWith('file:') ? vscode.Uri.parse(node.source) : undefined;
      item.contextValue = 'trainlens.runSource';
      item.id = `source:${node.source}`;
      return item;
    }
    const r = node.run;
    const item = new vscode.TreeItem(runLabel(r), vscode.TreeItemCollapsibleState.None);
    item.id = r.runId;
    item.description = runDescription(r);
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[r.status]);
    // A surface run has no samples to inspect: its own suffix keeps Inspect off its menu.
    item.contextValue = r.spec.surface ? `trainlens.run.${r.status}.surface` : `trainlens.run.${r.status}`;
    item.tooltip = runTooltip(r);
    item.command = { command: 'trainlens.runs.show', title: vscode.l10n.t('Show in Panel'), arguments: [node] };
    return item;
  }
}

function runTooltip(r: StoredRun): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const s = r.spec;
  md.appendMarkdown(`**${runLabel(r)}** — ${statusLabel(r.status)}\n\n`);
  if (s.surface) {
    surfaceTooltip(md, r);
    return md;
  }
  md.appendMarkdown(`${vscode.l10n.t('optimizer')}: \`${s.optimizer.type}\`, lr ${s.optimizer.lr} · init: \`${s.init.type}\` · loss: \`${s.loss}\` · seed ${r.seed}\n\n`);
  if (r.final) {
    md.appendMarkdown(`${vscode.l10n.t('{0} steps, {1} epochs in {2} s', r.final.steps, r.final.epochs, r.final.seconds.toFixed(1))} · `);
    md.appendMarkdown(tooltipScores(r.final));
    md.appendMarkdown('\n\n');
  }
  if (r.error) md.appendText(r.error);
  return md;
}

/** A surface run's tooltip: the surface, the start, the rule, the noise; where it ended. */
function surfaceTooltip(md: vscode.MarkdownString, r: StoredRun): void {
  const surface = r.spec.surface!;
  md.appendMarkdown(`${vscode.l10n.t('surface')}: \`${surface.preset ?? surface.expression}\` · ${vscode.l10n.t('start')} (${surface.start[0]}, ${surface.start[1]})\n\n`);
  md.appendMarkdown(`${vscode.l10n.t('optimizer')}: \`${r.info?.optimizer ?? r.spec.optimizer.type}\`, lr ${r.spec.optimizer.lr}`);
  md.appendMarkdown(surface.noise > 0 ? ` · ${vscode.l10n.t('gradient noise σ {0}, seed {1}', surface.noise, r.seed)}\n\n` : '\n\n');
  if (r.final) md.appendMarkdown(`${surfaceSummary(r.info?.optimizer ?? r.spec.optimizer.type, r.final.loss, r.final.steps)}\n\n`);
  if (r.error) md.appendText(r.error);
}

/** The final figures in a run's tooltip: accuracies, or R² and RMSE of each set for regression. */
function tooltipScores(f: FinalMetrics): string {
  const has = (x: number | null | undefined): x is number => x !== null && x !== undefined;
  if (!has(f.trainR2)) {
    return vscode.l10n.t('train accuracy {0}', percent(f.trainAcc)) + (f.valAcc !== null ? ` · ${vscode.l10n.t('validation accuracy {0}', percent(f.valAcc))}` : '');
  }
  const parts = [vscode.l10n.t('training R² {0}', formatR2(f.trainR2))];
  if (has(f.trainRmse)) parts.push(vscode.l10n.t('training RMSE {0}', f.trainRmse.toPrecision(4)));
  if (has(f.valR2)) parts.push(vscode.l10n.t('validation R² {0}', formatR2(f.valR2)));
  if (has(f.valRmse)) parts.push(vscode.l10n.t('validation RMSE {0}', f.valRmse.toPrecision(4)));
  return parts.join(' · ');
}

/** The runs a command applies to: the selection when the clicked run is part of it, else the clicked one. */
export function targetRuns(node: RunsNode | undefined, selection: readonly RunsNode[] | undefined, view: vscode.TreeView<RunsNode>): StoredRun[] {
  const picked = selection && selection.length > 0 ? selection : node ? [node] : view.selection;
  return picked.flatMap((n) => (n.kind === 'run' ? [n.run] : n.runs));
}

export interface RunsViewDeps {
  store: RunStore;
  runs: RunManager;
  /** Where a model file's data paths are relative to (HostPlatform.baseDirOf). */
  baseDirOf(uri: vscode.Uri): string | null;
  /** Shows stored runs in a model file's panel, overlaid. */
  show(runs: StoredRun[]): Promise<void>;
  /** Inspect Sample… with a kept run's weights. */
  inspect(run: StoredRun): Promise<unknown>;
}

/** The Runs view and its commands. */
export function registerRunsView(deps: RunsViewDeps): { tree: RunsTree; disposables: vscode.Disposable[] } {
  const { store, runs } = deps;
  const tree = new RunsTree(store);
  const view = vscode.window.createTreeView('trainlens.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const disposables: vscode.Disposable[] = [view];
  const command = (id: string, fn: (node?: RunsNode, selection?: RunsNode[]) => unknown): void => {
    disposables.push(vscode.commands.registerCommand(id, fn));
  };

  command('trainlens.runs.refresh', () => tree.refresh());
  command('trainlens.runs.show', (node, selection) => {
    const picked = targetRuns(node, selection, view);
    if (picked.length > 0) return deps.show(picked);
  });
  command('trainlens.runs.inspect', (node, selection) => {
    const [run] = targetRuns(node, selection, view);
    if (run) return deps.inspect(run);
  });
  command('trainlens.runs.rename', async (node, selection) => {
    const [run] = targetRuns(node, selection, view);
    if (!run) return;
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Rename Run'), value: run.name || runLabel(run), prompt: vscode.l10n.t('A name for this run in the Runs view'),
    });
    if (name === undefined) return;
    await store.update(run.runId, { name: name.trim() });
    tree.refresh();
  });
  command('trainlens.runs.delete', async (node, selection) => {
    const picked = targetRuns(node, selection, view).filter((r) => r.status !== 'running');
    if (picked.length === 0) return;
    const message = picked.length === 1
      ? vscode.l10n.t('Delete the run "{0}"? Its metrics and weights are removed from disk.', runLabel(picked[0]))
      : vscode.l10n.t('Delete {0} runs? Their metrics and weights are removed from disk.', picked.length);
    const yes = vscode.l10n.t('Delete');
    if (await vscode.window.showWarningMessage(message, { modal: true }, yes) !== yes) return;
    await Promise.all(picked.map((r) => store.delete(r.runId)));
    tree.refresh();
  });
  command('trainlens.runs.rerun', async (node, selection) => {
    const [run] = targetRuns(node, selection, view);
    if (!run || !requireTrust(vscode.l10n.t('Training'))) return;
    const baseDir = deps.baseDirOf(vscode.Uri.parse(run.source));
    // The stored spec, seed included: the same data, init, batch order and dropout masks.
    runs.start(run.source, run.title, run.spec, baseDir);
  });
  /** Asks where to save a file about a run (next to the workspace by default); the text is made only then. */
  const saveRunFile = async (node: RunsNode | undefined, selection: RunsNode[] | undefined, ext: string, title: string, text: (run: StoredRun) => Promise<string>): Promise<void> => {
    const [run] = targetRuns(node, selection, view);
    if (!run) return;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const defaultUri = folder ? vscode.Uri.joinPath(folder.uri, `${(run.name || run.runId).replace(/[^\w.-]+/g, '_')}.${ext}`) : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri, filters: { [ext.toUpperCase()]: [ext] }, title });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(await text(run)));
  };
  command('trainlens.runs.exportCsv', (node, selection) =>
    saveRunFile(node, selection, 'csv', vscode.l10n.t('Export Metrics as CSV'), async (run) => metricsCsv(await store.history(run.runId))));
  command('trainlens.runs.exportWeights', (node, selection) =>
    saveRunFile(node, selection, 'json', vscode.l10n.t('Export Weights as JSON'),
      async (run) => weightsJson((await store.loadWeights(run.runId)).map((w) => ({ name: w.name, shape: w.shape, data: w.values })))));
  return { tree, disposables };
}
