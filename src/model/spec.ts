/**
 * ModelSpec: a model file after parsing and validation, with defaults filled in.
 * Pure data (structured-clone safe): it crosses from the host to the worker as is.
 */

export type ActivationName = 'linear' | 'relu' | 'tanh' | 'sigmoid';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'tanh', 'sigmoid'];

export type InitScheme = 'zeros' | 'small' | 'xavier' | 'he';
export const INIT_SCHEMES: readonly InitScheme[] = ['zeros', 'small', 'xavier', 'he'];
export type InitSpec = { type: InitScheme } | { type: 'normal'; std: number };

export type OptimizerName = 'sgd' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];

export interface SgdSpec {
  type: 'sgd';
  lr: number;
}
export interface AdamSpec {
  type: 'adam';
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}
export type OptimizerSpec = SgdSpec | AdamSpec;

export type LossName = 'softmax';
export const LOSSES: readonly LossName[] = ['softmax'];

export type DatasetName = 'spiral';
export const DATASETS: readonly DatasetName[] = ['spiral'];

export interface DataSpec {
  dataset: DatasetName;
  samples: number;
  classes: number;
  noise: number;
  /** Held-out fraction in [0, 1). */
  validation: number;
}

export interface DenseLayerSpec {
  kind: 'dense';
  units: number;
  /** Applied after the affine map; 'linear' when absent. */
  activation: ActivationName;
  /** Overrides the model's init scheme for this layer. */
  init?: InitSpec;
}
export interface ActivationLayerSpec {
  kind: 'activation';
  activation: ActivationName;
}
export type LayerSpec = DenseLayerSpec | ActivationLayerSpec;

export interface TrainSpec {
  epochs: number;
  /** Samples per step; 'full' trains on the whole training set at each step. */
  batch: number | 'full';
  /** Adds ½·l2·‖W‖² over weights (not biases). */
  l2: number;
  seed: number;
}

export interface ModelSpec {
  data: DataSpec;
  layers: LayerSpec[];
  loss: LossName;
  init: InitSpec;
  optimizer: OptimizerSpec;
  train: TrainSpec;
}

/** cs231n's defaults for each update rule. */
export const OPTIMIZER_DEFAULTS: { sgd: SgdSpec; adam: AdamSpec } = {
  sgd: { type: 'sgd', lr: 1e-2 },
  adam: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
};
