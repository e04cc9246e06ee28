import * as vscode from 'vscode';
import type { RunManager, RunsEvent } from '../../training/runs';
import type { TrainingSession } from '../../training/session';
import type { Finding, FindingCode } from '../../training/doctor-types';
import { doctorLayers } from '../../training/doctor';
import { fixTitle } from '../../training/doctor-fix';
import { MODEL_SELECTOR, type ModelDocuments } from '../models';
import { targetSpan } from './check-targets';
import { doctorFixEdits } from './doctor-edits';

/** Where the training doctor's diagnostics come from (the Problems view's source column). */
export const DOCTOR_SOURCE = 'TrainLens doctor';
/** Applies a finding's first fix to its model file: (uri, runId, code, layer); the panel's button. */
export const APPLY_FIX_COMMAND = 'trainlens.applyDoctorFix';

interface Shown {
  /** The run the findings are of, and its model as JSON (they hold while the file gives this model). */
  session: TrainingSession;
  spec: string;
}

/**
 * The training doctor in the editor: the findings of each model file's latest run as diagnostics
 * on the lines they point at (hint or warning), with quick fixes that edit the file undoably.
 * They hold while the file gives the model that run trained: an edit that changes the model (a
 * fix applied, any setting changed) clears them, one that does not (a comment, blank lines) only
 * moves them with their lines; a new run of the file clears them too, until its own findings come.
 */
export class DoctorDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  readonly diagnostics = vscode.languages.createDiagnosticCollection('trainlens-doctor');
  private readonly shown = new Map<string, Shown>();
  private readonly subscriptions: Array<{ dispose(): void }>;

  constructor(private readonly models: ModelDocuments, private readonly runs: RunManager) {
    this.subscriptions = [
      runs.onEvent((e) => this.onRun(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.refresh(e.document);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
      vscode.languages.registerCodeActionsProvider(MODEL_SELECTOR, this, DoctorDiagnostics.metadata),
      vscode.commands.registerCommand(APPLY_FIX_COMMAND, (uri: unknown, runId: unknown, code: unknown, layer: unknown) => this.applyFirst(uri, runId, code, layer)),
    ];
  }

  private onRun(e: RunsEvent): void {
    if (e.type !== 'created' && e.type !== 'findings') return;
    const s = e.session;
    const source = s.info.source;
    if (s.info.variant || this.runs.get(source) !== s) return;
    this.shown.set(source, { session: s, spec: JSON.stringify(s.spec) });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source);
    if (doc) this.refresh(doc);
  }

  /** The findings that hold for the document as it is now (none once its model differs from the run's). */
  findingsOf(doc: vscode.TextDocument): Finding[] {
    const shown = this.shown.get(doc.uri.toString());
    if (!shown) return [];
    const spec = this.models.get(doc).spec;
    return spec && JSON.stringify(spec) === shown.spec ? shown.session.findings : [];
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!this.shown.has(doc.uri.toString())) return;
    const findings = this.findingsOf(doc);
    if (findings.length === 0) {
      this.diagnostics.delete(doc.uri);
      return;
    }
    const text = doc.getText();
    const ranges = this.models.get(doc).ranges;
    this.diagnostics.set(doc.uri, findings.map((f) => {
      const [start, end] = targetSpan(text, ranges, f.target);
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(start), doc.positionAt(end)), `${f.code}: ${f.message}`,
        f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Hint);
      d.source = DOCTOR_SOURCE;
      d.code = f.code;
      return d;
    }));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) return [];
    const findings = this.findingsOf(doc);
    const spec = this.models.get(doc).spec;
    if (!spec) return [];
    const now = { lr: spec.optimizer.lr, l2: spec.train.l2, layers: doctorLayers(spec) };
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DOCTOR_SOURCE) continue;
      const f = findings.find((x) => `${x.code}: ${x.message}` === d.message);
      f?.fixes.forEach((fix, k) => {
        const edits = doctorFixEdits(doc.getText(), fix);
        if (!edits) return;
        const action = new vscode.CodeAction(fixTitle(fix, now), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = k === 0;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
        actions.push(action);
      });
    }
    return actions;
  }

  /** The panel's button: the first fix of the run's finding with this code and layer, as one undoable edit. */
  private async applyFirst(uri: unknown, runId: unknown, code: unknown, layer: unknown): Promise<boolean> {
    if (!(uri instanceof vscode.Uri)) return false;
    const doc = await vscode.workspace.openTextDocument(uri);
    const shown = this.shown.get(doc.uri.toString());
    const f = shown?.session.runId === runId ? this.findingsOf(doc).find((x) => x.code === (code as FindingCode) && x.layer === layer) : undefined;
    const edits = f?.fixes[0] ? doctorFixEdits(doc.getText(), f.fixes[0]) : undefined;
    if (!edits) {
      void vscode.window.showWarningMessage(vscode.l10n.t('TrainLens: this fix no longer applies to {0} (the file changed since the run, or it cannot be edited automatically).', uri.path.split('/').pop() ?? ''));
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
    return vscode.workspace.applyEdit(edit);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
  }
}
