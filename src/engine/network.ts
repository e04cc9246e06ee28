import { Rng } from './rng';
import { allocate, type Dtype, type FloatArray, type Param } from './tensor';
import { sizeOf, type Layer, type Shape } from './layers/layer';
import { buildLayer } from './layers/index';
import { DenseLayer, addBias } from './layers/dense';
import { ActivationLayer } from './layers/activation';
import { addr, kernels, kernelsFor } from './wasm/kernels';
import { LOSS_FUNCTIONS, hingeChecksum, type LossFunction, type Targets } from './loss';
import { zeroPerKind, l1Checksum, type KinkDecisions } from './kinks';
import type { InitSpec, LayerSpec, LossName } from '../model/spec';

export interface Regularization {
  /** ½·l2·Σ‖W‖² */
  l2: number;
  /** l1·Σ‖W‖₁ */
  l1: number;
}

export interface BatchLoss {
  /** dataLoss + regLoss, the quantity being minimized */
  loss: number;
  dataLoss: number;
  regLoss: number;
  correct: number;
}

export interface NetworkOptions {
  inputShape: Shape;
  layers: readonly LayerSpec[];
  init: InitSpec;
  loss: LossName;
  /** Init draws from this stream, layer by layer. */
  initSeed: number;
  /** Randomness during training (dropout). */
  trainSeed: number;
  dtype?: Dtype;
  /** The SVM hinge's margin Δ (default 1, cs231n's). */
  svmMargin?: number;
}

/** A feed-forward stack of layers ending in scores, with a loss on top. */
export class Network {
  readonly layers: readonly Layer[];
  readonly params: readonly Param[];
  readonly inputShape: Shape;
  readonly outputSize: number;
  readonly dtype: Dtype;
  readonly lossName: LossName;
  /** The SVM hinge's margin Δ, for the loss and for the gradient check's kink detection. */
  readonly svmMargin: number;
  /** Each engine layer's output in the last forward pass, for statistics. */
  readonly outputs: FloatArray[];
  private readonly lossFn: LossFunction;
  /** fusedAfter[i]: the activation that runs fused with dense layer i, if any. */
  private readonly fusedAfter: readonly (ActivationLayer | undefined)[];
  private dscores: FloatArray;
  /** The scores of the last loss() (the last layer's output buffer). */
  private scores: FloatArray | undefined;

  constructor(o: NetworkOptions) {
    this.dtype = o.dtype ?? 'float32';
    const rng = new Rng(o.initSeed);
    const layers: Layer[] = [];
    let shape = o.inputShape;
    o.layers.forEach((spec, sourceIndex) => {
      for (const layer of buildLayer(spec, shape, { dtype: this.dtype, rng, init: o.init, sourceIndex, seed: o.trainSeed })) {
        layers.push(layer);
        shape = layer.outShape;
      }
    });
    this.layers = layers;
    // A dense layer and the activation built with it (`activation:` of the same model-file layer)
    // run fused when the kernels have that activation.
    this.fusedAfter = layers.map((l, i) => {
      const next = layers[i + 1];
      return l instanceof DenseLayer && next instanceof ActivationLayer && next.sourceIndex === l.sourceIndex && next.fusable && kernels()
        ? next : undefined;
    });
    this.params = layers.flatMap((l) => l.params);
    this.inputShape = o.inputShape;
    this.outputSize = sizeOf(shape);
    this.lossName = o.loss;
    this.svmMargin = o.svmMargin ?? 1;
    this.lossFn = LOSS_FUNCTIONS[o.loss];
    this.dscores = allocate(this.dtype, 0);
    this.outputs = layers.map(() => this.dscores);
  }

  get parameterCount(): number {
    return this.params.reduce((s, p) => s + p.value.length, 0);
  }

  /** x: (N, ...inputShape) → scores: (N, outputSize) */
  forward(x: FloatArray, n: number, training: boolean): FloatArray {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const act = this.fusedAfter[i];
      if (act) {
        // dense + activation: the product, then bias and activation in one kernel pass.
        const dense = this.layers[i] as DenseLayer;
        const pre = dense.forwardLinear(h, n);
        const out = act.forwardWithBias(pre, dense.bias.value, n);
        if (out) {
          this.outputs[i] = pre;
          this.outputs[i + 1] = h = out;
          i++;
          continue;
        }
        // An operand outside the arena: finish the dense layer as usual, then the activation.
        addBias(pre, dense.bias.value, n);
        this.outputs[i] = h = pre;
        continue;
      }
      h = this.layers[i].forward(h, n, training);
      this.outputs[i] = h;
    }
    return h;
  }

  /** dscores: (N, outputSize); writes every parameter's gradient. */
  backward(dscores: FloatArray, n: number): void {
    let g = dscores;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const act = i > 0 ? this.fusedAfter[i - 1] : undefined;
      if (act) {
        const dense = this.layers[i - 1] as DenseLayer;
        const dpre = act.backwardWithBias(g, dense.bias.grad, n);
        if (dpre) {
          g = dense.backwardLinear(dpre, n, i - 1 > 0);
          i--;
          continue;
        }
      }
      g = this.layers[i].backward(g, n, i > 0);
    }
  }

  /**
   * ½·l2·Σ‖W‖² + l1·Σ‖W‖₁ over the regularized parameters (weights, not biases). With
   * addGradient, also adds its gradient l2·W + l1·sign(W) to the weights' gradients, in the same pass.
   */
  regLoss(reg: Regularization, addGradient = false): number {
    if (reg.l2 === 0 && reg.l1 === 0) return 0;
    let sq = 0;
    let abs = 0;
    const k = kernels();
    for (const p of this.params) {
      if (!p.regularize) continue;
      const w = p.value;
      const g = p.grad;
      if (k && kernelsFor(w, g)) {
        k.exports.regularize(addr(w), addr(g), w.length, reg.l2, reg.l1, addGradient ? 1 : 0, k.results.at);
        sq += k.results.f64[0];
        abs += k.results.f64[1];
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        sq += w[i] * w[i];
        abs += Math.abs(w[i]);
        if (addGradient) g[i] += reg.l2 * w[i] + reg.l1 * Math.sign(w[i]);
      }
    }
    return 0.5 * reg.l2 * sq + reg.l1 * abs;
  }

  /**
   * Loss of a batch, data loss plus regularization. With grad, also runs backward and adds the
   * regularization gradient l2·W + l1·sign(W) to the weights' gradients.
   */
  loss(x: FloatArray, targets: Targets, offset: number, n: number, reg: Regularization, grad: boolean, training = grad): BatchLoss {
    const scores = this.forward(x, n, training);
    this.scores = scores;
    const c = this.outputSize;
    if (grad && this.dscores.length < n * c) this.dscores = allocate(this.dtype, n * c);
    const { loss: dataLoss, correct } = this.lossFn(scores, targets, offset, n, c, grad ? this.dscores : undefined, this.svmMargin);
    if (grad) this.backward(this.dscores, n);
    const regLoss = this.regLoss(reg, grad);
    return { loss: dataLoss + regLoss, dataLoss, regLoss, correct };
  }

  /**
   * Which piece every piecewise choice of the last loss() took, a checksum per kind of kink: the
   * layers' (ReLU family, max pool, maxout), the SVM hinge's with the margin in effect, and the
   * L1 term's (the sign of each regularized weight, when l1 > 0). Only the gradient check calls this.
   */
  kinkDecisions(targets: Targets, offset: number, n: number, reg: Regularization): KinkDecisions {
    const d = zeroPerKind();
    for (const l of this.layers) {
      if (l.kink && l.decisionChecksum) d[l.kink] = (Math.imul(d[l.kink], 1_000_003) + l.decisionChecksum(n)) | 0;
    }
    if (this.lossName === 'svm' && this.scores) d.hinge = hingeChecksum(this.scores, targets, offset, n, this.outputSize, this.svmMargin);
    if (reg.l1 !== 0) d.l1 = l1Checksum(this.params);
    return d;
  }

  /**
   * Ends a training step (see Layer.endStep): commit applies what the last training forward pass
   * staged (batchnorm's running statistics), otherwise it is dropped and dropout's random streams
   * are rewound. The trainer commits once the step is known finite.
   */
  endStep(commit: boolean): void {
    for (const l of this.layers) l.endStep?.(commit);
  }

  /** Dropout reuses its masks while frozen, so a gradient check sees one fixed function. */
  setFrozen(frozen: boolean): void {
    for (const l of this.layers) l.setFrozen?.(frozen);
  }
}
