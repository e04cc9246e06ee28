/**
 * A circuit: the computational graph of cs231n's backprop lesson. Every gate is a node with its
 * forward value and the gradient of the output with respect to it; wires are `inputs`. Written by
 * the expression compiler (a `circuit:` model file) and by the network builder ("Show as Circuit"
 * for a network small enough to read); drawn by webview/circuit/; printed by `trainlens circuit --json`.
 * Pure data (JSON and structured-clone safe).
 */

/** The gates an expression can hold, and the ones a small network's circuit adds. */
export type CircuitOp =
  // leaves
  | 'input' // a named input of the expression (`inputs:`), or a network's input feature
  | 'const' // a number written in the expression
  | 'weight' // a network's weight or bias
  // expression gates
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'neg'
  | 'exp' | 'log' | 'sqrt' | 'abs' | 'max' | 'min' | 'sigmoid' | 'tanh' | 'relu'
  // network gates: a neuron's weighted sum Σ w_i·x_i + b, the other activations, the loss of the sample
  | 'wsum' | 'leaky_relu' | 'elu' | 'gelu' | 'softmax_loss' | 'svm_loss' | 'mse_loss';

export const CIRCUIT_OPS: readonly CircuitOp[] = [
  'input', 'const', 'weight', 'add', 'sub', 'mul', 'div', 'pow', 'neg', 'exp', 'log', 'sqrt', 'abs', 'max', 'min',
  'sigmoid', 'tanh', 'relu', 'wsum', 'leaky_relu', 'elu', 'gelu', 'softmax_loss', 'svm_loss', 'mse_loss',
];

/** The functions an expression may call, with their number of arguments. */
export const CIRCUIT_FUNCTIONS: Readonly<Record<string, number>> = {
  exp: 1, log: 1, sqrt: 1, abs: 1, sigmoid: 1, tanh: 1, relu: 1, max: 2, min: 2,
};

export interface CircuitNode {
  /** Inputs by their name ("x"); gates and constants "n1", "n2", … in forward order. */
  id: string;
  op: CircuitOp;
  /** The nodes wired into this one, in argument order (a node may appear twice, e.g. x * x). */
  inputs: string[];
  /** Forward value. */
  value: number;
  /** ∂(output)/∂(this node), summed over every wire leaving it (gradients add at branches). */
  grad: number;
  /**
   * The local gradients ∂value/∂inputs[i] at this point (what the chain rule multiplies by grad):
   * add [1, 1]; mul [b, a] (it swaps its inputs); max [1, 0] to the larger; sigmoid [σ(1 − σ)].
   * Empty for leaves.
   */
  local: number[];
  /** What the gate shows: "+", "×", "σ", "max", an input's name, a constant's value, "w[1][0]". */
  label: string;
  /** Expression circuits: where the gate (or input, or constant) is written, as offsets into the model file. */
  range?: [number, number];
  /** Network circuits: the model-file layer the node belongs to (absent for inputs and the loss). */
  layer?: number;
}

/** `{"type":"circuit","value":…,"grads":{name: …},"nodes":[…]}` — the JSON line, and what the panel draws. */
export interface CircuitGraph {
  type: 'circuit';
  /** The output's value (the expression's, or a network's loss for the sample). */
  value: number;
  /** ∂output/∂input for every named input (network circuits: every input feature and every weight). */
  grads: Record<string, number>;
  /** Every node in forward (topological) order; the output is the last. Backward visits them in reverse. */
  nodes: CircuitNode[];
  /** Where the graph came from. */
  source: 'expression' | 'network';
  /** The expression as written (expression circuits). */
  expression?: string;
}
