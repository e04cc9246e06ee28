import { Rng } from './rng';
import { Trainer } from './trainer';
import { maxRelativeError, relativeErrorOfNorms, verdict, type Verdict } from './gradcheck';
import { crossedKinds, zeroPerKind, type KinkDecisions, type KinkKind } from './kinks';
import type { ModelSpec } from '../model/spec';
import type { FloatArray, Param } from './tensor';
import type { Network, Regularization } from './network';
import type { Targets } from './loss';
import type { Dataset } from './data/dataset';

export interface ParamCheck {
  name: string;
  /**
   * cs231n's relative error: the largest over the checked entries (away from kinks) of
   * |analytic − numeric| / max(1e-8, |analytic| + |numeric|). The verdict is read on it. 0 (and
   * "good") when every entry was skipped at a kink (checked 0): nothing was compared; the CLI and
   * the panel show "–" then.
   */
  relError: number;
  /** ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over the same entries: a norm-wise, more lenient figure. */
  normRelError: number;
  verdict: Verdict;
  /** Entries compared (all of a small parameter, a seeded sample of a large one). */
  checked: number;
  size: number;
  /** Entries skipped because every step size tried crossed a kink. */
  kinks: number;
  /**
   * The skipped entries by the kind of kink their smallest step crossed. An entry whose step
   * crossed two kinds at once counts under both, so these may add up to more than `kinks`.
   */
  kinksByKind: KinkCounts;
}

/** Skipped entries per kind of kink (every kind present, 0 when none). */
export type KinkCounts = Record<KinkKind, number>;

export interface ModelCheck {
  maxRelError: number;
  params: ParamCheck[];
  batch: number;
}

export interface CheckOptions {
  /** Training samples in the batch the loss is taken over. */
  batch?: number;
  /** Entries sampled per parameter. */
  entries?: number;
  /** Centered-difference step; divided by 10, up to twice, when a step crosses a kink. */
  h?: number;
  /** The data, when it comes from files (loaded by the caller). */
  data?: Dataset;
  /** The data is the check's to reorder in place (the caller lets it go): no copy is made. */
  ownData?: boolean;
}

/** What checking one parameter needs: the loss, the piecewise decisions, and their values at θ. */
interface Probe {
  lossAt(): number;
  decisions(): KinkDecisions;
  base: KinkDecisions;
  h0: number;
}

/**
 * The centered difference of entry i, (f(θ + h) − f(θ − h)) / 2h, with the first step size among
 * h0, h0/10, h0/100 whose ± steps both keep every piecewise decision; undefined when all of them
 * cross a kink, with the kinds the smallest step crossed.
 */
function centeredDifference(probe: Probe, value: Param['value'], i: number): { g?: number; crossed: KinkKind[] } {
  const old = value[i];
  let crossed: KinkKind[] = [];
  try {
    for (const h of [probe.h0, probe.h0 / 10, probe.h0 / 100]) {
      value[i] = old + h;
      const plus = probe.lossAt();
      const afterPlus = crossedKinds(probe.base, probe.decisions());
      value[i] = old - h;
      const minus = probe.lossAt();
      const afterMinus = crossedKinds(probe.base, probe.decisions());
      crossed = [...new Set([...afterPlus, ...afterMinus])];
      if (crossed.length === 0) return { g: (plus - minus) / (2 * h), crossed };
    }
    return { crossed };
  } finally {
    value[i] = old;
  }
}

function checkParam(probe: Probe, p: Param, analytic: Float64Array, picks: readonly number[]): ParamCheck {
  const a: number[] = [];
  const num: number[] = [];
  const kinksByKind = zeroPerKind();
  let kinks = 0;
  for (const i of picks) {
    const { g, crossed } = centeredDifference(probe, p.value, i);
    if (g === undefined) {
      kinks++;
      for (const kind of crossed) kinksByKind[kind]++;
      continue;
    }
    a.push(analytic[i]);
    num.push(g);
  }
  const relError = maxRelativeError(a, num);
  return {
    name: p.name, relError, normRelError: relativeErrorOfNorms(a, num), verdict: verdict(relError),
    checked: a.length, size: p.value.length, kinks, kinksByKind,
  };
}

/**
 * Gradient check of a whole model in float64: the loss (data + regularization, in training mode
 * with dropout masks held fixed) over a small batch of its training data; see gradcheckNetwork.
 */
export function gradcheckModel(spec: ModelSpec, o: CheckOptions = {}): ModelCheck {
  const trainer = new Trainer(spec, 'float64', o.data, { ownData: o.ownData });
  const data = trainer.trainSet;
  const n = Math.min(o.batch ?? 8, data.n);
  const f = data.features;
  const x = new Float64Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = data.x[i];
  // Regression: the batch's targets (n, targetCount); else its labels.
  const y = data.targets ? data.targets.subarray(0, n * data.targetCount!) : data.y.subarray(0, n);
  return gradcheckNetwork(trainer.network, x, y, n, trainer.reg, o);
}

/**
 * Every parameter's backward gradient of a float64 network's loss on the batch (x, y) against
 * centered differences (f(θ + h) − f(θ − h)) / 2h, entry by entry with cs231n's relative error.
 * Entries whose ± steps change a piecewise decision (a ReLU's side of 0, a max-pool or maxout
 * winner, an SVM hinge's side of its margin, an L1 weight's sign) are retried with smaller steps,
 * then skipped and counted by kind, so the figure is taken at smooth points.
 */
export function gradcheckNetwork(
  net: Network, x: FloatArray, y: Targets, n: number, reg: Regularization, o: Pick<CheckOptions, 'entries' | 'h'> = {},
): ModelCheck {
  net.loss(x, y, 0, n, reg, true, true);
  net.setFrozen(true);
  net.loss(x, y, 0, n, reg, true, true);
  const decisions = (): KinkDecisions => net.kinkDecisions(y, 0, n, reg);
  const probe: Probe = { lossAt: () => net.loss(x, y, 0, n, reg, false, true).loss, decisions, base: decisions(), h0: o.h ?? 1e-5 };
  const analytic = net.params.map((p) => Float64Array.from(p.grad));
  const rng = new Rng(0x9e3779b9);
  const entries = o.entries ?? 64;
  const params = net.params.map((p, pi): ParamCheck => {
    const size = p.value.length;
    const picks = size <= entries ? Array.from({ length: size }, (_, i) => i) : sample(size, entries, rng);
    return checkParam(probe, p, analytic[pi], picks);
  });
  net.setFrozen(false);
  // NaN anywhere (a non-finite gradient) makes the whole figure NaN, which reads wrong.
  const maxRelError = params.some((p) => Number.isNaN(p.relError)) ? NaN : params.reduce((m, p) => Math.max(m, p.relError), 0);
  return { maxRelError, params, batch: n };
}

/** k distinct indices below size, seeded. */
function sample(size: number, k: number, rng: Rng): number[] {
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(rng.int(size));
  return [...chosen].sort((a, b) => a - b);
}
