/**
 * A point stepped down a surface by the project's own update rules (optim.ts), the way the
 * trainer steps a network's weights: one Param (x, y), its gradient from the compiled surface plus
 * Gaussian noise (minibatch-like), one optimizer update per step. Learning-rate schedules do not
 * apply to surfaces.
 */
import * as l10n from '@vscode/l10n';
import type { OptimizerSpec, SurfaceSetup } from '../../model/spec';
import { createOptimizer, type Optimizer } from '../optim';
import { Rng } from '../rng';
import type { Param } from '../tensor';
import type { Surface } from './surface';
import type { SurfacePoint } from './types';

/** Why a run stopped early: the message names the step and where it happened. */
export interface SurfaceDiverged {
  diverged: string;
  /** The step that would have left the finite numbers (the last point emitted is step − 1). */
  step: number;
}

/** The noise a run with this seed adds, per unit σ: N(0, 1) draws, two per step (x, then y). */
export function noiseSequence(seed: number, steps: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(2 * steps);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

function format(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

export class SurfaceRun {
  private readonly position: Param;
  private optimizer: Optimizer;
  private readonly rng: Rng;
  /** ∇f at the current point, without noise. */
  private readonly gradient = new Float64Array(2);
  /** The current point; advance() and `point` return this same object, updated in place (copy it to keep it). */
  private readonly current: SurfacePoint;
  private stopped: SurfaceDiverged | undefined;

  constructor(readonly surface: Surface, readonly setup: SurfaceSetup, optimizer: OptimizerSpec, readonly seed: number) {
    const value = new Float64Array(setup.start);
    this.position = { name: 'position', layer: 0, role: 'W', value, grad: new Float64Array(2), regularize: false };
    this.optimizer = createOptimizer(optimizer);
    this.rng = new Rng(seed);
    const f = surface.valueAndGrad(value[0], value[1], this.gradient);
    this.current = { step: 0, x: value[0], y: value[1], f, grad: Math.hypot(this.gradient[0], this.gradient[1]) };
  }

  /** Updates taken. */
  get step(): number {
    return this.current.step;
  }

  /** True once setup.steps updates are taken (or the run diverged). */
  get done(): boolean {
    return this.stopped !== undefined || this.current.step >= this.setup.steps;
  }

  /** The current point (step 0: the start); the same object advance() returns. */
  get point(): SurfacePoint {
    return this.current;
  }

  get optimizerSpec(): OptimizerSpec {
    return this.optimizer.spec;
  }

  /** Continues from the current point with a fresh rule (zero state), as swapping the optimizer of a network does. */
  setOptimizer(spec: OptimizerSpec): void {
    this.optimizer = createOptimizer(spec);
  }

  /**
   * One step: ∇f at the current point plus noise·N(0, 1) per component, one update. Returns the
   * new point (the same object each time, updated in place: nothing is allocated per step), or
   * why the run cannot go on — the update or f would not be finite — leaving the point where it was.
   */
  advance(): SurfacePoint | SurfaceDiverged {
    if (this.stopped) return this.stopped;
    const { value, grad } = this.position;
    const noise = this.setup.noise;
    // Two draws every step, noise or not: the sequence is the seed's alone, whatever σ is.
    grad[0] = this.gradient[0] + noise * this.rng.normal();
    grad[1] = this.gradient[1] + noise * this.rng.normal();
    const step = this.current.step + 1;
    const x = value[0];
    const y = value[1];
    if (!Number.isFinite(this.current.f) || !Number.isFinite(grad[0]) || !Number.isFinite(grad[1])) {
      return this.stop(step, l10n.t('Step {0}: f or its gradient is not finite at ({1}, {2}).', step, format(x), format(y)));
    }
    if (this.optimizer.update([this.position], this.optimizer.spec.lr) !== undefined) {
      return this.stop(step, l10n.t('Step {0}: the update from ({1}, {2}) would leave the finite numbers (gradient ({3}, {4})); lower the learning rate.', step, format(x), format(y), format(grad[0]), format(grad[1])));
    }
    const f = this.surface.valueAndGrad(value[0], value[1], this.gradient);
    if (!Number.isFinite(f) || !Number.isFinite(this.gradient[0]) || !Number.isFinite(this.gradient[1])) {
      const where = l10n.t('Step {0}: f is not finite at ({1}, {2}), reached from ({3}, {4}); lower the learning rate.', step, format(value[0]), format(value[1]), format(x), format(y));
      value[0] = x;
      value[1] = y;
      this.surface.valueAndGrad(x, y, this.gradient);
      return this.stop(step, where);
    }
    const p = this.current;
    p.step = step;
    p.x = value[0];
    p.y = value[1];
    p.f = f;
    p.grad = Math.hypot(this.gradient[0], this.gradient[1]);
    return p;
  }

  private stop(step: number, reason: string): SurfaceDiverged {
    this.stopped = { diverged: reason, step };
    return this.stopped;
  }
}
