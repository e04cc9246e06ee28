/** What each wire says at a step: its value above (once its source is computed), its gradient below (once its target was visited backward). Pure. */
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { cnum } from './format';
import type { StepState } from './steps';

/** A wire: from node `from` into argument `arg` of node `to` (null: the output's own wire to the right). */
export interface WireRef {
  from: number;
  to: number | null;
  arg: number;
}

export interface WireText {
  /** '' while unknown. */
  value: string;
  grad: string;
  /** Appeared at this step (drawn bold). */
  newValue: boolean;
  newGrad: boolean;
  /** Touches the current gate. */
  active: boolean;
}

/**
 * The gradient a wire carries back: its target's gradient times the target's local gradient for
 * that argument (the chain rule); the output's own wire carries the output's gradient, 1. A node
 * feeding several wires gets their sum.
 */
export function wireGradient(graph: Pick<CircuitGraph, 'nodes'>, w: WireRef): number {
  if (w.to === null) return graph.nodes[w.from].grad;
  const target = graph.nodes[w.to];
  return target.grad * (target.local[w.arg] ?? NaN);
}

export function wireTexts(graph: Pick<CircuitGraph, 'nodes'>, state: StepState, wires: readonly WireRef[]): WireText[] {
  const cur = state.current;
  return wires.map((w) => {
    const gradShown = w.to === null ? state.outputGrad : state.visited[w.to];
    return {
      value: state.value[w.from] ? cnum(graph.nodes[w.from].value) : '',
      grad: gradShown ? cnum(wireGradient(graph, w)) : '',
      newValue: state.phase === 'forward' && cur === w.from,
      newGrad: state.phase === 'backward' && (cur === w.to || (w.to === null && state.step === 1)),
      active: cur !== null && (cur === w.from || cur === w.to),
    };
  });
}
