/**
 * A small network's computation for one sample as a circuit ("Show as Circuit"): cs231n's backprop
 * lesson drawn on the real network. Inputs, weights and biases are leaves; each neuron is a weighted
 * sum Σ_i w_i·x_i + b, then its nonlinearity; the sample's loss is the last gate. Every value and
 * gradient is taken from the float64 pass of the sample (the inspect numbers), and every gate's local
 * gradients are the engine's, so the chain rule over the graph gives the same gradients again.
 */
import { DenseLayer } from '../layers/dense';
import { ActivationLayer } from '../layers/activation';
import type { Network } from '../network';
import type { LossName } from '../../model/spec';
import type { CircuitGraph, CircuitNode, CircuitOp } from './types';

/** One sample's forward and backward pass through a float64 network (engine layer by engine layer). */
export interface NetworkPass {
  /** The sample as the network sees it. */
  input: Float64Array;
  /** Each engine layer's output. */
  outs: Float64Array[];
  /** ∂L/∂(each engine layer's output); the last is ∂L/∂scores. */
  douts: Float64Array[];
  /** ∂L/∂input. */
  dinput: Float64Array;
  /** The sample's data loss. */
  loss: number;
}

/** Layers a circuit can draw: dense layers and activations, with flatten and dropout (the identity in evaluation mode). */
export function circuitEligible(net: Network): boolean {
  return net.layers.every((l) => l.kind === 'dense' || l.kind === 'activation' || l.kind === 'flatten' || l.kind === 'dropout');
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** 12 → "₁₂". */
export function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 12 → "¹²". */
function superscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]);
}

/** "w²₁₀" for W[1][0] of the second dense layer (cs231n's W2); "w¹₁₂,₃" when an index has two digits. */
function weightLabel(dense: number, i: number, j: number): string {
  return i < 10 && j < 10 ? `w${superscript(dense)}${subscript(i)}${subscript(j)}` : `w${superscript(dense)}${subscript(i)},${subscript(j)}`;
}

const ACTIVATION_OPS: Record<string, CircuitOp> = {
  relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', leaky_relu: 'leaky_relu', elu: 'elu', gelu: 'gelu',
};

const LOSS_OPS: Record<LossName, CircuitOp> = { softmax: 'softmax_loss', svm: 'svm_loss', mse: 'mse_loss' };

/** A graph under construction: nodes in forward order and the gradients of the named leaves. */
interface Builder {
  nodes: CircuitNode[];
  grads: Record<string, number>;
}

function leaf(b: Builder, node: Omit<CircuitNode, 'inputs' | 'local'>): string {
  b.nodes.push({ ...node, inputs: [], local: [] });
  b.grads[node.id] = node.grad;
  return node.id;
}

/** Dense layer li (the `dense`-th, from 1): per unit j its weights W[·][j], its bias, then the wsum gate. Returns the wsum ids. */
function denseNodes(b: Builder, l: DenseLayer, prev: string[], x: Float64Array, pass: NetworkPass, li: number, dense: number): string[] {
  const [w, bias] = l.params;
  const m = l.outSize;
  const layer = l.sourceIndex;
  const ids: string[] = [];
  for (let j = 0; j < m; j++) {
    const ws: string[] = [];
    const wv: number[] = [];
    for (let i = 0; i < l.inSize; i++) {
      const k = i * m + j;
      ws.push(leaf(b, { id: `layers[${layer}].W[${i}][${j}]`, op: 'weight', value: w.value[k], grad: w.grad[k], label: weightLabel(dense, i, j), layer }));
      wv.push(w.value[k]);
    }
    const bid = leaf(b, { id: `layers[${layer}].b[${j}]`, op: 'weight', value: bias.value[j], grad: bias.grad[j], label: `b${superscript(dense)}${subscript(j)}`, layer });
    const id = `layers[${layer}].z[${j}]`;
    b.nodes.push({
      id, op: 'wsum', inputs: [...prev, ...ws, bid], value: pass.outs[li][j], grad: pass.douts[li][j],
      local: [...wv, ...Array.from(x), 1], label: 'Σ', layer,
    });
    ids.push(id);
  }
  return ids;
}

/**
 * Activation layer li: one gate per unit, its local gradient f′(z) as the engine's backward pass
 * gives it (the layer's backward with ∂L/∂out = 1, right after the sample's pass).
 */
function activationNodes(b: Builder, l: ActivationLayer, prev: string[], pass: NetworkPass, li: number): string[] {
  const slope = Float64Array.from(l.backward(new Float64Array(l.outSize).fill(1), 1).subarray(0, l.outSize));
  const op = ACTIVATION_OPS[l.fn];
  const label = l.fn === 'sigmoid' ? 'σ' : l.label;
  return prev.map((input, j) => {
    const id = `layers[${l.sourceIndex}].a[${j}]`;
    b.nodes.push({ id, op, inputs: [input], value: pass.outs[li][j], grad: pass.douts[li][j], local: [slope[j]], label, layer: l.sourceIndex });
    return id;
  });
}

/**
 * The network's computation for the sample as a circuit. `net` is the float64 network right after
 * `pass` (its parameters' gradients are this sample's); only for networks circuitEligible accepts.
 * Node ids: "x0" for input features, "layers[0].W[1][0]" and "layers[0].b[1]" for weights and
 * biases, "layers[0].z[1]" for weighted sums, "layers[0].a[1]" for activations, "loss" last.
 */
export function networkCircuit(net: Network, pass: NetworkPass): CircuitGraph {
  if (!circuitEligible(net)) throw new Error('networkCircuit: only dense layers and activations can be drawn as a circuit');
  const b: Builder = { nodes: [], grads: {} };
  let prev = Array.from(pass.input, (v, i) => leaf(b, { id: `x${i}`, op: 'input', value: v, grad: pass.dinput[i], label: `x${subscript(i)}` }));
  let x = pass.input;
  let dense = 0;
  net.layers.forEach((l, li) => {
    if (l instanceof DenseLayer) prev = denseNodes(b, l, prev, x, pass, li, ++dense);
    else if (l instanceof ActivationLayer && l.fn !== 'linear') prev = activationNodes(b, l, prev, pass, li);
    // flatten, dropout (evaluation mode) and a linear activation pass their input through.
    x = pass.outs[li];
  });
  // ∂L/∂s_j for n = 1: softmax p_j − 1[j = y]; svm 1 per positive hinge term, −(their count) at y; mse 2(s_j − t_j)/C.
  const dscores = pass.douts[pass.douts.length - 1];
  b.nodes.push({
    id: 'loss', op: LOSS_OPS[net.lossName], inputs: prev, value: pass.loss, grad: 1, local: Array.from(dscores), label: net.lossName,
  });
  return { type: 'circuit', value: pass.loss, grads: b.grads, nodes: b.nodes, source: 'network' };
}
