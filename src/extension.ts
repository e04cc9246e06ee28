import * as vscode from 'vscode';
import * as path from 'node:path';
import { RunManager } from './training/runs';
import { ModelDocuments, MODEL_SELECTOR, isModelDocument } from './editor/models';
import { ModelDiagnostics } from './editor/diagnostics';
import { ModelCodeLens } from './editor/codelens';
import { TrainingStatusBar } from './editor/statusbar';
import { LayerHealthDecorations } from './editor/decorations';
import { registerCommands } from './editor/commands';
import { registerHover } from './editor/hover';
import { registerCompletion } from './editor/completion';
import { registerQuickFixes } from './editor/quickfix';
import { registerTemplates } from './editor/templates';
import { ChartsPanels, ChartsPanelSerializer, PANEL_VIEW_TYPE } from './panel/panels';
import { configureModelL10n } from './editor/l10n';

/** What activate() returns: the live objects, for the integration tests. */
export interface TrainLensApi {
  runs: RunManager;
  charts: ChartsPanels;
  models: ModelDocuments;
}

export function activate(context: vscode.ExtensionContext): TrainLensApi {
  // Before anything reads a model file: its problems are reported in the display language.
  configureModelL10n();
  // dist/extension.js and dist/worker.js sit side by side.
  const runs = new RunManager(path.join(__dirname, 'worker.js'));
  const models = new ModelDocuments();
  const charts = new ChartsPanels(context.extensionUri, runs);
  const codeLens = new ModelCodeLens(models, runs);

  const updateContext = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const run = doc && isModelDocument(doc) ? runs.get(doc.uri.toString()) : undefined;
    void vscode.commands.executeCommand('setContext', 'trainlens.activeTraining', run?.running ?? false);
    void vscode.commands.executeCommand('setContext', 'trainlens.activePaused', (run?.running && run.paused) ?? false);
    void vscode.commands.executeCommand('setContext', 'trainlens.anyTraining', runs.anyRunning);
    void vscode.commands.executeCommand('setContext', 'trainlens.hasRun', runs.latest !== undefined);
  };
  let lastPaused = false;
  const runEvents = runs.onEvent((e) => {
    if (e.type === 'progress') {
      if (e.session.paused === lastPaused) return;
      lastPaused = e.session.paused;
    }
    updateContext();
  });

  context.subscriptions.push(
    new ModelDiagnostics(models),
    codeLens,
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, codeLens),
    new TrainingStatusBar(runs),
    new LayerHealthDecorations(models, runs),
    charts,
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, new ChartsPanelSerializer(charts)),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    { dispose: () => runEvents.dispose() },
    { dispose: () => runs.stopAll() },
    ...registerCommands({ models, runs, charts }),
    registerHover(),
    registerCompletion(),
    registerQuickFixes(models),
    ...registerTemplates(context.extensionUri),
  );
  updateContext();
  const autoTrainFile = process.env.TRAINLENS_AUTOTRAIN;
  if (autoTrainFile) {
    delete process.env.TRAINLENS_AUTOTRAIN;
    autoTrain(autoTrainFile).catch((e) => void vscode.window.showErrorMessage(
      vscode.l10n.t('TrainLens: could not train {0}: {1}', autoTrainFile, e instanceof Error ? e.message : String(e))));
  }
  return { runs, charts, models };
}

export function deactivate(): void {
  // Runs are stopped by the disposables registered in activate().
}

/** `npm run train` opens VS Code with TRAINLENS_AUTOTRAIN naming the example to train at once. */
async function autoTrain(file: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('trainlens.train', doc.uri);
}
