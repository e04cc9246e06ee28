import { Rng } from './rng';
import type { Dtype, FloatArray, Param } from './tensor';
import type { Layer } from './layers/layer';
import { DenseLayer } from './layers/dense';
import { ActivationLayer } from './layers/activation';
import { softmaxLoss } from './loss';
import { allocate } from './tensor';
import type { InitSpec, LayerSpec } from '../model/spec';

/** A feed-forward stack of layers ending in class scores, with a softmax loss on top. */
export class Network {
  readonly layers: readonly Layer[];
  readonly params: readonly Param[];
  readonly inputSize: number;
  readonly outputSize: number;
  private dscores: FloatArray;

  constructor(inputSize: number, specs: readonly LayerSpec[], init: InitSpec, rng: Rng, readonly dtype: Dtype = 'float32') {
    const layers: Layer[] = [];
    let size = inputSize;
    specs.forEach((spec, index) => {
      if (spec.kind === 'dense') {
        layers.push(new DenseLayer(index, size, spec.units, spec.init ?? init, rng, dtype));
        size = spec.units;
        if (spec.activation !== 'linear') layers.push(new ActivationLayer(index, size, spec.activation, dtype));
      } else {
        layers.push(new ActivationLayer(index, size, spec.activation, dtype));
      }
    });
    this.layers = layers;
    this.params = layers.flatMap((l) => l.params);
    this.inputSize = inputSize;
    this.outputSize = size;
    this.dscores = allocate(dtype, 0);
  }

  get parameterCount(): number {
    return this.params.reduce((s, p) => s + p.value.length, 0);
  }

  /** x: (N, inputSize) → scores: (N, outputSize) */
  forward(x: FloatArray, n: number, training: boolean): FloatArray {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, n, training);
    return h;
  }

  /** dscores: (N, outputSize); fills every parameter's gradient. */
  backward(dscores: FloatArray, n: number): void {
    let g = dscores;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g, n);
  }

  /** ½·l2·Σ‖W‖² over regularized parameters. */
  regLoss(l2: number): number {
    if (l2 === 0) return 0;
    let s = 0;
    for (const p of this.params) {
      if (!p.regularize) continue;
      const w = p.value;
      for (let i = 0; i < w.length; i++) s += w[i] * w[i];
    }
    return 0.5 * l2 * s;
  }

  /**
   * Loss of a batch: data loss (softmax cross-entropy) plus ½·l2·‖W‖².
   * With grad, also runs backward and adds l2·W to the weight gradients.
   */
  loss(
    x: FloatArray, labels: Int32Array, labelOffset: number, n: number, l2: number, grad: boolean,
  ): { loss: number; dataLoss: number; regLoss: number; correct: number } {
    const scores = this.forward(x, n, grad);
    const c = this.outputSize;
    if (grad && this.dscores.length < n * c) this.dscores = allocate(this.dtype, n * c);
    const { loss: dataLoss, correct } = softmaxLoss(scores, labels, labelOffset, n, c, grad ? this.dscores : undefined);
    const regLoss = this.regLoss(l2);
    if (grad) {
      this.backward(this.dscores, n);
      if (l2 !== 0) {
        for (const p of this.params) {
          if (!p.regularize) continue;
          for (let i = 0; i < p.value.length; i++) p.grad[i] += l2 * p.value[i];
        }
      }
    }
    return { loss: dataLoss + regLoss, dataLoss, regLoss, correct };
  }
}
