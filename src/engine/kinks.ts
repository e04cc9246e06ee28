import type { FloatArray, Param } from './tensor';

/**
 * The kinds of non-differentiable point a gradient check steps around:
 *   relu     ReLU, leaky ReLU (and ELU with α ≠ 1) at an input of 0, wherever the activation runs
 *   maxpool  a max-pool window whose largest value changes place
 *   maxout   a maxout unit whose winning piece changes
 *   hinge    an SVM term max(0, s_j − s_y + Δ) whose argument crosses 0
 *   l1       an L1 term |w| whose weight crosses 0
 */
export type KinkKind = 'relu' | 'maxpool' | 'maxout' | 'hinge' | 'l1';
export const KINK_KINDS: readonly KinkKind[] = ['relu', 'maxpool', 'maxout', 'hinge', 'l1'];

/** Per kind, a checksum of which piece each piecewise choice of that kind took in one evaluation. */
export type KinkDecisions = Record<KinkKind, number>;

/** 0 for every kind: a start for checksums or counts. */
export function zeroPerKind(): Record<KinkKind, number> {
  return { relu: 0, maxpool: 0, maxout: 0, hinge: 0, l1: 0 };
}

/** Folds one more choice (a small whole number: the piece taken) into a checksum. */
export function fold(checksum: number, choice: number): number {
  return (Math.imul(checksum, 31) + choice) | 0;
}

/** The kinds whose checksum differs between two evaluations: the kinks a step crossed. */
export function crossedKinds(base: KinkDecisions, now: KinkDecisions): KinkKind[] {
  return KINK_KINDS.filter((k) => base[k] !== now[k]);
}

/**
 * The side of 0 each regularized weight is on (+, −, or exactly 0): |w|'s piece. Changes when a
 * step moves a weight across 0, where the L1 term l1·|w| has its kink.
 */
export function l1Checksum(params: readonly Param[]): number {
  let h = 0;
  for (const p of params) {
    if (!p.regularize) continue;
    const w: FloatArray = p.value;
    for (let i = 0; i < w.length; i++) h = fold(h, w[i] > 0 ? 1 : w[i] < 0 ? 2 : 0);
  }
  return h;
}
