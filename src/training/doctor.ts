/**
 * The training doctor: reads a run's curves and layer statistics as they come and says what they
 * mean (doctor-curves.ts, doctor-rules.ts), each finding with the model-file entry it points at
 * and the fix it suggests. No vscode, no Node-only imports: the worker and the CLI run it.
 */
import type { SanityCheck } from '../engine/sanity-types';
import type { StepStats } from '../engine/stats';
import type { LayerSpec, ModelSpec } from '../model/spec';
import type { EpochMetrics } from './protocol';
import { Decimated, SMOOTHING } from './history';
import { lrTooHigh, lrTooLow, plateau } from './doctor-curves';
import { fixTitle } from './doctor-fix';
import { initialLoss, overfitting, underfitting, unitHealth, updateRatios } from './doctor-rules';
import { FINDING_CODES, type DoctorEpoch, type DoctorInput, type DoctorLayer, type DoctorStats, type Finding } from './doctor-types';

export * from './doctor-types';

/** Every rule on one history: the findings it shows now, in FINDING_CODES order, then by layer. */
export function diagnose(i: DoctorInput): Finding[] {
  const flat = plateau(i);
  // A loss flat from the start under a tiny init is the init's plateau, not a low lr.
  const initFlat = flat.length > 0 && flat[0].step === i.loss.step[0];
  // A step-0 loss far above chance (weights too large): the curve's start is the init's, not the lr's.
  const initial = initialLoss(i);
  const initHigh = initial.length > 0 && initial[0].target.key === 'init';
  const lr = lrTooHigh(i);
  if (lr.length === 0 && !initFlat && !initHigh) lr.push(...lrTooLow(i));
  const units = unitHealth(i);
  const ratios = updateRatios(i).filter((f) => !initFlat || f.code !== 'update-ratio-low');
  // A low score that the learning rate, the init or unhealthy units explain is their finding, not a lack of capacity.
  const explained = lr.length > 0 || flat.length > 0 || initHigh || units.length > 0 || ratios.some((f) => f.code === 'update-ratio-high');
  const all = [...initial, ...lr, ...flat, ...overfitting(i), ...(explained ? [] : underfitting(i)), ...units, ...ratios];
  for (const f of all) f.fixes = f.fixes.map((x) => ({ ...x, title: fixTitle(x, i) }));
  return all.sort((a, b) => FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code) || (a.layer ?? -1) - (b.layer ?? -1));
}

/** The training losses kept: at most `cap` evenly spaced steps (the stride doubles), each with the smoothed curve there. */
class LossTrack {
  private readonly raw: Float64Array;
  private readonly smooth: Float64Array;
  private length = 0;
  private stride = 1;
  private count = 0;
  private ema = 0;

  constructor(private readonly cap = 8192) {
    this.raw = new Float64Array(cap);
    this.smooth = new Float64Array(cap);
  }

  /** The next step's loss (non-finite losses are kept raw, and leave the smoothing alone). */
  push(loss: number): void {
    const n = this.count++;
    let s = loss;
    if (Number.isFinite(loss)) {
      this.ema = this.ema * SMOOTHING + (1 - SMOOTHING) * loss;
      s = this.ema / (1 - Math.pow(SMOOTHING, n + 1));
    }
    if (n % this.stride !== 0) return;
    this.raw[this.length] = loss;
    this.smooth[this.length++] = s;
    if (this.length === this.cap) {
      for (let k = 0; k < this.cap / 2; k++) {
        this.raw[k] = this.raw[2 * k];
        this.smooth[k] = this.smooth[2 * k];
      }
      this.length = this.cap / 2;
      this.stride *= 2;
    }
  }

  series(): DoctorInput['loss'] {
    const step = Array.from({ length: this.length }, (_, k) => k * this.stride + 1);
    return { step, raw: Array.from(this.raw.subarray(0, this.length)), smooth: Array.from(this.smooth.subarray(0, this.length)) };
  }
}

/** Codes that describe something that happened (kept at the run's end); the others describe the state now. */
const EVENTS = new Set<string>(['lr-too-high', 'initial-loss']);
/** Evaluations per run at most from epoch ends (about), and steps between evaluations otherwise. */
const EVALUATIONS = 100;
const EVAL_STEPS = 1000;

/** The model-file layers as the rules and fix titles read them. */
export function doctorLayers(spec: ModelSpec): DoctorLayer[] {
  return spec.layers.map(layerOf);
}

function layerOf(l: LayerSpec, index: number): DoctorLayer {
  const activation = l.kind === 'dense' || l.kind === 'conv' || l.kind === 'activation' ? l.activation.type : null;
  const units = l.kind === 'dense' || l.kind === 'maxout' ? l.units : l.kind === 'conv' ? l.filters : null;
  return { index, kind: l.kind, activation, units };
}

/**
 * A run's doctor: fed every step's loss, the epochs, the statistics and the step-0 check; evaluated
 * at epoch ends (about EVALUATIONS times per run, and every EVAL_STEPS steps within long epochs) and
 * at the end. A finding is kept once per code and layer and updated in place; while training, one
 * that no longer shows stays (so the list does not flicker); the end's diagnosis is final: it keeps
 * what shows then, and the events (lr-too-high, initial-loss) seen before.
 */
export class Doctor {
  private readonly loss = new LossTrack();
  private readonly epochs = new Decimated<DoctorEpoch>(2000);
  private readonly stats = new Decimated<DoctorStats>(2000);
  private initial: SanityCheck | null = null;
  private start: number | null = null;
  private divergence: DoctorInput['divergence'] = null;
  private readonly found = new Map<string, Finding>();
  private lastEval = 0;
  private lastText = '[]';
  private readonly layers: DoctorLayer[];
  private readonly everyEpochs: number;

  constructor(
    private readonly spec: ModelSpec,
    private readonly run: { totalSteps: number; statsLayers: number[]; regression: boolean },
  ) {
    this.layers = doctorLayers(spec);
    this.everyEpochs = Math.max(1, Math.ceil(spec.train.epochs / EVALUATIONS));
  }

  steps = 0;

  /** The initial-loss check, and the step-0 loss with regularization (the curves' start). */
  setInitial(check: SanityCheck, start: number): void {
    this.initial = check;
    this.start = Number.isFinite(start) ? start : null;
  }

  pushLoss(loss: number): void {
    this.steps++;
    this.loss.push(loss);
  }

  pushEpoch(e: EpochMetrics): void {
    const regression = this.run.regression;
    this.epochs.push({
      epoch: e.epoch, step: e.step,
      train: regression ? e.trainR2 ?? null : e.trainAcc, val: regression ? e.valR2 ?? null : e.valAcc,
    });
  }

  pushStats(s: StepStats): void {
    this.stats.push({
      step: s.step, dead: s.layers.map((l) => l.dead), saturated: s.layers.map((l) => l.saturated), updateRatio: s.layers.map((l) => l.updateRatio),
    });
  }

  diverged(step: number, lr: number): void {
    this.divergence = { step, lr };
  }

  /** Whether to evaluate after this step: an epoch end of every everyEpochs-th epoch, or EVAL_STEPS since the last. */
  due(epochEnded: boolean, epoch: number): boolean {
    return (epochEnded && epoch % this.everyEpochs === 0) || this.steps - this.lastEval >= EVAL_STEPS;
  }

  input(ended: boolean): DoctorInput {
    return {
      loss: this.loss.series(), steps: this.steps, totalSteps: this.run.totalSteps,
      epochs: this.epochs.items, stats: this.stats.items, statsLayers: this.run.statsLayers, layers: this.layers,
      initial: this.initial, start: this.start, divergence: this.divergence, regression: this.run.regression,
      lr: this.spec.optimizer.lr, l2: this.spec.train.l2, init: this.spec.init.type, ended,
    };
  }

  /** Diagnoses the history so far; returns the findings when they changed since the last call, else null. */
  evaluate(ended: boolean): Finding[] | null {
    this.lastEval = this.steps;
    const now = diagnose(this.input(ended));
    const keys = new Set(now.map(key));
    for (const [k, f] of this.found) if (!keys.has(k) && ended && !EVENTS.has(f.code)) this.found.delete(k);
    for (const f of now) this.found.set(key(f), f);
    const list = this.findings();
    const text = JSON.stringify(list);
    if (text === this.lastText) return null;
    this.lastText = text;
    return list;
  }

  findings(): Finding[] {
    return [...this.found.values()].sort((a, b) => FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code) || (a.layer ?? -1) - (b.layer ?? -1));
  }
}

const key = (f: Finding): string => `${f.code}:${f.layer ?? ''}`;
