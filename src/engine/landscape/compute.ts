/**
 * The loss landscape of a trained network (see types.ts): the training loss, exactly as a run's
 * final loss is computed (Trainer.evaluate of the whole training set: eval mode, data +
 * regularization), at points of the line from the initial to the trained weights and of a plane
 * through the trained (or initial) weights. Each point costs one copy of θ into the network and one
 * evaluation; the network is left holding the trained weights.
 */
import type { Trainer } from '../trainer';
import { Rng } from '../rng';
import type { LandscapeLine, LandscapeOptions, LandscapeResult, LandscapeSurface, WeightTrajectory } from './types';
import type { WeightVector } from './weights';
import { filterNormalizedDirection, principalDirections, projectOnPlane } from './directions';
import { coveringRange, gridCoordinate, lineAlphas, linePoints, logLevels } from './grid';

export const MIN_RESOLUTION = 3;
export const MAX_RESOLUTION = 101;
/**
 * The work a landscape may take, in multiply-adds of forward passes (samples × the network's
 * multiply-adds per sample × evaluations): the resolution is lowered until the work fits (never
 * below MIN_RESOLUTION). Every point is still evaluated on the whole training set, so the line's
 * α = 0 and α = 1 are the run's own losses.
 */
export const LANDSCAPE_BUDGET_MACS = 4e11;

/** Loss evaluations at a resolution: the line's points (linePoints) and the plane's r². */
export function evaluationCount(resolution: number): number {
  return linePoints(resolution) + resolution * resolution;
}

/** The highest resolution ≤ requested whose work fits LANDSCAPE_BUDGET_MACS (at least MIN_RESOLUTION). */
export function boundedResolution(requested: number, macsPerEvaluation: number, budget = LANDSCAPE_BUDGET_MACS): number {
  let r = Math.max(MIN_RESOLUTION, Math.min(MAX_RESOLUTION, Math.floor(requested)));
  while (r > MIN_RESOLUTION && evaluationCount(r) * macsPerEvaluation > budget) r--;
  return r;
}

/** Forward multiply-adds of one evaluation of the training set. */
export function evaluationMacs(t: Trainer): number {
  let macs = 0;
  for (const l of t.network.layers) macs += l.macsPerSample;
  return macs * t.trainSet.n;
}

/** Thrown between evaluations when hooks.cancelled() says so. */
export class LandscapeCancelled extends Error {}

export interface LandscapeInput {
  /** Its network and training set are evaluated; vector is bound to that network. */
  trainer: Trainer;
  vector: WeightVector;
  /** The weights the run visited: snapshots[0] the initial weights. */
  trajectory: WeightTrajectory;
  /** The trained weights (the line's α = 1; the trajectory's last snapshot). */
  trained: Float32Array;
  options: LandscapeOptions;
}

export interface LandscapeHooks {
  /** After each evaluation. */
  progress?(done: number, total: number): void;
  /** Asked before each evaluation; true ends the computation with LandscapeCancelled. */
  cancelled?(): boolean;
  now?(): number;
}

/** Evaluates the training loss at given weights, counting and reporting. */
class Evaluator {
  done = 0;
  readonly scratch: Float32Array;
  constructor(private readonly input: LandscapeInput, readonly total: number, private readonly hooks: LandscapeHooks) {
    this.scratch = new Float32Array(input.vector.length);
  }

  loss(theta: Float32Array): number {
    if (this.hooks.cancelled?.()) throw new LandscapeCancelled('cancelled');
    const t = this.input.trainer;
    this.input.vector.write(theta);
    const loss = t.evaluate(t.trainSet).loss;
    this.done++;
    this.hooks.progress?.(this.done, this.total);
    return loss;
  }
}

/** Throws an Error saying what does not fit: snapshots or weights of another length, or fewer than two snapshots. */
function checkInput(input: LandscapeInput): void {
  const { trajectory: tr, vector } = input;
  if (tr.snapshots.length < 2 || tr.steps.length !== tr.snapshots.length) throw new Error('the trajectory needs at least two snapshots, each with its step');
  for (const s of tr.snapshots) vector.checkLength(s.length);
  vector.checkLength(input.trained.length);
}

export function computeLandscape(input: LandscapeInput, hooks: LandscapeHooks = {}): LandscapeResult {
  checkInput(input);
  const now = hooks.now ?? (() => performance.now());
  const t0 = now();
  const resolution = boundedResolution(input.options.resolution, evaluationMacs(input.trainer));
  const ev = new Evaluator(input, evaluationCount(resolution), hooks);
  try {
    const line = computeLine(ev, input.trajectory.snapshots[0], input.trained, resolution);
    const surface = computeSurface(ev, input, resolution);
    const result: LandscapeResult = {
      line, surface,
      initialLoss: line.losses[line.alphas.indexOf(0)], trainedLoss: line.losses[line.alphas.indexOf(1)],
      evaluations: ev.done, samples: input.trainer.trainSet.n, seconds: (now() - t0) / 1000,
    };
    if (resolution !== input.options.resolution) result.requestedResolution = input.options.resolution;
    return result;
  } finally {
    input.vector.write(input.trained);
  }
}

/** θ(α) = θ₀ + α(θ₁ − θ₀) in float64, rounded to float32; α = 0 and 1 are θ₀ and θ₁ themselves. */
function computeLine(ev: Evaluator, initial: Float32Array, trained: Float32Array, resolution: number): LandscapeLine {
  const alphas = lineAlphas(resolution);
  const losses = alphas.map((alpha) => {
    if (alpha === 0) return ev.loss(initial);
    if (alpha === 1) return ev.loss(trained);
    const theta = ev.scratch;
    for (let p = 0; p < theta.length; p++) theta[p] = initial[p] + alpha * (trained[p] - initial[p]);
    return ev.loss(theta);
  });
  return { alphas, losses };
}

function computeSurface(ev: Evaluator, input: LandscapeInput, r: number): LandscapeSurface {
  const { options, trajectory } = input;
  const centre = options.centre === 'initial' ? trajectory.snapshots[0] : input.trained;
  let d1: Float32Array;
  let d2: Float32Array;
  let explained: [number, number] | null = null;
  if (options.plane === 'pca') {
    ({ d1, d2, explained } = principalDirections(trajectory.snapshots, options.seed));
  } else {
    const rng = new Rng(options.seed);
    const filters = input.vector.filters();
    d1 = filterNormalizedDirection(centre, filters, rng);
    d2 = filterNormalizedDirection(centre, filters, rng);
  }
  const path = projectOnPlane(trajectory.snapshots, centre, d1, d2);
  const [aMin, aMax] = options.plane === 'pca' ? coveringRange(path.map((p) => p[0])) : [-1, 1];
  const [bMin, bMax] = options.plane === 'pca' ? coveringRange(path.map((p) => p[1])) : [-1, 1];
  const values: number[] = [];
  const theta = ev.scratch;
  for (let j = 0; j < r; j++) {
    const b = gridCoordinate(bMin, bMax, j, r);
    for (let i = 0; i < r; i++) {
      const a = gridCoordinate(aMin, aMax, i, r);
      for (let p = 0; p < theta.length; p++) theta[p] = centre[p] + a * d1[p] + b * d2[p];
      values.push(ev.loss(theta));
    }
  }
  return {
    plane: options.plane, resolution: r, aMin, aMax, bMin, bMax, values, levels: logLevels(values), path,
    pathSteps: [...trajectory.steps], explained, centre: options.centre ?? 'trained',
  };
}
