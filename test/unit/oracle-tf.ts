/**
 * An independent reference for the engine: the same network written with TensorFlow.js ops
 * (@tensorflow/tfjs on its CPU backend, float32), gradients by tfjs's autodiff.
 *
 * It reads only the model-file layer specs and the parameter values. Shapes, parameter layouts,
 * activation defaults, batchnorm statistics and the losses are written here from their
 * definitions, not taken from the engine:
 *   dense    W (inSize, units) row-major, out = x·W + b
 *   conv     W (F, C·K·K) in (c, i, j) order, NCHW data, zero padding P, stride S
 *   pool     K×K windows every S pixels, no padding
 *   batchnorm per feature (flat) or per channel (images); biased batch variance in training;
 *            running = momentum·running + (1 − momentum)·batch, unbiased variance for the running one
 *   maxout   W (D, U·K), piece k of unit u at column u·K + k, out = max over pieces
 *   dropout  inverted; the mask (0 or 1/(1 − p)) is supplied by the caller
 *   losses   softmax cross-entropy, cs231n multiclass SVM (margin 1), MSE Σ(s − t)²/(N·C), mean over N
 *   reg      ½·l2·Σ‖W‖² + l1·Σ‖W‖₁ over weights only
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationSpec, LayerSpec, LossName } from '../../src/model/spec';

export type Shape = readonly number[];

let ready: Promise<void> | undefined;

/** Selects the CPU backend (once) and silences tfjs's "install tfjs-node" hint. */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', true);
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend unavailable');
    await tf.ready();
    if (tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${tf.getBackend()}, not cpu`);
  })();
  return ready;
}

/** Seeded numbers (mulberry32 and Box–Muller), independent of the engine's generator. */
export class TestRandom {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** Float32 values (so engine and tfjs see the same numbers), N(mean, scale²). */
  normals(len: number, scale = 1, mean = 0): Float32Array {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++) a[i] = mean + scale * this.normal();
    return a;
  }
  labels(len: number, classes: number): Int32Array {
    const a = new Int32Array(len);
    for (let i = 0; i < len; i++) a[i] = Math.floor(this.uniform() * classes);
    return a;
  }
}

function prod(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

export interface ExpectedParam {
  name: string;
  /** Shape in the engine's storage layout. */
  shape: number[];
  regularize: boolean;
}

function windowOut(size: number, k: number, stride: number, pad: number, what: string): number {
  const span = size + 2 * pad - k;
  if (span < 0 || span % stride !== 0) throw new Error(`oracle: ${what} window does not tile ${size}`);
  return span / stride + 1;
}

/** Output shape of each model-file layer, and the parameters the engine should have, in order. */
export function describe(inputShape: Shape, layers: readonly LayerSpec[]): { params: ExpectedParam[]; shapes: number[][] } {
  const params: ExpectedParam[] = [];
  const shapes: number[][] = [];
  let shape = [...inputShape];
  const add = (i: number, role: string, s: number[]): void => {
    params.push({ name: `layers[${i}].${role}`, shape: s, regularize: role === 'W' });
  };
  layers.forEach((spec, i) => {
    switch (spec.kind) {
      case 'dense':
        add(i, 'W', [prod(shape), spec.units]);
        add(i, 'b', [spec.units]);
        shape = [spec.units];
        break;
      case 'conv': {
        const [c, h, w] = shape;
        add(i, 'W', [spec.filters, c * spec.size * spec.size]);
        add(i, 'b', [spec.filters]);
        shape = [spec.filters, windowOut(h, spec.size, spec.stride, spec.pad, 'conv'), windowOut(w, spec.size, spec.stride, spec.pad, 'conv')];
        break;
      }
      case 'pool': {
        const [c, h, w] = shape;
        shape = [c, windowOut(h, spec.size, spec.stride, 0, 'pool'), windowOut(w, spec.size, spec.stride, 0, 'pool')];
        break;
      }
      case 'flatten':
        shape = [prod(shape)];
        break;
      case 'batchnorm': {
        const channels = shape.length === 3 ? shape[0] : prod(shape);
        add(i, 'gamma', [channels]);
        add(i, 'beta', [channels]);
        break;
      }
      case 'maxout':
        add(i, 'W', [prod(shape), spec.units * spec.pieces]);
        add(i, 'b', [spec.units * spec.pieces]);
        shape = [spec.units];
        break;
      case 'dropout':
      case 'activation':
        break;
    }
    shapes.push([...shape]);
  });
  return { params, shapes };
}

/** Batchnorm running statistics of one layer, per channel. */
export interface RunningStats {
  mean: Float32Array;
  variance: Float32Array;
}

/** Fresh running statistics (mean 0, variance 1) for every batchnorm layer, by model-file index. */
export function initialRunning(inputShape: Shape, layers: readonly LayerSpec[]): Map<number, RunningStats> {
  const { shapes } = describe(inputShape, layers);
  const running = new Map<number, RunningStats>();
  layers.forEach((spec, i) => {
    if (spec.kind !== 'batchnorm') return;
    const s = shapes[i];
    const channels = s.length === 3 ? s[0] : prod(s);
    running.set(i, { mean: new Float32Array(channels), variance: new Float32Array(channels).fill(1) });
  });
  return running;
}

export interface OracleInput {
  inputShape: Shape;
  layers: readonly LayerSpec[];
  loss: LossName;
  /** Values in the engine's layout, in describe()'s order. */
  params: readonly ArrayLike<number>[];
  x: ArrayLike<number>;
  n: number;
  targets: Int32Array | Float32Array;
  offset: number;
  reg: { l2: number; l1: number };
  training: boolean;
  /** Dropout masks by model-file index: (N, ...shape), each 0 or 1/(1 − p). Required in training. */
  masks?: ReadonlyMap<number, Float32Array>;
  /** Read in evaluation; updated in place by a training pass. */
  running: Map<number, RunningStats>;
}

export interface OracleOutput {
  scores: Float32Array;
  loss: number;
  dataLoss: number;
  regLoss: number;
  correct: number;
  /** ∂loss/∂param, in the engine's layout, in describe()'s order. */
  grads: Float32Array[];
}

const LEAKY_RELU_ALPHA = 0.01;
const ELU_ALPHA = 1;

function activate(h: tf.Tensor, a: ActivationSpec): tf.Tensor {
  switch (a.type) {
    case 'linear': return h;
    case 'relu': return tf.relu(h);
    case 'leaky_relu': return tf.leakyRelu(h, a.alpha ?? LEAKY_RELU_ALPHA);
    case 'elu': {
      const alpha = a.alpha ?? ELU_ALPHA;
      // tf.elu has no alpha (it is 1); otherwise relu(x) + α·(e^min(x,0) − 1).
      return alpha === 1 ? tf.elu(h) : tf.add(tf.relu(h), tf.mul(alpha, tf.expm1(tf.minimum(h, 0))));
    }
    case 'sigmoid': return tf.sigmoid(h);
    case 'tanh': return tf.tanh(h);
    case 'gelu': return tf.mul(tf.mul(0.5, h), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
  }
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** NCHW → NHWC, f, back to NCHW. */
function inNhwc(h: tf.Tensor, f: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor {
  return tf.transpose(f(tf.transpose(h, [0, 2, 3, 1]) as tf.Tensor4D), [0, 3, 1, 2]);
}

function forward(o: OracleInput, ps: readonly tf.Tensor[], updateRunning: boolean): tf.Tensor2D {
  const { n } = o;
  let shape: number[] = [...o.inputShape];
  let h: tf.Tensor = tf.tensor(Float32Array.from(o.x).subarray(0, n * prod(shape)), [n, ...shape]);
  let k = 0;
  o.layers.forEach((spec, i) => {
    switch (spec.kind) {
      case 'dense': {
        const w = ps[k++] as tf.Tensor2D;
        const b = ps[k++];
        h = tf.add(tf.matMul(tf.reshape(h, [n, prod(shape)]) as tf.Tensor2D, w), b);
        shape = [spec.units];
        h = activate(h, spec.activation);
        break;
      }
      case 'conv': {
        const [c] = shape;
        const { filters: f, size: ks, stride, pad } = spec;
        const w = ps[k++];
        const b = ps[k++];
        // (F, C·K·K) = (F, C, K, K) → tfjs's (K, K, C, F)
        const filter = tf.transpose(tf.reshape(w, [f, c, ks, ks]), [2, 3, 1, 0]) as tf.Tensor4D;
        const padding: Pad4 = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
        h = inNhwc(h, (x) => tf.add(tf.conv2d(x, filter, stride, padding), b));
        shape = [...h.shape.slice(1)];
        h = activate(h, spec.activation);
        break;
      }
      case 'pool': {
        const pool = spec.type === 'max' ? tf.maxPool : tf.avgPool;
        h = inNhwc(h, (x) => pool(x, spec.size, spec.stride, 'valid'));
        shape = [...h.shape.slice(1)];
        break;
      }
      case 'flatten':
        shape = [prod(shape)];
        h = tf.reshape(h, [n, shape[0]]);
        break;
      case 'dropout': {
        if (!o.training || spec.p === 0) break;
        const mask = o.masks?.get(i);
        if (!mask) throw new Error(`oracle: no dropout mask for layer ${i}`);
        h = tf.mul(h, tf.tensor(mask.subarray(0, n * prod(shape)), h.shape));
        break;
      }
      case 'batchnorm': {
        const gamma = ps[k++];
        const beta = ps[k++];
        const image = shape.length === 3;
        const channels = image ? shape[0] : prod(shape);
        h = tf.reshape(h, image ? [n, ...shape] : [n, channels]);
        const axes = image ? [0, 2, 3] : [0];
        const bshape = image ? [1, channels, 1, 1] : [1, channels];
        let mean: tf.Tensor;
        let variance: tf.Tensor;
        const r = o.running.get(i);
        if (!r) throw new Error(`oracle: no running statistics for layer ${i}`);
        if (o.training) {
          ({ mean, variance } = tf.moments(h, axes, true));
          if (updateRunning) {
            const m = image ? n * shape[1] * shape[2] : n;
            const mv = mean.dataSync();
            const vv = variance.dataSync();
            for (let c = 0; c < channels; c++) {
              const unbiased = m > 1 ? (vv[c] * m) / (m - 1) : vv[c];
              r.mean[c] = spec.momentum * r.mean[c] + (1 - spec.momentum) * mv[c];
              r.variance[c] = spec.momentum * r.variance[c] + (1 - spec.momentum) * unbiased;
            }
          }
        } else {
          mean = tf.tensor(r.mean, bshape);
          variance = tf.tensor(r.variance, bshape);
        }
        const xhat = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, spec.eps)));
        h = tf.add(tf.mul(xhat, tf.reshape(gamma, bshape)), tf.reshape(beta, bshape));
        break;
      }
      case 'maxout': {
        const w = ps[k++] as tf.Tensor2D;
        const b = ps[k++];
        const z = tf.add(tf.matMul(tf.reshape(h, [n, prod(shape)]) as tf.Tensor2D, w), b);
        h = tf.max(tf.reshape(z, [n, spec.units, spec.pieces]), 2);
        shape = [spec.units];
        break;
      }
      case 'activation':
        h = activate(h, spec.activation);
        break;
    }
  });
  if (k !== ps.length) throw new Error(`oracle used ${k} of ${ps.length} parameters`);
  return tf.reshape(h, [n, prod(shape)]) as tf.Tensor2D;
}

function dataLoss(o: OracleInput, scores: tf.Tensor2D): tf.Scalar {
  const [n, c] = scores.shape;
  if (o.loss === 'mse') {
    const t = tf.tensor2d(Float32Array.from(o.targets.subarray(o.offset * c, (o.offset + n) * c)), [n, c]);
    return tf.mean(tf.square(tf.sub(scores, t)));
  }
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(o.targets.subarray(o.offset, o.offset + n), 'int32'), c), 'float32');
  if (o.loss === 'softmax') return tf.div(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(scores)))), n);
  // svm: Σ_{j≠y} max(0, s_j − s_y + 1), mean over N
  const sy = tf.sum(tf.mul(scores, onehot), 1, true);
  const margins = tf.mul(tf.relu(tf.add(tf.sub(scores, sy), 1)), tf.sub(1, onehot));
  return tf.div(tf.sum(margins), n);
}

function regLoss(o: OracleInput, ps: readonly tf.Tensor[], expected: readonly ExpectedParam[]): tf.Scalar {
  let r: tf.Scalar = tf.scalar(0);
  ps.forEach((p, i) => {
    if (!expected[i].regularize) return;
    r = tf.add(r, tf.add(tf.mul(0.5 * o.reg.l2, tf.sum(tf.square(p))), tf.mul(o.reg.l1, tf.sum(tf.abs(p)))));
  });
  return r;
}

/** Scores, loss and every parameter's gradient of one batch, by tfjs. */
export function oracle(o: OracleInput): OracleOutput {
  const { params: expected } = describe(o.inputShape, o.layers);
  if (expected.length !== o.params.length) throw new Error(`oracle expects ${expected.length} parameters, got ${o.params.length}`);
  tf.engine().startScope();
  try {
    const ps = o.params.map((v, i) => {
      if (v.length !== prod(expected[i].shape)) throw new Error(`${expected[i].name}: ${v.length} values, expected ${expected[i].shape.join('×')}`);
      return tf.tensor(Float32Array.from(v), expected[i].shape);
    });
    let scores = new Float32Array(0);
    let data = NaN;
    let reg = NaN;
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
      const s = forward(o, args, o.training);
      scores = Float32Array.from(s.dataSync());
      const d = dataLoss(o, s);
      const r = regLoss(o, args, expected);
      data = d.dataSync()[0];
      reg = r.dataSync()[0];
      return tf.add(d, r) as tf.Scalar;
    })(ps);
    const c = scores.length / o.n;
    let correct = 0;
    if (o.loss !== 'mse') {
      for (let i = 0; i < o.n; i++) {
        let best = 0;
        for (let j = 1; j < c; j++) if (scores[i * c + j] > scores[i * c + best]) best = j;
        if (best === o.targets[o.offset + i]) correct++;
      }
    }
    return {
      scores, loss: value.dataSync()[0], dataLoss: data, regLoss: reg, correct,
      grads: grads.map((g) => Float32Array.from(g.dataSync())),
    };
  } finally {
    tf.engine().endScope();
  }
}
