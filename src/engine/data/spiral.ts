import { Rng } from '../rng';
import type { Dataset } from './dataset';

/**
 * cs231n's spiral (neural-networks case study): K arms of samples/K points each; along arm j the
 * radius runs 0→1 and the angle 4j→4(j+1) radians plus noise·N(0,1).
 */
export function makeSpiral(samples: number, classes: number, noise: number, rng: Rng): Dataset {
  const perClass = Math.floor(samples / classes);
  const n = perClass * classes;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let j = 0; j < classes; j++) {
    for (let i = 0; i < perClass; i++) {
      const idx = j * perClass + i;
      const frac = perClass === 1 ? 0 : i / (perClass - 1);
      const r = frac;
      const t = 4 * j + 4 * frac + rng.normal() * noise;
      x[idx * 2] = r * Math.sin(t);
      x[idx * 2 + 1] = r * Math.cos(t);
      y[idx] = j;
    }
  }
  return { x, y, n, shape: [2], features: 2, classes };
}

/**
 * The input of cs231n's weight-init experiment: samples × features unit-variance gaussian data,
 * with labels drawn uniformly at random (there is nothing to learn; it shows the activations).
 */
export function makeGaussian(samples: number, features: number, classes: number, rng: Rng): Dataset {
  const x = new Float32Array(samples * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Int32Array(samples);
  for (let i = 0; i < samples; i++) y[i] = rng.int(classes);
  return { x, y, n: samples, shape: [features], features, classes };
}
