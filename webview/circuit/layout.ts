/**
 * Lays a circuit out left to right, as cs231n draws it: named inputs in the first column, each gate
 * in the column of its longest path from the leaves, constants and weights just before the gate
 * they feed, the output last; long wires pass through the columns between (Sugiyama's dummy
 * points); the order within columns reduces crossings; every wire ends in a horizontal lead into
 * its port, where the view writes the value above and the gradient below. Pure: sizes are
 * estimated from the labels' lengths, not measured.
 */
import type { CircuitNode } from '../../src/engine/circuit/types';
import { reduceCrossings, type Elem } from './order';
import { placeInOrder } from './place';
import { isLeaf } from './steps';

/** Distances in px (the view draws 12 px text; labels of a lead stand within ±LABEL of its port). */
export const METRICS = { portGap: 34, lead: 60, curve: 32, outLead: 70, margin: 14, vGap: 10, label: 17, charW: 7 };

export interface Point { x: number; y: number }

export interface NodeBox {
  /** Index in graph.nodes. */
  index: number;
  col: number;
  /** Centre. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Gates with ≤ 2 inputs and a short label are circles; other gates rounded boxes; leaves labels in a pill. */
  shape: 'circle' | 'rect' | 'leaf';
  /** Where each input wire ends on the gate, in argument order. */
  ports: Point[];
  /** The y of each input's lead (the horizontal run before the port, holding the labels), in argument order. */
  leads: number[];
  /** Where output wires start. */
  out: Point;
}

export interface WireLayout {
  /** Source node index. */
  from: number;
  /** Target node index; null for the output's own lead to the right. */
  to: number | null;
  /** Argument position at the target. */
  arg: number;
  /** From the source's out point to the target's port; the last segment is the horizontal lead. */
  points: Point[];
  /** The middle of the lead: values are written above it, gradients below. */
  label: Point;
}

export interface CircuitLayout {
  width: number;
  height: number;
  columns: number;
  nodes: NodeBox[];
  wires: WireLayout[];
}

type LayoutInput = Pick<CircuitNode, 'id' | 'op' | 'inputs' | 'label'>;

interface Item extends Elem {
  node: number | null;
  w: number;
  up: number;
  down: number;
  y: number;
  /** Port offsets from the centre, per argument (nodes). */
  offsets: number[];
  /** The port offset each link from the previous column ends at (parallel to prev). */
  prevOffset: number[];
  /** The port offset at the target of each link into the next column (parallel to next). */
  nextOffset: number[];
}

export const textWidth = (s: string): number => Math.max(1, [...s].length) * METRICS.charW;

/** Each node's column: inputs 0, gates 1 + their deepest gate input, constants and weights one before their first consumer. */
export function columnsOf(nodes: readonly LayoutInput[]): number[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const col = new Array<number>(nodes.length).fill(0);
  nodes.forEach((n, i) => {
    if (isLeaf(n)) return;
    let deepest = 0;
    for (const id of n.inputs) {
      const k = index.get(id);
      if (k !== undefined && !isLeaf(nodes[k])) deepest = Math.max(deepest, col[k]);
    }
    col[i] = deepest + 1;
  });
  nodes.forEach((n, i) => {
    if (n.op === 'input' || !isLeaf(n)) return;
    const consumers = nodes.flatMap((m, j) => (m.inputs.includes(n.id) ? [col[j]] : []));
    col[i] = consumers.length ? Math.max(0, Math.min(...consumers) - 1) : 0;
  });
  return col;
}

/** A node's element: size, port offsets and how far its labels reach above and below its centre. */
function nodeItem(n: LayoutInput, index: number, col: number): Item {
  const { portGap, label } = METRICS;
  const base = { col, node: index, next: [], prev: [], prevOffset: [], nextOffset: [], y: 0 };
  if (isLeaf(n)) return { ...base, w: Math.max(30, textWidth(n.label) + 16), up: 12, down: 12, offsets: [] };
  const k = n.inputs.length;
  const circle = k <= 2 && textWidth(n.label) <= 28;
  const w = circle ? 40 : Math.max(40, textWidth(n.label) + 20);
  const h = circle ? 40 : Math.max(40, k * portGap);
  const offsets = n.inputs.map((_, i) => (i - (k - 1) / 2) * portGap);
  const top = Math.min(-h / 2, ...offsets.map((o) => o - label));
  const bottom = Math.max(h / 2 + 14, ...offsets.map((o) => o + label), label);
  return { ...base, w, up: -top, down: bottom, offsets };
}

function dummyItem(col: number): Item {
  return { col, node: null, w: 0, up: 9, down: 9, y: 0, offsets: [], next: [], prev: [], prevOffset: [], nextOffset: [] };
}

/** Forward order of first visit from the output (inputs in argument order): the initial order within columns. */
function visitOrder(nodes: readonly LayoutInput[]): number[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const key = new Array<number>(nodes.length).fill(-1);
  let next = 0;
  const visit = (i: number): void => {
    if (key[i] >= 0) return;
    key[i] = -2; // on the way (the graph is acyclic; this only guards bad input)
    for (const id of nodes[i].inputs) {
      const k = index.get(id);
      if (k !== undefined && key[k] === -1) visit(k);
    }
    key[i] = next++;
  };
  if (nodes.length) visit(nodes.length - 1);
  nodes.forEach((_, i) => {
    if (key[i] < 0) key[i] = next++;
  });
  return key;
}

interface Chain { from: number; to: number; arg: number; items: Item[] }

/** The elements in columns: one per node, and one per column a long wire crosses. */
function buildColumns(nodes: readonly LayoutInput[]): { columns: Item[][]; items: Item[]; chains: Chain[] } {
  const col = columnsOf(nodes);
  const key = visitOrder(nodes);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const items = nodes.map((n, i) => nodeItem(n, i, col[i]));
  const keyed: Array<{ item: Item; key: number }> = items.map((item, i) => ({ item, key: key[i] }));
  const chains: Chain[] = [];
  nodes.forEach((n, t) => {
    n.inputs.forEach((id, arg) => {
      const s = index.get(id);
      if (s === undefined) return;
      const path: Item[] = [items[s]];
      for (let c = col[s] + 1; c < col[t]; c++) {
        const d = dummyItem(c);
        keyed.push({ item: d, key: key[s] + (c - col[s]) / (col[t] - col[s]) * (key[t] - key[s]) });
        path.push(d);
      }
      path.push(items[t]);
      const k = n.inputs.length;
      for (let p = 0; p + 1 < path.length; p++) {
        const last = p + 2 === path.length;
        const offset = last ? items[t].offsets[arg] : 0;
        path[p].next.push({ to: path[p + 1], frac: last ? (arg + 1) / (k + 1) - 0.5 : 0 });
        path[p].nextOffset.push(offset);
        path[p + 1].prev.push(path[p]);
        path[p + 1].prevOffset.push(offset);
      }
      chains.push({ from: s, to: t, arg, items: path.slice(1, -1) });
    });
  });
  const count = Math.max(0, ...col) + 1;
  const columns: Item[][] = Array.from({ length: count }, () => []);
  for (const { item } of keyed.sort((a, b) => a.key - b.key)) columns[item.col].push(item);
  return { columns, items, chains };
}

const avg = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Places a column at the positions its elements want, in order, at least their extents plus vGap apart. */
function placeColumn(column: Item[], want: (e: Item) => number | null): void {
  const wanted = column.map((e) => want(e) ?? e.y);
  const gaps = column.map((e, i) => (i === 0 ? 0 : column[i - 1].down + e.up + METRICS.vGap));
  placeInOrder(wanted, gaps).forEach((y, i) => {
    column[i].y = y;
  });
}

/**
 * y of every element: stacked, then sweeps that pull each gate level with its inputs (left to
 * right) and each leaf and wire point level with the port it feeds (right to left), so most wires
 * run straight; the last sweep is right to left.
 */
function placeVertically(columns: Item[][]): void {
  for (const column of columns) placeColumn(column, () => 0);
  const fromInputs = (e: Item): number | null => avg(e.prev.map((p, i) => (p as Item).y - e.prevOffset[i]));
  const fromConsumers = (e: Item): number | null => avg(e.next.map((l, i) => (l.to as Item).y + e.nextOffset[i]));
  for (let round = 0; round < 4; round++) {
    for (let c = 1; c < columns.length; c++) placeColumn(columns[c], fromInputs);
    for (let c = columns.length - 2; c >= 0; c--) placeColumn(columns[c], fromConsumers);
  }
}

/** x of each column's left edge, and its width (its widest node). */
function columnEdges(columns: Item[][]): Array<{ left: number; width: number }> {
  const edges: Array<{ left: number; width: number }> = [];
  let left = METRICS.margin;
  for (const column of columns) {
    const width = Math.max(24, ...column.map((e) => e.w));
    edges.push({ left, width });
    left += width + METRICS.lead + METRICS.curve;
  }
  return edges;
}

function nodeBox(n: LayoutInput, e: Item, edge: { left: number; width: number }): NodeBox {
  const leaf = isLeaf(n);
  const x = leaf ? edge.left + edge.width - e.w / 2 : edge.left + edge.width / 2;
  const shape = leaf ? 'leaf' : e.w === 40 && n.inputs.length <= 2 && textWidth(n.label) <= 28 ? 'circle' : 'rect';
  const h = leaf ? 24 : shape === 'circle' ? 40 : Math.max(40, n.inputs.length * METRICS.portGap);
  // Wires into a circle converge on it (±10 px) from leads a port gap apart.
  const ports = e.offsets.map((o) => (shape === 'circle'
    ? { x: x - Math.sqrt(400 - Math.min(10, Math.abs(o)) ** 2), y: e.y + Math.sign(o) * Math.min(10, Math.abs(o)) }
    : { x: x - e.w / 2, y: e.y + o }));
  return { index: e.node as number, col: e.col, x, y: e.y, w: e.w, h, shape, ports, leads: e.offsets.map((o) => e.y + o), out: { x: x + e.w / 2, y: e.y } };
}

/** Lays out a circuit (nodes in forward order, the output last). */
export function layoutCircuit(nodes: readonly LayoutInput[]): CircuitLayout {
  const { columns, items, chains } = buildColumns(nodes);
  reduceCrossings(columns);
  placeVertically(columns);
  const top = Math.min(0, ...items.map((e) => e.y - e.up), ...chains.flatMap((c) => c.items.map((d) => d.y - d.up)));
  const shift = METRICS.margin - top;
  for (const column of columns) for (const e of column) e.y += shift;
  const edges = columnEdges(columns);
  const boxes = nodes.map((n, i) => nodeBox(n, items[i], edges[items[i].col]));
  const wires: WireLayout[] = chains.map((c) => {
    const box = boxes[c.to];
    const port = box.ports[c.arg];
    const y = box.leads[c.arg];
    // A long wire reaches its level before the column's leads begin, so it never crosses their labels.
    const through = c.items.flatMap((d) => [{ x: edges[d.col].left - METRICS.lead - 8, y: d.y }, { x: edges[d.col].left + edges[d.col].width, y: d.y }]);
    const end = box.shape === 'circle' ? box.x - box.w / 2 - 8 : port.x;
    const lead = [{ x: end - METRICS.lead, y }, ...(end === port.x ? [] : [{ x: end, y }]), port];
    return { from: c.from, to: c.to, arg: c.arg, points: [boxes[c.from].out, ...through, ...lead], label: { x: end - METRICS.lead / 2, y } };
  });
  const last = boxes[boxes.length - 1];
  if (last) {
    const end = { x: last.out.x + METRICS.outLead, y: last.out.y };
    wires.push({ from: last.index, to: null, arg: 0, points: [last.out, end], label: { x: last.out.x + METRICS.outLead / 2, y: last.out.y } });
  }
  const bottom = Math.max(0, ...columns.flat().map((e) => e.y + e.down));
  const right = Math.max(0, ...boxes.map((b) => b.x + b.w / 2)) + METRICS.outLead + 12;
  return { width: Math.ceil(right + METRICS.margin), height: Math.ceil(bottom + METRICS.margin), columns: columns.length, nodes: boxes, wires };
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** An SVG path through a wire's points: straight where level, else an S-curve leaving and arriving horizontally. */
export function wirePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  let d = `M${r1(points[0].x)},${r1(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (Math.abs(a.y - b.y) < 0.5) {
      d += ` L${r1(b.x)},${r1(b.y)}`;
    } else {
      const mx = r1((a.x + b.x) / 2);
      d += ` C${mx},${r1(a.y)} ${mx},${r1(b.y)} ${r1(b.x)},${r1(b.y)}`;
    }
  }
  return d;
}
