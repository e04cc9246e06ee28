import * as vscode from 'vscode';
import {
  ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, NORMALIZE, OPTIMIZERS, OPTIMIZER_DEFAULTS, SURFACE_PRESETS,
  type ActivationName, type LayerKind, type InitScheme, type LossName, type OptimizerName, type SurfacePreset,
} from '../../model/spec';

/** What each update rule fixes, in cs231n's words (lecture 7). */
export const OPTIMIZER_NOTES: Record<OptimizerName, string> = {
  sgd: vscode.l10n.t('the plain gradient step: crawls along shallow directions, jitters along steep ones'),
  momentum: vscode.l10n.t('builds up velocity, so it rolls through noise, saddle points and shallow valleys'),
  nesterov: vscode.l10n.t('momentum that looks ahead before it steps, so it corrects an overshoot sooner'),
  adagrad: vscode.l10n.t('per-parameter steps scaled by all past squared gradients; the steps shrink over time'),
  rmsprop: vscode.l10n.t('AdaGrad with a leaky average of squared gradients, so the steps do not die out'),
  adam: vscode.l10n.t('momentum + RMSProp with bias correction: the usual first choice'),
  adamw: vscode.l10n.t('Adam with weight decay taken out of the gradient step (decoupled)'),
};

/** What each init scheme does to a deep net (lecture 6). */
export const INIT_NOTES: Record<InitScheme, string> = {
  zeros: vscode.l10n.t('every unit computes the same thing: symmetry is never broken'),
  small: vscode.l10n.t('0.01·N(0,1): in a deep net the activations shrink toward 0 layer by layer'),
  xavier: vscode.l10n.t('N(0,1)/√fan_in: keeps the variance through tanh layers'),
  he: vscode.l10n.t('N(0,1)·√(2/fan_in): keeps the variance through ReLU layers'),
};

// ─── what things are, in cs231n's words ───────────────────────────────────────

export const LAYER_DOCS: Record<LayerKind, string> = {
  dense: vscode.l10n.t('fully-connected (affine): every output is a weighted sum of all the inputs plus a bias, out = x·W + b'),
  conv: vscode.l10n.t('slides each filter over the input volume: each output looks at a small local region (its receptive field) through all the channels, and a filter\'s weights are shared across every position'),
  pool: vscode.l10n.t('downsamples every channel on its own, keeping the max (or the mean) of each window: no parameters, less computation, a little translation invariance'),
  flatten: vscode.l10n.t('stretches the C×H×W volume into one vector (a dense layer after a spatial one does this by itself)'),
  dropout: vscode.l10n.t('in training, drops each unit with probability p and scales the survivors by 1/(1−p) (inverted dropout), so testing needs no change; a regularizer'),
  batchnorm: vscode.l10n.t('makes each feature (each channel after a conv) zero-mean and unit-variance over the batch, then scales by γ and shifts by β; eases training with poor inits and higher learning rates'),
  maxout: vscode.l10n.t('each unit is the max of k linear functions: generalizes ReLU and leaky ReLU, does not saturate or die, at k times the parameters'),
  activation: vscode.l10n.t('an elementwise nonlinearity: without one, stacked linear layers collapse into a single linear map'),
};

export const ACTIVATION_DOCS: Record<ActivationName, string> = {
  linear: vscode.l10n.t('the identity: no nonlinearity (the last layer stays linear so its outputs are raw class scores)'),
  sigmoid: vscode.l10n.t('1/(1+e⁻ˣ), squashes to (0, 1): saturated units kill gradients and the outputs are not zero-centered; avoid in hidden layers'),
  tanh: vscode.l10n.t('squashes to (−1, 1): zero-centered, but saturated units still kill gradients'),
  relu: vscode.l10n.t('max(0, x): does not saturate for x > 0, cheap, converges much faster than sigmoid/tanh; a unit can die (never activate again) after a bad init or a high learning rate'),
  leaky_relu: vscode.l10n.t('max(αx, x) with a small α (0.01): like ReLU, but units never die'),
  elu: vscode.l10n.t('x for x > 0, α(eˣ − 1) below: ReLU\'s benefits, outputs closer to zero-mean, saturates gently for negative inputs'),
  gelu: vscode.l10n.t('x·Φ(x), a smooth ReLU (the transformers\' choice)'),
};

export const LOSS_DOCS: Record<LossName, string> = {
  softmax: vscode.l10n.t('cross-entropy on the softmax probabilities: −log of the probability of the correct class; never fully satisfied, it always wants the correct class more probable'),
  svm: vscode.l10n.t('multiclass SVM (hinge) loss: wants the correct class\'s score to beat every other by a margin Δ (1, or `loss: { type: svm, margin: Δ }`), and is zero once it does'),
  mse: vscode.l10n.t('mean squared error between outputs and target values: for regression, not for class labels'),
};

export const DATASET_DOCS: Record<string, string> = {
  spiral: vscode.l10n.t('cs231n\'s spiral: interleaved arms, one per class, not linearly separable (a linear classifier tops out near 50% on 3 arms)'),
  circles: vscode.l10n.t('two concentric rings: needs a nonlinear boundary'),
  moons: vscode.l10n.t('two interleaved half-moons'),
  xor: vscode.l10n.t('four quadrants labelled by XOR: the classic problem no linear classifier solves'),
  blobs: vscode.l10n.t('one Gaussian cluster per class: nearly linearly separable'),
  gaussian: vscode.l10n.t('N(0, 1) inputs of `features` dimensions with random labels: the input of cs231n\'s weight-init experiment'),
  mnist: vscode.l10n.t('handwritten digits, 28×28 grey pixels scaled to [0, 1], 10 classes (10,000 digits ship with TrainLens)'),
  sine: vscode.l10n.t('regression: x uniform in [−3, 3], target sin(x) plus Gaussian noise of standard deviation `noise`'),
  ripple: vscode.l10n.t('regression: (x₁, x₂) uniform in [−1, 1]², target sin(π·x₁)·cos(π·x₂) plus Gaussian noise of standard deviation `noise`'),
};

export const NORMALIZE_DOCS: Record<string, string> = {
  standard: vscode.l10n.t('subtract each feature\'s mean and divide by its standard deviation (cs231n\'s usual preprocessing)'),
  minmax: vscode.l10n.t('scale each feature to [0, 1]'),
  none: vscode.l10n.t('the values as they are in the file'),
};

/** Keys, by section ('top', 'data', 'train', 'optimizer', 'schedule', 'layer', 'conv', …) or by name alone. */
export const KEY_DOCS: Record<string, string> = {
  'top.data': vscode.l10n.t('Where the samples come from: a built-in set (`dataset:`) or files (`csv:`, `idx:`, `cifar10:`), paths relative to the model file.'),
  'top.layers': vscode.l10n.t('The network from input to class scores, one layer per `- ` item. The input shape comes from the data; a dense layer after a spatial one flattens.'),
  'top.loss': vscode.l10n.t('How the outputs are judged: `softmax` (cross-entropy) or `svm` (hinge) for class labels, `mse` (mean squared error) for numeric targets.'),
  'top.init': vscode.l10n.t('How the weights are drawn before training (biases start at 0); a layer may override it with its own `init:`.'),
  'top.optimizer': vscode.l10n.t('The update rule that turns a gradient into a step: a name (`adam`) or a mapping (`{ type: adam, lr: 0.001 }`).'),
  'top.train': vscode.l10n.t('How long and how: epochs, batch size, regularization, seed, learning-rate schedule.'),
  'top.compare': vscode.l10n.t('What "Compare…" sweeps, each variant from the same initial weights.'),
  'top.tune': vscode.l10n.t('What "Tune…" and `trainlens tune` search at random, cs231n style: each trial draws its values from these ranges, trains `epochs` epochs from the file\'s seed and split, and is ranked by validation accuracy (R² for regression); a trial that diverges or falls below the median of the earlier trials stops early.'),
  'tune.trials': vscode.l10n.t('Trials in a round (20). Trial i draws from train.seed and i, so the same file gives the same trials.'),
  'tune.epochs': vscode.l10n.t('The budget of each trial in epochs (train.epochs by default).'),
  'tune.seeds': vscode.l10n.t('Runs per trial, with seeds train.seed, train.seed + 1, …, on the same data and split: the trial\'s figures are their mean, with the standard deviation.'),
  'tune.lr': vscode.l10n.t('The learning rate of each trial; cs231n searches it on a log scale: `{ log: [1.0e-4, 1.0e-1] }`.'),
  'tune.l2': vscode.l10n.t('train.l2 of each trial, e.g. `{ log: [1.0e-5, 1.0] }`.'),
  'tune.l1': vscode.l10n.t('train.l1 of each trial.'),
  'tune.batch': vscode.l10n.t('train.batch of each trial, e.g. `[32, 64, 128]`.'),
  'tune.momentum': vscode.l10n.t('The momentum of a momentum or nesterov rule, in [0, 1).'),
  'tune.dropout': vscode.l10n.t('The p of every dropout layer, in [0, 1).'),
  'tune.hidden': vscode.l10n.t('The units of every dense layer but the last (the output).'),
  'tune.optimizer': vscode.l10n.t('The update rule of each trial, at its defaults (the file\'s settings for the file\'s rule), with the trial\'s lr.'),
  'tune.init': vscode.l10n.t('The model\'s init scheme in each trial (a layer\'s own `init:` stays).'),
  log: vscode.l10n.t('Log-uniform over [a, b] (a > 0): the logarithm is uniform, so each decade is drawn as often.'),
  range: vscode.l10n.t('Uniform over [a, b].'),
  int: vscode.l10n.t('A whole number from a to b, each equally likely.'),
  'compare.seeds': vscode.l10n.t('Runs per variant (1–20), with seeds train.seed, train.seed + 1, …: each seed changes the initial weights, the batch order and dropout, while the data and its split stay the same. The panel draws each variant\'s mean with a min–max band, and the mean ± sample std (n − 1) of its final figures.'),
  dataset: vscode.l10n.t('A built-in data set: spiral, circles, moons, xor, blobs, gaussian or mnist (classes); sine or ripple (regression).'),
  samples: vscode.l10n.t('How many samples (generated sets), or the first this many (mnist and files; 0 = all).'),
  classes: vscode.l10n.t('How many classes (spiral: arms; gaussian and blobs: labels).'),
  noise: vscode.l10n.t('How noisy the generated points are (spiral: angle jitter in radians; sine and ripple: the standard deviation of the target; others: of x and y).'),
  features: vscode.l10n.t('Input dimensions of the gaussian set (cs231n\'s experiment: 500).'),
  validation: vscode.l10n.t('The held-out fraction, never trained on: compare its accuracy (R² for regression) with the training one to see over-fitting.'),
  'data.seed': vscode.l10n.t('Seed of the generated data and of the split (defaults to train.seed).'),
  csv: vscode.l10n.t('A CSV file with a header row, relative to the model file; every column but the label (or the targets) is a feature.'),
  label: vscode.l10n.t('The CSV\'s label column: its header name, or its 0-based index (−1: the last).'),
  target: vscode.l10n.t('Regression (`loss: mse`): the CSV\'s numeric column to predict, by header name or 0-based index (−1: the last), or a list of them; `label:` is for classes.'),
  normalize: vscode.l10n.t('How CSV features are scaled: `standard` (zero mean, unit variance), `minmax` ([0, 1]) or `none`.'),
  idx: vscode.l10n.t('MNIST-format files: `{ images: …, labels: … }`, gzipped or not.'),
  images: vscode.l10n.t('The idx images file.'),
  labels: vscode.l10n.t('The idx labels file.'),
  cifar10: vscode.l10n.t('The folder of the CIFAR-10 binary batches (cifar-10-batches-bin).'),
  epochs: vscode.l10n.t('Passes over the training set.'),
  batch: vscode.l10n.t('Samples per gradient step (a minibatch); `full` steps on the whole training set at once.'),
  l2: vscode.l10n.t('L2 regularization strength λ: adds ½·λ·‖W‖² over the weights (not the biases); prefers small, diffuse weights.'),
  l1: vscode.l10n.t('L1 regularization strength: adds λ·‖W‖₁ over the weights; pulls every weight toward zero by the same amount each step, so weights that matter little end up near zero (sparse).'),
  'train.seed': vscode.l10n.t('Seed of the data, the init, the batch order and dropout: the same seed gives the same run, bit for bit, under one kernel build (relaxed SIMD, SIMD and TypeScript round differently).'),
  schedule: vscode.l10n.t('Learning-rate decay by epoch: `step` (×gamma every `every` epochs), `exp` (×gamma each epoch) or `cosine` (down to `min`).'),
  every: vscode.l10n.t('Epochs between two step decays.'),
  gamma: vscode.l10n.t('The factor the learning rate is multiplied by at each decay.'),
  'schedule.min': vscode.l10n.t('The learning rate at the end of the cosine schedule.'),
  'schedule.type': vscode.l10n.t('step, exp or cosine.'),
  'optimizer.type': vscode.l10n.t('The update rule: sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw.'),
  lr: vscode.l10n.t('The learning rate: the first hyperparameter to tune. Too high and the loss explodes; too low and it crawls. Look for updates of ~1e-3 of the weights.'),
  momentum: vscode.l10n.t('The fraction of the velocity kept each step (0.9): μ in v = μ·v − lr·dx.'),
  decay: vscode.l10n.t('RMSProp\'s leak of the squared-gradient cache (0.99).'),
  beta1: vscode.l10n.t('Adam\'s momentum on the gradient (0.9).'),
  beta2: vscode.l10n.t('Adam\'s leak of the squared-gradient cache (0.999).'),
  eps: vscode.l10n.t('A small number that keeps the division away from zero (1e-8).'),
  weight_decay: vscode.l10n.t('AdamW\'s decoupled decay: w ← w − lr·weight_decay·w besides the Adam step.'),
  'init.type': vscode.l10n.t('`normal` or `uniform`, with the given `std`.'),
  std: vscode.l10n.t('The standard deviation of the custom init.'),
  'layer.activation': vscode.l10n.t('The nonlinearity applied to this layer\'s output.'),
  'layer.init': vscode.l10n.t('This layer\'s own init scheme, instead of the model\'s.'),
  filters: vscode.l10n.t('How many filters, i.e. output channels (the depth of the output volume).'),
  size: vscode.l10n.t('The window is size×size.'),
  stride: vscode.l10n.t('How many pixels the window moves each step: output = (input + 2·pad − size)/stride + 1.'),
  pad: vscode.l10n.t('Zeros added around the border; pad = (size − 1)/2 with stride 1 keeps the spatial size.'),
  'pool.type': vscode.l10n.t('`max` (the usual) or `avg`.'),
  units: vscode.l10n.t('How many outputs.'),
  pieces: vscode.l10n.t('How many linear pieces each maxout unit takes the max of.'),
  'batchnorm.momentum': vscode.l10n.t('How much of the running mean and variance is kept each step (0.9).'),
  'batchnorm.eps': vscode.l10n.t('Added to the variance before the square root (1e-5).'),
  'activation.type': vscode.l10n.t('The activation\'s name.'),
  alpha: vscode.l10n.t('The slope (leaky_relu, 0.01) or the saturation level (elu, 1) for x < 0.'),
  'loss.type': vscode.l10n.t('softmax or svm for class labels, mse for numeric targets.'),
  margin: vscode.l10n.t('The SVM hinge\'s margin Δ in Σ max(0, s_j − s_y + Δ): how far the correct class\'s score must beat the others (1, cs231n\'s).'),
};

/** Each preset surface: its formula (as presets.ts computes it) and its critical points. */
export const SURFACE_PRESET_DOCS: Record<SurfacePreset, string> = {
  rosenbrock: vscode.l10n.t('(1 − x)² + 100·(y − x²)²: a curved valley with a flat floor; the minimum 0 at (1, 1). Reaching the valley is easy, following its floor is slow.'),
  beale: vscode.l10n.t('(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus and steep ridges; the minimum 0 at (3, 0.5).'),
  himmelblau: vscode.l10n.t('(x² + y − 11)² + (x + y² − 7)²: four minima of value 0, at (3, 2), (−2.805, 3.131), (−3.779, −3.283) and (3.584, −1.848), with a maximum near (−0.271, −0.923) and four saddles between them.'),
  saddle: vscode.l10n.t('x² − y²: a saddle point at (0, 0), where ∇f = 0, up along x and down along y; no minimum.'),
  ravine: vscode.l10n.t('0.5·x² + 50·y²: a ravine 100× steeper across (y) than along (x); the minimum 0 at (0, 0).'),
};

/** Keys whose meaning in a surface file differs from a network's, by section. */
export const SURFACE_KEY_DOCS: Record<string, string> = {
  'top.surface': vscode.l10n.t('The function f(x, y) the optimizers step down, instead of data and layers: a preset (rosenbrock, beale, himmelblau, saddle, ravine) or an expression of x and y in the circuit language, so the gradients are exact.'),
  'top.start': vscode.l10n.t('The point [x, y] every optimizer starts from, e.g. [-1.5, 2]; f and its gradient must be finite there.'),
  'top.optimizer': vscode.l10n.t('The update rule that steps the point (x, y) down the surface: a name (`adam`) or a mapping (`{ type: adam, lr: 0.02 }`).'),
  'top.train': vscode.l10n.t('How long and how noisy: `steps`, `noise` and `seed`.'),
  'top.compare': vscode.l10n.t('What "Compare…" races from the same start: `optimizer: [...]` or `lr: [...]`, one path each.'),
  'train.steps': vscode.l10n.t('Optimizer steps from the start (300), 1 to 1,000,000.'),
  'train.noise': vscode.l10n.t('σ of the Gaussian noise added to each component of the gradient at every step, to mimic the noise of minibatches (0: the exact gradient).'),
  'train.seed': vscode.l10n.t('Seed of the gradient noise (1): the same seed gives the same path.'),
  'compare.seeds': vscode.l10n.t('Runs per variant (1–20), with seeds train.seed, train.seed + 1, …: each seed draws different gradient noise from the same start.'),
};

/** "**dense** layer: what it does." */
export function layerDoc(kind: string): string {
  return vscode.l10n.t('**{0}** layer: {1}.', kind, (LAYER_DOCS as Record<string, string>)[kind]);
}

/** What a key means; `surface`: in a surface file, where some keys mean something else. */
export function keyDoc(section: string, key: string, surface = false): string | undefined {
  if (surface && SURFACE_KEY_DOCS[`${section}.${key}`]) return SURFACE_KEY_DOCS[`${section}.${key}`];
  if (section === 'layer' && (LAYER_DOCS as Record<string, string>)[key]) return layerDoc(key);
  return KEY_DOCS[`${section}.${key}`] ?? KEY_DOCS[key];
}

export function optimizerDoc(name: OptimizerName): string {
  const d = OPTIMIZER_DEFAULTS[name] as unknown as Record<string, number | string>;
  const defaults = Object.entries(d).filter(([k]) => k !== 'type').map(([k, v]) => `${k === 'weightDecay' ? 'weight_decay' : k} ${v}`).join(', ');
  return vscode.l10n.t('{0}. Defaults: {1}.', OPTIMIZER_NOTES[name], defaults);
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
  if (section === 'top' && key === 'surface' && isIn(SURFACE_PRESETS)) return SURFACE_PRESET_DOCS[value as SurfacePreset];
  return undefined;
}
