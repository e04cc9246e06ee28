import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsOf, layoutCircuit, METRICS, wirePath, type CircuitLayout } from '../../webview/circuit/layout';
import { crossingsBetween, reduceCrossings, totalCrossings, type Elem } from '../../webview/circuit/order';
import { placeInOrder } from '../../webview/circuit/place';
import { isLeaf } from '../../webview/circuit/steps';
import type { CircuitGraph } from '../../src/engine/circuit/types';
import { EVERY_GATE, NEURON, SEED, STAGED, network } from './circuit-graphs';

const GRAPHS: Array<[string, () => CircuitGraph]> = [
  ['seed', SEED], ['neuron', NEURON], ['staged', STAGED], ['every gate', EVERY_GATE], ['2-2-2 network', () => network(2)], ['2-3-2 network', () => network(3)],
];

test('the seed: x, y, z in the first column, + in the second, × last, x and y level with the + gate\'s leads', () => {
  const g = SEED();
  const l = layoutCircuit(g.nodes);
  assert.deepEqual(g.nodes.map((n) => n.id), ['x', 'y', 'z', 'n1', 'n2']);
  assert.deepEqual(l.nodes.map((b) => b.col), [0, 0, 0, 1, 2]);
  assert.deepEqual(l.nodes.map((b) => b.shape), ['leaf', 'leaf', 'leaf', 'circle', 'circle']);
  const ys = l.nodes.slice(0, 3).map((b) => b.y);
  assert.ok(ys[0] < ys[1] && ys[1] < ys[2], `x above y above z: ${ys}`);
  // x and y feed the + gate's two leads: their wires run level into them.
  assert.ok(Math.abs(l.nodes[0].y - l.nodes[3].leads[0]) < 1 && Math.abs(l.nodes[1].y - l.nodes[3].leads[1]) < 1);
  // One wire per argument, and the output's own wire to the right.
  assert.deepEqual(l.wires.map((w) => [w.from, w.to, w.arg]), [[0, 3, 0], [1, 3, 1], [3, 4, 0], [2, 4, 1], [4, null, 0]]);
  assert.ok(l.wires[4].points[1].x > l.nodes[4].x, 'the output wire leaves to the right');
});

test('columns: inputs first, a gate one past its deepest gate input, constants and weights just before their gate', () => {
  const g = NEURON();
  const col = columnsOf(g.nodes);
  g.nodes.forEach((n, i) => {
    const consumers = g.nodes.flatMap((m, j) => (m.inputs.includes(n.id) ? [col[j]] : []));
    if (n.op === 'input') assert.equal(col[i], 0, n.id);
    else if (isLeaf(n)) assert.equal(col[i], Math.min(...consumers) - 1, `${n.op} ${n.label}`);
    else {
      const deepest = Math.max(0, ...n.inputs.map((id) => g.nodes.findIndex((m) => m.id === id)).filter((k) => !isLeaf(g.nodes[k])).map((k) => col[k]));
      assert.equal(col[i], deepest + 1, n.label);
    }
  });
  assert.equal(col[col.length - 1], Math.max(...col), 'the output is in the last column');
});

/** Every wire's labels (value above, gradient below its lead) against every other's: no two overlap. */
function labelClashes(l: CircuitLayout): string[] {
  const clashes: string[] = [];
  const width = 52; // "−0.1966" at 12 px
  for (let a = 0; a < l.wires.length; a++) {
    for (let b = a + 1; b < l.wires.length; b++) {
      const p = l.wires[a].label;
      const q = l.wires[b].label;
      if (Math.abs(p.x - q.x) < width && Math.abs(p.y - q.y) < 2 * 14 + 2) clashes.push(`${a}/${b} at (${p.x}, ${p.y}) and (${q.x}, ${q.y})`);
    }
  }
  return clashes;
}

/** Nodes of a column that overlap each other, or wire labels inside a node. */
function overlaps(l: CircuitLayout): string[] {
  const found: string[] = [];
  for (const a of l.nodes) {
    for (const b of l.nodes) {
      if (a.index < b.index && Math.abs(a.x - b.x) < (a.w + b.w) / 2 && Math.abs(a.y - b.y) < (a.h + b.h) / 2) found.push(`nodes ${a.index} and ${b.index}`);
    }
    for (const w of l.wires) {
      if (Math.abs(w.label.x - a.x) < a.w / 2 + 26 && Math.abs(w.label.y - a.y) < a.h / 2 + 4) found.push(`wire ${w.from}→${w.to} label on node ${a.index}`);
    }
  }
  return found;
}

for (const [name, make] of GRAPHS) {
  test(`${name}: nodes and labels do not overlap, everything inside the drawing, wires end level in their port's lead`, () => {
    const g = make();
    const l = layoutCircuit(g.nodes);
    assert.deepEqual(overlaps(l), []);
    assert.deepEqual(labelClashes(l), []);
    for (const b of l.nodes) {
      assert.ok(b.x - b.w / 2 >= 0 && b.x + b.w / 2 <= l.width && b.y - b.h / 2 >= 0 && b.y + b.h / 2 <= l.height, `node ${b.index} inside`);
      assert.equal(b.ports.length, g.nodes[b.index].inputs.length);
    }
    for (const w of l.wires) {
      for (const p of w.points) assert.ok(p.x >= 0 && p.x <= l.width && p.y >= 0 && p.y <= l.height, 'wire inside');
      assert.ok(w.label.y - 17 >= 0 && w.label.y + 17 <= l.height, 'labels inside');
      const xs = w.points.map((p) => p.x);
      assert.ok(xs.every((x, i) => i === 0 || x >= xs[i - 1]), `wire ${w.from}→${w.to} runs left to right`);
      if (w.to !== null) {
        const box = l.nodes[w.to];
        const leadStart = w.points.find((p) => p.x === w.label.x - METRICS.lead / 2);
        assert.ok(leadStart && leadStart.y === box.leads[w.arg], 'the lead starts level at its label');
        assert.deepEqual(w.points[w.points.length - 1], box.ports[w.arg], 'the wire ends at its port');
      }
    }
    assert.deepEqual(layoutCircuit(g.nodes), l, 'the same graph, the same layout');
  });
}

test('the 2-2-2 network reads in five columns: features and first weights, Σ, tanh and second weights, Σ, the loss', () => {
  const g = network(2);
  const l = layoutCircuit(g.nodes);
  assert.equal(l.columns, 5);
  const byOp = (op: string): number[] => [...new Set(g.nodes.flatMap((n, i) => (n.op === op ? [l.nodes[i].col] : [])))].sort();
  assert.deepEqual(byOp('input'), [0]);
  assert.deepEqual(byOp('wsum'), [1, 3]);
  assert.deepEqual(byOp('tanh'), [2]);
  assert.deepEqual(byOp('weight'), [0, 2]);
  assert.deepEqual(byOp('softmax_loss'), [4]);
  assert.ok(l.width < 900 && l.height < 700, `fits a panel beside the editor: ${l.width}×${l.height}`);
});

test('placement: the nearest positions in order at least their gaps apart (pool adjacent violators)', () => {
  assert.deepEqual(placeInOrder([0, 0, 0], [0, 10, 10]), [-10, 0, 10]);
  assert.deepEqual(placeInOrder([0, 100], [0, 10]), [0, 100]);
  assert.deepEqual(placeInOrder([5, 0], [0, 10]), [-2.5, 7.5]);
  const y = placeInOrder([3, 1, 40, 38, 90], [0, 20, 20, 20, 20]);
  for (let i = 1; i < y.length; i++) assert.ok(y[i] - y[i - 1] >= 20 - 1e-9, `gap ${i}: ${y}`);
  assert.deepEqual(placeInOrder([], []), []);
});

test('crossing reduction: a crossed pair of wires is uncrossed; ports order the wires into a gate', () => {
  const mk = (col: number): Elem => ({ col, next: [], prev: [] });
  const [a, b, c, d] = [mk(0), mk(0), mk(1), mk(1)];
  const link = (s: Elem, t: Elem): void => {
    s.next.push({ to: t, frac: 0 });
    t.prev.push(s);
  };
  link(a, d);
  link(b, c);
  const columns = [[a, b], [c, d]];
  assert.equal(totalCrossings(columns), 1);
  assert.equal(reduceCrossings(columns), 0);
  assert.equal(crossingsBetween(columns[0], columns[1]), 0);
  // Ports: two wires into one gate cross when the upper source feeds the lower port.
  const [s, t, gate] = [mk(0), mk(0), mk(1)];
  s.next.push({ to: gate, frac: 0.25 });
  t.next.push({ to: gate, frac: -0.25 });
  assert.equal(crossingsBetween([s, t], [gate]), 1);
  assert.equal(crossingsBetween([t, s], [gate]), 0);
});

test('wire paths: straight where level, an S-curve with horizontal ends otherwise', () => {
  assert.equal(wirePath([{ x: 0, y: 10 }, { x: 50, y: 10 }]), 'M0,10 L50,10');
  assert.equal(wirePath([{ x: 0, y: 0 }, { x: 40, y: 20 }, { x: 100, y: 20 }]), 'M0,0 C20,0 20,20 40,20 L100,20');
  assert.equal(wirePath([]), '');
});
