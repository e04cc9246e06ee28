/**
 * The gates of an expression circuit, one forward rule and one local-gradient rule each, in
 * float64. A gate takes one input (a) or two (a, b); its local gradients are ∂value/∂a and
 * ∂value/∂b at the point, which backprop multiplies by the gradient arriving from above.
 */
import type { CircuitOp } from './types';
import type { BinaryOp } from './expr';

/** The gates an expression compiles to (leaves aside). */
export type GateOp = BinaryOp | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'max' | 'min' | 'sigmoid' | 'tanh' | 'relu';

/** How each gate is labelled where it is drawn. */
export const GATE_LABELS: Readonly<Record<GateOp, string>> = {
  add: '+', sub: '\u2212', mul: '\u00d7', div: '\u00f7', pow: '^', neg: '\u2212x',
  exp: 'exp', log: 'log', sqrt: 'sqrt', abs: 'abs', max: 'max', min: 'min', sigmoid: '\u03c3', tanh: 'tanh', relu: 'relu',
};

/** Whether an op is a gate of the expression language (and so has a forward and local rule here). */
export function isGate(op: CircuitOp): op is GateOp {
  return Object.prototype.hasOwnProperty.call(GATE_LABELS, op);
}

/** σ(a) = 1 / (1 + e^−a), without overflow for large |a|. */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** The gate's forward value. `b` is ignored by one-input gates. */
export function gateForward(op: GateOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return Math.pow(a, b);
    case 'neg': return -a;
    case 'exp': return Math.exp(a);
    case 'log': return Math.log(a);
    case 'sqrt': return Math.sqrt(a);
    case 'abs': return Math.abs(a);
    case 'max': return a >= b ? a : b;
    case 'min': return a <= b ? a : b;
    case 'sigmoid': return sigmoid(a);
    case 'tanh': return Math.tanh(a);
    case 'relu': return a > 0 ? a : 0;
  }
}

/**
 * ∂value/∂(input `which`) at (a, b), given the forward value v:
 * add [1, 1]; sub [1, −1]; mul [b, a]; div [1/b, −a/b²]; pow [b·a^(b−1), a^b·ln a] (0 for an
 * exponent that depends on no input, so a negative base never gives NaN there); neg [−1];
 * exp [e^a]; log [1/a]; sqrt [1/(2√a)]; abs [sign a] (0 at 0); max/min [1, 0] to the chosen input
 * (ties: the first); sigmoid [σ(1 − σ)]; tanh [1 − t²]; relu [a > 0 ? 1 : 0].
 */
export function gateLocal(op: GateOp, which: 0 | 1, a: number, b: number, v: number, constantExponent = false): number {
  switch (op) {
    case 'add': return 1;
    case 'sub': return which === 0 ? 1 : -1;
    case 'mul': return which === 0 ? b : a;
    case 'div': return which === 0 ? 1 / b : -a / (b * b);
    case 'pow':
      if (which === 0) return b === 0 ? 0 : b * Math.pow(a, b - 1);
      return constantExponent || v === 0 ? 0 : v * Math.log(a);
    case 'neg': return -1;
    case 'exp': return v;
    case 'log': return 1 / a;
    case 'sqrt': return 1 / (2 * v);
    case 'abs': return a > 0 ? 1 : a < 0 ? -1 : 0;
    case 'max': return (a >= b) === (which === 0) ? 1 : 0;
    case 'min': return (a <= b) === (which === 0) ? 1 : 0;
    case 'sigmoid': return v * (1 - v);
    case 'tanh': return 1 - v * v;
    case 'relu': return a > 0 ? 1 : 0;
  }
}

/** How many inputs the gate takes. */
export function gateArity(op: GateOp): 1 | 2 {
  return op === 'add' || op === 'sub' || op === 'mul' || op === 'div' || op === 'pow' || op === 'max' || op === 'min' ? 2 : 1;
}
