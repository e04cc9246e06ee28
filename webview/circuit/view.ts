/**
 * CircuitView: a circuit drawn as cs231n draws it (values above the wires in green, gradients below
 * in red), with a toolbar to step through the forward pass and then the backward pass, gate by gate,
 * and a caption with each gate's local rule. Reusable: the circuit panel and the model panel's
 * Inspect tab ("Show as Circuit") both embed it.
 */
import * as l10n from '@vscode/l10n';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { captionFor, counterText, tooltipFor } from './caption';
import { cnum } from './format';
import { wireTexts } from './labels';
import { layoutCircuit } from './layout';
import { nodeNames } from './rules';
import { clampPos, sameDrawing, sameShape, stepState, type StepState } from './steps';
import { adoptCircuitStyles } from './style';
import { drawCircuit, type CircuitSvg } from './svg';

type StepAction = 'back' | 'next' | 'reset' | 'all';

function div(className: string, text?: string): HTMLDivElement {
  const e = document.createElement('div');
  e.className = className;
  if (text) e.textContent = text;
  return e;
}

export class CircuitView {
  private readonly root = div('cv');
  private readonly counter = document.createElement('span');
  private readonly caption = div('cv-caption');
  private readonly canvas = div('cv-canvas');
  private readonly buttons = new Map<StepAction, HTMLElement>();
  private graph: CircuitGraph | null = null;
  private names: string[] = [];
  private drawn: CircuitSvg | null = null;
  private pos = 0;
  /** The drawing fits the width: down to 0.8 of its size (then it scrolls), up to 1.4× for a small circuit in a wide panel. */
  private readonly resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.fit());

  constructor(host: HTMLElement, private readonly o: { onReveal?: (range: [number, number]) => void } = {}) {
    adoptCircuitStyles(document);
    this.root.tabIndex = 0;
    this.root.setAttribute('role', 'group');
    this.root.setAttribute('aria-label', l10n.t('Circuit: ← and → step backward and forward'));
    this.counter.className = 'cv-counter';
    this.counter.setAttribute('aria-live', 'polite');
    this.caption.setAttribute('aria-live', 'polite');
    this.root.append(this.toolbar(), this.caption, this.canvas);
    this.root.addEventListener('keydown', this.onKey);
    host.append(this.root);
    this.resize?.observe(this.canvas);
    this.set(null);
  }

  /** Draws a graph (null: empty). A graph with the same node ids and ops keeps the step position (live updates while typing). */
  set(graph: CircuitGraph | null): void {
    const keep = sameShape(this.graph, graph);
    const redraw = !sameDrawing(this.graph, graph);
    this.graph = graph && graph.nodes.length ? graph : null;
    if (this.graph && this.drawn && !redraw) {
      // New numbers on the same circuit (an input edited, a live sample): the drawing stays.
      this.render();
      return;
    }
    this.canvas.replaceChildren();
    this.drawn = null;
    if (!this.graph) {
      this.pos = 0;
      this.canvas.append(div('cv-empty', l10n.t('No circuit to draw.')));
      this.render();
      return;
    }
    this.pos = keep ? clampPos(this.graph, this.pos) : 0;
    this.names = nodeNames(this.graph);
    this.drawn = drawCircuit(this.graph, layoutCircuit(this.graph.nodes), this.names);
    this.drawn.nodes.forEach((n, i) => n.g.addEventListener('click', () => this.reveal(i)));
    this.canvas.append(this.drawn.svg);
    this.fit();
    this.render();
  }

  dispose(): void {
    this.resize?.disconnect();
    this.root.removeEventListener('keydown', this.onKey);
    this.root.remove();
    this.graph = null;
    this.drawn = null;
  }

  private fit(): void {
    const svg = this.drawn?.svg;
    if (!svg) return;
    const width = Number(svg.getAttribute('width'));
    const height = Number(svg.getAttribute('height'));
    const available = this.canvas.clientWidth;
    const shown = available > 0 ? Math.max(width * 0.8, Math.min(width * 1.4, available)) : width;
    svg.style.width = `${shown}px`;
    svg.style.height = `${(shown / width) * height}px`;
  }

  private toolbar(): HTMLElement {
    const bar = div('cv-toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', l10n.t('Step through the circuit'));
    const defs: Array<[StepAction, string, string]> = [
      ['back', l10n.t('Back'), l10n.t('The previous step (←)')],
      ['next', l10n.t('Step'), l10n.t('The next step: forward gate by gate, then backward (→)')],
      ['reset', l10n.t('Reset'), l10n.t('Back to the start: only the inputs known (Home)')],
      ['all', l10n.t('Show all'), l10n.t('Every value and gradient (End)')],
    ];
    for (const [action, label, title] of defs) {
      const b = document.createElement('vscode-button');
      b.textContent = label;
      b.title = title;
      b.dataset.step = action;
      if (action !== 'next') b.setAttribute('secondary', '');
      b.addEventListener('click', () => this.act(action));
      this.buttons.set(action, b);
      bar.append(b);
    }
    const legend = document.createElement('span');
    legend.className = 'cv-legend';
    legend.append(div('cv-key cv-key-val', l10n.t('value')), div('cv-key cv-key-grad', l10n.t('gradient')));
    bar.append(this.counter, legend);
    return bar;
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const action: StepAction | undefined = ({ ArrowRight: 'next', ArrowLeft: 'back', Home: 'reset', End: 'all' } as Record<string, StepAction>)[e.key];
    if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    this.act(action);
  };

  private act(action: StepAction): void {
    if (!this.graph) return;
    const last = stepState(this.graph, 0).last;
    const next = { back: this.pos - 1, next: this.pos + 1, reset: 0, all: last }[action];
    this.pos = clampPos(this.graph, next);
    this.render();
  }

  private reveal(i: number): void {
    const range = this.graph?.nodes[i]?.range;
    if (range) this.o.onReveal?.(range);
  }

  /** Shows the labels, highlight, caption, counter and buttons for the current position. */
  private render(): void {
    const graph = this.graph;
    const state = graph ? stepState(graph, this.pos) : null;
    this.root.dataset.pos = String(state?.pos ?? 0);
    this.root.dataset.last = String(state?.last ?? 0);
    this.root.dataset.phase = state?.phase ?? 'empty';
    this.counter.textContent = state ? counterText(state) : '';
    for (const [action, b] of this.buttons) {
      const off = !state || (action === 'back' || action === 'reset' ? state.pos === 0 : state.pos === state.last);
      b.toggleAttribute('disabled', off);
    }
    if (!graph || !state || !this.drawn) {
      this.caption.replaceChildren();
      this.caption.hidden = true;
      return;
    }
    this.caption.hidden = false;
    const caption = captionFor(graph, state, this.names);
    this.caption.replaceChildren(div('cv-caption-title', caption.title), ...caption.lines.map((l) => div('cv-caption-line', l)));
    this.paint(graph, state, this.drawn);
    if (state.current !== null) this.scrollTo(this.drawn, state.current);
  }

  /** A drawing wider than the view scrolls: keep the current gate in sight. */
  private scrollTo(drawn: CircuitSvg, i: number): void {
    const box = drawn.nodes[i].g.getBoundingClientRect();
    const view = this.canvas.getBoundingClientRect();
    if (box.width === 0 || (box.left >= view.left && box.right <= view.right)) return;
    this.canvas.scrollLeft += box.left - view.left - (view.width - box.width) / 2;
  }

  private paint(graph: CircuitGraph, state: StepState, drawn: CircuitSvg): void {
    const cur = state.current;
    wireTexts(graph, state, drawn.wires.map((w) => w.layout)).forEach((t, k) => {
      const w = drawn.wires[k];
      w.value.textContent = t.value;
      w.grad.textContent = t.grad;
      w.value.classList.toggle('cv-new', t.newValue);
      w.grad.classList.toggle('cv-new', t.newGrad);
      w.path.classList.toggle('cv-active', t.active);
    });
    drawn.nodes.forEach((n, i) => {
      n.g.classList.toggle('cv-current', i === cur);
      n.g.classList.toggle('cv-pending', !state.value[i]);
      n.title.textContent = tooltipFor(graph, state, this.names, i);
    });
    const out = graph.nodes[graph.nodes.length - 1];
    drawn.svg.setAttribute('aria-label', l10n.t('Circuit of {0} gates: {1} = {2}; {3}', state.gates,
      this.names[this.names.length - 1], cnum(out.value), counterText(state)));
  }
}
