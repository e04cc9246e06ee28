import type { ModelSpec } from '../../src/model/spec';

/** The spiral example as a spec, shortened to 20 epochs. */
export const SPIRAL: ModelSpec = {
  data: { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, features: 2, validation: 0.2 },
  layers: [{ kind: 'dense', units: 100, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }],
  loss: 'softmax',
  init: { type: 'he' },
  optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  train: { epochs: 20, batch: 32, l2: 0.001, l1: 0, seed: 1 },
};

/**
 * The smallest model the format allows, on a full batch of 30 points, training "forever": tens of
 * thousands of steps a second, the worst case for everything that grows with the steps.
 */
export const FAST_SPIRAL: ModelSpec = {
  ...SPIRAL,
  data: { ...SPIRAL.data, samples: 30, validation: 0 },
  layers: [{ kind: 'dense', units: 3, activation: { type: 'linear' } }],
  optimizer: { type: 'sgd', lr: 0.01 },
  train: { ...SPIRAL.train, epochs: 1_000_000, batch: 30 },
};

/** An IDX file: big-endian magic and dimensions, then the bytes. */
/** 784 → 384 → 10 on batches of 64: big enough for its GEMMs (64 × 384 × 784 multiply-adds and more) to be spread on two threads. */
export function wideGaussianMlp(activation: 'relu' | 'tanh', seed: number): ModelSpec {
  return {
    data: { dataset: 'gaussian', samples: 256, classes: 10, noise: 0, features: 784, validation: 0 },
    layers: [{ kind: 'dense', units: 384, activation: { type: activation } }, { kind: 'dense', units: 10, activation: { type: 'linear' } }],
    loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 100, batch: 64, l2: 0.0005, l1: 0, seed },
  };
}

export function idxFile(magic: number, dims: number[], data: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
