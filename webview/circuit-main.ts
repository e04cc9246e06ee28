/**
 * The circuit panel (one per `circuit:` model file): a header with the expression, f and each
 * input's gradient, the file's first error, and the CircuitView. The host sends the newest circuit
 * that evaluates as the user types; clicking a gate asks the host to select its text in the file.
 */
import './l10n'; // first: the panel's strings are configured before any other module runs
import * as l10n from '@vscode/l10n';
import type { CircuitViewToHost, HostToCircuitView } from '../src/training/protocol';
import type { CircuitGraph } from '../src/engine/circuit/types';
import { CircuitView } from './circuit/view';
import { cnum } from './circuit/format';
import { nodeNames } from './circuit/rules';

interface VsCodeApi {
  postMessage(m: CircuitViewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

// The state names the file, so the host's serializer can bring the panel back after a window reload.
vscode.setState({ source: document.body.dataset.source ?? '' });

const view = new CircuitView($('circuit-view'), {
  onReveal: ([start, end]) => vscode.postMessage({ type: 'reveal', start, end }),
});

function span(className: string, text: string, data?: Record<string, string>): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  for (const [k, v] of Object.entries(data ?? {})) s.dataset[k] = v;
  return s;
}

/** "f = −12" and "∂f/∂x = −4  ∂f/∂y = −4  ∂f/∂z = 3". */
function showResult(graph: CircuitGraph | null): void {
  const result = $('circuit-result');
  if (!graph || graph.nodes.length === 0) {
    result.replaceChildren();
    return;
  }
  const names = nodeNames(graph);
  const out = names[names.length - 1];
  const grads = span('grads', '');
  grads.replaceChildren(...graph.nodes.flatMap((n, i) => (n.op === 'input'
    ? [span('grad', `∂${out}/∂${names[i]} = ${cnum(graph.grads[n.id] ?? n.grad)}`, { input: n.id })]
    : [])));
  result.replaceChildren(span('value', `${out} = ${cnum(graph.value)}`), grads);
}

function isCircuitMessage(m: unknown): m is HostToCircuitView {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'circuit';
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isCircuitMessage(e.data)) return;
  const m = e.data;
  $('circuit-title').textContent = m.title;
  $('circuit-expression').textContent = m.graph?.expression ?? '';
  const banner = $('circuit-error');
  banner.hidden = m.error === null;
  banner.textContent = m.error === null ? ''
    : m.graph ? l10n.t('{0}\nThe circuit below is the last one that evaluated.', m.error) : m.error;
  showResult(m.graph);
  view.set(m.graph);
  document.body.dataset.value = m.graph ? String(m.graph.value) : '';
});

vscode.postMessage({ type: 'ready' });
