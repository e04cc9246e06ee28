import type { OptimizerSpec } from '../model/spec';

/**
 * Upper bounds on how large an update can make a parameter's weights and optimizer state, so that
 * a step whose update could overflow float32 is known before it is applied.
 *
 * Per parameter the optimizer keeps B = [max|w|, max|s₀|, max|s₁|] (bounds, not measurements) and
 * carries them through each update from g = max|dw| and the rule's formula (element-wise, so the
 * maxima bound every element):
 *   sgd        w' ≤ w + lr·g
 *   momentum   v' ≤ μ·v + lr·g;  w' ≤ w + v'             nesterov: w' ≤ w + μ·v + (1 + μ)·v'
 *   adagrad    c' ≤ c + g²;  w' ≤ w + lr                 (|dw|/√c' ≤ 1 since c' ≥ dw²)
 *   rmsprop    c' ≤ max(c, g²);  w' ≤ w + lr/√(1 − decay)  (c' ≥ (1 − decay)·dw²)
 *   adam       m' ≤ max(m, g), v' ≤ max(v, g²);  w' ≤ |keep|·w + lr·(m'/mc)/ε
 * together with the products the kernels form on the way (lr·dw, dw², lr·m'/mc, v'/vc). Each result is widened by
 * SLACK for float32 rounding. While every bound stays under SAFE (30 times below float32's largest
 * value) the update cannot overflow; past it the optimizer measures the true maxima, and if they
 * are still too large it applies the update from a copy it can restore.
 */
export const SAFE = 1e37;
const SLACK = 1 + 1e-5;

/** Bound slots per parameter: the weights and up to two state arrays. */
export const SLOTS = 3;

/**
 * Writes into out[o…o+2] the bounds after one update of `spec` (at Adam's step t) from the bounds
 * b[o…o+2] before it, with max|dw| = g and learning rate lr; decay: AdamW's weight decay for this
 * parameter (0 if it has none). Returns false when an intermediate product could overflow (the
 * bounds are then not meaningful).
 */
export function boundAfter(spec: OptimizerSpec, b: Float64Array, o: number, g: number, lr: number, t: number, decay: number, out: Float64Array): boolean {
  const w = b[o], s0 = b[o + 1], s1 = b[o + 2];
  const step = lr * g;
  if (!(lr <= SAFE && step <= SAFE && g * g <= SAFE)) return false;
  let w1: number, n0 = 0, n1 = 0;
  switch (spec.type) {
    case 'sgd':
      w1 = w + step;
      break;
    case 'momentum':
    case 'nesterov': {
      const mu = Math.abs(spec.momentum);
      n0 = mu * s0 + step;
      w1 = spec.type === 'momentum' ? w + n0 : w + mu * s0 + Math.abs(1 + spec.momentum) * n0;
      break;
    }
    case 'adagrad':
      n0 = s0 + g * g;
      w1 = w + lr;
      break;
    case 'rmsprop':
      // A convex combination of the cache and dw² only for a decay in [0, 1).
      if (!(spec.decay >= 0 && spec.decay < 1)) return false;
      n0 = Math.max(s0, g * g);
      w1 = w + lr / Math.sqrt(1 - spec.decay);
      break;
    case 'adam':
    case 'adamw': {
      // Moving averages (within the old value and the new one) only for β in [0, 1].
      if (!(spec.beta1 >= 0 && spec.beta1 <= 1 && spec.beta2 >= 0 && spec.beta2 <= 1)) return false;
      n0 = Math.max(s0, g);
      n1 = Math.max(s1, g * g);
      const scaled = (lr * n0) / (1 - Math.pow(spec.beta1, t));
      w1 = Math.abs(1 - lr * decay) * w + scaled / spec.eps;
      if (!(scaled <= SAFE && n1 / (1 - Math.pow(spec.beta2, t)) <= SAFE)) return false;
      break;
    }
  }
  out[o] = w1 * SLACK;
  out[o + 1] = n0 * SLACK;
  out[o + 2] = n1 * SLACK;
  return out[o] <= SAFE && out[o + 1] <= SAFE && out[o + 2] <= SAFE;
}
