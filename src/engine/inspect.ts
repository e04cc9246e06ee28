/**
 * One example through the network, forward and backward, in float64 (the panel's Inspect tab and
 * `trainlens inspect`). The float32 network's weights and batchnorm statistics are copied into a
 * float64 network of the same spec; the sample then runs in evaluation mode (dropout off, batchnorm's
 * running statistics), one engine layer at a time with n = 1 (never the fused dense + activation
 * kernel), and back, recording every layer's output and ∂L/∂output, where L is the sample's data
 * loss (no regularization) as the engine's loss functions define it.
 */
import * as l10n from '@vscode/l10n';
import { buildNetwork } from './trainer';
import { BatchNormLayer } from './layers/batchnorm';
import { LOSS_FUNCTIONS, argmax, isClassification, type Targets } from './loss';
import { networkCircuit, circuitEligible, type NetworkPass } from './circuit/network';
import type { Network } from './network';
import type { Dataset } from './data/dataset';
import type { FloatArray } from './tensor';
import type { ModelSpec } from '../model/spec';
import { CIRCUIT_MAX_WEIGHTS, type InspectLayer, type InspectResult, type InspectWeights, type SampleSplit } from './inspect-types';

/** A sample to inspect: its split and its index there (the protocol's InspectTarget has this shape). */
export interface SampleTarget {
  split: SampleSplit;
  sample: number;
}

export type SamplePass = NetworkPass;

/** The float64 twin of each float32 network inspected, built once and refreshed at every call. */
const twins = new WeakMap<Network, { key: string; net: Network }>();

/**
 * What the twin's structure depends on: the layers, the loss and its margin, the input shape (the
 * values, init and dropout's seed do not matter: the weights are copied and evaluation draws nothing).
 */
function twinKey(spec: ModelSpec, network: Network): string {
  return JSON.stringify([spec.layers, spec.loss, spec.svmMargin ?? null, network.inputShape]);
}

/**
 * A float64 network of `spec` holding `network`'s parameters and batchnorm running statistics now.
 * Cached per network (and model structure): the layers are built once; the values are copied at every call.
 */
export function float64Twin(spec: ModelSpec, network: Network): Network {
  const key = twinKey(spec, network);
  let twin = twins.get(network);
  if (!twin || twin.key !== key) {
    twin = { key, net: buildNetwork(spec, network.inputShape, 'float64') };
    twins.set(network, twin);
  }
  copyState(network, twin.net);
  return twin.net;
}

function copyState(from: Network, to: Network): void {
  if (from.params.length !== to.params.length || from.layers.length !== to.layers.length) {
    throw new Error(`inspect: the network does not match its model (${from.params.length} parameters, the model has ${to.params.length})`);
  }
  from.params.forEach((p, i) => {
    const q = to.params[i];
    if (q.name !== p.name || q.value.length !== p.value.length) throw new Error(`inspect: parameter ${p.name} does not match the model's ${q.name}`);
    q.value.set(p.value);
  });
  from.layers.forEach((l, i) => {
    const m = to.layers[i];
    if (l instanceof BatchNormLayer && m instanceof BatchNormLayer) {
      m.runningMean.set(l.runningMean);
      m.runningVar.set(l.runningVar);
    }
  });
}

/** The set's targets for the loss functions: class indices, or the regression targets. */
function targetsOf(set: Dataset): Targets {
  return set.targets ?? set.y;
}

/** Engine layers from..end in evaluation mode with n = 1 on h (layer from's input); returns copies of each output. */
export function forwardFrom(net: Network, from: number, h: FloatArray): Float64Array[] {
  const outs: Float64Array[] = [];
  let x = h;
  for (let i = from; i < net.layers.length; i++) {
    const l = net.layers[i];
    x = l.forward(x, 1, false);
    outs.push(Float64Array.from(x.subarray(0, l.outSize)));
  }
  return outs;
}

/** Row `sample` of `set`, in float64. */
export function sampleRow(set: Dataset, sample: number): Float64Array {
  const f = set.features;
  return Float64Array.from(set.x.subarray(sample * f, (sample + 1) * f));
}

/**
 * Forward (evaluation mode) and backward through a float64 network for one sample. Leaves every
 * parameter's gradient for this sample's data loss in net.params[k].grad.
 */
export function samplePass(net: Network, set: Dataset, sample: number): SamplePass {
  const input = sampleRow(set, sample);
  const outs = forwardFrom(net, 0, input);
  const scores = outs[outs.length - 1];
  const dscores = new Float64Array(net.outputSize);
  const loss = LOSS_FUNCTIONS[net.lossName](scores, targetsOf(set), sample, 1, net.outputSize, dscores, net.svmMargin).loss;
  const douts: Float64Array[] = new Array<Float64Array>(net.layers.length);
  let g: FloatArray = dscores;
  for (let i = net.layers.length - 1; i >= 0; i--) {
    douts[i] = Float64Array.from(g.subarray(0, net.layers[i].outSize));
    g = net.layers[i].backward(g, 1, true);
  }
  return { input, outs, douts, dinput: Float64Array.from(g.subarray(0, input.length)), loss };
}

/** softmax: the probabilities, computed after subtracting the highest score (no overflow). */
function softmax(s: Float64Array): number[] {
  const max = s[argmax(s, 0, s.length)];
  const e = Array.from(s, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** The loss's terms for the JSON: softmax probs, SVM margins, or mse errors. */
function lossTerms(net: Network, scores: Float64Array, set: Dataset, sample: number): Pick<InspectResult, 'probs' | 'margins' | 'errors' | 'margin'> {
  switch (net.lossName) {
    case 'softmax': return { probs: softmax(scores) };
    case 'svm': {
      const y = set.y[sample];
      const delta = net.svmMargin;
      return { margin: delta, margins: Array.from(scores, (s, j) => (j === y ? 0 : Math.max(0, s - scores[y] + delta))) };
    }
    case 'mse': {
      const c = scores.length;
      return { errors: Array.from(scores, (s, i) => s - set.targets![sample * c + i]) };
    }
  }
}

const SPLIT_NAMES: Record<SampleSplit, () => string> = {
  train: () => l10n.t('training set'),
  val: () => l10n.t('validation set'),
};

/** The error for a sample index outside its split: names the split and its size. */
export function sampleRangeMessage(target: SampleTarget, size: number): string {
  const split = SPLIT_NAMES[target.split]();
  return size === 0
    ? l10n.t('Sample {0} does not exist: the {1} is empty.', target.sample, split)
    : l10n.t('Sample {0} is out of range: the {1} has {2} samples (0–{3}).', target.sample, split, size, size - 1);
}

/**
 * Sample target.sample of `set` (the trainer's trainSet for 'train', its validationSet for 'val')
 * forward and backward through `network` (built from `spec`) with its current weights, in float64.
 * `loss` is the sample's data loss (no regularization), exactly the engine's per-sample loss; every
 * array is a plain number[]. A network of at most CIRCUIT_MAX_WEIGHTS weights of dense layers and
 * activations also gets its computation as a circuit. Throws when the index is out of range.
 */
export function inspectSample(spec: ModelSpec, network: Network, set: Dataset, target: SampleTarget, o: { origin: InspectWeights; step: number }): InspectResult {
  const k = target.sample;
  if (!Number.isInteger(k) || k < 0 || k >= set.n) throw new RangeError(sampleRangeMessage(target, set.n));
  const net = float64Twin(spec, network);
  const pass = samplePass(net, set, k);
  const scores = pass.outs[pass.outs.length - 1];
  const classes = isClassification(net.lossName);
  const layers: InspectLayer[] = net.layers.map((l, i) => ({
    name: `layers[${l.sourceIndex}] ${l.label}`, index: l.sourceIndex, kind: l.kind, shape: [...l.outShape],
    out: Array.from(pass.outs[i]), dout: Array.from(pass.douts[i]),
  }));
  const tc = set.targetCount ?? 0;
  const result: InspectResult = {
    type: 'inspect', sample: k, split: target.split,
    label: classes ? set.y[k] : Array.from(set.targets!.subarray(k * tc, (k + 1) * tc)),
    predicted: classes ? argmax(scores, 0, scores.length) : null,
    lossName: net.lossName,
    scores: Array.from(scores),
    ...lossTerms(net, scores, set, k),
    loss: pass.loss,
    dscores: Array.from(pass.douts[pass.douts.length - 1]),
    input: Array.from(pass.input), inputShape: [...set.shape],
    layers, dinput: Array.from(pass.dinput),
    weights: o.origin, step: o.step,
  };
  if (set.labelNames) result.labelNames = [...set.labelNames];
  if (net.parameterCount <= CIRCUIT_MAX_WEIGHTS && circuitEligible(net)) result.circuit = networkCircuit(net, pass);
  return result;
}
