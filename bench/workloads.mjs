// The benchmark workloads W1–W4 (see ../../shared/notes/performance.md and bench/README.md), shared by
// the runner and the JavaScript implementations. FLOP counts are multiply-adds × 2 of forward,
// weight gradients and the input gradients that are needed (none for the first layer).

export const WORKLOADS = {
  W1: {
    title: 'MLP 784-256-256-10, batch 64',
    kind: 'train', batch: 64, inputShape: [784], classes: 10, samples: 2048,
    flopsPerSample: 2 * (784 * 256 + 256 * 256 + 256 * 10) * 2 + 2 * (256 * 256 + 256 * 10),
  },
  W2: {
    title: 'CNN 28×28×1 conv16-pool-conv32-pool-dense10, batch 32',
    kind: 'train', batch: 32, inputShape: [1, 28, 28], classes: 10, samples: 1024,
    // forward 2.06 M, weight grads 2.06 M, input grads of conv2 and dense 1.84 M
    flopsPerSample: 2 * (28 * 28 * 16 * 9 + 14 * 14 * 32 * 16 * 9 + 32 * 7 * 7 * 10) * 2 + 2 * (14 * 14 * 32 * 16 * 9 + 32 * 7 * 7 * 10),
  },
  W3: {
    title: 'spiral 2-100-3, full batch 300',
    kind: 'train', batch: 300, inputShape: [2], classes: 3, samples: 300,
    flopsPerSample: 2 * (2 * 100 + 100 * 3) * 2 + 2 * (100 * 3),
  },
  'W4-512': { title: 'float32 GEMM 512³', kind: 'gemm', n: 512 },
  'W4-1024': { title: 'float32 GEMM 1024³', kind: 'gemm', n: 1024 },
  // The ceiling (bench/peak.mjs): register-only f32x4 multiply-adds, trainlens children on 1 thread only.
  peak: { title: 'f32x4 multiply-add ceiling, one core', kind: 'peak' },
};

/** Layers of the training workloads in TrainLens's model language (the other implementations mirror them). */
export const LAYERS = {
  W1: [
    { kind: 'dense', units: 256, activation: { type: 'relu' } },
    { kind: 'dense', units: 256, activation: { type: 'relu' } },
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ],
  W2: [
    { kind: 'conv', filters: 16, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'conv', filters: 32, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ],
  W3: [
    { kind: 'dense', units: 100, activation: { type: 'relu' } },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ],
};

export const LEARNING_RATE = 0.01;

/** The ModelSpec TrainLens trains a workload with, on `data` from randomData(). */
export function trainSpec(name, data) {
  return {
    data: { dataset: 'gaussian', samples: data.n, classes: WORKLOADS[name].classes, noise: 0, features: data.features, validation: 0 },
    layers: LAYERS[name], loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'sgd', lr: LEARNING_RATE },
    train: { epochs: 1_000_000_000, batch: WORKLOADS[name].batch, l2: 0, l1: 0, seed: 1 },
  };
}

/** Deterministic pseudo-random data (xorshift + Box–Muller), so every implementation sees the same kind of input. */
export function randomData(workload, seed = 1) {
  const w = WORKLOADS[workload];
  const features = w.inputShape.reduce((a, b) => a * b, 1);
  let s = (seed * 2654435761) >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const x = new Float32Array(w.samples * features);
  if (workload === 'W2') {
    for (let i = 0; i < x.length; i++) x[i] = uniform(); // pixel-like values in [0, 1)
  } else {
    for (let i = 0; i < x.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(uniform()));
      const t = 2 * Math.PI * uniform();
      x[i] = r * Math.cos(t);
      if (i + 1 < x.length) x[i + 1] = r * Math.sin(t);
    }
  }
  const y = new Int32Array(w.samples);
  for (let i = 0; i < y.length; i++) y[i] = Math.floor(uniform() * w.classes);
  return { x, y, n: w.samples, features, shape: w.inputShape, classes: w.classes };
}
