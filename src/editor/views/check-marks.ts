import * as vscode from 'vscode';
import type { CheckRuns, ChecksEvent } from '../../training/check-runs';
import type { SanityReport } from '../../engine/sanity-types';
import type { ModelDocuments } from '../models';
import { targetSpan } from '../language/check-targets';
import { writtenLr } from '../../training/lr-suggestion';

/** Where the sanity checks' diagnostics come from (the Problems view's source column). */
export const SANITY_SOURCE = 'TrainLens sanity';

interface Marks {
  /** The document version the marks were made for: any edit clears them. */
  version: number;
  sanity?: { passed: number; total: number };
  /** The range test's suggestion, as it would be written. */
  lr?: number;
}

/**
 * What the last sanity check and range test say, on the model file's lines: each failed check as a
 * warning on the line its target names, "Sanity: 4/5 passed" over the model, and "Use lr …" over
 * `lr:`. Cleared when the file changes, and when a new check of the same kind starts.
 */
export class CheckMarks implements vscode.CodeLensProvider, vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('trainlens-sanity');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly marks = new Map<string, Marks>();
  /** The document version each running check started from (a result for an edited file is not marked). */
  private readonly startedAt = new Map<string, number>();
  private readonly subscriptions: Array<{ dispose(): void }>;

  constructor(private readonly models: ModelDocuments, checks: CheckRuns) {
    this.subscriptions = [
      checks.onEvent((e) => this.onCheck(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.clear(e.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri.toString())),
    ];
  }

  private document(source: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === source);
  }

  private onCheck(e: ChecksEvent): void {
    if (e.type === 'lrPoint') return;
    const doc = this.document(e.source);
    if (!doc) return;
    const key = `${e.type} ${e.source}`;
    if (e.state.state === 'running') {
      this.startedAt.set(key, doc.version);
      this.update(doc, e.type === 'sanity' ? { sanity: undefined } : { lr: undefined });
      if (e.type === 'sanity') this.diagnostics.delete(doc.uri);
      return;
    }
    const started = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (e.state.state !== 'done' || started !== doc.version) return;
    if (e.type === 'sanity' && e.state.report) {
      const checks = e.state.report.checks;
      this.diagnostics.set(doc.uri, this.sanityDiagnostics(doc, e.state.report));
      this.update(doc, { sanity: { passed: checks.filter((c) => c.pass).length, total: checks.length } });
    } else if (e.type === 'lrFind' && e.state.result?.suggestion) {
      this.update(doc, { lr: writtenLr(e.state.result.suggestion.lr) });
    }
  }

  private update(doc: vscode.TextDocument, change: Partial<Marks>): void {
    const key = doc.uri.toString();
    const old = this.marks.get(key);
    this.marks.set(key, { ...(old?.version === doc.version ? old : {}), ...change, version: doc.version });
    this.changed.fire();
  }

  /** One warning per failed check, on its target's line: the check's name and advice. */
  sanityDiagnostics(doc: vscode.TextDocument, report: SanityReport): vscode.Diagnostic[] {
    const ranges = this.models.get(doc).ranges;
    return report.checks.filter((c) => !c.pass).map((c) => {
      const [start, end] = targetSpan(doc.getText(), ranges, c.target);
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(start), doc.positionAt(end)), `${c.name}: ${c.advice}`, vscode.DiagnosticSeverity.Warning);
      d.source = SANITY_SOURCE;
      d.code = c.name;
      return d;
    });
  }

  private clear(source: string): void {
    const had = this.marks.delete(source);
    this.diagnostics.delete(vscode.Uri.parse(source));
    if (had) this.changed.fire();
  }

  /** The last range test's suggestion (as written), while the file is unchanged since it ran. */
  suggestedLr(doc: vscode.TextDocument): number | undefined {
    const m = this.marks.get(doc.uri.toString());
    return m?.version === doc.version ? m.lr : undefined;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const m = this.marks.get(doc.uri.toString());
    if (!m || m.version !== doc.version) return [];
    const source = this.models.get(doc);
    const lenses: vscode.CodeLens[] = [];
    if (m.sanity) {
      const line = doc.positionAt(source.ranges.firstKey[0]).line;
      const { passed, total } = m.sanity;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: `${passed === total ? '$(pass)' : '$(warning)'} ${vscode.l10n.t('Sanity: {0}/{1} passed', passed, total)}`,
        command: 'trainlens.showChecks', arguments: [doc.uri], tooltip: vscode.l10n.t('Show the sanity checks in the panel\'s Checks tab'),
      }));
    }
    if (m.lr !== undefined) {
      const [start] = targetSpan(doc.getText(), source.ranges, { key: 'lr' });
      const line = doc.positionAt(start).line;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: `$(lightbulb) ${vscode.l10n.t('Use lr {0} (range test)', m.lr)}`,
        command: 'trainlens.useLr', arguments: [doc.uri, m.lr],
        tooltip: vscode.l10n.t('Set the optimizer\'s learning rate to the range test\'s suggestion (undoable)'),
      }));
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}
