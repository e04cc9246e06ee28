/**
 * Tune: random search over the `tune:` ranges, cs231n style, on the run manager (no vscode import:
 * the extension and the CLI both drive it).
 *
 * API (the panel and the CLI use only this):
 *   const tune = new Tune(runs, { source, title, spec, baseDir });   // spec.tune is the section
 *     options: tune (ranges to use instead of spec.tune), trials, seeds (override the section's),
 *              round (1), firstIndex (0: trial indices of this round start there), concurrency
 *   tune.onEvent((e: TuneEvent) => …)   { type: 'trial', phase: 'started' | 'epoch' | 'ended', trial }
 *                                       { type: 'state', tune }   (running → finished | cancelled)
 *   tune.start(); await tune.finished;
 *   tune.trials: TrialResult[]          index order, updated in place (status, figures, curve, runIds);
 *                                       status pending → running → done | diverged | stopped | failed
 *                                       (failed: a run ended with an error other than divergence;
 *                                       stopped: the median rule, or reason 'cancelled')
 *   tune.best(): TrialResult | undefined   the done trial with the highest val score
 *   tune.savings(): TuneSavings         what early stopping saved (tune-rule.ts)
 *   tune.sessions(i): the trial's runs (one per seed; undefined until started)
 *   tune.cancel()                       stops the running trials; pending ones stay pending
 *   tune.narrowed(): TuneSpec | undefined   round 2's ranges ("Narrow around the best"); then
 *     new Tune(runs, { …, tune: tune.narrowed(), round: tune.round + 1, firstIndex: tune.nextIndex })
 *   tune.nextIndex, tune.round, tune.search (the TuneSpec in use), tune.concurrency, tune.state
 *   Elsewhere: sampleTrial / applyTrial / usedParams (tune-sample.ts), bestTrial / byScore / scoreOf /
 *   narrowAround / medianVerdict (tune-rule.ts), hiddenDenseLayers (src/model/tune-parse.ts).
 *   Trial i draws its values from the file's train.seed and i (tune-sample.ts), so the same file
 *   gives the same trials; every run keeps the file's seed (+ k for seed k) and data split.
 *   Each trial run is a variant run of the run manager (kept, charted): VariantInfo.comparison is
 *   tune.id, dimension 'tune', label "trial 3" (with seeds: "trial 3 · seed 2", the run's train.seed).
 */
import type { RunManager } from './runs';
import type { TrainingSession } from './session';
import type { EpochMetrics } from './protocol';
import type { ModelSpec } from '../model/spec';
import type { TrialResult, TuneSpec } from '../model/tune';
import { applyTrial, sampleTrial, usedParams, withTrainSeed } from './tune-sample';
import { meanStd, medianVerdict, narrowAround, savingsOf, bestTrial, type Peer, type TuneSavings } from './tune-rule';
import { Listeners } from './listeners';

export type { TuneSavings } from './tune-rule';
export { MEDIAN_RULE } from './tune-rule';

export type TuneState = 'running' | 'finished' | 'cancelled';

export type TuneEvent =
  | { type: 'trial'; phase: 'started' | 'epoch' | 'ended'; tune: Tune; trial: TrialResult }
  | { type: 'state'; tune: Tune };

export interface TuneOptions {
  source: string;
  title: string;
  /** The model file's spec; its `tune:` section is the search unless `tune` is given. */
  spec: ModelSpec;
  baseDir: string | null;
  tune?: TuneSpec;
  trials?: number;
  seeds?: number;
  round?: number;
  firstIndex?: number;
  /** Runs training at once (default: the cores, RunManager.cores). */
  concurrency?: number;
}

/** As many trials at once as there are cores. */
export function tuneConcurrency(cores: number): number {
  return Math.max(1, cores);
}

/** One run: trial `trial`, seed `seed` (0-based). */
interface Unit {
  trial: number;
  seed: number;
  session?: TrainingSession;
  /** Epochs of the run, as they arrive. */
  epochs: EpochMetrics[];
  /** Paused at the end of an epoch, waiting for the verdict. */
  atGate: boolean;
  /** The epoch of the last verdict given to it. */
  gateEpoch: number;
  ended: boolean;
}

let counter = 0;

export class Tune {
  readonly id = `tune-${Date.now().toString(36)}-${++counter}`;
  readonly search: TuneSpec;
  readonly round: number;
  readonly trials: TrialResult[];
  readonly finished: Promise<Tune>;
  readonly concurrency: number;
  state: TuneState = 'running';
  private readonly specs: ModelSpec[];
  private readonly units: Unit[] = [];
  private readonly regression: boolean;
  private next = 0;
  private resolve!: (t: Tune) => void;
  private readonly listeners = new Listeners<TuneEvent>('tune');

  constructor(private readonly runs: RunManager, private readonly o: TuneOptions) {
    const section = o.tune ?? o.spec.tune;
    if (!section) throw new Error('the model has no tune: section');
    this.search = { ...section, trials: o.trials ?? section.trials, seeds: o.seeds ?? section.seeds };
    this.round = o.round ?? 1;
    this.regression = o.spec.loss === 'mse';
    this.concurrency = Math.max(1, o.concurrency ?? tuneConcurrency(runs.cores));
    const first = o.firstIndex ?? 0;
    this.trials = [];
    this.specs = [];
    for (let i = 0; i < this.search.trials; i++) {
      const index = first + i;
      const drawn = sampleTrial(this.search, o.spec.train.seed, index);
      this.specs.push(applyTrial(o.spec, drawn, this.search.epochs));
      this.trials.push({ index, round: this.round, params: usedParams(o.spec, drawn), status: 'pending', epochs: 0, curve: [] });
      for (let s = 0; s < this.search.seeds; s++) this.units.push({ trial: i, seed: s, epochs: [], atGate: false, gateEpoch: 0, ended: false });
    }
    this.finished = new Promise((r) => (this.resolve = r));
  }

  onEvent(l: (e: TuneEvent) => void): { dispose(): void } {
    return this.listeners.add(l);
  }

  start(): this {
    this.fill();
    return this;
  }

  /** The trial index round 2 starts at. */
  get nextIndex(): number {
    return (this.trials.at(-1)?.index ?? -1) + 1;
  }

  best(): TrialResult | undefined {
    return bestTrial(this.trials);
  }

  savings(): TuneSavings {
    const trained = this.trials.map((_, i) => this.unitsOf(i).reduce((n, u) => n + u.epochs.length, 0));
    return savingsOf(this.trials, trained, this.search.epochs, this.search.seeds);
  }

  /** Round 2's ranges, centred on the best trial (undefined when no trial is done). */
  narrowed(): TuneSpec | undefined {
    return narrowAround(this.search, this.trials);
  }

  sessions(trial: number): Array<TrainingSession | undefined> {
    return this.unitsOf(trial).map((u) => u.session);
  }

  cancel(): void {
    if (this.state !== 'running') return;
    this.state = 'cancelled';
    for (const u of this.units) {
      if (u.session) u.session.stop();
      else u.ended = true; // never started: a trial with a started seed ends without it
    }
    this.emit({ type: 'state', tune: this });
    this.settleIfIdle();
  }

  private unitsOf(trial: number): Unit[] {
    const k = this.search.seeds;
    return this.units.slice(trial * k, trial * k + k);
  }

  /** Starts runs while fewer than `concurrency` train; runs paused at a gate do not count, up to a cap of live workers. */
  private fill(): void {
    const cap = 2 * this.concurrency + this.search.seeds;
    while (this.state === 'running' && this.next < this.units.length) {
      const live = this.units.filter((u) => u.session && !u.ended);
      if (live.filter((u) => !u.atGate).length >= this.concurrency || live.length >= cap) break;
      this.launch(this.units[this.next++]);
    }
    this.settleIfIdle();
  }

  private launch(u: Unit): void {
    const trial = this.trials[u.trial];
    const seeds = this.search.seeds;
    const spec = withTrainSeed(this.specs[u.trial], u.seed);
    const label = seeds > 1 ? `trial ${trial.index} · seed ${spec.train.seed}` : `trial ${trial.index}`;
    const session = this.runs.startVariant(this.o.source, this.o.title, spec, {
      comparison: this.id, dimension: 'tune', label, index: u.trial * seeds + u.seed, count: this.units.length,
    }, this.o.baseDir, true);
    u.session = session;
    session.onEvent((e) => {
      if (e.type === 'progress') this.progressed(u);
    });
    void session.finished.then(() => this.ended(u));
    trial.runIds = [...(trial.runIds ?? []), session.runId];
    if (trial.status === 'pending') {
      trial.status = 'running';
      this.emit({ type: 'trial', phase: 'started', tune: this, trial });
    }
  }

  /** New epochs of a run; at a gate, the verdicts that can be given now. */
  private progressed(u: Unit): void {
    const s = u.session!;
    const before = this.trials[u.trial].curve!.length;
    u.epochs = s.epochs.items.slice();
    this.updateCurve(u.trial);
    if (this.trials[u.trial].curve!.length > before) this.emit({ type: 'trial', phase: 'epoch', tune: this, trial: this.trials[u.trial] });
    if (s.paused && s.running && !u.atGate && u.epochs.length > u.gateEpoch) {
      u.atGate = true;
      u.gateEpoch = u.epochs.length;
      this.decide();
      this.fill();
    }
  }

  /** The trial's mean score at each epoch all its runs have reached. */
  private updateCurve(i: number): void {
    const units = this.unitsOf(i);
    const reached = Math.min(...units.map((u) => u.epochs.length));
    const curve = this.trials[i].curve!;
    for (let e = curve.length; e < reached; e++) curve.push(meanStd(units.map((u) => this.score(u.epochs[e]))).mean);
  }

  private score(m: EpochMetrics): number {
    const v = this.regression ? m.valR2 : m.valAcc;
    return v === null || v === undefined ? NaN : v;
  }

  /** Gives every verdict the rule can give now, trials in index order. */
  private decide(): void {
    for (let i = 0; i < this.trials.length; i++) {
      const units = this.unitsOf(i);
      if (!units.every((u) => u.atGate && !u.ended)) continue;
      const epoch = units[0].epochs.length;
      if (!units.every((u) => u.epochs.length === epoch)) continue;
      const peers: Peer[] = this.trials.slice(0, i).map((t, j) => ({ curve: t.curve!, ended: this.unitsOf(j).every((u) => u.ended) }));
      const v = medianVerdict(this.trials[i].curve![epoch - 1], epoch, this.search.epochs, peers);
      if (v.verdict === 'wait') continue;
      if (v.verdict === 'stop') {
        this.trials[i].reason = `median rule at epoch ${epoch}: ${fmt(this.trials[i].curve![epoch - 1])} < median ${fmt(v.median)} of ${v.peers} earlier trials`;
      }
      for (const u of units) {
        u.atGate = false;
        if (v.verdict === 'stop') u.session!.stop();
        else u.session!.resume();
      }
    }
  }

  private ended(u: Unit): void {
    const s = u.session!;
    u.ended = true;
    u.atGate = false;
    u.epochs = s.epochs.items.slice();
    const trial = this.trials[u.trial];
    if (s.status === 'failed' && trial.status === 'running') {
      trial.status = s.divergence ? 'diverged' : 'failed';
      trial.reason = s.divergence ? `loss not finite at step ${s.divergence.step} (lr ${s.divergence.lr})` : s.error ?? 'failed';
      // Its other seeds cannot make the trial whole again.
      for (const other of this.unitsOf(u.trial)) if (!other.ended) other.session?.stop();
    }
    if (this.unitsOf(u.trial).every((x) => x.ended)) this.finishTrial(u.trial);
    this.decide();
    this.fill();
  }

  private finishTrial(i: number): void {
    const trial = this.trials[i];
    const units = this.unitsOf(i);
    this.updateCurve(i);
    if (trial.status === 'running') {
      const full = units.every((u) => u.session?.status === 'finished');
      trial.status = full ? 'done' : 'stopped';
      if (!full && !trial.reason) trial.reason = 'cancelled';
    }
    Object.assign(trial, this.figures(units, trial.curve!.length));
    this.emit({ type: 'trial', phase: 'ended', tune: this, trial });
  }

  /** The figures after the last epoch every run trained: means over seeds, with std for several. */
  private figures(units: Unit[], epochs: number): Partial<TrialResult> {
    const out: Partial<TrialResult> = { epochs };
    if (epochs === 0) return out;
    const at = units.map((u) => u.epochs[epochs - 1]);
    const stat = (f: (m: EpochMetrics) => number | null | undefined): { mean: number; std: number } | undefined => {
      const v = at.map(f);
      return v.every((x) => typeof x === 'number') ? meanStd(v as number[]) : undefined;
    };
    const loss = stat((m) => m.valLoss);
    if (loss) out.valLoss = loss.mean;
    const key = this.regression ? 'valR2' : 'valAcc';
    const score = stat((m) => m[key]);
    if (score) {
      out[key] = score.mean;
      if (units.length > 1) out[this.regression ? 'valR2Std' : 'valAccStd'] = score.std;
    }
    return out;
  }

  private settleIfIdle(): void {
    if (this.units.some((u) => u.session && !u.ended)) return;
    if (this.state === 'running' && this.next < this.units.length) return;
    if (this.state === 'running') {
      this.state = 'finished';
      this.emit({ type: 'state', tune: this });
    }
    this.resolve(this);
  }

  private emit(e: TuneEvent): void {
    this.listeners.emit(e);
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}
