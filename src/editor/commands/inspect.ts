/**
 * Inspect Sample… (pick a split and an index; the panel's Inspect tab shows the sample forward and
 * backward) and Show as Circuit (the same, drawn as the backprop lesson's circuit, for a network
 * small enough to read).
 */
import * as vscode from 'vscode';
import { modelTitle } from '../models';
import { refuseSurface, specOf, surfaceNotice, targetDocument, type CommandDeps } from './context';
import type { InspectController } from '../../panel/inspect-host';
import type { InspectState, InspectTarget } from '../../training/protocol';
import type { SampleSplit } from '../../engine/inspect-types';
import { CIRCUIT_MAX_WEIGHTS } from '../../engine/inspect-types';
import type { ModelSpec } from '../../model/spec';
import { summarize } from '../../model/summary';
import type { StoredRun } from '../../runs/store';
import type { ParamValues } from '../../training/protocol';

export interface InspectDeps extends CommandDeps {
  inspector: InspectController;
}

/** How many samples a split has, when the file's run knows it (else only the data knows: the worker checks the index). */
export function splitSize(deps: Pick<CommandDeps, 'runs'>, source: string, split: SampleSplit): number | undefined {
  const info = deps.runs.get(source)?.info;
  if (!info || info.trainSize === 0) return undefined;
  return split === 'train' ? info.trainSize : info.validationSize;
}

export async function pickSplit(deps: Pick<CommandDeps, 'runs'>, source: string, spec: ModelSpec, given: unknown): Promise<SampleSplit | undefined> {
  if (given === 'train' || given === 'val') return given;
  if (spec.data.validation <= 0) return 'train';
  const size = (s: SampleSplit): string => {
    const n = splitSize(deps, source, s);
    return n === undefined ? '' : vscode.l10n.t('{0} samples', n);
  };
  const picked = await vscode.window.showQuickPick([
    { label: vscode.l10n.t('Validation set'), value: 'val' as const, description: size('val'), detail: vscode.l10n.t('Samples the network does not train on') },
    { label: vscode.l10n.t('Training set'), value: 'train' as const, description: size('train'), detail: vscode.l10n.t('Samples the network trains on') },
  ], { title: vscode.l10n.t('Inspect Sample: which set?'), placeHolder: vscode.l10n.t('Pick the set the sample comes from') });
  return picked?.value;
}

export async function pickIndex(size: number | undefined, given: unknown, current: number): Promise<number | undefined> {
  if (typeof given === 'number' && Number.isInteger(given) && given >= 0) return given;
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Inspect Sample: which sample?'),
    prompt: size === undefined ? vscode.l10n.t('The sample\'s index in its set, from 0') : vscode.l10n.t('The sample\'s index in its set, from 0 to {0}', size - 1),
    value: String(size !== undefined && current >= size ? 0 : current),
    validateInput: (v) => {
      if (!/^\s*\d+\s*$/.test(v)) return vscode.l10n.t('A whole number from 0');
      if (size !== undefined && Number(v) >= size) return vscode.l10n.t('This set has {0} samples (0–{1})', size, size - 1);
      return undefined;
    },
  });
  return text === undefined ? undefined : Number(text.trim());
}

/** Inspect Sample…: arguments (uri, split, sample) skip the questions. Resolves with the tab's state, or undefined when cancelled. */
export async function inspectCommand(deps: InspectDeps, uri?: unknown, split?: unknown, sample?: unknown): Promise<InspectState | undefined> {
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Inspect Sample'))) return undefined;
  const spec = await specOf(deps, doc, 'inspect');
  if (!spec) return undefined;
  const source = doc.uri.toString();
  const chosenSplit = await pickSplit(deps, source, spec, split);
  if (!chosenSplit) return undefined;
  const current = deps.inspector.current(source)?.target;
  const index = await pickIndex(splitSize(deps, source, chosenSplit), sample, current?.split === chosenSplit ? current.sample : 0);
  if (index === undefined) return undefined;
  deps.charts.show(source);
  return deps.inspector.inspect(source, { split: chosenSplit, sample: index }, { reveal: true });
}

/** Why a spec cannot be drawn as a circuit (null when it can). */
export function circuitProblem(spec: ModelSpec): string | null {
  const params = summarize(spec).params;
  const kinds = new Set(spec.layers.map((l) => l.kind));
  const other = [...kinds].filter((k) => !['dense', 'activation', 'dropout', 'flatten'].includes(k));
  if (other.length > 0) {
    return vscode.l10n.t('Show as Circuit draws networks of dense layers and activations only; this one has {0}.', other.join(', '));
  }
  if (params === undefined || params > CIRCUIT_MAX_WEIGHTS) {
    return vscode.l10n.t('Show as Circuit draws networks of at most {0} weights and biases (e.g. 2-2-2 on xor); this one has {1}.', CIRCUIT_MAX_WEIGHTS, params ?? '?');
  }
  return null;
}

/** Show as Circuit: the inspected sample (or training sample 0) through the network, drawn as a circuit. */
export async function showAsCircuitCommand(deps: InspectDeps, uri?: unknown): Promise<InspectState | undefined> {
  const doc = await targetDocument(uri);
  if (!doc || refuseSurface(deps, doc, vscode.l10n.t('Show as Circuit'))) return undefined;
  const spec = await specOf(deps, doc, 'inspect');
  if (!spec) return undefined;
  const problem = circuitProblem(spec);
  if (problem) {
    void vscode.window.showInformationMessage(`TrainLens: ${modelTitle(doc.uri)}: ${problem}`);
    return undefined;
  }
  const source = doc.uri.toString();
  const target: InspectTarget = deps.inspector.current(source)?.target ?? { split: 'train', sample: 0 };
  deps.charts.show(source);
  return deps.inspector.inspect(source, target, { reveal: true, view: 'circuit' });
}

/** Inspect Sample… on a kept run (the Runs view): its stored weights, in its model file's panel. */
export async function inspectKeptRun(
  deps: Pick<InspectDeps, 'runs' | 'charts' | 'inspector'>, run: StoredRun, weights: ParamValues[],
): Promise<InspectState | undefined> {
  if (run.spec.surface) {
    surfaceNotice(vscode.l10n.t('Inspect Sample'), run.title);
    return undefined;
  }
  if (weights.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: the run "{0}" kept no weights to inspect.', run.name || run.title));
    return undefined;
  }
  const split = await pickSplit(deps, run.source, run.spec, undefined);
  if (!split) return undefined;
  const index = await pickIndex(undefined, undefined, 0);
  if (index === undefined) return undefined;
  deps.charts.show(run.source);
  return deps.inspector.inspectKept(run.source, { split, sample: index }, { spec: run.spec, weights, step: run.final?.steps ?? 0, runId: run.runId });
}

export function registerInspectCommands(deps: InspectDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('trainlens.inspect', (uri?: unknown, split?: unknown, sample?: unknown) => inspectCommand(deps, uri, split, sample)),
    vscode.commands.registerCommand('trainlens.showAsCircuit', (uri?: unknown) => showAsCircuitCommand(deps, uri)),
  ];
}
