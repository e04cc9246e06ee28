/**
 * One example through the network, forward and backward (the panel's Inspect tab and
 * `trainlens inspect --json`). Pure data (JSON and structured-clone safe).
 */
import type { LossName } from '../model/spec';
import type { CircuitGraph } from './circuit/types';

/** Which side of the split a sample index counts in: the training rows or the held-out rows, in the split's order. */
export type SampleSplit = 'train' | 'val';

/** Whose weights: as initialized from the seed, after training (CLI), a live run's now, a finished or kept run's. */
export type InspectWeights = 'initial' | 'trained' | 'live' | 'final' | 'kept';

/** One engine layer's output for the sample and the gradient of the sample's loss with respect to it. */
export interface InspectLayer {
  /** e.g. "layers[0] dense 100", then "layers[0] relu" for the activation written on the same line. */
  name: string;
  /** The model-file layer (index in `layers:`). */
  index: number;
  /** The engine layer's kind: dense, conv, pool, activation, batchnorm, dropout, flatten, maxout. */
  kind: string;
  /** The output's shape for one sample, e.g. [100] or [16, 14, 14] (channels, height, width). */
  shape: number[];
  /** The output, row-major (for images: channel by channel, row by row). */
  out: number[];
  /** ∂L/∂out, same layout. */
  dout: number[];
}

/** The JSON line `{"type":"inspect","sample":K,"label":y,"scores":…,"probs":…,"margins":…,"loss":…,"dscores":…,"layers":…,"dinput":…}`. */
export interface InspectResult {
  type: 'inspect';
  /** The sample's index in its split. */
  sample: number;
  split: SampleSplit;
  /** Classification: the class index; regression: the targets. */
  label: number | number[];
  /** The classes' names when the data names them. */
  labelNames?: string[];
  /** Classification: the class with the highest score; null for regression. */
  predicted: number | null;
  lossName: LossName;
  /** SVM: the margin Δ in effect. */
  margin?: number;
  /** The last layer's output for the sample. */
  scores: number[];
  /** softmax only: each class's probability (−log probs[label] is the loss). */
  probs?: number[];
  /** svm only: max(0, s_j − s_y + Δ) per class, 0 at the correct class (excluded from the sum). */
  margins?: number[];
  /** mse only: each output's error s_i − y_i. */
  errors?: number[];
  /** This sample's data loss, without regularization. */
  loss: number;
  /** ∂L/∂scores. */
  dscores: number[];
  /** The sample as the network sees it (after normalization) and its shape ([features] or [c, h, w]). */
  input: number[];
  inputShape: number[];
  /** Every engine layer, first to last (the last one's out is scores, its dout dscores). */
  layers: InspectLayer[];
  /** ∂L/∂input, laid out as input (a saliency map for images). */
  dinput: number[];
  weights: InspectWeights;
  /** Training steps behind the weights (0 for initial). */
  step: number;
  /** For a network of at most CIRCUIT_MAX_WEIGHTS weights of dense layers and activations: its computation for this sample as a circuit. */
  circuit?: CircuitGraph;
}

/** Networks with at most this many weights and biases can be drawn as a circuit ("Show as Circuit"). */
export const CIRCUIT_MAX_WEIGHTS = 40;
