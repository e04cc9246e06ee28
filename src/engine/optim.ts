import { allocate, dtypeOf, maxAbs, type FloatArray, type Param } from './tensor';
import { boundAfter, SLOTS } from './update-bound';
import type { AdamSpec, OptimizerName, OptimizerSpec } from '../model/spec';
import { addr, kernelsFor } from './wasm/kernels';
import * as parallel from './wasm/parallel-update';

/**
 * Update rules as cs231n lecture 7 and its notes write them, in order of increasing state.
 * Each is a free function over one parameter's flat arrays; w and its state are updated in place,
 * by the WebAssembly kernel when all of them live in its arena (float32 arithmetic), else by the
 * loop here (double-precision arithmetic, rounded when stored).
 */

/** sgd: w −= lr·dw */
export function sgdUpdate(w: FloatArray, dw: FloatArray, lr: number): void {
  const k = kernelsFor(w, dw);
  if (k) return parallel.sgd(k, addr(w), addr(dw), w.length, lr);
  for (let i = 0; i < w.length; i++) w[i] -= lr * dw[i];
}

/** momentum: v = μ·v − lr·dw;  w += v */
export function momentumUpdate(w: FloatArray, dw: FloatArray, v: FloatArray, lr: number, mu: number): void {
  const k = kernelsFor(w, dw, v);
  if (k) return parallel.momentum(k, addr(w), addr(dw), addr(v), w.length, lr, mu, 0);
  for (let i = 0; i < w.length; i++) {
    v[i] = mu * v[i] - lr * dw[i];
    w[i] += v[i];
  }
}

/**
 * nesterov, the cs231n notes form (momentum's lookahead rewritten so dw is taken at w itself):
 *   v_prev = v;  v = μ·v − lr·dw;  w += −μ·v_prev + (1 + μ)·v
 */
export function nesterovUpdate(w: FloatArray, dw: FloatArray, v: FloatArray, lr: number, mu: number): void {
  const k = kernelsFor(w, dw, v);
  if (k) return parallel.momentum(k, addr(w), addr(dw), addr(v), w.length, lr, mu, 1);
  for (let i = 0; i < w.length; i++) {
    const vPrev = v[i];
    v[i] = mu * v[i] - lr * dw[i];
    w[i] += -mu * vPrev + (1 + mu) * v[i];
  }
}

/** adagrad: cache += dw²;  w −= lr·dw / (√cache + ε) */
export function adagradUpdate(w: FloatArray, dw: FloatArray, cache: FloatArray, lr: number, eps: number): void {
  const k = kernelsFor(w, dw, cache);
  if (k) return parallel.scaledUpdate(k, addr(w), addr(dw), addr(cache), w.length, lr, 0, eps);
  for (let i = 0; i < w.length; i++) {
    const g = dw[i];
    cache[i] += g * g;
    w[i] -= (lr * g) / (Math.sqrt(cache[i]) + eps);
  }
}

/** rmsprop: cache = decay·cache + (1 − decay)·dw²;  w −= lr·dw / (√cache + ε) */
export function rmspropUpdate(
  w: FloatArray, dw: FloatArray, cache: FloatArray, lr: number, decay: number, eps: number,
): void {
  const k = kernelsFor(w, dw, cache);
  if (k) return parallel.scaledUpdate(k, addr(w), addr(dw), addr(cache), w.length, lr, 1 - decay, eps);
  for (let i = 0; i < w.length; i++) {
    const g = dw[i];
    cache[i] = decay * cache[i] + (1 - decay) * g * g;
    w[i] -= (lr * g) / (Math.sqrt(cache[i]) + eps);
  }
}

/** The constants Adam and AdamW share. */
export type AdamConstants = Pick<AdamSpec, 'beta1' | 'beta2' | 'eps'>;

/**
 * adam, with bias correction at step t (counted from 1):
 *   m = β1·m + (1−β1)·dw;  v = β2·v + (1−β2)·dw²
 *   m̂ = m / (1−β1ᵗ);  v̂ = v / (1−β2ᵗ);  w −= lr·m̂ / (√v̂ + ε)
 * With weightDecay (AdamW), w −= lr·weightDecay·w first (weightDecayUpdate).
 */
export function adamUpdate(
  w: FloatArray, dw: FloatArray, m: FloatArray, v: FloatArray, lr: number, t: number, c: AdamConstants, weightDecay = 0,
): void {
  const { beta1, beta2, eps } = c;
  const mCorrection = 1 - Math.pow(beta1, t);
  const vCorrection = 1 - Math.pow(beta2, t);
  const k = kernelsFor(w, dw, m, v);
  if (k) return parallel.adam(k, addr(w), addr(dw), addr(m), addr(v), w.length, lr, 1 - beta1, 1 - beta2, eps, mCorrection, vCorrection, 1 - lr * weightDecay);
  if (weightDecay !== 0) weightDecayUpdate(w, lr, weightDecay);
  for (let i = 0; i < w.length; i++) {
    const g = dw[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    w[i] -= (lr * (m[i] / mCorrection)) / (Math.sqrt(v[i] / vCorrection) + eps);
  }
}

/** Decoupled weight decay (AdamW's): w −= lr·weightDecay·w */
export function weightDecayUpdate(w: FloatArray, lr: number, weightDecay: number): void {
  const keep = 1 - lr * weightDecay;
  for (let i = 0; i < w.length; i++) w[i] *= keep;
}

// ─── optimizers ───────────────────────────────────────────────────────────────

/**
 * A rule applied to a list of parameters. Its state is per parameter, allocated once on the first
 * update (same dtype as the parameter); a fresh Optimizer has fresh state, which is what swapping
 * the rule mid-training means (the weights stay, the new rule starts from zero state).
 */
export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Updates taken so far; Adam's t during an update. */
  readonly steps: number;
  /** Names of the state arrays each parameter gets, e.g. ['m', 'v'] for adam, [] for sgd. */
  readonly stateNames: readonly string[];
  /** state[i][k]: state array stateNames[k] of the i-th parameter; empty until the first update. */
  readonly state: readonly (readonly FloatArray[])[];
  /**
   * Applies one update to every parameter with learning rate lr, unless it would make a weight or
   * a state value non-finite: then nothing changes (weights, state, step count) and the name of the
   * first such parameter is returned. gradMax[i], if given, is max|dw| of params[i] (NaN or
   * Infinity if a gradient is not finite); otherwise it is measured here.
   */
  update(params: readonly Param[], lr: number, gradMax?: ArrayLike<number>): string | undefined;
}

/** How one rule steps one parameter, given that parameter's state arrays. */
interface Rule<S extends OptimizerSpec> {
  readonly stateNames: readonly string[];
  step(p: Param, s: readonly FloatArray[], lr: number, t: number, c: S): void;
}

type SpecOf<K extends OptimizerName> = OptimizerSpec & { type: K };

const RULES: { readonly [K in OptimizerName]: Rule<SpecOf<K>> } = {
  sgd: { stateNames: [], step: (p, _s, lr) => sgdUpdate(p.value, p.grad, lr) },
  momentum: {
    stateNames: ['velocity'],
    step: (p, s, lr, _t, c) => momentumUpdate(p.value, p.grad, s[0], lr, c.momentum),
  },
  nesterov: {
    stateNames: ['velocity'],
    step: (p, s, lr, _t, c) => nesterovUpdate(p.value, p.grad, s[0], lr, c.momentum),
  },
  adagrad: {
    stateNames: ['cache'],
    step: (p, s, lr, _t, c) => adagradUpdate(p.value, p.grad, s[0], lr, c.eps),
  },
  rmsprop: {
    stateNames: ['cache'],
    step: (p, s, lr, _t, c) => rmspropUpdate(p.value, p.grad, s[0], lr, c.decay, c.eps),
  },
  adam: { stateNames: ['m', 'v'], step: (p, s, lr, t, c) => adamUpdate(p.value, p.grad, s[0], s[1], lr, t, c) },
  adamw: {
    stateNames: ['m', 'v'],
    step(p, s, lr, t, c) {
      // PyTorch's AdamW order: decay the weight first (weights only, not biases, γ or β), then the Adam step.
      adamUpdate(p.value, p.grad, s[0], s[1], lr, t, c, p.regularize ? c.weightDecay : 0);
    },
  },
};

class RuleOptimizer implements Optimizer {
  readonly stateNames: readonly string[];
  readonly state: FloatArray[][] = [];
  private t = 0;
  /** The parameters the state was allocated for, by position. */
  private owners: readonly Param[] = [];
  /** Per parameter, SLOTS bounds on max|w| and max|state| (see update-bound.ts), and the next ones. */
  private bounds = new Float64Array(0);
  private next = new Float64Array(0);
  private gradMax = new Float64Array(0);
  /** Copies of the weights and state, made only when an update might overflow, to restore. */
  private backup: FloatArray[][] | undefined;

  constructor(readonly spec: OptimizerSpec, private readonly rule: Rule<OptimizerSpec>) {
    this.stateNames = rule.stateNames;
  }

  get steps(): number {
    return this.t;
  }

  update(params: readonly Param[], lr: number, gradMax?: ArrayLike<number>): string | undefined {
    if (this.t === 0) this.allocate(params);
    else if (params.length !== this.owners.length) throw new Error(`optimizer: ${params.length} parameters, state is for ${this.owners.length}`);
    for (let i = 0; i < params.length; i++) {
      // State is indexed by position; a different Param there would silently get another's moments.
      if (params[i] !== this.owners[i]) throw new Error(`optimizer: ${params[i].name} is not the parameter its state was made for`);
      this.gradMax[i] = gradMax ? gradMax[i] : maxAbs(params[i].grad);
    }
    const t = this.t + 1;
    // The bounds say the update cannot overflow: apply it. Else measure the true maxima and ask again.
    if (!this.bounded(params, lr, t)) {
      this.measure(params);
      if (!this.bounded(params, lr, t)) return this.guardedStep(params, lr, t);
    }
    this.apply(params, lr, t);
    this.bounds.set(this.next);
    return undefined;
  }

  /** The next bounds of every parameter, into `next`; false if any could reach SAFE. */
  private bounded(params: readonly Param[], lr: number, t: number): boolean {
    let ok = true;
    for (let i = 0; i < params.length && ok; i++) {
      const decay = this.spec.type === 'adamw' && params[i].regularize ? this.spec.weightDecay : 0;
      ok = boundAfter(this.spec, this.bounds, i * SLOTS, this.gradMax[i], lr, t, decay, this.next);
    }
    return ok;
  }

  private apply(params: readonly Param[], lr: number, t: number): void {
    this.t = t;
    for (let i = 0; i < params.length; i++) this.rule.step(params[i], this.state[i], lr, t, this.spec);
  }

  /** The true max|w| and max|state| of every parameter, as its bounds. */
  private measure(params: readonly Param[]): void {
    params.forEach((p, i) => {
      this.bounds[i * SLOTS] = maxAbs(p.value);
      this.state[i].forEach((s, k) => { this.bounds[i * SLOTS + 1 + k] = maxAbs(s); });
    });
  }

  /**
   * An update that might overflow: applied from a copy of every weight and state array, and undone
   * (the copy restored, the step count kept) if any value came out non-finite.
   */
  private guardedStep(params: readonly Param[], lr: number, t: number): string | undefined {
    this.backup ??= params.map((p, i) => [p.value, ...this.state[i]].map((a) => allocate(dtypeOf(a), a.length)));
    const arrays = params.map((p, i) => [p.value, ...this.state[i]]);
    arrays.forEach((list, i) => list.forEach((a, k) => this.backup![i][k].set(a)));
    this.apply(params, lr, t);
    const bad = arrays.findIndex((list) => list.some((a) => !Number.isFinite(maxAbs(a))));
    if (bad >= 0) {
      arrays.forEach((list, i) => list.forEach((a, k) => a.set(this.backup![i][k])));
      this.t = t - 1;
      return params[bad].name;
    }
    this.measure(params);
    return undefined;
  }

  private allocate(params: readonly Param[]): void {
    this.owners = params.slice();
    for (const p of params) this.state.push(this.stateNames.map(() => allocate(dtypeOf(p.value), p.value.length)));
    this.bounds = new Float64Array(params.length * SLOTS);
    this.next = new Float64Array(params.length * SLOTS);
    this.gradMax = new Float64Array(params.length);
    // The weights as they are; the state starts at 0.
    params.forEach((p, i) => { this.bounds[i * SLOTS] = maxAbs(p.value); });
  }
}

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  // RULES pairs each type with a rule for that type's spec, so this rule always receives its own kind.
  return new RuleOptimizer(spec, RULES[spec.type] as Rule<OptimizerSpec>);
}
