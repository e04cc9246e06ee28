/**
 * The optimizer lesson's surfaces, written in the circuit language (so gradients are exact and
 * every preset evaluates through the same compiler as a user's expression).
 */
import type { SurfacePreset } from '../../model/spec';

export const PRESET_EXPRESSIONS: Readonly<Record<SurfacePreset, string>> = {
  /** A curved valley; minimum 0 at (1, 1). */
  rosenbrock: '(1 - x)^2 + 100 * (y - x^2)^2',
  /** Flat plateaus and sharp ridges; minimum 0 at (3, 0.5). */
  beale: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
  /** Four minima of value 0, a maximum and four saddles. */
  himmelblau: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
  /** A saddle point at (0, 0): down along y, up along x. */
  saddle: 'x^2 - y^2',
  /** A ravine 100× steeper across (y) than along (x); minimum 0 at (0, 0). */
  ravine: '0.5 * x^2 + 50 * y^2',
};
