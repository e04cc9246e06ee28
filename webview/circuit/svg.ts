/** Builds the circuit's SVG from its layout: wires with their value and gradient labels, then the nodes. */
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { wirePath, type CircuitLayout, type WireLayout } from './layout';

const NS = 'http://www.w3.org/2000/svg';

export interface DrawnWire {
  layout: WireLayout;
  path: SVGPathElement;
  value: SVGTextElement;
  grad: SVGTextElement;
}

export interface DrawnNode {
  g: SVGGElement;
  title: SVGTitleElement;
}

export interface CircuitSvg {
  svg: SVGSVGElement;
  wires: DrawnWire[];
  nodes: DrawnNode[];
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, className?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (className) e.setAttribute('class', className);
  return e;
}

function arrowMarker(): SVGDefsElement {
  const defs = svgEl('defs', {});
  const marker = svgEl('marker', { id: 'cv-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svgEl('path', { d: 'M0,0 L10,5 L0,10 z' }, 'cv-arrow'));
  defs.append(marker);
  return defs;
}

function drawWire(graph: CircuitGraph, w: WireLayout): DrawnWire {
  const to = w.to === null ? 'output' : graph.nodes[w.to].id;
  const data = { 'data-from': graph.nodes[w.from].id, 'data-to': to, 'data-arg': w.arg };
  const path = svgEl('path', { d: wirePath(w.points), ...data }, 'cv-wire');
  if (w.to === null) path.setAttribute('marker-end', 'url(#cv-arrow)');
  const value = svgEl('text', { x: w.label.x, y: w.label.y - 5, ...data }, 'cv-val');
  const grad = svgEl('text', { x: w.label.x, y: w.label.y + 14, ...data }, 'cv-grad');
  return { layout: w, path, value, grad };
}

function drawNode(graph: CircuitGraph, layout: CircuitLayout, i: number, name: string): DrawnNode {
  const node = graph.nodes[i];
  const box = layout.nodes[i];
  const kind = box.shape === 'leaf' ? `cv-leaf cv-${node.op}` : 'cv-gate';
  const g = svgEl('g', { transform: `translate(${box.x},${box.y})`, 'data-id': node.id, 'data-op': node.op }, `cv-node ${kind}${node.range ? ' cv-link' : ''}`);
  const title = svgEl('title', {});
  const shape = box.shape === 'circle'
    ? svgEl('circle', { r: box.w / 2 }, 'cv-shape')
    : svgEl('rect', { x: -box.w / 2, y: -box.h / 2, width: box.w, height: box.h, rx: box.shape === 'leaf' ? box.h / 2 : 8 }, 'cv-shape');
  const label = svgEl('text', { x: 0, y: 0 }, 'cv-label');
  label.textContent = node.label;
  g.append(title, shape, label);
  if (box.shape !== 'leaf' && i < graph.nodes.length - 1) {
    const under = svgEl('text', { x: 0, y: box.h / 2 + 12 }, 'cv-name');
    under.textContent = name;
    g.append(under);
  }
  return { g, title };
}

/** The SVG for a graph and its layout; `names` are the captions' names (q1, q2, … f) written under the gates. */
export function drawCircuit(graph: CircuitGraph, layout: CircuitLayout, names: string[]): CircuitSvg {
  const svg = svgEl('svg', { width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img' }, 'cv-svg');
  const wires = layout.wires.map((w) => drawWire(graph, w));
  const nodes = graph.nodes.map((_, i) => drawNode(graph, layout, i, names[i]));
  const wireLayer = svgEl('g', {}, 'cv-wires');
  wireLayer.append(...wires.map((w) => w.path));
  const labelLayer = svgEl('g', {}, 'cv-labels');
  labelLayer.append(...wires.flatMap((w) => [w.value, w.grad]));
  const nodeLayer = svgEl('g', {}, 'cv-nodes');
  nodeLayer.append(...nodes.map((n) => n.g));
  svg.append(arrowMarker(), wireLayer, nodeLayer, labelLayer);
  const out = layout.wires.find((w) => w.to === null);
  if (out) {
    const end = out.points[out.points.length - 1];
    const name = svgEl('text', { x: end.x + 5, y: end.y }, 'cv-out-name');
    name.textContent = names[names.length - 1];
    svg.append(name);
  }
  return { svg, wires, nodes };
}
