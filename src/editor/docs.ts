import { ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, NORMALIZE, OPTIMIZERS, OPTIMIZER_DEFAULTS, type ActivationName, type LayerKind, type LossName, type OptimizerName } from '../model/spec';
import { INIT_NOTES, OPTIMIZER_NOTES } from './commands';

// ─── what things are, in cs231n's words ───────────────────────────────────────

export const LAYER_DOCS: Record<LayerKind, string> = {
  dense: 'fully-connected (affine): every output is a weighted sum of all the inputs plus a bias, out = x·W + b',
  conv: 'slides each filter over the input volume: each output looks at a small local region (its receptive field) through all the channels, and a filter\'s weights are shared across every position',
  pool: 'downsamples every channel on its own, keeping the max (or the mean) of each window: no parameters, less computation, a little translation invariance',
  flatten: 'stretches the C×H×W volume into one vector (a dense layer after a spatial one does this by itself)',
  dropout: 'in training, drops each unit with probability p and scales the survivors by 1/(1−p) (inverted dropout), so testing needs no change; a regularizer',
  batchnorm: 'makes each feature (each channel after a conv) zero-mean and unit-variance over the batch, then scales by γ and shifts by β; eases training with poor inits and higher learning rates',
  maxout: 'each unit is the max of k linear functions: generalizes ReLU and leaky ReLU, does not saturate or die, at k times the parameters',
  activation: 'an elementwise nonlinearity: without one, stacked linear layers collapse into a single linear map',
};

export const ACTIVATION_DOCS: Record<ActivationName, string> = {
  linear: 'the identity: no nonlinearity (the last layer stays linear so its outputs are raw class scores)',
  sigmoid: '1/(1+e⁻ˣ), squashes to (0, 1): saturated units kill gradients and the outputs are not zero-centered; avoid in hidden layers',
  tanh: 'squashes to (−1, 1): zero-centered, but saturated units still kill gradients',
  relu: 'max(0, x): does not saturate for x > 0, cheap, converges much faster than sigmoid/tanh; a unit can die (never activate again) after a bad init or a high learning rate',
  leaky_relu: 'max(αx, x) with a small α (0.01): like ReLU, but units never die',
  elu: 'x for x > 0, α(eˣ − 1) below: ReLU\'s benefits, outputs closer to zero-mean, saturates gently for negative inputs',
  gelu: 'x·Φ(x), a smooth ReLU (the transformers\' choice)',
};

export const LOSS_DOCS: Record<LossName, string> = {
  softmax: 'cross-entropy on the softmax probabilities: −log of the probability of the correct class; never fully satisfied, it always wants the correct class more probable',
  svm: 'multiclass SVM (hinge) loss: wants the correct class\'s score to beat every other by a margin of 1, and is zero once it does',
  mse: 'mean squared error between outputs and target values: for regression, not for class labels',
};

export const DATASET_DOCS: Record<string, string> = {
  spiral: 'cs231n\'s spiral: interleaved arms, one per class, not linearly separable (a linear classifier tops out near 50% on 3 arms)',
  circles: 'two concentric rings: needs a nonlinear boundary',
  moons: 'two interleaved half-moons',
  xor: 'four quadrants labelled by XOR: the classic problem no linear classifier solves',
  blobs: 'one Gaussian cluster per class: nearly linearly separable',
  gaussian: 'N(0, 1) inputs of `features` dimensions with random labels: the input of cs231n\'s weight-init experiment',
  mnist: 'handwritten digits, 28×28 grey pixels scaled to [0, 1], 10 classes (10,000 digits ship with TrainLens)',
};

export const NORMALIZE_DOCS: Record<string, string> = {
  standard: 'subtract each feature\'s mean and divide by its standard deviation (cs231n\'s usual preprocessing)',
  minmax: 'scale each feature to [0, 1]',
  none: 'the values as they are in the file',
};

/** Keys, by section ('top', 'data', 'train', 'optimizer', 'schedule', 'layer', 'conv', …) or by name alone. */
export const KEY_DOCS: Record<string, string> = {
  'top.data': 'Where the samples come from: a built-in set (`dataset:`) or files (`csv:`, `idx:`, `cifar10:`), paths relative to the model file.',
  'top.layers': 'The network from input to class scores, one layer per `- ` item. The input shape comes from the data; a dense layer after a spatial one flattens.',
  'top.loss': 'How the class scores are judged: `softmax` (cross-entropy) or `svm` (hinge).',
  'top.init': 'How the weights are drawn before training (biases start at 0); a layer may override it with its own `init:`.',
  'top.optimizer': 'The update rule that turns a gradient into a step: a name (`adam`) or a mapping (`{ type: adam, lr: 0.001 }`).',
  'top.train': 'How long and how: epochs, batch size, regularization, seed, learning-rate schedule.',
  'top.compare': 'What "Compare…" sweeps, each variant from the same initial weights.',
  dataset: 'A built-in data set: spiral, circles, moons, xor, blobs, gaussian or mnist.',
  samples: 'How many samples (generated sets), or the first this many (mnist and files; 0 = all).',
  classes: 'How many classes (spiral: arms; gaussian and blobs: labels).',
  noise: 'How noisy the generated points are (spiral: angle jitter in radians; others: the standard deviation of x and y).',
  features: 'Input dimensions of the gaussian set (cs231n\'s experiment: 500).',
  validation: 'The held-out fraction, never trained on: compare its accuracy with the training accuracy to see over-fitting.',
  'data.seed': 'Seed of the generated data and of the split (defaults to train.seed).',
  csv: 'A CSV file with a header row, relative to the model file; every column but the label is a feature.',
  label: 'The CSV\'s label column: its header name, or its 0-based index (−1: the last).',
  normalize: 'How CSV features are scaled: `standard` (zero mean, unit variance), `minmax` ([0, 1]) or `none`.',
  idx: 'MNIST-format files: `{ images: …, labels: … }`, gzipped or not.',
  images: 'The idx images file.',
  labels: 'The idx labels file.',
  cifar10: 'The folder of the CIFAR-10 binary batches (cifar-10-batches-bin).',
  epochs: 'Passes over the training set.',
  batch: 'Samples per gradient step (a minibatch); `full` steps on the whole training set at once.',
  l2: 'L2 regularization strength λ: adds ½·λ·‖W‖² over the weights (not the biases); prefers small, diffuse weights.',
  l1: 'L1 regularization strength: adds λ·‖W‖₁ over the weights; drives weights to exactly zero (sparse).',
  'train.seed': 'Seed of the data, the init, the batch order and dropout: the same seed gives the same run, bit for bit.',
  schedule: 'Learning-rate decay by epoch: `step` (×gamma every `every` epochs), `exp` (×gamma each epoch) or `cosine` (down to `min`).',
  every: 'Epochs between two step decays.',
  gamma: 'The factor the learning rate is multiplied by at each decay.',
  'schedule.min': 'The learning rate at the end of the cosine schedule.',
  'schedule.type': 'step, exp or cosine.',
  'optimizer.type': 'The update rule: sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw.',
  lr: 'The learning rate: the first hyperparameter to tune. Too high and the loss explodes; too low and it crawls. Look for updates of ~1e-3 of the weights.',
  momentum: 'The fraction of the velocity kept each step (0.9): μ in v = μ·v − lr·dx.',
  decay: 'RMSProp\'s leak of the squared-gradient cache (0.99).',
  beta1: 'Adam\'s momentum on the gradient (0.9).',
  beta2: 'Adam\'s leak of the squared-gradient cache (0.999).',
  eps: 'A small number that keeps the division away from zero (1e-8).',
  weight_decay: 'AdamW\'s decoupled decay: w ← w − lr·weight_decay·w besides the Adam step.',
  'init.type': '`normal` or `uniform`, with the given `std`.',
  std: 'The standard deviation of the custom init.',
  'layer.activation': 'The nonlinearity applied to this layer\'s output.',
  'layer.init': 'This layer\'s own init scheme, instead of the model\'s.',
  filters: 'How many filters, i.e. output channels (the depth of the output volume).',
  size: 'The window is size×size.',
  stride: 'How many pixels the window moves each step: output = (input + 2·pad − size)/stride + 1.',
  pad: 'Zeros added around the border; pad = (size − 1)/2 with stride 1 keeps the spatial size.',
  'pool.type': '`max` (the usual) or `avg`.',
  units: 'How many outputs.',
  pieces: 'How many linear pieces each maxout unit takes the max of.',
  'batchnorm.momentum': 'How much of the running mean and variance is kept each step (0.9).',
  'batchnorm.eps': 'Added to the variance before the square root (1e-5).',
  'activation.type': 'The activation\'s name.',
  alpha: 'The slope (leaky_relu, 0.01) or the saturation level (elu, 1) for x < 0.',
};

export function keyDoc(section: string, key: string): string | undefined {
  if (section === 'layer' && (LAYER_DOCS as Record<string, string>)[key]) return `**${key}** layer: ${(LAYER_DOCS as Record<string, string>)[key]}.`;
  return KEY_DOCS[`${section}.${key}`] ?? KEY_DOCS[key];
}

export function optimizerDoc(name: OptimizerName): string {
  const d = OPTIMIZER_DEFAULTS[name] as unknown as Record<string, number | string>;
  const defaults = Object.entries(d).filter(([k]) => k !== 'type').map(([k, v]) => `${k === 'weightDecay' ? 'weight_decay' : k} ${v}`).join(', ');
  return `${OPTIMIZER_NOTES[name]}. Defaults: ${defaults}.`;
}

/** The doc of a value in a section, e.g. ('top', 'loss', 'svm'). */
export function valueDoc(section: string, key: string, value: string): string | undefined {
  const isIn = <T extends string>(list: readonly T[]): boolean => (list as readonly string[]).includes(value);
  if ((key === 'activation' || (section === 'activation' && key === 'type')) && isIn(ACTIVATIONS)) return ACTIVATION_DOCS[value as ActivationName];
  if ((key === 'optimizer' || (section === 'optimizer' && key === 'type')) && isIn(OPTIMIZERS)) return optimizerDoc(value as OptimizerName);
  if (key === 'init' && isIn(INIT_SCHEMES)) return INIT_NOTES[value as keyof typeof INIT_NOTES];
  if (key === 'loss' && isIn(LOSSES)) return LOSS_DOCS[value as LossName];
  if (key === 'dataset' && isIn(DATASETS)) return DATASET_DOCS[value];
  if (key === 'normalize' && isIn(NORMALIZE)) return NORMALIZE_DOCS[value];
  return undefined;
}
