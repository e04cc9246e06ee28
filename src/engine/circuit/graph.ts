/**
 * An expression compiled to a circuit: one 'input' node per distinct name (shared by every
 * occurrence, so gradients add where a wire branches), one 'const' node per written number, and
 * the gates "n1", "n2", … in forward (topological) order, the output last. Forward in float64;
 * backward in reverse order, each gate multiplying the gradient from above by its local gradients.
 *
 * The compiled form evaluates again and fast at new input values (`valueAndGrad` allocates
 * nothing), for a surface that optimizers race on as well as for the circuit view.
 */
import type { CircuitGraph, CircuitNode, CircuitOp } from './types';
import { namesOf, type ExprNode } from './expr';
import { GATE_LABELS, gateForward, gateLocal, isGate, type GateOp } from './ops';

/** Maps a span of the expression to a span of the file it is written in. */
export type RangeMapper = (start: number, end: number) => [number, number];

export interface CompileOptions {
  /** Where expression offsets lie in the model file (default: the expression is the file). */
  range?: RangeMapper;
  /** The expression as written, kept in the graph. */
  expression?: string;
}

export interface CompiledCircuit {
  /** The inputs, in the order `values` and `grad` hold them (as given to compileCircuit). */
  readonly names: readonly string[];
  /** The output's value at `values`. */
  value(values: ArrayLike<number>): number;
  /** The output's value, with ∂output/∂names[i] written to grad[i] (0 for an unused input). */
  valueAndGrad(values: ArrayLike<number>, grad: Float64Array): number;
  /** The whole graph at `values`: every node's value, gradient and local gradients. */
  graph(values: ArrayLike<number>): CircuitGraph;
}

/** The flat program the compiler emits: node k's op, inputs and, for leaves, slot or constant. */
interface Program {
  ops: CircuitOp[];
  a: Int32Array;
  b: Int32Array;
  /** An input node's index into `names`; a constant's value index into `consts`. */
  leaf: Int32Array;
  consts: number[];
  /** 1 when the node depends on no input (a pow with such an exponent has local 0 for it). */
  constant: Uint8Array;
  ids: string[];
  labels: string[];
  spans: Array<[number, number]>;
}

function emitProgram(ast: ExprNode, names: readonly string[]): Program {
  const ops: CircuitOp[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const leaf: number[] = [];
  const consts: number[] = [];
  const constant: number[] = [];
  const ids: string[] = [];
  const labels: string[] = [];
  const spans: Array<[number, number]> = [];
  let gates = 0;
  const push = (op: CircuitOp, ia: number, ib: number, id: string, label: string, span: [number, number], isConstant: boolean, lf = -1): number => {
    ops.push(op); a.push(ia); b.push(ib); leaf.push(lf); constant.push(isConstant ? 1 : 0);
    ids.push(id); labels.push(label); spans.push(span);
    return ops.length - 1;
  };
  const inputNode = new Map<string, number>();
  const slotOf = new Map<string, number>();
  names.forEach((name, i) => { if (!slotOf.has(name)) slotOf.set(name, i); });
  for (const [name, occurrences] of namesOf(ast)) {
    const slot = slotOf.get(name) ?? -1;
    if (slot < 0) throw new Error(`the expression uses '${name}', which is not among the inputs`);
    inputNode.set(name, push('input', -1, -1, name, name, occurrences[0], false, slot));
  }
  const emit = (n: ExprNode): number => {
    switch (n.kind) {
      case 'num':
        consts.push(n.value);
        return push('const', -1, -1, `n${++gates}`, String(n.value), [n.start, n.end], true, consts.length - 1);
      case 'name': return inputNode.get(n.name)!;
      case 'neg': {
        const x = emit(n.arg);
        return push('neg', x, -1, `n${++gates}`, GATE_LABELS.neg, [n.start, n.end], constant[x] === 1);
      }
      case 'binary': {
        const x = emit(n.left);
        const y = emit(n.right);
        return push(n.op, x, y, `n${++gates}`, GATE_LABELS[n.op], [n.start, n.end], constant[x] === 1 && constant[y] === 1);
      }
      case 'call': {
        const xs = n.args.map(emit);
        const op = n.fn as GateOp;
        return push(op, xs[0], xs.length > 1 ? xs[1] : -1, `n${++gates}`, GATE_LABELS[op], [n.start, n.end], xs.every((x) => constant[x] === 1));
      }
    }
  };
  emit(ast);
  return {
    ops, a: Int32Array.from(a), b: Int32Array.from(b), leaf: Int32Array.from(leaf), consts,
    constant: Uint8Array.from(constant), ids, labels, spans,
  };
}

/** The local gradient of gate k for its input `which`, at the current forward values. */
function local(p: Program, v: Float64Array, k: number, which: 0 | 1): number {
  const ib = p.b[k];
  return gateLocal(p.ops[k] as GateOp, which, v[p.a[k]], ib >= 0 ? v[ib] : 0, v[k], ib >= 0 && p.constant[ib] === 1);
}

function forward(p: Program, values: ArrayLike<number>, v: Float64Array): number {
  const n = p.ops.length;
  for (let k = 0; k < n; k++) {
    const op = p.ops[k];
    if (op === 'input') v[k] = values[p.leaf[k]];
    else if (op === 'const') v[k] = p.consts[p.leaf[k]];
    else v[k] = gateForward(op as GateOp, v[p.a[k]], p.b[k] >= 0 ? v[p.b[k]] : 0);
  }
  return v[n - 1];
}

/** Backward from the output (gradient 1); a gate whose gradient is exactly 0 passes nothing on (no 0·∞). */
function backward(p: Program, v: Float64Array, g: Float64Array): void {
  const n = p.ops.length;
  g.fill(0);
  g[n - 1] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const gk = g[k];
    if (gk === 0 || !isGate(p.ops[k])) continue;
    g[p.a[k]] += gk * local(p, v, k, 0);
    if (p.b[k] >= 0) g[p.b[k]] += gk * local(p, v, k, 1);
  }
}

/**
 * Compiles a parsed expression over the inputs `names` (every name the expression uses must be
 * among them; the compiler throws otherwise — the model reader reports it first).
 */
export function compileCircuit(ast: ExprNode, names: readonly string[], options: CompileOptions = {}): CompiledCircuit {
  const p = emitProgram(ast, names);
  const n = p.ops.length;
  const v = new Float64Array(n);
  const g = new Float64Array(n);
  const nodeOfName = new Int32Array(names.length).fill(-1);
  p.ops.forEach((op, k) => { if (op === 'input') nodeOfName[p.leaf[k]] = k; });
  const mapRange: RangeMapper = options.range ?? ((s, e) => [s, e]);
  return {
    names,
    value: (values) => forward(p, values, v),
    valueAndGrad(values, grad) {
      const out = forward(p, values, v);
      backward(p, v, g);
      for (let i = 0; i < names.length; i++) grad[i] = nodeOfName[i] >= 0 ? g[nodeOfName[i]] : 0;
      return out;
    },
    graph(values) {
      const out = forward(p, values, v);
      backward(p, v, g);
      const nodes: CircuitNode[] = [];
      for (let k = 0; k < n; k++) {
        const gate = isGate(p.ops[k]);
        const inputs = gate ? (p.b[k] >= 0 ? [p.a[k], p.b[k]] : [p.a[k]]) : [];
        nodes.push({
          id: p.ids[k], op: p.ops[k], inputs: inputs.map((i) => p.ids[i]), value: v[k], grad: g[k],
          local: inputs.map((_, i) => local(p, v, k, i as 0 | 1)), label: p.labels[k], range: mapRange(p.spans[k][0], p.spans[k][1]),
        });
      }
      const grads: Record<string, number> = {};
      // defineProperty: an input may be named __proto__.
      names.forEach((name, i) => Object.defineProperty(grads, name, { value: nodeOfName[i] >= 0 ? g[nodeOfName[i]] : 0, enumerable: true, writable: true, configurable: true }));
      return { type: 'circuit', value: out, grads, nodes, source: 'expression', ...(options.expression !== undefined ? { expression: options.expression } : {}) };
    },
  };
}

/** The graph of an expression at named input values (a convenience over compileCircuit). */
export function circuitGraph(ast: ExprNode, inputs: Readonly<Record<string, number>>, options: CompileOptions = {}): CircuitGraph {
  const names = Object.keys(inputs);
  return compileCircuit(ast, names, options).graph(names.map((k) => inputs[k]));
}
