/** The caption under the toolbar and the gates' tooltips, for a step position. Pure. */
import * as l10n from '@vscode/l10n';
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { cnum } from './format';
import { backwardEquations, forwardText, gradientText, ruleWords } from './rules';
import { isLeaf, type StepState } from './steps';

type Graph = Pick<CircuitGraph, 'nodes' | 'source' | 'grads'>;

export interface Caption {
  title: string;
  lines: string[];
}

/** At most `max` items, then how many more. */
export function listed(items: string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, ${l10n.t('… {0} more', items.length - max)}`;
}

/** "∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3": every input's gradient (a network's features, not its weights). */
export function gradientsText(graph: Graph, names: string[]): string {
  const out = names[names.length - 1];
  return listed(graph.nodes.flatMap((n, i) => (n.op === 'input' ? [`∂${out}/∂${names[i]} = ${cnum(graph.grads[n.id] ?? n.grad)}`] : [])));
}

function startCaption(graph: Graph, names: string[]): Caption {
  const leaves = graph.nodes.flatMap((n, i) => (n.op === 'input' || n.op === 'weight' ? [`${names[i]} = ${cnum(n.value)}`] : []));
  return {
    title: l10n.t('Start: the inputs are known'),
    lines: [...(leaves.length ? [listed(leaves)] : []), l10n.t('Step (→) computes the gates forward, one at a time.')],
  };
}

/** What the step at `state` shows and why. */
export function captionFor(graph: Graph, state: StepState, names: string[]): Caption {
  const out = names[names.length - 1];
  const output = graph.nodes[graph.nodes.length - 1];
  if (!output) return { title: '', lines: [] };
  if (state.gates === 0) return { title: `${out} = ${cnum(output.value)}`, lines: [l10n.t('A single leaf: there is no gate to step through.')] };
  if (state.phase === 'start' || state.current === null) return startCaption(graph, names);
  const i = state.current;
  if (state.phase === 'forward') {
    const done = state.step === state.gates
      ? [l10n.t('The forward pass is done: {0} = {1}. Step on to go backward.', out, cnum(output.value))]
      : [];
    return { title: forwardText(graph, i, names), lines: done };
  }
  const lines = state.step === 1 ? [l10n.t('Backward starts at the output with ∂{0}/∂{0} = 1.', out)] : [];
  lines.push(ruleWords(graph.nodes[i].op), ...backwardEquations(graph, i, names));
  if (state.pos === state.last) lines.push(l10n.t('The backward pass is done: {0}', gradientsText(graph, names)));
  return { title: l10n.t('Backward at {0}: {1}', names[i], gradientText(graph, i, names)), lines };
}

/** A node's tooltip: what it is, its value and gradient once known, and (gates) its rule. */
export function tooltipFor(graph: Graph, state: StepState, names: string[], i: number): string {
  const node = graph.nodes[i];
  const out = names[names.length - 1];
  const what = isLeaf(node) ? names[i] : `${names[i]} (${node.label})`;
  const lines = [node.id === names[i] ? what : `${what} · ${node.id}`];
  if (state.value[i]) lines.push(isLeaf(node) ? `${names[i]} = ${cnum(node.value)}` : forwardText(graph, i, names));
  if (!isLeaf(node)) {
    lines.push(ruleWords(node.op));
    if (state.visited[i]) lines.push(gradientText(graph, i, names), ...backwardEquations(graph, i, names));
  } else if (state.grad[i]) {
    lines.push(`∂${out}/∂${names[i]} = ${cnum(node.grad)}`);
  }
  return lines.join('\n');
}

/** "start", "forward 3 of 7", "backward 2 of 7". */
export function counterText(state: Pick<StepState, 'phase' | 'step' | 'gates'>): string {
  if (state.gates === 0) return '';
  if (state.phase === 'start') return l10n.t('start');
  return state.phase === 'forward'
    ? l10n.t('forward {0} of {1}', state.step, state.gates)
    : l10n.t('backward {0} of {1}', state.step, state.gates);
}
