/**
 * The Inspect tab's host side: which weights a sample is inspected with, and where it is computed.
 * - the model file's run is training: its worker follows the sample, and the tab updates live
 *   (at most every INSPECT_FOLLOW_MS);
 * - the run has ended (finished, stopped, or diverged with the weights from before): its final
 *   weights, in a worker of its own;
 * - no run: the weights as initialized from the seed, in a worker of its own.
 * When a followed run ends, the sample is inspected once more with the final weights, so the tab
 * ends on exactly what the run ended with. A new run of the file follows the same sample.
 */
import * as vscode from 'vscode';
import type { RunManager, RunsEvent } from '../training/runs';
import type { TrainingSession } from '../training/session';
import { INSPECT_FOLLOW_MS, type HostToWebview, type InspectState, type InspectTarget, type ParamValues } from '../training/protocol';
import type { InspectResult } from '../engine/inspect-types';
import type { ModelSpec } from '../model/spec';
import type { ChartsPanels } from './panels';
import { dataBaseDir } from '../editor/models';

type View = 'layers' | 'circuit';

interface Inspected {
  state: InspectState;
  view?: View;
  /** The session following the sample, if any. */
  following: TrainingSession | null;
  /** Bumped by every request: an answer to an older one is dropped. */
  request: number;
  /** When a live result was last sent to the panel, and the newer one waiting, if any. */
  lastLive: number;
  pendingLive?: NodeJS.Timeout;
}

/** Live results go to the panel at most about this many numbers a second (about 2 MB of JSON). */
const LIVE_VALUES_PER_SECOND = 100_000;

/** Milliseconds between live results sent to the panel: the worker's rate, or less often for a large result. */
export function liveInterval(r: InspectResult): number {
  const values = r.layers.reduce((s, l) => s + l.out.length + l.dout.length, 0) + r.dinput.length + r.input.length;
  return Math.max(INSPECT_FOLLOW_MS, Math.ceil((values / LIVE_VALUES_PER_SECOND) * 1000));
}

/** The spec of a model file as its editor holds it now (undefined: not open, or it has errors). */
export type SpecOfSource = (source: string) => ModelSpec | undefined;

export class InspectController implements vscode.Disposable {
  private readonly bySource = new Map<string, Inspected>();
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(private readonly runs: RunManager, private readonly charts: ChartsPanels, private readonly specOf: SpecOfSource) {
    this.subscriptions.push(
      runs.onEvent((e) => this.onRunEvent(e)),
      charts.onReady((source) => this.resend(source)),
      charts.onInspectRequest((source, target) => void this.inspect(source, target, { reveal: true })),
    );
  }

  /** The sample the tab of a model file shows, if any. */
  current(source: string): InspectState | undefined {
    return this.bySource.get(source)?.state;
  }

  /**
   * Inspects a sample of a model file with its run's weights (see the file's comment) and shows it
   * in the panel's Inspect tab. Resolves with the state it came to (live runs: following).
   */
  async inspect(source: string, target: InspectTarget, o: { reveal?: boolean; view?: View } = {}): Promise<InspectState> {
    const entry = this.entry(source, target, o.view);
    const run = this.runs.get(source);
    const range = run ? rangeProblem(run, target) : null;
    if (range) return this.fail(source, entry, range, o.reveal ?? true);
    if (run?.running) return this.follow(source, entry, run, o.reveal ?? true);
    this.post(source, entry, o.reveal ?? true);
    return this.computeOnce(source, entry, run, o.reveal ?? true);
  }

  /** Inspects a sample with a kept run's weights (the Runs view), in the panel of its model file. */
  async inspectKept(source: string, target: InspectTarget, kept: { spec: ModelSpec; weights: ParamValues[]; step: number; runId: string }): Promise<InspectState> {
    const entry = this.entry(source, target, undefined);
    this.post(source, entry, true);
    return this.compute(source, entry, kept.spec, { values: kept.weights, origin: 'kept', step: kept.step }, kept.runId);
  }

  private entry(source: string, target: InspectTarget, view: View | undefined): Inspected {
    const old = this.bySource.get(source);
    if (old?.following && old.following.running) old.following.follow(null);
    if (old?.pendingLive) clearTimeout(old.pendingLive);
    const entry: Inspected = {
      state: { target, state: 'running', result: old?.state.result ?? null, error: null, runId: null, live: false },
      view, following: null, request: (old?.request ?? 0) + 1, lastLive: 0,
    };
    this.bySource.set(source, entry);
    return entry;
  }

  private follow(source: string, entry: Inspected, run: TrainingSession, reveal: boolean): InspectState {
    entry.following = run;
    entry.state = { ...entry.state, runId: run.runId, live: true };
    run.follow(entry.state.target);
    this.post(source, entry, reveal);
    return entry.state;
  }

  /** One worker computes it: with the ended run's weights, or the initial ones. */
  private async computeOnce(source: string, entry: Inspected, run: TrainingSession | undefined, reveal: boolean): Promise<InspectState> {
    const weights = run?.finalWeights ? { values: run.finalWeights, origin: 'final' as const, step: run.step } : null;
    const spec = weights && run ? run.spec : this.specOf(source) ?? run?.spec;
    if (!spec) return this.fail(source, entry, vscode.l10n.t('The model file has problems: fix them to inspect a sample.'), reveal);
    return this.compute(source, entry, spec, weights, weights && run ? run.runId : null);
  }

  /** The sample inspected in a worker of its own with these weights (null: the initial ones); an answer to an older request is dropped. */
  private async compute(
    source: string, entry: Inspected, spec: ModelSpec, weights: Parameters<RunManager['inspect']>[3], runId: string | null,
  ): Promise<InspectState> {
    const request = entry.request;
    try {
      const result = await this.runs.inspect(spec, dataBaseDir(vscode.Uri.parse(source)), entry.state.target, weights);
      if (this.bySource.get(source)?.request !== request) return entry.state;
      entry.state = { ...entry.state, state: 'done', result, error: null, runId, live: false };
      this.post(source, entry, false);
    } catch (e) {
      if (this.bySource.get(source)?.request !== request) return entry.state;
      return this.fail(source, entry, e instanceof Error ? e.message : String(e), false);
    }
    return entry.state;
  }

  private fail(source: string, entry: Inspected, error: string, reveal: boolean): InspectState {
    entry.following = null;
    entry.state = { ...entry.state, state: 'failed', error, live: false };
    this.post(source, entry, reveal);
    return entry.state;
  }

  private onRunEvent(e: RunsEvent): void {
    if (e.type === 'gradcheck') return;
    const source = e.session.info.source;
    const entry = this.bySource.get(source);
    if (!entry || this.runs.get(source) !== e.session) return;
    if (e.type === 'inspect' && entry.following === e.session) this.liveResult(source, entry, e.result);
    else if (e.type === 'started' && entry.following !== e.session && e.session.running) {
      // A new run of the file: follow the same sample (when it still exists in the new run's data).
      if (!rangeProblem(e.session, entry.state.target)) this.follow(source, entry, e.session, false);
    } else if (e.type === 'status' && entry.following === e.session && !e.session.running) {
      entry.following = null;
      entry.request++;
      void this.computeOnce(source, entry, e.session, false);
    }
  }

  /**
   * A followed sample's newest result. The worker sends one at most every INSPECT_FOLLOW_MS; a
   * large one (a conv net's feature maps and their gradients) goes to the panel less often, so the
   * webview is sent at most about LIVE_VALUES_PER_SECOND numbers a second.
   */
  private liveResult(source: string, entry: Inspected, result: InspectResult): void {
    entry.state = { ...entry.state, state: 'done', result, error: null, live: true };
    const wait = entry.lastLive + liveInterval(result) - Date.now();
    if (wait <= 0) {
      entry.lastLive = Date.now();
      this.post(source, entry, false);
    } else {
      entry.pendingLive ??= setTimeout(() => {
        entry.pendingLive = undefined;
        if (this.bySource.get(source) !== entry || !entry.state.live) return;
        entry.lastLive = Date.now();
        this.post(source, entry, false);
      }, wait);
    }
  }

  private resend(source: string): void {
    const entry = this.bySource.get(source);
    if (entry) this.charts.post(source, message(entry, false));
  }

  private post(source: string, entry: Inspected, reveal: boolean): void {
    this.charts.post(source, message(entry, reveal));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const e of this.bySource.values()) {
      if (e.following?.running) e.following.follow(null);
      if (e.pendingLive) clearTimeout(e.pendingLive);
    }
    this.bySource.clear();
  }
}

function message(entry: Inspected, reveal: boolean): HostToWebview {
  return { type: 'inspect', state: entry.state, reveal, ...(entry.view ? { view: entry.view } : {}) };
}

/** Why a sample does not exist in a run's data (null when it does, or before the run knows its sizes). */
export function rangeProblem(run: TrainingSession, target: InspectTarget): string | null {
  const { trainSize, validationSize } = run.info;
  if (trainSize === 0) return null; // not started yet: the worker checks
  const size = target.split === 'train' ? trainSize : validationSize;
  if (target.sample < size) return null;
  if (size === 0) return vscode.l10n.t('This model holds out no validation samples: inspect a training sample.');
  return target.split === 'train'
    ? vscode.l10n.t('Sample {0} is out of range: the training set has {1} samples (0–{2}).', target.sample, size, size - 1)
    : vscode.l10n.t('Sample {0} is out of range: the validation set has {1} samples (0–{2}).', target.sample, size, size - 1);
}
