import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';

/**
 * The model reader (src/model) says its problems with `@vscode/l10n`, since the CLI and the worker
 * run it outside VS Code (in English: nothing configures it there). In the extension it speaks the
 * display language: its bundle is the extension's own, which VS Code has loaded for `vscode.l10n`.
 */
export function configureModelL10n(): void {
  const bundle = vscode.l10n.bundle;
  if (bundle) l10n.config({ contents: bundle });
}

/**
 * Runs `fn` with the model reader in English: the quick fixes read the reader's messages (the
 * numbers and names they quote), which they do in English whatever the display language.
 */
export function inEnglish<T>(fn: () => T): T {
  const bundle = vscode.l10n.bundle;
  if (!bundle) return fn();
  l10n.config({ contents: {} });
  try {
    return fn();
  } finally {
    l10n.config({ contents: bundle });
  }
}
