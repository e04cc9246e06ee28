/**
 * Tune searches as the panel shows them: the rounds of each model file's search (round 1, then
 * "Narrow around the best"), turned into the Tune tab's state and sent to the file's panel as
 * trials start, train and end (at most 4 times a second), and again whenever the panel reloads.
 */
import * as vscode from 'vscode';
import type { ChartsPanels } from './panels';
import { overlayOfSession } from './overlays';
import type { ModelSpec } from '../model/spec';
import { TUNE_PARAMS } from '../model/tune';
import type { TuneState } from '../training/protocol';
import { MEDIAN_RULE, type Tune } from '../training/tune';
import { bestTrial } from '../training/tune-rule';

/** A model file's search: its rounds, oldest first, and the model they started from. */
export interface TuneRecord {
  source: string;
  title: string;
  spec: ModelSpec;
  baseDir: string | null;
  rounds: Tune[];
}

/** The early-stopping rule in words (tune-rule.ts's MEDIAN_RULE). */
export function ruleText(): string {
  return vscode.l10n.t('Early stopping: the median rule. From epoch {0} on (never at the last), a trial stops when its validation score is below the median of the earlier trials\' scores at the same epoch, once {1} of them have one.', MEDIAN_RULE.fromEpoch, MEDIAN_RULE.minPeers);
}

/** What early stopping saved over the rounds, in words; null before a trial has ended. */
function savedText(rounds: readonly Tune[]): string | null {
  const s = rounds.map((r) => r.savings()).reduce((a, b) => ({
    budgetEpochs: a.budgetEpochs + b.budgetEpochs, trainedEpochs: a.trainedEpochs + b.trainedEpochs, savedEpochs: a.savedEpochs + b.savedEpochs,
    savedByRule: a.savedByRule + b.savedByRule, savedByDivergence: a.savedByDivergence + b.savedByDivergence, fraction: 0,
  }));
  if (s.budgetEpochs === 0) return null;
  return vscode.l10n.t('It saved {0} of the {1} epochs budgeted for the trials that ended ({2}%): {3} by the rule, {4} by divergence.',
    s.savedEpochs, s.budgetEpochs, (100 * s.savedEpochs / s.budgetEpochs).toFixed(0), s.savedByRule, s.savedByDivergence);
}

/** The Tune tab's state of a search. */
export function tuneState(rec: TuneRecord): TuneState {
  const rounds = rec.rounds;
  const last = rounds[rounds.length - 1];
  const trials = rounds.flatMap((r) => r.trials);
  const best = bestTrial(trials);
  let bestRuns: TuneState['bestRuns'] = [];
  if (best) {
    const round = rounds.find((r) => r.trials.includes(best))!;
    bestRuns = round.sessions(round.trials.indexOf(best)).filter((s) => s !== undefined)
      .map((s) => overlayOfSession(s, vscode.l10n.t('trial {0}', best.index)));
  }
  return {
    id: rounds[0].id,
    state: last.state,
    metric: rec.spec.loss === 'mse' ? 'valR2' : 'valAcc',
    params: TUNE_PARAMS.filter((p) => rounds.some((r) => r.search.ranges[p] !== undefined)),
    trials: trials.map((t) => ({ ...t, params: { ...t.params }, curve: t.curve?.slice(), runIds: t.runIds?.slice() })),
    planned: rounds.reduce((n, r) => n + r.trials.length, 0),
    seeds: last.search.seeds,
    epochs: last.search.epochs,
    best: best?.index ?? null,
    bestRuns,
    rule: ruleText(),
    saved: savedText(rounds),
  };
}

export class TuneFeed implements vscode.Disposable {
  private readonly records = new Map<string, TuneRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Model files whose panel shows the Tune tab when it next loads. */
  private readonly reveal = new Set<string>();

  constructor(private readonly charts: ChartsPanels) {
    // A panel opened for a new search loads after the first send: it is told to show its Tune tab when ready.
    this.subscriptions.push(charts.onReady((source) => {
      this.send(source, this.reveal.delete(source));
    }));
  }

  get(source: string): TuneRecord | undefined {
    return this.records.get(source);
  }

  /** The round training now for a model file, if any. */
  running(source: string): Tune | undefined {
    const last = this.records.get(source)?.rounds.at(-1);
    return last?.state === 'running' ? last : undefined;
  }

  /** Adds a round (a new search when round 1) and sends it to the panel as it goes; the panel shows its Tune tab. */
  add(rec: Omit<TuneRecord, 'rounds'>, tune: Tune): void {
    const current = this.records.get(rec.source);
    const record = tune.round > 1 && current ? current : { ...rec, rounds: [] };
    record.rounds.push(tune);
    this.records.set(rec.source, record);
    this.reveal.add(rec.source);
    this.charts.show(rec.source);
    this.send(rec.source, true);
    const sub = tune.onEvent(() => this.soon(rec.source));
    void tune.finished.then(async () => {
      // The last runs' figures arrive with their end: send once more when every run has ended.
      await Promise.all(tune.trials.flatMap((_, i) => tune.sessions(i).map((s) => s?.finished)));
      sub.dispose();
      this.send(rec.source, false);
    });
  }

  private soon(source: string): void {
    if (this.timers.has(source)) return;
    this.timers.set(source, setTimeout(() => {
      this.timers.delete(source);
      this.send(source, false);
    }, 250));
  }

  private send(source: string, reveal: boolean): void {
    const rec = this.records.get(source);
    if (rec) this.charts.post(source, { type: 'tune', reveal, tune: tuneState(rec) });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
  }
}
