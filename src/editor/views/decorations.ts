import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import type { LayerStats } from '../../training/protocol';
import { healthAdvice, healthNote, layerHealth, sparkline, fmt, type Health } from './health';
import { isModelDocument, MODEL_SELECTOR, type ModelDocuments } from '../models';

const COLORS: Record<Health, string> = { good: 'charts.green', warn: 'charts.yellow', bad: 'charts.red' };

/**
 * At the end of each layer line, that layer's health now (activation mean/std, dead or saturated
 * fraction, gradient norm, update ratio), coloured by cs231n's rules of thumb; a hover shows its
 * histogram. Redrawn at most a few times a second.
 */
export class LayerHealthDecorations implements vscode.Disposable, vscode.HoverProvider {
  private readonly types: Record<Health, vscode.TextEditorDecorationType>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly models: ModelDocuments, private readonly runs: RunManager, private readonly minIntervalMs = 400) {
    const make = (h: Health): vscode.TextEditorDecorationType => vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor(COLORS[h]), margin: '0 0 0 2.5em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.types = { good: make('good'), warn: make('warn'), bad: make('bad') };
    const runEvents = runs.onEvent((e) => {
      if (e.type === 'progress' || e.type === 'created' || e.type === 'status') this.schedule();
    });
    this.subscriptions.push(
      { dispose: () => runEvents.dispose() },
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => { if (isModelDocument(e.document)) this.schedule(); }),
      vscode.languages.registerHoverProvider(MODEL_SELECTOR, this),
    );
  }

  /** Layer stats of a document's run, by model-file layer index. */
  private statsFor(doc: vscode.TextDocument): Map<number, LayerStats> | undefined {
    const run = this.runs.get(doc.uri.toString());
    const stats = run?.latestStats;
    if (!run || !stats) return undefined;
    const byIndex = new Map<number, LayerStats>();
    stats.layers.forEach((l, i) => byIndex.set(run.info.layers[i]?.index ?? i, l));
    return byIndex;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, this.minIntervalMs);
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (!isModelDocument(editor.document)) continue;
      const byHealth: Record<Health, vscode.DecorationOptions[]> = { good: [], warn: [], bad: [] };
      const stats = this.statsFor(editor.document);
      const ranges = this.models.get(editor.document).ranges.layers;
      if (stats) {
        ranges.forEach((r, i) => {
          const l = stats.get(i);
          if (!l) return;
          const line = editor.document.positionAt(r[0]).line;
          const end = editor.document.lineAt(line).range.end;
          byHealth[layerHealth(l)].push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: healthNote(l) } } });
        });
      }
      for (const h of ['good', 'warn', 'bad'] as const) editor.setDecorations(this.types[h], byHealth[h]);
    }
  }

  /** Hovering a layer line: its histogram and what the figures say. */
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const stats = this.statsFor(doc);
    if (!stats) return undefined;
    const ranges = this.models.get(doc).ranges.layers;
    const index = ranges.findIndex((r) => doc.positionAt(r[0]).line === position.line);
    const l = index >= 0 ? stats.get(index) : undefined;
    if (!l) return undefined;
    const step = this.runs.get(doc.uri.toString())?.latestStats?.step ?? 0;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`${vscode.l10n.t('**{0}** — at step {1}', l.name, step)}\n\n`);
    md.appendCodeblock(`${sparkline(l.hist.counts)}\n${fmt(l.hist.edges[0])}${' '.repeat(Math.max(1, l.hist.counts.length - fmt(l.hist.edges[0]).length - fmt(l.hist.edges[l.hist.edges.length - 1]).length))}${fmt(l.hist.edges[l.hist.edges.length - 1])}`, 'text');
    md.appendMarkdown(`${healthNote(l)}\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('Activations over the probe set (the same training samples at every step, eval mode); ‖∇W‖ and ΔW/W from the step\'s mini-batch.')}\n\n`);
    for (const a of healthAdvice(l)) md.appendMarkdown(`- ${a}\n`);
    return new vscode.Hover(md);
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const t of Object.values(this.types)) t.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
