import type { Network } from '../engine/network';
import type { Dataset } from '../engine/data/dataset';
import { BatchNormLayer } from '../engine/layers/batchnorm';
import { inferShapes, type Shape } from '../model/shapes';
import type { LayerSpec } from '../model/spec';
import type { NamedArray } from './npy';

/**
 * What leaves the engine when a model is exported: copies (engine buffers live in the kernels'
 * arena and must not be kept), in TrainLens's own layouts and names.
 */

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/**
 * The shape of each parameter of a model-file layer, TrainLens's layout, by role:
 *   dense   W: (in, units)            b: (units)          — out = x·W + b, x flattened
 *   conv    W: (F, C, K, K)           b: (F)              — the engine's (F, C·K·K), (c, i, j) order
 *   maxout  W: (in, units·pieces)     b: (units·pieces)   — piece k of unit u at column u·pieces + k
 *   batchnorm gamma, beta, running_mean, running_var: (channels) — C after a conv, else features
 */
export function parameterShapes(layer: LayerSpec, inShape: Shape): Record<string, number[]> {
  switch (layer.kind) {
    case 'dense': return { W: [size(inShape), layer.units], b: [layer.units] };
    case 'conv': return { W: [layer.filters, inShape[0], layer.size, layer.size], b: [layer.filters] };
    case 'maxout': return { W: [size(inShape), layer.units * layer.pieces], b: [layer.units * layer.pieces] };
    case 'batchnorm': {
      const c = [inShape.length === 3 ? inShape[0] : size(inShape)];
      return { gamma: c, beta: c, running_mean: c, running_var: c };
    }
    default: return {};
  }
}

/**
 * Every parameter of the network, and batchnorm's running statistics, as `layers[i].W`,
 * `layers[i].b`, `layers[i].gamma`, `layers[i].beta`, `layers[i].running_mean`,
 * `layers[i].running_var` (i: the model-file layer), float32, in layer order.
 */
export function networkArrays(network: Network, layers: readonly LayerSpec[]): NamedArray[] {
  const values = new Map<string, Float32Array>();
  for (const p of network.params) values.set(p.name, new Float32Array(p.value));
  for (const l of network.layers) {
    if (!(l instanceof BatchNormLayer)) continue;
    values.set(`layers[${l.sourceIndex}].running_mean`, new Float32Array(l.runningMean));
    values.set(`layers[${l.sourceIndex}].running_var`, new Float32Array(l.runningVar));
  }
  const { shapes, error } = inferShapes(network.inputShape, layers);
  if (error) throw new Error(`layer ${error.index + 1}: ${error.message}`);
  const out: NamedArray[] = [];
  layers.forEach((layer, i) => {
    const inShape = i === 0 ? network.inputShape : shapes[i - 1];
    for (const [role, shape] of Object.entries(parameterShapes(layer, inShape))) {
      const name = `layers[${i}].${role}`;
      const data = values.get(name);
      if (!data || data.length !== size(shape)) throw new Error(`${name}: the network has no ${shape.join('×')} array by that name`);
      out.push({ name, shape, data });
      values.delete(name);
    }
  });
  if (values.size > 0) throw new Error(`arrays without a layer: ${[...values.keys()].join(', ')}`);
  return out;
}

/**
 * Copies arrays named and shaped as networkArrays gives them (from another network of the same
 * spec: a run's weights, say) into `network`'s parameters and batchnorm statistics. Every array
 * of the network must be given, with its exact size.
 */
export function setNetworkArrays(network: Network, layers: readonly LayerSpec[], arrays: readonly NamedArray[]): void {
  const given = new Map(arrays.map((a) => [a.name, a.data]));
  const targets = new Map<string, Float32Array | Float64Array>(network.params.map((p) => [p.name, p.value]));
  for (const l of network.layers) {
    if (!(l instanceof BatchNormLayer)) continue;
    targets.set(`layers[${l.sourceIndex}].running_mean`, l.runningMean);
    targets.set(`layers[${l.sourceIndex}].running_var`, l.runningVar);
  }
  for (const a of networkArrays(network, layers)) {
    const data = given.get(a.name);
    if (!data || data.length !== a.data.length) throw new Error(`${a.name}: ${data ? `${data.length} values given, the network has ${a.data.length}` : 'not given'}`);
    targets.get(a.name)!.set(data);
  }
}

/**
 * The rows the Trainer trains and validates on, after the split (and CSV normalization):
 * x_train (n, ...shape) float32, y_train (n) int32 class indices, or for regression (n, targets)
 * float32 targets; x_val, y_val likewise.
 */
export function datasetArrays(train: Dataset, validation: Dataset): NamedArray[] {
  const x = (d: Dataset): Float32Array => d.x.slice(0, d.n * d.features);
  const y = (d: Dataset): NamedArray['data'] => (d.targets ? d.targets.slice(0, d.n * d.targetCount!) : d.y.slice(0, d.n));
  const yShape = (d: Dataset): number[] => (d.targets ? [d.n, d.targetCount!] : [d.n]);
  return [
    { name: 'x_train', shape: [train.n, ...train.shape], data: x(train) },
    { name: 'y_train', shape: yShape(train), data: y(train) },
    { name: 'x_val', shape: [validation.n, ...validation.shape], data: x(validation) },
    { name: 'y_val', shape: yShape(validation), data: y(validation) },
  ];
}
