/**
 * A surface f(x, y): a preset's formula or the user's expression, compiled once by the circuit
 * compiler (float64, exact gradients). valueAndGrad allocates nothing, so an optimizer can call it
 * every step and the contour grid every point.
 */
import * as l10n from '@vscode/l10n';
import type { SurfacePreset, SurfaceSetup } from '../../model/spec';
import { namesOf, parseExpression } from '../circuit/expr';
import { compileCircuit } from '../circuit/graph';
import { PRESET_EXPRESSIONS } from './presets';

export interface Surface {
  readonly preset: SurfacePreset | null;
  readonly expression: string;
  /** f(x, y). */
  value(x: number, y: number): number;
  /** f(x, y), with ∂f/∂x in grad[0] and ∂f/∂y in grad[1]. */
  valueAndGrad(x: number, y: number, grad: Float64Array): number;
}

/** The inputs a surface's expression may use, in the order gradients hold them. */
export const SURFACE_INPUTS: readonly string[] = ['x', 'y'];

/**
 * Compiles a preset (its formula in PRESET_EXPRESSIONS) or an expression of x and y.
 * Throws an Error saying what is wrong when the expression does not parse or uses another name.
 */
export function compileSurface(s: Pick<SurfaceSetup, 'preset' | 'expression'>): Surface {
  const expression = s.preset !== null ? PRESET_EXPRESSIONS[s.preset] : s.expression;
  const parsed = parseExpression(expression);
  if (!parsed.ok) throw new Error(l10n.t('The surface "{0}" does not parse: {1}', expression, parsed.error.message));
  for (const name of namesOf(parsed.ast).keys()) {
    if (!SURFACE_INPUTS.includes(name)) throw new Error(l10n.t('The surface "{0}" uses {1}; a surface is a function of x and y only.', expression, name));
  }
  const circuit = compileCircuit(parsed.ast, SURFACE_INPUTS);
  const at = new Float64Array(2);
  return {
    preset: s.preset,
    expression,
    value(x, y) {
      at[0] = x;
      at[1] = y;
      return circuit.value(at);
    },
    valueAndGrad(x, y, grad) {
      at[0] = x;
      at[1] = y;
      return circuit.valueAndGrad(at, grad);
    },
  };
}
