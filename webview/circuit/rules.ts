/**
 * What each gate does, in words and numbers: its forward formula ("q1 = x + y = −2 + 5 = 3") and its
 * local rule backward, from the node's op, its inputs' values, `local` (∂value/∂input) and `grad`:
 * "× swaps its inputs: ∂f/∂z = q1 × g = 3 × 1 = 3". Pure (strings through @vscode/l10n).
 */
import * as l10n from '@vscode/l10n';
import type { CircuitGraph, CircuitNode, CircuitOp } from '../../src/engine/circuit/types';
import { cnum, operand } from './format';
import { isLeaf } from './steps';

type Graph = Pick<CircuitGraph, 'nodes' | 'source'>;

/**
 * What the captions call each node: the output "f" (a network's loss "L"), a leaf its label, the
 * other gates q1, q2, … in forward order, as the lesson names q = x + y.
 */
export function nodeNames(graph: Graph): string[] {
  const last = graph.nodes.length - 1;
  let q = 0;
  return graph.nodes.map((n, i) => {
    if (i === last) return graph.source === 'network' ? 'L' : 'f';
    return isLeaf(n) ? n.label : `q${++q}`;
  });
}

const INFIX: Partial<Record<CircuitOp, string>> = { add: '+', sub: '−', mul: '×', div: '÷' };
const FUNCTION_NAME: Partial<Record<CircuitOp, string>> = { sigmoid: 'σ', wsum: 'Σ' };

/** The gate applied to its arguments, written as the expression would: "a + b", "a^b", "−a", "σ(a)". */
export function applied(node: Pick<CircuitNode, 'op' | 'label'>, args: string[]): string {
  const infix = INFIX[node.op];
  if (infix && args.length === 2) return `${args[0]} ${infix} ${args[1]}`;
  if (node.op === 'pow' && args.length === 2) return `${args[0]}^${args[1]}`;
  if (node.op === 'neg' && args.length === 1) return `−${args[0]}`;
  return `${FUNCTION_NAME[node.op] ?? node.op}(${args.join(', ')})`;
}

/** The forward step of gate `i`: "q1 = x + y = −2 + 5 = 3". */
export function forwardText(graph: Graph, i: number, names: string[]): string {
  const node = graph.nodes[i];
  const index = new Map(graph.nodes.map((n, k) => [n.id, k]));
  const args = node.inputs.map((id) => index.get(id) ?? -1);
  const symbolic = applied(node, args.map((k) => names[k] ?? '?'));
  // Negative numbers in parentheses where a sign would be misread: after an operator, a power's base, under a minus.
  const parens = (j: number): boolean => (node.op in INFIX && j > 0) || node.op === 'pow' || node.op === 'neg';
  const numeric = applied(node, args.map((k, j) => (k < 0 ? '?' : parens(j) ? operand(graph.nodes[k].value) : cnum(graph.nodes[k].value))));
  return `${names[i]} = ${symbolic} = ${numeric} = ${cnum(node.value)}`;
}

/** The rule in words, as the lesson says it. */
export function ruleWords(op: CircuitOp): string {
  switch (op) {
    case 'add': return l10n.t('+ distributes the gradient: each input gets 1 × g');
    case 'sub': return l10n.t('− passes 1 × g to its first input and −1 × g to its second');
    case 'mul': return l10n.t('× swaps its inputs: each input gets the other input\'s value × g');
    case 'div': return l10n.t('a ÷ b: ∂/∂a = 1/b, ∂/∂b = −a/b²');
    case 'pow': return l10n.t('a^b: ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a');
    case 'neg': return l10n.t('negation flips the gradient\'s sign: −1 × g');
    case 'exp': return l10n.t('exp\'s local gradient is its own output, exp(a)');
    case 'log': return l10n.t('log\'s local gradient is 1/a');
    case 'sqrt': return l10n.t('sqrt\'s local gradient is 1/(2√a)');
    case 'abs': return l10n.t('abs passes the gradient times the sign of its input');
    case 'max': return l10n.t('max routes the gradient to the larger input; the other gets 0');
    case 'min': return l10n.t('min routes the gradient to the smaller input; the other gets 0');
    case 'sigmoid': return l10n.t('σ\'s local gradient is σ(1 − σ), from its own output');
    case 'tanh': return l10n.t('tanh\'s local gradient is 1 − t², from its own output t');
    case 'relu': return l10n.t('relu passes the gradient where its input is positive and blocks it (0) elsewhere');
    case 'leaky_relu': return l10n.t('leaky relu passes the gradient where its input is positive, α × g elsewhere');
    case 'elu': return l10n.t('elu passes the gradient where its input is positive, (output + α) × g elsewhere');
    case 'gelu': return l10n.t('gelu\'s local gradient is Φ(x) + x·φ(x)');
    case 'wsum': return l10n.t('a weighted sum Σ wᵢ·xᵢ + b: ∂/∂xᵢ = wᵢ, ∂/∂wᵢ = xᵢ, ∂/∂b = 1');
    case 'softmax_loss': return l10n.t('softmax loss −log p_y: each score gets p_j − 1[j = y]');
    case 'svm_loss': return l10n.t('SVM loss Σ max(0, s_j − s_y + Δ): each positive margin sends 1 to s_j and −1 to s_y');
    case 'mse_loss': return l10n.t('mean squared error: each output gets a share of its error (s − y)');
    default: return l10n.t('a leaf: its gradient is what its wires bring back');
  }
}

/** The local gradient in symbols, where the lesson writes one ("z" for a product's x, "1/a" for log); null where only the number says it. */
export function localSymbol(node: Pick<CircuitNode, 'op' | 'local'>, arg: number, args: string[]): string | null {
  const [a, b] = args;
  switch (node.op) {
    case 'add': return '1';
    case 'sub': return arg === 0 ? '1' : '−1';
    case 'mul': return args[1 - arg] ?? null;
    case 'div': return arg === 0 ? `1/${b}` : `−${a}/${b}²`;
    case 'pow': return arg === 0 ? `${b}·${a}^(${b}−1)` : `${a}^${b}·ln ${a}`;
    case 'neg': return '−1';
    case 'exp': return `exp(${a})`;
    case 'log': return `1/${a}`;
    case 'sqrt': return `1/(2√${a})`;
    case 'abs': return `sign(${a})`;
    case 'sigmoid': return 'σ(1 − σ)';
    case 'tanh': return '1 − t²';
    default: return null;
  }
}

/** The chain rule at gate `i`, one line per input: "∂f/∂z = q1 × g = 3 × 1 = 3". */
export function backwardEquations(graph: Graph, i: number, names: string[]): string[] {
  const node = graph.nodes[i];
  const out = names[names.length - 1];
  const index = new Map(graph.nodes.map((n, k) => [n.id, k]));
  const args = node.inputs.map((id) => names[index.get(id) ?? -1] ?? '?');
  return node.inputs.map((_, arg) => {
    const local = node.local[arg] ?? NaN;
    const symbol = localSymbol(node, arg, args);
    const product = `${cnum(local)} × ${operand(node.grad)} = ${cnum(local * node.grad)}`;
    return `∂${out}/∂${args[arg]} = ${symbol ? `${symbol} × g = ` : ''}${product}`;
  });
}

/** What g is at gate `i`: "g = ∂f/∂q1 = −4". */
export function gradientText(graph: Graph, i: number, names: string[]): string {
  const out = names[names.length - 1];
  return `g = ∂${out}/∂${names[i]} = ${cnum(graph.nodes[i].grad)}`;
}
