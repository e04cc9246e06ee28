import * as vscode from 'vscode';
import type { RunManager } from '../../training/runs';
import { describeRun } from './format';
import { describeInit } from '../../training/session';
import { compareOf } from '../../model/variants';
import type { ModelDocuments } from '../models';
import type { CircuitGraph } from '../../engine/circuit/types';
import { isSurfaceSource } from '../commands/context';
import { describeSurfaceRun } from './surface-text';
import type { TrainingSession } from '../../training/session';

/**
 * Over the model: Train (or Pause / Resume, Step, Stop while training), Gradient check, Charts and
 * the run's live or final figures. The icons are codicons, which every VS Code font setup draws
 * (⏸ and ⏹ are missing from many Linux fonts). Over `optimizer:` and `init:`: the current value and
 * Swap…
 */
export class ModelCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };
  private pending: NodeJS.Timeout | undefined;
  private lastFire = 0;

  constructor(private readonly models: ModelDocuments, private readonly runs: RunManager, private readonly minIntervalMs = 500) {
    this.subscription = runs.onEvent((e) => {
      if (e.type === 'progress') {
        // Pausing changes the buttons: redraw at once; otherwise at most twice a second.
        if (e.session.paused !== this.lastPaused.get(e.session.runId)) this.refreshSoon(0);
        else this.refreshSoon(this.minIntervalMs);
        this.lastPaused.set(e.session.runId, e.session.paused);
      } else if (e.type !== 'gradcheck') {
        this.refreshSoon(0);
      }
    });
  }

  private readonly lastPaused = new Map<string, boolean>();

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const source = this.models.get(doc);
    const at = (offset: number): vscode.Range => {
      const line = doc.positionAt(offset).line;
      return new vscode.Range(line, 0, line, 0);
    };
    const top = at(source.ranges.firstKey[0]);
    const uri = doc.uri;
    const run = this.runs.get(uri.toString());
    const lens = (range: vscode.Range, title: string, command: string, tooltip?: string, ...args: unknown[]): vscode.CodeLens =>
      new vscode.CodeLens(range, { title, command, arguments: [uri, ...args], tooltip });
    if (source.circuit) return circuitLenses(source.circuit.graph, source.ranges.circuit ? at(source.ranges.circuit[0]) : top, lens);
    const optimizerLens = (): vscode.CodeLens => {
      const name = source.spec?.optimizer.type ?? '?';
      return lens(source.ranges.optimizer ? at(source.ranges.optimizer[0]) : top,
        source.ranges.optimizer ? vscode.l10n.t('optimizer: {0} · Swap…', name) : vscode.l10n.t('optimizer: {0} (default) · Swap…', name),
        'trainlens.swapOptimizer',
        run?.running ? vscode.l10n.t('Pick another update rule (training goes on from the same weights)') : vscode.l10n.t('Pick another update rule'));
    };
    if (isSurfaceSource(source)) {
      const at0 = source.ranges.surface ? at(source.ranges.surface[0]) : top;
      return [...surfaceLenses(at0, run, lens, source.spec?.compare !== undefined), optimizerLens()];
    }
    const lenses = runLenses(top, run, lens);
    lenses.push(lens(top, `$(split-horizontal) ${vscode.l10n.t('Compare…')}`, 'trainlens.compare', source.spec?.compare && compareOf(source.spec.compare)
      ? vscode.l10n.t('Train one variant per value of this file\'s compare: section, from the same seed, overlaid')
      : vscode.l10n.t('Train variants of this model (optimizer, init, learning rate, activation, loss) from the same seed, overlaid')));
    lenses.push(lens(top, `$(settings) ${vscode.l10n.t('Tune…')}`, 'trainlens.tune', source.spec?.tune
      ? vscode.l10n.t('Random search over this file\'s tune: ranges; each trial is a run, shown in the panel\'s Tune tab')
      : vscode.l10n.t('Random search over lr, l2 and more, picked from a list (cs231n: coarse to fine)')));
    lenses.push(lens(top, `$(beaker) ${vscode.l10n.t('Gradient check')}`, 'trainlens.gradcheck', vscode.l10n.t('Check every parameter\'s gradient against centered differences, in float64')));
    lenses.push(lens(top, `$(checklist) ${vscode.l10n.t('Sanity check')}`, 'trainlens.sanity', vscode.l10n.t('cs231n\'s checks before training: initial loss, regularization, overfitting 20 samples, gradients, update ratios')));
    lenses.push(lens(top, `$(graph) ${vscode.l10n.t('Find lr')}`, 'trainlens.lrFind', vscode.l10n.t('The learning-rate range test: loss against an exponentially growing lr, and a suggested lr')));
    lenses.push(lens(top, `$(graph-line) ${vscode.l10n.t('Charts')}`, 'trainlens.showPanel', vscode.l10n.t('Show the loss, gradient-flow, activation and update charts')));
    if (run) lenses.push(lens(top, describeRun(run), 'trainlens.showPanel'));

    const spec = source.spec;
    const initName = spec ? describeInit(spec) : '?';
    const initRange = source.ranges.init ? at(source.ranges.init[0]) : top;
    lenses.push(optimizerLens());
    lenses.push(lens(initRange,
      source.ranges.init ? vscode.l10n.t('init: {0} · Swap…', initName) : vscode.l10n.t('init: {0} (default) · Swap…', initName),
      'trainlens.swapInit',
      run?.running ? vscode.l10n.t('Pick another init scheme; training restarts from new weights') : vscode.l10n.t('Pick another init scheme')));
    return lenses;
  }

  private refreshSoon(minInterval: number): void {
    if (this.pending) {
      if (minInterval > 0) return;
      clearTimeout(this.pending);
    }
    const wait = Math.max(0, this.lastFire + minInterval - Date.now());
    // Fired from a timer even when due now: VS Code drops a refresh fired synchronously inside the
    // command that a CodeLens click started.
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastFire = Date.now();
      this.changed.fire();
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

type Lens = (range: vscode.Range, title: string, command: string, tooltip?: string) => vscode.CodeLens;

/** Train, or while training Pause (Resume and Step when paused) and Stop. */
function runLenses(range: vscode.Range, run: TrainingSession | undefined, lens: Lens): vscode.CodeLens[] {
  if (!run?.running) return [lens(range, `$(play) ${vscode.l10n.t('Train')}`, 'trainlens.train', vscode.l10n.t('Train this model in the background and chart it live'))];
  const lenses = run.paused
    ? [
      lens(range, `$(debug-continue) ${vscode.l10n.t('Resume')}`, 'trainlens.resume', vscode.l10n.t('Go on training')),
      lens(range, `$(debug-step-over) ${vscode.l10n.t('Step')}`, 'trainlens.step', vscode.l10n.t('Train one batch, then pause again')),
    ]
    : [lens(range, `$(debug-pause) ${vscode.l10n.t('Pause')}`, 'trainlens.pause', vscode.l10n.t('Pause after the current step'))];
  lenses.push(lens(range, `$(debug-stop) ${vscode.l10n.t('Stop')}`, 'trainlens.stop', vscode.l10n.t('Stop training after the current step')));
  return lenses;
}

/**
 * Over a surface file's `surface:` line: Train (Pause, Stop…), Compare…, Charts and the run's
 * figures; nothing that needs a network (init, checks, tune, inspect, export).
 */
function surfaceLenses(range: vscode.Range, run: TrainingSession | undefined, lens: Lens, fileCompare: boolean): vscode.CodeLens[] {
  const lenses = runLenses(range, run, lens);
  if (!run?.running) lenses[0] = lens(range, `$(play) ${vscode.l10n.t('Train')}`, 'trainlens.train', vscode.l10n.t('Step the optimizer down the surface from the start, the path drawn live on the contour plot'));
  lenses.push(lens(range, `$(split-horizontal) ${vscode.l10n.t('Compare…')}`, 'trainlens.compare', fileCompare
    ? vscode.l10n.t('Race one path per value of this file\'s compare: section, from the same start, on one contour plot')
    : vscode.l10n.t('Race update rules or learning rates from the same start, on one contour plot')));
  lenses.push(lens(range, `$(graph-line) ${vscode.l10n.t('Charts')}`, 'trainlens.showPanel', vscode.l10n.t('Show the contour plot and the path')));
  if (run) lenses.push(lens(range, describeSurfaceRun(run), 'trainlens.showPanel'));
  return lenses;
}

/** Over a circuit file's `circuit:` line: Show Circuit, and the output with each input's gradient. */
function circuitLenses(graph: CircuitGraph | undefined, range: vscode.Range, lens: Lens): vscode.CodeLens[] {
  const lenses = [lens(range, `$(type-hierarchy) ${vscode.l10n.t('Show Circuit')}`, 'trainlens.showCircuit',
    vscode.l10n.t('Draw the expression as gates and step through the forward and backward pass'))];
  if (graph) {
    const grads = Object.entries(graph.grads).map(([name, g]) => `∂f/∂${name} = ${formatValue(g)}`);
    lenses.push(lens(range, [`f = ${formatValue(graph.value)}`, ...grads].join(' · '), 'trainlens.showCircuit'));
  }
  return lenses;
}

/** At most 4 significant digits, without trailing zeros; −0 as 0. */
function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return String(Number(v.toPrecision(4))).replace('-', '−');
}
