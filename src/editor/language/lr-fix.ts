import * as vscode from 'vscode';
import { learningRateEdits } from '../commands/lr-edit';
import { targetSpan } from './check-targets';
import type { ModelDocuments } from '../models';

/**
 * After a range test: "Use lr … (range test)" as a quick fix on the `lr:` line (the sanity
 * warnings there, update-ratio and overfit-small, name it as their fix), one undoable edit.
 */
export class SuggestedLrFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  /** suggested(doc): the range test's lr as it would be written, while the file is unchanged since. */
  constructor(private readonly models: ModelDocuments, private readonly suggested: (doc: vscode.TextDocument) => number | undefined) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const lr = this.suggested(doc);
    const spec = this.models.get(doc).spec;
    if (lr === undefined || !spec) return [];
    const [start] = targetSpan(doc.getText(), this.models.get(doc).ranges, { key: 'lr' });
    const line = doc.positionAt(start).line;
    if (range.start.line > line || range.end.line < line) return [];
    const edits = learningRateEdits(doc.getText(), lr, spec.optimizer.type);
    if (!edits) return [];
    const action = new vscode.CodeAction(vscode.l10n.t('Use lr {0} (range test)', lr), vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    for (const e of edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
    action.diagnostics = context.diagnostics.filter((d) => d.range.start.line === line && (d.code === 'update-ratio' || d.code === 'overfit-small'));
    return [action];
  }
}
