import type { FloatArray } from './tensor';
import type { LossName } from '../model/spec';
import { addr, kernelsFor, type KernelExports } from './wasm/kernels';
import { fold } from './kinks';

/** Class indices (softmax, svm) or target values, (N, C) row-major (mse). */
export type Targets = Int32Array | Float32Array;

export interface LossResult {
  /** Mean over the batch. */
  loss: number;
  /** Rows whose highest score is the label (0 for regression). */
  correct: number;
}

/**
 * A loss over a batch of scores (N, C). Rows of the targets start at `offset`.
 * With dscores, also writes ∂loss/∂scores: (N, C). `margin`: the SVM hinge's Δ (default 1; the
 * other losses ignore it).
 */
export type LossFunction = (
  scores: FloatArray, targets: Targets, offset: number, n: number, c: number, dscores: FloatArray | undefined, margin?: number,
) => LossResult;

/** The kernels when scores, labels and dscores (if any) all live in the arena. */
function labelKernels(scores: FloatArray, targets: Targets, dscores: FloatArray | undefined): KernelExports | undefined {
  if (!(targets instanceof Int32Array)) return undefined;
  return dscores ? kernelsFor(scores, targets, dscores) : kernelsFor(scores, targets);
}

/** The first index of the highest of scores[o … o + c − 1], minus o (ties go to the lower class, as the losses count them). */
export function argmax(scores: ArrayLike<number>, o: number, c: number): number {
  let best = 0;
  for (let j = 1; j < c; j++) if (scores[o + j] > scores[o + best]) best = j;
  return best;
}

/**
 * softmax cross-entropy: L_i = −log(e^{s_y} / Σ_j e^{s_j}), mean over N.
 * dscores = (softmax − onehot) / N. Subtracts each row's max first, so large scores cannot overflow.
 */
export const softmaxLoss: LossFunction = (scores, targets, offset, n, c, dscores) => {
  const k = labelKernels(scores, targets, dscores);
  if (k) return { loss: k.softmaxLoss(addr(scores), addr(targets, offset), n, c, dscores ? addr(dscores) : 0) / n, correct: k.lastCorrect() };
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const y = targets[offset + i];
    const best = argmax(scores, o, c);
    if (best === y) correct++;
    const max = scores[o + best];
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(scores[o + j] - max);
    const logSum = Math.log(sum);
    loss += logSum - (scores[o + y] - max);
    if (dscores) {
      for (let j = 0; j < c; j++) {
        const p = Math.exp(scores[o + j] - max - logSum);
        dscores[o + j] = (p - (j === y ? 1 : 0)) / n;
      }
    }
  }
  return { loss: loss / n, correct };
};

/**
 * Multiclass SVM (hinge), exactly as cs231n defines it, margin Δ (default 1):
 *   L_i = Σ_{j≠y} max(0, s_j − s_y + Δ), mean over N.
 * dscores: +1/N for each j whose margin is positive, −(their count)/N at y.
 */
export const svmLoss: LossFunction = (scores, targets, offset, n, c, dscores, delta = 1) => {
  const k = labelKernels(scores, targets, dscores);
  if (k) return { loss: k.svmLoss(addr(scores), addr(targets, offset), n, c, dscores ? addr(dscores) : 0, delta) / n, correct: k.lastCorrect() };
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const y = targets[offset + i];
    if (argmax(scores, o, c) === y) correct++;
    const sy = scores[o + y];
    let positive = 0;
    for (let j = 0; j < c; j++) {
      if (j === y) continue;
      const margin = scores[o + j] - sy + delta;
      if (margin > 0) {
        loss += margin;
        positive++;
        if (dscores) dscores[o + j] = 1 / n;
      } else if (dscores) {
        dscores[o + j] = 0;
      }
    }
    if (dscores) dscores[o + y] = -positive / n;
  }
  return { loss: loss / n, correct };
};

/**
 * Which side of its kink each SVM hinge term max(0, s_j − s_y + Δ), j ≠ y, is on: a checksum of
 * the signs the loss branches on (positive or not). Only a gradient check calls it.
 */
export function hingeChecksum(scores: FloatArray, targets: Targets, offset: number, n: number, c: number, margin: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const sy = scores[o + targets[offset + i]];
    for (let j = 0; j < c; j++) if (j !== targets[offset + i]) h = fold(h, scores[o + j] - sy + margin > 0 ? 1 : 0);
  }
  return h;
}

/**
 * Mean squared error over every output, as PyTorch's MSELoss: L = Σ (s − t)² / (N·C).
 * dscores = 2(s − t) / (N·C).
 */
export const mseLoss: LossFunction = (scores, targets, offset, n, c, dscores) => {
  let loss = 0;
  const count = n * c;
  const t0 = offset * c;
  for (let k = 0; k < count; k++) {
    const d = scores[k] - targets[t0 + k];
    loss += d * d;
    if (dscores) dscores[k] = (2 * d) / count;
  }
  return { loss: loss / count, correct: 0 };
};

export const LOSS_FUNCTIONS: Record<LossName, LossFunction> = { softmax: softmaxLoss, svm: svmLoss, mse: mseLoss };

/** Whether the loss compares scores with class labels (so accuracy means something). */
export function isClassification(loss: LossName): boolean {
  return loss !== 'mse';
}
