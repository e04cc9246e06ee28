/**
 * "Show as Circuit": a small network's computation for the inspected sample as cs231n's circuit
 * (every neuron a weighted sum, then its nonlinearity, then the loss), drawn by the circuit view;
 * without a circuit, why not.
 */
import * as l10n from '@vscode/l10n';
import type { InspectResult } from '../../src/engine/inspect-types';
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { CIRCUIT_MAX_WEIGHTS } from '../../src/engine/inspect-types';
import { el } from '../dom';
import { CircuitView } from '../circuit/view';

export class CircuitCard {
  readonly el = el('section', undefined, 'card insp-circuit');
  private readonly body = el('div', undefined, 'insp-circuit-body');
  private readonly note = el('p', '', 'muted insp-circuit-note');
  /** Made for the first circuit; a newer one of the same network keeps its step position. */
  private view: CircuitView | null = null;
  private graph: CircuitGraph | null = null;

  constructor() {
    this.el.id = 'card-insp-circuit';
    const head = el('div', undefined, 'card-head');
    head.append(el('h3', l10n.t('Show as Circuit')));
    this.el.append(head, el('p', l10n.t('The network\'s computation for this sample as a circuit: each neuron a weighted sum, then its nonlinearity, then the loss; forward values above the wires, gradients below.'), 'why'), this.note, this.body);
  }

  set(r: InspectResult | null): void {
    const graph = r?.circuit ?? null;
    this.el.dataset.circuit = graph ? 'yes' : 'no';
    this.note.hidden = graph !== null;
    this.note.textContent = l10n.t('Only a network of at most {0} weights and biases, of dense layers and activations, draws as a circuit.', CIRCUIT_MAX_WEIGHTS);
    this.body.hidden = graph === null;
    if (!graph || graph === this.graph) return;
    this.graph = graph;
    this.view ??= new CircuitView(this.body);
    this.view.set(graph);
  }

  dispose(): void {
    this.view?.dispose();
    this.view = null;
  }
}
