import type { Network } from './network';
import { allocate, dtypeOf, norm, type FloatArray } from './tensor';
import type { ActivationLayer } from './layers/activation';
import type { LayerKind } from '../model/spec';
import { addr, kernels, kernelsFor, RESULT_INTS } from './wasm/kernels';

export interface Histogram {
  /** bins + 1 increasing edges */
  edges: number[];
  counts: number[];
}

/**
 * One model-file layer at one step. The activation figures (mean, std, hist, dead, saturated)
 * describe its output after its activation over the run's probe set: a fixed sample of training
 * samples (see probeSize) drawn once from the run's seed, passed forward in eval mode (dropout
 * off, batchnorm's running statistics) with the weights the step starts from, so one point compares
 * with the next. The gradient and update figures come from the step itself (its mini-batch).
 */
export interface LayerStats {
  /** e.g. "layers[0] dense 100 · relu" */
  name: string;
  kind: LayerKind;
  mean: number;
  std: number;
  hist: Histogram;
  /** ReLU: the fraction of units that are 0 for every sample of the probe set (cs231n's dead units). */
  dead: number | null;
  /** tanh/sigmoid: the fraction of outputs within 0.01 of a limit (|tanh| > 0.99, σ < 0.01 or > 0.99). */
  saturated: number | null;
  /** ‖∂L/∂W‖ of the layer's weights (γ for batchnorm) on the step's mini-batch; null without parameters. */
  gradNorm: number | null;
  /** ‖ΔW‖/‖W‖ of this step's update; cs231n's rule of thumb is about 1e-3. */
  updateRatio: number | null;
}

export interface ParamStats {
  name: string;
  norm: number;
  gradNorm: number;
  updateRatio: number | null;
}

export interface StepStats {
  /** Updates applied before this step's forward pass (0: the initial weights). */
  step: number;
  /** The mini-batch's data loss. */
  loss: number;
  layers: LayerStats[];
  params: ParamStats[];
}

export const HISTOGRAM_BINS = 30;

/**
 * The probe set the activation statistics are taken over has as many training samples as a batch,
 * at least PROBE_MIN and at most PROBE_SAMPLES (all of them when there are fewer): its eval-mode
 * pass then costs about a third of a training step, so statistics at the default rate stay within
 * their budget (bench/stats-overhead.mjs).
 */
export const PROBE_SAMPLES = 256;
export const PROBE_MIN = 64;

/** How many samples the probe set of a run with this batch size and training set has. */
export function probeSize(batchSize: number, trainSize: number): number {
  return Math.min(trainSize, Math.max(PROBE_MIN, Math.min(PROBE_SAMPLES, batchSize)));
}

/**
 * Statistics every this many steps by default: about 5–9 % of training throughput, the probe set's
 * eval-mode pass included, on bench/stats-overhead.mjs's models (spiral, a 784-256-256-10 MLP, the
 * 10×500 tanh net), timed step by step against plain steps.
 */
export const DEFAULT_STATS_EVERY = 10;

/** Mean, std and a histogram of len values, in double precision (in the kernels for arena buffers). */
export function summarize(a: FloatArray, len: number, range?: [number, number], bins = HISTOGRAM_BINS): { mean: number; std: number; hist: Histogram } {
  const k = kernels();
  const wasm = k && kernelsFor(a) && 4 * bins <= RESULT_INTS ? k : undefined;
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  if (wasm) {
    wasm.exports.moments(addr(a), len, wasm.results.at);
    [s, s2, min, max] = wasm.results.f64;
  } else {
    for (let i = 0; i < len; i++) {
      const v = a[i];
      s += v;
      s2 += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const mean = len > 0 ? s / len : NaN;
  const std = len > 0 ? Math.sqrt(Math.max(0, s2 / len - mean * mean)) : NaN;
  let [lo, hi] = range ?? [min, max];
  if (!(hi > lo)) {
    lo = Number.isFinite(min) ? min - 0.5 : -0.5;
    hi = lo + 1;
  }
  const scale = bins / (hi - lo);
  let counts: number[];
  if (wasm) {
    wasm.exports.histogram(addr(a), len, lo, scale, bins, wasm.results.at + 64);
    counts = Array.from(wasm.results.i32.subarray(0, bins));
  } else {
    counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < len; i++) {
      const b = Math.floor((a[i] - lo) * scale);
      if (b !== b) continue; // NaN belongs to no bin
      counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
    }
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + (k * (hi - lo)) / bins);
  return { mean, std, hist: { edges, counts } };
}

/** ‖a − b‖, accumulated in double precision. */
export function normOfDifference(a: FloatArray, b: FloatArray): number {
  const k = kernelsFor(a, b);
  if (k) return Math.sqrt(k.sumSqDiff(addr(a), addr(b), a.length));
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** A fixed batch of training samples in the network's dtype (the kernels' arena for float32). */
export interface ProbeSet {
  x: FloatArray;
  n: number;
}

type Activations = Pick<LayerStats, 'name' | 'kind' | 'mean' | 'std' | 'hist' | 'dead' | 'saturated'>;

/**
 * Statistics of a training step: call beforeUpdate() once the step's forward and backward passes
 * are done (it copies the weights, for ‖ΔW‖/‖W‖, and passes the probe set forward in eval mode for
 * the activation figures), then finish() after the update (gradient and update figures).
 */
export class StatsRecorder {
  private readonly before: FloatArray[];
  private readonly groups: Array<{ source: number; first: number; last: number }>;
  private activations: Activations[] = [];

  constructor(private readonly net: Network, private readonly probe: ProbeSet) {
    this.before = net.params.map((p) => allocate(dtypeOf(p.value), p.value.length));
    const groups: Array<{ source: number; first: number; last: number }> = [];
    net.layers.forEach((l, i) => {
      const g = groups[groups.length - 1];
      if (g && g.source === l.sourceIndex) g.last = i;
      else groups.push({ source: l.sourceIndex, first: i, last: i });
    });
    this.groups = groups;
  }

  /**
   * Before the update: copies the weights, and summarizes every model-file layer's output over the
   * probe set in eval mode. Overwrites the network's outputs (the step's backward pass is done).
   */
  beforeUpdate(): void {
    const net = this.net;
    net.params.forEach((p, i) => this.before[i].set(p.value));
    const n = this.probe.n;
    net.forward(this.probe.x, n, false);
    this.activations = this.groups.map(({ source, first, last }): Activations => {
      const out = net.outputs[last];
      const lastLayer = net.layers[last];
      const len = n * lastLayer.outSize;
      const fn = lastLayer.kind === 'activation' ? (lastLayer as ActivationLayer).fn : undefined;
      const range: [number, number] | undefined = fn === 'tanh' ? [-1, 1] : fn === 'sigmoid' ? [0, 1] : undefined;
      const { mean, std, hist } = summarize(out, len, range);
      const labels = net.layers.slice(first, last + 1).map((l) => l.label).join(' · ');
      return {
        name: `layers[${source}] ${labels}`, kind: net.layers[first].kind, mean, std, hist,
        dead: fn === 'relu' ? deadFraction(out, n, lastLayer.outSize) : null,
        saturated: fn === 'tanh' || fn === 'sigmoid' ? saturatedFraction(out, len, fn) : null,
      };
    });
  }

  /** After the update: the probe's activation figures with the step's gradient and update figures. */
  finish(step: number, dataLoss: number, updated: boolean): StepStats {
    const net = this.net;
    const params: ParamStats[] = net.params.map((p, i) => {
      const weightNorm = norm(this.before[i]);
      return {
        name: p.name, norm: weightNorm, gradNorm: norm(p.grad),
        updateRatio: updated && weightNorm > 0 ? normOfDifference(p.value, this.before[i]) / weightNorm : null,
      };
    });
    const layers = this.groups.map(({ source }, g): LayerStats => {
      const weightIndex = net.params.findIndex((p) => p.layer === source && (p.role === 'W' || p.role === 'gamma'));
      const weight: ParamStats | undefined = params[weightIndex];
      return { ...this.activations[g], gradNorm: weight ? weight.gradNorm : null, updateRatio: weight ? weight.updateRatio : null };
    });
    return { step, loss: dataLoss, layers, params };
  }
}

/** Units (columns) that are 0 for every one of the n samples. */
export function deadFraction(out: FloatArray, n: number, units: number): number {
  if (units === 0 || n === 0) return 0;
  let dead = 0;
  for (let j = 0; j < units; j++) {
    let alive = false;
    for (let i = 0; i < n && !alive; i++) alive = out[i * units + j] > 0;
    if (!alive) dead++;
  }
  return dead / units;
}

export function saturatedFraction(out: FloatArray, len: number, fn: 'tanh' | 'sigmoid'): number {
  if (len === 0) return 0;
  let s = 0;
  for (let i = 0; i < len; i++) {
    const v = out[i];
    if (fn === 'tanh' ? Math.abs(v) > 0.99 : v < 0.01 || v > 0.99) s++;
  }
  return s / len;
}

