import * as vscode from 'vscode';

/**
 * Reading data files and training need a trusted workspace; in an untrusted one TrainLens still
 * parses, validates and explains model files. Returns whether `what` may go ahead, after telling
 * the user why not (with a way to trust the workspace).
 */
export function requireTrust(what: string, trusted = vscode.workspace.isTrusted): boolean {
  if (trusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(
    vscode.l10n.t('TrainLens: {0} reads data files and runs training code, so it needs a trusted workspace. Model files are still checked as you type.', what),
    manage,
  ).then((answer) => {
    if (answer === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
