import { Rng } from '../rng';
import type { Dataset } from './dataset';

/*
 * The generated 2-D sets besides the spiral. Each uses every one of `samples` points (features 2,
 * shape [2]), lists the points class by class, and draws all its randomness from the given Rng,
 * so a seed fixes the set. "N(0, σ²)" below is σ·rng.normal().
 */

/** Class c gets floor(samples/classes) points, the first samples mod classes classes one more. */
export function perClassCounts(samples: number, classes: number): number[] {
  const base = Math.floor(samples / classes);
  const extra = samples - base * classes;
  return Array.from({ length: classes }, (_, c) => base + (c < extra ? 1 : 0));
}

function plane(n: number, classes: number): { x: Float32Array; y: Int32Array; d: Dataset } {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  return { x, y, d: { x, y, n, shape: [2], features: 2, classes } };
}

/** Inner radius of `circles`. */
export const CIRCLES_INNER = 0.5;

/**
 * Two concentric rings. Class 0 (ceil(samples/2) points) is the inner ring of radius 0.5, class 1
 * (floor(samples/2)) the outer ring of radius 1. Each point takes an angle θ ~ U[0, 2π) and a
 * radius R + N(0, noise²) (noise on the radius only, so with noise 0 every point lies exactly on
 * its ring), and sits at (r·cos θ, r·sin θ).
 */
export function makeCircles(samples: number, noise: number, rng: Rng): Dataset {
  const { x, y, d } = plane(samples, 2);
  const counts = perClassCounts(samples, 2);
  let i = 0;
  for (let c = 0; c < 2; c++) {
    const radius = c === 0 ? CIRCLES_INNER : 1;
    for (let k = 0; k < counts[c]; k++, i++) {
      const theta = 2 * Math.PI * rng.uniform();
      const r = radius + noise * rng.normal();
      x[2 * i] = r * Math.cos(theta);
      x[2 * i + 1] = r * Math.sin(theta);
      y[i] = c;
    }
  }
  return d;
}

/**
 * Two interleaving half circles, sklearn's `make_moons` (without its shuffle): class 0
 * (ceil(samples/2) points) is the upper half circle (cos t, sin t), class 1 (floor(samples/2)) the
 * lower one (1 − cos t, 0.5 − sin t), t evenly spaced over [0, π] end points included
 * (numpy's linspace); then N(0, noise²) is added to x and to y.
 */
export function makeMoons(samples: number, noise: number, rng: Rng): Dataset {
  const { x, y, d } = plane(samples, 2);
  const counts = perClassCounts(samples, 2);
  let i = 0;
  for (let c = 0; c < 2; c++) {
    const m = counts[c];
    for (let k = 0; k < m; k++, i++) {
      const t = m === 1 ? 0 : (Math.PI * k) / (m - 1);
      const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      x[2 * i] = px + noise * rng.normal();
      x[2 * i + 1] = py + noise * rng.normal();
      y[i] = c;
    }
  }
  return d;
}

/**
 * XOR: the label is the sign of x·y. Class 0 (ceil(samples/2) points) lies in the quadrants where
 * x and y have the same sign, class 1 (floor(samples/2)) where they differ: each point draws
 * |x|, |y| ~ U[0, 1) and a sign for x (fair coin); y takes the same sign for class 0, the opposite
 * for class 1. So the clean points are uniform in [−1, 1]² given their class. Then N(0, noise²) is
 * added to x and to y (the label stays: noise pushes points across the axes).
 */
export function makeXor(samples: number, noise: number, rng: Rng): Dataset {
  const { x, y, d } = plane(samples, 2);
  const counts = perClassCounts(samples, 2);
  let i = 0;
  for (let c = 0; c < 2; c++) {
    for (let k = 0; k < counts[c]; k++, i++) {
      const ax = rng.uniform();
      const ay = rng.uniform();
      const sx = rng.uniform() < 0.5 ? -1 : 1;
      const sy = c === 0 ? sx : -sx;
      x[2 * i] = sx * ax + noise * rng.normal();
      x[2 * i + 1] = sy * ay + noise * rng.normal();
      y[i] = c;
    }
  }
  return d;
}

/**
 * `classes` isotropic gaussian clusters: centre k sits on the unit circle at angle 2πk/classes,
 * (cos, sin); class k gets floor(samples/classes) points (the first samples mod classes classes one
 * more), each its centre + N(0, noise²) on x and on y. With noise 0 every point is its centre.
 */
export function makeBlobs(samples: number, classes: number, noise: number, rng: Rng): Dataset {
  const { x, y, d } = plane(samples, classes);
  const counts = perClassCounts(samples, classes);
  let i = 0;
  for (let c = 0; c < classes; c++) {
    const [cx, cy] = blobCentre(c, classes);
    for (let k = 0; k < counts[c]; k++, i++) {
      x[2 * i] = cx + noise * rng.normal();
      x[2 * i + 1] = cy + noise * rng.normal();
      y[i] = c;
    }
  }
  return d;
}

/** The centre of blob k of `classes`. */
export function blobCentre(k: number, classes: number): [number, number] {
  const a = (2 * Math.PI * k) / classes;
  return [Math.cos(a), Math.sin(a)];
}
