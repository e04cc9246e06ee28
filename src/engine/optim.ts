import { allocate, type FloatArray, type Param } from './tensor';
import type { OptimizerSpec, AdamSpec } from '../model/spec';

/**
 * Update rules, written as cs231n lecture 7 writes them. Each keeps its own state per parameter;
 * a fresh Optimizer has fresh state (what a mid-run swap of the rule needs).
 */
export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Applies one update to every parameter with learning rate lr. */
  update(params: readonly Param[], lr: number): void;
}

/** sgd: w -= lr · dw */
export function sgdUpdate(w: FloatArray, dw: FloatArray, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * dw[i];
}

/**
 * adam, with bias correction at step t (1-based):
 *   m = β1·m + (1−β1)·dw;  v = β2·v + (1−β2)·dw²
 *   w -= lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)
 */
export function adamUpdate(
  w: FloatArray, dw: FloatArray, m: FloatArray, v: FloatArray, lr: number, t: number, c: AdamSpec,
): void {
  const { beta1, beta2, eps } = c;
  const mCorrection = 1 - Math.pow(beta1, t);
  const vCorrection = 1 - Math.pow(beta2, t);
  for (let i = 0; i < w.length; i++) {
    const g = dw[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    w[i] -= (lr * (m[i] / mCorrection)) / (Math.sqrt(v[i] / vCorrection) + eps);
  }
}

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.type) {
    case 'sgd':
      return { spec, update: (params, lr) => { for (const p of params) sgdUpdate(p.value, p.grad, lr); } };
    case 'adam': {
      const state = new Map<Param, { m: FloatArray; v: FloatArray }>();
      let t = 0;
      return {
        spec,
        update(params, lr) {
          t++;
          for (const p of params) {
            let s = state.get(p);
            if (!s) {
              s = { m: allocate(dtypeOf(p.value), p.value.length), v: allocate(dtypeOf(p.value), p.value.length) };
              state.set(p, s);
            }
            adamUpdate(p.value, p.grad, s.m, s.v, lr, t, spec);
          }
        },
      };
    }
  }
}

function dtypeOf(a: FloatArray): 'float32' | 'float64' {
  return a instanceof Float64Array ? 'float64' : 'float32';
}
