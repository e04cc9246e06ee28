import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import type { TrainingSession } from '../../training/session';
import { lowerLearningRate } from '../../engine/divergence';

/**
 * A run that fails tells the user where they are, whatever they are looking at: its reason (a
 * data file's row, the step and layer where training diverged, a worker that died), with the
 * charts one click away and, after a divergence, a retry at a tenth of the learning rate.
 * Variants of a comparison report in the comparison's own progress and overlay list instead.
 */
export function registerRunNotices(runs: RunManager, notify = showNotice): vscode.Disposable {
  const sub = runs.onEvent((e) => {
    if (e.type === 'status' && e.session.status === 'failed' && !e.session.info.variant) void notify(e.session);
  });
  return { dispose: () => sub.dispose() };
}

/** The notification's text and buttons for a failed run. */
export function failureNotice(s: TrainingSession): { message: string; retry?: { label: string; lr: number }; show: string } {
  const d = s.divergence;
  const lr = d ? lowerLearningRate(d.lr) : undefined;
  return {
    message: vscode.l10n.t('TrainLens: {0}: {1}', s.info.title, s.error ?? vscode.l10n.t('unknown error')),
    retry: lr !== undefined && lr > 0 ? { label: vscode.l10n.t('Train Again with lr {0}', lr), lr } : undefined,
    show: vscode.l10n.t('Show Charts'),
  };
}

async function showNotice(s: TrainingSession): Promise<void> {
  const n = failureNotice(s);
  const uri = vscode.Uri.parse(s.info.source);
  const choice = await vscode.window.showErrorMessage(n.message, ...(n.retry ? [n.retry.label] : []), n.show);
  if (choice === n.show) await vscode.commands.executeCommand('trainlens.showPanel', uri);
  else if (n.retry && choice === n.retry.label) await vscode.commands.executeCommand('trainlens.lowerLearningRate', uri, n.retry.lr);
}
