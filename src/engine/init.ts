import type { Rng } from './rng';
import type { FloatArray } from './tensor';
import type { InitSpec } from '../model/spec';

/** Standard deviation of each init scheme for a layer with the given fan-in (cs231n lecture 6). */
export function initStd(init: InitSpec, fanIn: number): number {
  switch (init.type) {
    case 'zeros': return 0;
    case 'small': return 0.01;
    case 'xavier': return 1 / Math.sqrt(fanIn);
    case 'he': return Math.sqrt(2 / fanIn);
    case 'normal': case 'uniform': return init.std;
  }
}

/**
 * Fills weights for the scheme: N(0, std²), or for `uniform` U(−a, a) with a = std·√3 (which has
 * that standard deviation). zeros draws nothing.
 */
export function initWeights(w: FloatArray, fanIn: number, init: InitSpec, rng: Rng): void {
  const std = initStd(init, fanIn);
  if (std === 0) {
    w.fill(0);
    return;
  }
  if (init.type === 'uniform') {
    const a = std * Math.sqrt(3);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * a;
    return;
  }
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
}
