/**
 * The Landscape tab's host side: the loss landscape of a model file's ended run, computed in a
 * worker of its own (one per request; a newer request or a cancel ends the older one), its
 * progress and result sent to the panel as LandscapeState. No vscode import: the command, its
 * questions and the notification's progress are in editor/commands/landscape.ts, so this state
 * machine is tested under plain Node.
 */
import * as l10n from '@vscode/l10n';
import { isSurfaceSpec, type ModelSpec } from '../model/spec';
import { evaluationCount } from '../engine/landscape/compute';
import type { LandscapeOptions, LandscapeResult, WeightTrajectory } from '../engine/landscape/types';
import type { HostToWebview, L10nBundle, LandscapeMessage, LandscapeState, LandscapeTask, ParamValues } from '../training/protocol';
import { oneShotWorker } from '../training/one-shot';
import type { Workers } from '../platform/types';

/** The plane and resolution asked for when nobody chose: Li et al.'s random plane, 21 × 21. */
export const DEFAULT_LANDSCAPE_OPTIONS: LandscapeOptions = { resolution: 21, plane: 'random', seed: 1 };

/** What a landscape is computed from: an ended run of a network, its final weights and the weights it visited. */
export interface LandscapeRun {
  runId: string;
  spec: ModelSpec;
  baseDir: string | null;
  weights: ParamValues[];
  trajectory: WeightTrajectory;
}

/** A started computation: its answer, and how to end it early (the answer then rejects). */
export interface LandscapeJob {
  answer: Promise<LandscapeResult>;
  cancel(reason: Error): void;
}

/** Starts the worker on a task; onProgress gets its evaluations done and to do. */
export type StartLandscape = (task: LandscapeTask, onProgress: (done: number, total: number) => void) => LandscapeJob;

/** The run as the command finds it (a TrainingSession's fields), to say why it has no landscape. */
export interface RunForLandscape {
  spec: ModelSpec;
  status: 'running' | 'finished' | 'stopped' | 'failed';
  finalWeights: ParamValues[] | null;
  trajectory: WeightTrajectory | null;
}

/**
 * Why a model file's latest run (undefined: none) has no landscape to show, in a sentence naming
 * the file; null when it has one.
 */
export function landscapeProblem(run: RunForLandscape | undefined, name: string): string | null {
  if (!run) return l10n.t('{0} has no run yet: train the model first (to the end, or stop it), then show its loss landscape.', name);
  if (isSurfaceSpec(run.spec)) return l10n.t('The loss landscape needs a network; {0} is a surface, which is its own landscape: train it to see the path on it.', name);
  if (run.status === 'running') return l10n.t('{0} is still training: wait for the run to end (or stop it), then show its loss landscape.', name);
  if (run.status === 'failed') return l10n.t('{0}\'s last run did not end (it failed or diverged): train the model first, then show its loss landscape.', name);
  if (!run.finalWeights) return l10n.t('{0}\'s last run ended without its final weights (it was stopped before it could send them): train the model again.', name);
  if (!run.trajectory || run.trajectory.snapshots.length < 2) {
    return l10n.t('{0}\'s last run kept no trajectory of weights (it ran before TrainLens recorded them, or took no step): train the model again to see its loss landscape.', name);
  }
  return null;
}

/** Whether a run has a landscape to show (the `trainlens.activeLandscape` context of the editor's title and palette). */
export function hasLandscape(run: RunForLandscape | undefined): boolean {
  return run !== undefined && landscapeProblem(run, '') === null;
}

interface Computing {
  state: LandscapeState;
  /** Bumped by every request and cancel: an answer to an older one is dropped. */
  request: number;
  job: LandscapeJob | null;
}

export class LandscapeHost {
  private readonly bySource = new Map<string, Computing>();
  private counter = 0;

  constructor(private readonly start: StartLandscape, private readonly post: (source: string, m: HostToWebview) => void) {}

  /** What the tab of a model file shows, if anything. */
  current(source: string): LandscapeState | undefined {
    return this.bySource.get(source)?.state;
  }

  /** Whether a model file's landscape is being computed now. */
  isRunning(source: string): boolean {
    return this.bySource.get(source)?.state.state === 'running';
  }

  /**
   * Computes the landscape of a run in a worker (ending one still computing for the same file) and
   * shows it in the panel's Landscape tab. Resolves with the state it came to: done, failed (the
   * worker's reason), or failed as cancelled. onProgress: each progress message's figures.
   */
  async compute(source: string, run: LandscapeRun, options: LandscapeOptions, onProgress?: (done: number, total: number) => void): Promise<LandscapeState> {
    const old = this.bySource.get(source);
    if (old?.state.state === 'running') {
      old.state = { ...old.state, state: 'failed', error: l10n.t('Replaced by a newer request.') };
      old.job?.cancel(new Error('replaced'));
    }
    const entry: Computing = {
      state: { runId: run.runId, state: 'running', done: 0, total: evaluationCount(options.resolution), options, result: null, error: null },
      request: (old?.request ?? 0) + 1, job: null,
    };
    this.bySource.set(source, entry);
    const request = entry.request;
    const current = (): boolean => this.bySource.get(source) === entry && entry.request === request;
    this.send(source, entry, true);
    const task: LandscapeTask = {
      type: 'landscape', runId: `landscape-${++this.counter}`, spec: run.spec, baseDir: run.baseDir,
      weights: run.weights, trajectory: run.trajectory, options,
    };
    try {
      entry.job = this.start(task, (done, total) => {
        if (!current()) return;
        entry.state = { ...entry.state, done, total };
        onProgress?.(done, total);
        this.send(source, entry, false);
      });
      const result = await entry.job.answer;
      if (!current()) return entry.state;
      entry.state = { ...entry.state, state: 'done', done: result.evaluations, total: result.evaluations, result };
    } catch (e) {
      if (!current()) return entry.state;
      entry.state = { ...entry.state, state: 'failed', error: e instanceof Error ? e.message : String(e) };
    }
    entry.job = null;
    this.send(source, entry, false);
    return entry.state;
  }

  /** Ends a model file's computation, if one runs: the tab says it was cancelled. Returns whether one ran. */
  cancel(source: string): boolean {
    const entry = this.bySource.get(source);
    if (!entry || entry.state.state !== 'running') return false;
    entry.request++;
    entry.state = { ...entry.state, state: 'failed', error: l10n.t('Cancelled: the loss landscape was not computed.') };
    const job = entry.job;
    entry.job = null;
    job?.cancel(new Error('cancelled'));
    this.send(source, entry, false);
    return true;
  }

  /** Sends a model file's state again (its panel reloaded). */
  resend(source: string): void {
    const entry = this.bySource.get(source);
    if (entry) this.send(source, entry, false);
  }

  private send(source: string, entry: Computing, reveal: boolean): void {
    this.post(source, { type: 'landscape', state: entry.state, reveal });
  }

  /** Ends every computation, telling no panel (they are going away too). */
  dispose(): void {
    for (const entry of this.bySource.values()) {
      entry.request++;
      entry.job?.cancel(new Error('disposed'));
    }
    this.bySource.clear();
  }
}

/** Each landscape in a worker of its own (the engine's), in the display language, with the memory limit of the setting. */
export function landscapeWorkers(workers: Pick<Workers, 'start'>, o: { memoryLimit?: () => number; l10n?: () => L10nBundle | undefined } = {}): StartLandscape {
  return (task, onProgress) => {
    const shot = oneShotWorker(() => workers.start(), { ...task, memoryLimit: o.memoryLimit?.(), l10n: o.l10n?.() }, {
      accept: (m) => m.type === 'landscape',
      onMessage: (m) => {
        if (m.type === 'landscapeProgress') onProgress(m.done, m.total);
      },
      crashed: (e) => new Error(l10n.t('The landscape worker crashed: {0}', e.message)),
      exited: (code) => new Error(l10n.t('The landscape worker exited unexpectedly (code {0}).', String(code))),
    });
    return { answer: shot.answer.then((m) => (m as LandscapeMessage).result), cancel: (reason) => shot.cancel(reason) };
  };
}
