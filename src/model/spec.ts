/**
 * ModelSpec: a model file after parsing and validation, with defaults filled in.
 * Pure data (structured-clone safe): it crosses from the host to the worker as is.
 */
import type { TuneSpec } from './tune';

// ─── activations ──────────────────────────────────────────────────────────────

export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'elu' | 'gelu';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu'];
/** alpha of leaky_relu (slope for x < 0) and elu (α·(eˣ − 1) for x < 0), as cs231n and PyTorch set them. */
export const ACTIVATION_ALPHA: Partial<Record<ActivationName, number>> = { leaky_relu: 0.01, elu: 1.0 };

export interface ActivationSpec {
  type: ActivationName;
  /** Only for leaky_relu and elu. */
  alpha?: number;
}

// ─── init ─────────────────────────────────────────────────────────────────────

export type InitScheme = 'zeros' | 'small' | 'xavier' | 'he';
export const INIT_SCHEMES: readonly InitScheme[] = ['zeros', 'small', 'xavier', 'he'];
/** A named scheme, or a custom normal / uniform distribution with the given standard deviation. */
export type InitSpec = { type: InitScheme } | { type: 'normal' | 'uniform'; std: number };

// ─── layers ───────────────────────────────────────────────────────────────────

export interface DenseLayerSpec { kind: 'dense'; units: number; activation: ActivationSpec; init?: InitSpec }
export interface ConvLayerSpec {
  kind: 'conv'; filters: number; size: number; stride: number; pad: number; activation: ActivationSpec; init?: InitSpec;
}
export interface PoolLayerSpec { kind: 'pool'; size: number; stride: number; type: 'max' | 'avg' }
export interface FlattenLayerSpec { kind: 'flatten' }
/** Inverted dropout; p is the probability of dropping a unit (as PyTorch's nn.Dropout). */
export interface DropoutLayerSpec { kind: 'dropout'; p: number }
/** Batch statistics in training, running averages at evaluation; per feature, or per channel after a conv. */
export interface BatchNormLayerSpec { kind: 'batchnorm'; momentum: number; eps: number }
/** units outputs, each the max of `pieces` affine functions. */
export interface MaxoutLayerSpec { kind: 'maxout'; units: number; pieces: number; init?: InitSpec }
export interface ActivationLayerSpec { kind: 'activation'; activation: ActivationSpec }

export type LayerSpec =
  | DenseLayerSpec | ConvLayerSpec | PoolLayerSpec | FlattenLayerSpec | DropoutLayerSpec
  | BatchNormLayerSpec | MaxoutLayerSpec | ActivationLayerSpec;
export type LayerKind = LayerSpec['kind'];
export const LAYER_KINDS: readonly LayerKind[] = ['dense', 'conv', 'pool', 'flatten', 'dropout', 'batchnorm', 'maxout', 'activation'];

// ─── loss ─────────────────────────────────────────────────────────────────────

export type LossName = 'softmax' | 'svm' | 'mse';
export const LOSSES: readonly LossName[] = ['softmax', 'svm', 'mse'];
/** The SVM hinge's margin Δ when the file does not give one (cs231n's). */
export const SVM_MARGIN = 1;

// ─── optimizers ───────────────────────────────────────────────────────────────

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'];

export interface SgdSpec { type: 'sgd'; lr: number }
export interface MomentumSpec { type: 'momentum'; lr: number; momentum: number }
export interface NesterovSpec { type: 'nesterov'; lr: number; momentum: number }
export interface AdagradSpec { type: 'adagrad'; lr: number; eps: number }
export interface RmspropSpec { type: 'rmsprop'; lr: number; decay: number; eps: number }
export interface AdamSpec { type: 'adam'; lr: number; beta1: number; beta2: number; eps: number }
/** Adam with decoupled weight decay: w ← w − lr·weightDecay·w besides the Adam step (weights only). */
export interface AdamWSpec { type: 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
export type OptimizerSpec = SgdSpec | MomentumSpec | NesterovSpec | AdagradSpec | RmspropSpec | AdamSpec | AdamWSpec;

/** cs231n's defaults for each update rule (AdamW's weight decay as PyTorch's). */
export const OPTIMIZER_DEFAULTS: { [K in OptimizerName]: Extract<OptimizerSpec, { type: K }> } = {
  sgd: { type: 'sgd', lr: 1e-2 },
  momentum: { type: 'momentum', lr: 1e-2, momentum: 0.9 },
  nesterov: { type: 'nesterov', lr: 1e-2, momentum: 0.9 },
  adagrad: { type: 'adagrad', lr: 1e-2, eps: 1e-8 },
  rmsprop: { type: 'rmsprop', lr: 1e-2, decay: 0.99, eps: 1e-8 },
  adam: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  adamw: { type: 'adamw', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 },
};

/** Learning-rate schedules, by epoch (fractional epochs for cosine). */
export type ScheduleSpec =
  | { type: 'step'; every: number; gamma: number }
  | { type: 'exp'; gamma: number }
  | { type: 'cosine'; min: number };

// ─── data ─────────────────────────────────────────────────────────────────────

/** Data sets that ship with TrainLens (generated, or the bundled MNIST digits). */
export type BuiltinDataset = 'spiral' | 'circles' | 'moons' | 'xor' | 'blobs' | 'gaussian' | 'mnist' | 'sine' | 'ripple';
export const DATASETS: readonly BuiltinDataset[] = ['spiral', 'circles', 'moons', 'xor', 'blobs', 'gaussian', 'mnist', 'sine', 'ripple'];
/** The generated regression sets: numeric targets, no classes. */
export const REGRESSION_DATASETS: readonly BuiltinDataset[] = ['sine', 'ripple'];
/** The 2-D generated sets, drawn with a decision boundary. */
export const PLANE_DATASETS: readonly BuiltinDataset[] = ['spiral', 'circles', 'moons', 'xor', 'blobs'];
export type DatasetName = BuiltinDataset | 'csv' | 'idx' | 'cifar10';

export type Normalize = 'standard' | 'minmax' | 'none';
export const NORMALIZE: readonly Normalize[] = ['standard', 'minmax', 'none'];

export interface DataSpec {
  dataset: DatasetName;
  /** Generated sets: how many samples; mnist: the first this many digits; files: 0 (all rows). */
  samples: number;
  /** Generated sets: how many classes (fixed for circles, moons, xor, mnist); files: 0 until loaded. */
  classes: number;
  /** Generated 2-D sets: the noise (spiral: angle jitter in radians; circles: on the radius; others: N(0, noise²) on x and y). */
  noise: number;
  /** Values per sample: 2 for the 2-D sets, `features` for gaussian, 784 for mnist; files: 0 until loaded. */
  features: number;
  /**
   * Regression: numeric values per sample to predict (sine, ripple: 1; csv: the `target:` columns).
   * Absent for class labels. classes is 0 when present.
   */
  targets?: number;
  /** Held-out fraction in [0, 1); the split is seeded, stratified by class for class labels. */
  validation: number;
  /** Seed of the generated data and of the split; defaults to train.seed. */
  seed?: number;
  /**
   * `csv: data/iris.csv`, paths as written, relative to the model file. `target`: the numeric
   * columns to predict (regression; header names or 0-based indices), given instead of `label`.
   */
  csv?: { path: string; label: string | number; normalize: Normalize; target?: Array<string | number> };
  /** `idx: { images: …, labels: … }` (MNIST / Fashion-MNIST format, gzipped or not). */
  idx?: { images: string; labels: string };
  /** `cifar10: data/cifar-10-batches-bin` */
  cifar10?: { path: string };
}

// ─── training ─────────────────────────────────────────────────────────────────

export interface TrainSpec {
  epochs: number;
  /** Samples per step; 'full' trains on the whole training set at each step. */
  batch: number | 'full';
  /** Adds ½·l2·‖W‖² over weights (not biases). */
  l2: number;
  /** Adds l1·‖W‖₁ over weights (not biases). */
  l1: number;
  seed: number;
  schedule?: ScheduleSpec;
}

/** One dimension "Compare…" sweeps, each variant from identical initial weights. */
export type CompareSweep =
  | { optimizer: OptimizerName[] }
  | { init: InitScheme[] }
  | { lr: number[] }
  | { activation: ActivationName[] }
  | { loss: LossName[] };
/**
 * What "Compare…" sweeps (a dimension; none: the command asks for one), and `seeds`: how many times
 * each variant trains, with seeds train.seed, train.seed + 1, … (absent: the command asks).
 */
export type CompareSpec = (CompareSweep | Record<never, never>) & { seeds?: number };
export const COMPARE_DIMENSIONS = ['optimizer', 'init', 'lr', 'activation', 'loss'] as const;
/** At most this many seeds per variant (`compare: { seeds: k }`). */
export const MAX_SEEDS = 20;

export interface ModelSpec {
  data: DataSpec;
  layers: LayerSpec[];
  loss: LossName;
  /** `loss: { type: svm, margin: Δ }`: the hinge's margin; absent means SVM_MARGIN. */
  svmMargin?: number;
  init: InitSpec;
  optimizer: OptimizerSpec;
  train: TrainSpec;
  compare?: CompareSpec;
  /** What "Tune…" / `trainlens tune` searches at random (see tune.ts). */
  tune?: TuneSpec;
  /** A surface file: the point the optimizer steps, instead of a network (see SurfaceSetup). */
  surface?: SurfaceSetup;
}

// ─── surfaces ─────────────────────────────────────────────────────────────────

/** The optimizer lesson's surfaces f(x, y) (formulas in src/engine/surface/presets.ts). */
export type SurfacePreset = 'rosenbrock' | 'beale' | 'himmelblau' | 'saddle' | 'ravine';
export const SURFACE_PRESETS: readonly SurfacePreset[] = ['rosenbrock', 'beale', 'himmelblau', 'saddle', 'ravine'];

/**
 * A surface file (`surface:`, `start:`, `optimizer:`, `train: { steps, noise, seed }`): the update
 * rules step a point (x, y) down f instead of training a network. Its ModelSpec carries this in
 * `surface`; its data, layers, loss and init are the fixed placeholders of SURFACE_NETWORK, never
 * trained or loaded (commands that need a network refuse a surface; see isSurfaceSpec).
 */
export interface SurfaceSetup {
  /** The preset's name, or null for an expression of x and y. */
  preset: SurfacePreset | null;
  /** The expression in the circuit language (a preset's formula for a preset). */
  expression: string;
  start: [number, number];
  /** Optimizer steps (train.steps). */
  steps: number;
  /** σ of the Gaussian noise added to each gradient component (train.noise), to mimic minibatches. */
  noise: number;
}

/** A surface file's spec: ModelSpec with `surface` set. */
export type SurfaceModelSpec = ModelSpec & { surface: SurfaceSetup };

export function isSurfaceSpec(spec: ModelSpec): spec is SurfaceModelSpec {
  return spec.surface !== undefined;
}

/** What a surface file's spec holds where a network's has data, layers, loss and init: nothing to load or train. */
export const SURFACE_NETWORK: Pick<ModelSpec, 'data' | 'layers' | 'loss' | 'init'> = {
  data: { dataset: 'gaussian', samples: 0, classes: 0, noise: 0, features: 2, validation: 0 },
  layers: [],
  loss: 'mse',
  init: { type: 'zeros' },
};
