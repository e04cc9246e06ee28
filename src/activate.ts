import * as vscode from 'vscode';
import { RunManager } from './training/runs';
import { ThreadBudget } from './training/thread-budget';
import { ModelDocuments, MODEL_SELECTOR, isModelDocument, memoryLimitBytes, useDocumentPlatform } from './editor/models';
import { ModelDiagnostics } from './editor/language/diagnostics';
import { ModelCodeLens } from './editor/views/codelens';
import { TrainingStatusBar } from './editor/views/statusbar';
import { LayerHealthDecorations } from './editor/views/decorations';
import { registerCommands } from './editor/commands/commands';
import { registerHover } from './editor/language/hover';
import { registerCompletion } from './editor/language/completion';
import { registerQuickFixes } from './editor/language/quickfix';
import { DoctorDiagnostics } from './editor/language/doctor-actions';
import { registerTemplates } from './editor/commands/templates';
import { ChartsPanels, ChartsPanelSerializer, PANEL_VIEW_TYPE } from './panel/panels';
import { setUpCircuitPanels, type CircuitPanels } from './panel/circuit-panels';
import { registerCircuitCommands } from './editor/commands/circuit';
import { configureModelL10n } from './editor/l10n';
import type { RunsTree } from './editor/views/runs-view';
import type { RunStore } from './runs/store';
import { setUpKeptRuns } from './editor/kept-runs';
import { registerRunNotices } from './editor/views/run-notices';
import { setUpChecks } from './editor/checks-setup';
import type { CheckRuns } from './training/check-runs';
import type { CheckMarks } from './editor/views/check-marks';
import { InspectController } from './panel/inspect-host';
import { registerInspectCommands } from './editor/commands/inspect';
import { registerLandscape } from './editor/commands/landscape';
import { hasLandscape, type LandscapeHost } from './panel/landscape-host';
import { isSurfaceSource, surfaceNotices } from './editor/commands/context';
import type { HostPlatform } from './platform/host';

/** What activation returns: the live objects, for the integration tests. */
export interface TrainLensApi {
  runs: RunManager;
  charts: ChartsPanels;
  models: ModelDocuments;
  /** Kept runs, and the Runs view over them. */
  store: RunStore;
  /** Sanity checks and range tests, and their marks in the editor. */
  checks: CheckRuns;
  checkMarks: CheckMarks;
  runsTree: RunsTree;
  /** The Inspect tab's samples. */
  inspector: InspectController;
  /** The circuit panels of circuit files. */
  circuits: CircuitPanels;
  /** Show Loss Landscape's computations. */
  landscape: LandscapeHost;
  /** The "needs a network; … is a surface" notices shown so far, newest last (at most 100). */
  surfaceNotices: readonly string[];
}

/** Threads for the runs' kernels: the trainlens.threads setting, 0 (the default) meaning one per core. */
function threadsSetting(cores: number): number {
  const n = vscode.workspace.getConfiguration('trainlens').get<number>('threads') ?? 0;
  return n >= 1 ? Math.min(16, Math.floor(n)) : cores;
}

/**
 * The `when` contexts of the editor's title and palette: whether the active model file trains,
 * is paused, is a surface (whose menus leave out what needs a network), whether anything trains,
 * whether there has been a run. Updated as runs change and as the active file is edited.
 */
function trackRunContext(runs: RunManager, models: ModelDocuments): vscode.Disposable {
  let surface: boolean | undefined;
  const updateSurface = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const now = doc !== undefined && isModelDocument(doc) && isSurfaceSource(models.get(doc));
    if (now === surface) return;
    surface = now;
    void vscode.commands.executeCommand('setContext', 'trainlens.activeSurface', now);
  };
  const updateContext = (): void => {
    updateSurface();
    const doc = vscode.window.activeTextEditor?.document;
    const run = doc && isModelDocument(doc) ? runs.get(doc.uri.toString()) : undefined;
    void vscode.commands.executeCommand('setContext', 'trainlens.activeTraining', run?.running ?? false);
    void vscode.commands.executeCommand('setContext', 'trainlens.activePaused', (run?.running && run.paused) ?? false);
    void vscode.commands.executeCommand('setContext', 'trainlens.anyTraining', runs.anyRunning);
    void vscode.commands.executeCommand('setContext', 'trainlens.hasRun', runs.latest !== undefined);
    void vscode.commands.executeCommand('setContext', 'trainlens.activeLandscape', hasLandscape(run));
  };
  let lastPaused = false;
  const runEvents = runs.onEvent((e) => {
    if (e.type === 'progress') {
      if (e.session.paused === lastPaused) return;
      lastPaused = e.session.paused;
    }
    updateContext();
  });
  updateContext();
  const edits = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document === vscode.window.activeTextEditor?.document) updateSurface();
  });
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(updateContext), edits, { dispose: () => runEvents.dispose() });
}

/**
 * Activates TrainLens on a platform: Node's extension host (src/extension.ts) or a browser's web
 * worker extension host (src/web/extension.ts). Everything that differs between them comes from
 * `platform`: the workers, where data paths are relative to and how they are checked, where kept
 * runs are written, environment variables.
 */
export function activateWith(context: vscode.ExtensionContext, platform: HostPlatform): TrainLensApi {
  // Before anything reads a model file: its problems are reported in the display language, its
  // data paths resolved and checked as the platform does.
  configureModelL10n();
  useDocumentPlatform(platform);
  // Each worker refuses data over the memory limit setting as it reads the headers, and says
  // what goes wrong in the display language.
  // The cores (trainlens.threads) divided between the runs training at once; a change of the
  // setting gives runs already training their new share (same results, another speed).
  const budget = new ThreadBudget(threadsSetting(platform.cores));
  const runs = new RunManager(platform, { memoryLimit: memoryLimitBytes, l10n: () => vscode.l10n.bundle, threads: budget });
  const threadsListener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('trainlens.threads')) budget.setTotal(threadsSetting(platform.cores));
  });
  const models = new ModelDocuments();
  const charts = new ChartsPanels(context.extensionUri, runs);
  // Circuit files (`circuit:`): their panel, redrawn as the user types, and back after a reload.
  const circuits = setUpCircuitPanels(context, models);
  registerCircuitCommands(context, models, circuits);
  const codeLens = new ModelCodeLens(models, runs);
  // The Inspect tab: a model file's spec as its editor holds it now, for samples inspected without a run.
  const inspector = new InspectController(runs, charts, (source) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source);
    return doc ? models.get(doc).spec : undefined;
  });
  const checks = setUpChecks(platform, { models, runs, charts });
  const { store, runsView, recorder } = setUpKeptRuns(context, platform, runs, charts, inspector);
  // Show Loss Landscape: a worker of its own per request, its state sent to the file's panel.
  const landscape = registerLandscape(context, { models, runs, charts }, platform);

  context.subscriptions.push(
    models,
    new ModelDiagnostics(models),
    threadsListener,
    codeLens,
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, codeLens),
    new TrainingStatusBar(runs),
    registerRunNotices(runs),
    new LayerHealthDecorations(models, runs),
    charts,
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, new ChartsPanelSerializer(charts)),
    trackRunContext(runs, models),
    // Before the runs stop: what is still training is kept as interrupted, not as stopped.
    recorder,
    { dispose: () => runs.stopAll() },
    ...registerCommands({ models, runs, charts }),
    inspector,
    ...registerInspectCommands({ models, runs, charts, inspector }),
    ...checks.disposables,
    registerHover(models),
    registerCompletion(),
    registerQuickFixes(models),
    new DoctorDiagnostics(models, runs),
    ...registerTemplates(context.extensionUri),
    ...runsView.disposables,
  );
  // (The Node entry then removes the variable, so nothing started later sees it.)
  const autoTrainFile = platform.env('TRAINLENS_AUTOTRAIN');
  if (autoTrainFile) {
    autoTrain(autoTrainFile).catch((e) => void vscode.window.showErrorMessage(
      vscode.l10n.t('TrainLens: could not train {0}: {1}', autoTrainFile, e instanceof Error ? e.message : String(e))));
  }
  return { runs, charts, models, store, runsTree: runsView.tree, checks: checks.runs, checkMarks: checks.marks, inspector, circuits, landscape, surfaceNotices };
}

/** `npm run train` opens VS Code with TRAINLENS_AUTOTRAIN naming the example to train at once. */
async function autoTrain(file: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('trainlens.train', doc.uri);
}
