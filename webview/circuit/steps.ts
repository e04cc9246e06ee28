/**
 * Stepping through a circuit as the lesson does: the leaves are known at the start; forward, gate by
 * gate in node order, each gate's value appears on its output wires; then backward, gate by gate in
 * reverse, the output's gradient (1) first and each visited gate's input wires with their gradients.
 * Positions: 0 the start, 1..N forward (N gates), N+1..2N backward; 2N shows everything.
 */
import type { CircuitGraph, CircuitNode, CircuitOp } from '../../src/engine/circuit/types';

const LEAVES: ReadonlySet<CircuitOp> = new Set<CircuitOp>(['input', 'const', 'weight']);

export const isLeaf = (n: Pick<CircuitNode, 'op'>): boolean => LEAVES.has(n.op);

export type Phase = 'start' | 'forward' | 'backward';

/** What one position shows. Indices are node indices in graph.nodes. */
export interface StepState {
  pos: number;
  /** 2N: the last position. */
  last: number;
  phase: Phase;
  /** 1-based step within the phase (0 at the start), and N. */
  step: number;
  gates: number;
  /** The gate the step is at (highlighted), or null at the start. */
  current: number | null;
  /** Per node: its forward value is known (shown on its output wires). */
  value: boolean[];
  /** Per node: visited backward, so the gradients on its input wires are shown. */
  visited: boolean[];
  /** The output's gradient (1) is shown on its output wire. */
  outputGrad: boolean;
  /** Per node: its gradient is complete (every wire leaving it has its gradient). */
  grad: boolean[];
}

/** The gates (non-leaf nodes) in forward order, as node indices. */
export function gateOrder(graph: Pick<CircuitGraph, 'nodes'>): number[] {
  const order: number[] = [];
  graph.nodes.forEach((n, i) => {
    if (!isLeaf(n)) order.push(i);
  });
  return order;
}

/** The position clamped to the graph's steps. */
export function clampPos(graph: Pick<CircuitGraph, 'nodes'>, pos: number): number {
  return Math.max(0, Math.min(2 * gateOrder(graph).length, Math.round(pos)));
}

/** What the circuit shows at a position (clamped). */
export function stepState(graph: Pick<CircuitGraph, 'nodes'>, position: number): StepState {
  const order = gateOrder(graph);
  const n = order.length;
  const pos = clampPos(graph, position);
  const count = graph.nodes.length;
  const value = graph.nodes.map(isLeaf);
  const visited = new Array<boolean>(count).fill(false);
  const forwardDone = Math.min(pos, n);
  for (let j = 0; j < forwardDone; j++) value[order[j]] = true;
  const back = Math.max(0, pos - n);
  for (let j = n - back; j < n; j++) visited[order[j]] = true;
  const outputGrad = pos > n || n === 0;
  const phase: Phase = pos === 0 && n > 0 ? 'start' : pos <= n && n > 0 ? 'forward' : 'backward';
  const current = pos === 0 || n === 0 ? null : pos <= n ? order[pos - 1] : order[2 * n - pos];
  return {
    pos, last: 2 * n, phase, step: phase === 'start' ? 0 : phase === 'forward' ? pos : back, gates: n,
    current, value, visited, outputGrad, grad: completeGrads(graph.nodes, visited, outputGrad),
  };
}

/** A node's gradient is complete once every node it feeds was visited (the output: once its 1 is shown). */
function completeGrads(nodes: readonly Pick<CircuitNode, 'id' | 'inputs'>[], visited: boolean[], outputGrad: boolean): boolean[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const pending = new Array<number>(nodes.length).fill(0);
  nodes.forEach((n, i) => {
    if (visited[i]) return;
    for (const id of n.inputs) {
      const k = index.get(id);
      if (k !== undefined) pending[k]++;
    }
  });
  const consumed = new Set(nodes.flatMap((n) => n.inputs));
  const last = nodes.length - 1;
  return nodes.map((n, i) => (i === last ? outputGrad && pending[i] === 0 : consumed.has(n.id) && pending[i] === 0));
}

/** Same node ids and ops in the same order: a live edit of values, which keeps the step position. */
export function sameShape(a: Pick<CircuitGraph, 'nodes'> | null, b: Pick<CircuitGraph, 'nodes'> | null): boolean {
  if (!a || !b || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => n.id === b.nodes[i].id && n.op === b.nodes[i].op);
}

/** Same shape, and the same wires and labels: the drawing can stay, only its numbers change. */
export function sameDrawing(a: Pick<CircuitGraph, 'nodes'> | null, b: Pick<CircuitGraph, 'nodes'> | null): boolean {
  return sameShape(a, b) && (a as Pick<CircuitGraph, 'nodes'>).nodes.every((n, i) => {
    const m = (b as Pick<CircuitGraph, 'nodes'>).nodes[i];
    return n.label === m.label && n.inputs.length === m.inputs.length && n.inputs.every((id, k) => id === m.inputs[k]);
  });
}
