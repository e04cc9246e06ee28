import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cnum, operand } from '../../webview/circuit/format';
import { clampPos, gateOrder, sameDrawing, sameShape, stepState } from '../../webview/circuit/steps';
import { wireGradient, wireTexts, type WireRef } from '../../webview/circuit/labels';
import { backwardEquations, forwardText, nodeNames, ruleWords } from '../../webview/circuit/rules';
import { captionFor, counterText, tooltipFor } from '../../webview/circuit/caption';
import { layoutCircuit } from '../../webview/circuit/layout';
import { CIRCUIT_OPS, type CircuitGraph } from '../../src/engine/circuit/types';
import { EVERY_GATE, NEURON, SEED, STAGED, expression, network } from './circuit-graphs';

const M = '\u2212';

test('numbers: four significant digits, no trailing zeros, a true minus, exponents when tiny or huge', () => {
  assert.equal(cnum(-0.19999999), `${M}0.2`);
  assert.equal(cnum(-12), `${M}12`);
  assert.equal(cnum(3), '3');
  assert.equal(cnum(0.19661193), '0.1966');
  assert.equal(cnum(0.7310585786), '0.7311');
  assert.equal(cnum(1234.5), '1235');
  assert.equal(cnum(0.0012346), '0.001235');
  assert.equal(cnum(1.2e-5), '1.2e-5');
  assert.equal(cnum(-123456), `${M}1.235e5`);
  assert.equal(cnum(0), '0');
  assert.equal(cnum(-0), '0');
  assert.equal(cnum(Infinity), '∞');
  assert.equal(cnum(-Infinity), `${M}∞`);
  assert.equal(cnum(NaN), 'NaN');
  assert.equal(operand(-4), `(${M}4)`);
  assert.equal(operand(4), '4');
});

/** Every wire of a graph's layout, as the view draws them. */
const wiresOf = (g: CircuitGraph): WireRef[] => layoutCircuit(g.nodes).wires;

/** The labels at a position, keyed "from>to" (to: "out" for the output's own wire). */
function labels(g: CircuitGraph, pos: number): Record<string, { value: string; grad: string }> {
  const wires = wiresOf(g);
  const texts = wireTexts(g, stepState(g, pos), wires);
  return Object.fromEntries(wires.map((w, k) => [`${g.nodes[w.from].id}>${w.to === null ? 'out' : g.nodes[w.to].id}`, { value: texts[k].value, grad: texts[k].grad }]));
}

test('the seed, step by step: leaves known at the start, + then × forward, then × and + backward', () => {
  const g = SEED();
  assert.deepEqual(gateOrder(g), [3, 4]);
  const start = labels(g, 0);
  assert.deepEqual(start['x>n1'], { value: `${M}2`, grad: '' });
  assert.deepEqual(start['n1>n2'], { value: '', grad: '' });
  assert.deepEqual(labels(g, 1)['n1>n2'], { value: '3', grad: '' });
  assert.deepEqual(labels(g, 2)['n2>out'], { value: `${M}12`, grad: '' }, 'the forward pass ends at −12');
  const back1 = labels(g, 3);
  assert.deepEqual(back1['n2>out'], { value: `${M}12`, grad: '1' }, 'backward starts from 1');
  assert.deepEqual(back1['n1>n2'], { value: '3', grad: `${M}4` });
  assert.deepEqual(back1['z>n2'], { value: `${M}4`, grad: '3' });
  assert.equal(back1['x>n1'].grad, '', 'the + gate is not visited yet');
  const end = labels(g, 4);
  assert.deepEqual([end['x>n1'].grad, end['y>n1'].grad, end['z>n2'].grad], [`${M}4`, `${M}4`, '3']);
  assert.deepEqual(labels(g, 99), end, 'positions past the end show the end');
});

test('step states: phase, counter, current gate, and a node\'s gradient complete once every wire it feeds has one', () => {
  const g = SEED();
  const s = [0, 1, 2, 3, 4].map((p) => stepState(g, p));
  assert.deepEqual(s.map((x) => [x.phase, x.step, x.current]), [['start', 0, null], ['forward', 1, 3], ['forward', 2, 4], ['backward', 1, 4], ['backward', 2, 3]]);
  assert.deepEqual(s.map((x) => counterText(x)), ['start', 'forward 1 of 2', 'forward 2 of 2', 'backward 1 of 2', 'backward 2 of 2']);
  assert.deepEqual(s[3].grad, [false, false, true, true, true]);
  assert.deepEqual(s[4].grad, [true, true, true, true, true]);
  assert.equal(s[0].last, 4);
  assert.equal(clampPos(g, -3), 0);
  assert.equal(clampPos(g, 7), 4);
  // A single leaf: nothing to step, everything shown.
  const leaf = expression('x', { x: 2 });
  const only = stepState(leaf, 0);
  assert.deepEqual([only.last, only.outputGrad, only.current, counterText(only)], [0, true, null, '']);
});

test('a changed input value keeps the step position; another expression does not', () => {
  const a = SEED();
  assert.ok(sameShape(a, expression('(x + y) * z', { x: -2, y: 5, z: -5 })));
  assert.ok(!sameShape(a, expression('(x + y) * z + 1', { x: -2, y: 5, z: -4 })));
  assert.ok(!sameShape(a, expression('(x - y) * z', { x: -2, y: 5, z: -4 })));
  assert.ok(!sameShape(a, null));
  // The drawing stays for new numbers, not for a new constant (its label) or other wires.
  assert.ok(sameDrawing(a, expression('(x + y) * z', { x: 1, y: 2, z: 3 })));
  assert.ok(!sameDrawing(expression('x * 2', { x: 1 }), expression('x * 3', { x: 1 })));
  assert.ok(!sameDrawing(expression('x * y', { x: 1, y: 2 }), expression('y * x', { x: 1, y: 2 })));
});

test('at every step of every circuit, the gradients on the wires leaving a node add up to its gradient', () => {
  for (const g of [SEED(), NEURON(), STAGED(), EVERY_GATE(), network(2)]) {
    const wires = wiresOf(g);
    g.nodes.forEach((n, i) => {
      const leaving = wires.filter((w) => w.from === i);
      if (leaving.length === 0) return;
      const sum = leaving.reduce((s, w) => s + wireGradient(g, w), 0);
      assert.ok(Math.abs(sum - n.grad) <= 1e-9 * Math.max(1, Math.abs(n.grad)), `${n.id}: wires ${sum}, node ${n.grad}`);
    });
    // At the end every wire has both labels; at the start no gate's output has any.
    const end = wireTexts(g, stepState(g, 1e9), wires);
    assert.ok(end.every((t) => t.value !== '' && t.grad !== ''));
    const start = wireTexts(g, stepState(g, 0), wires);
    wires.forEach((w, k) => assert.equal(start[k].value === '', gateOrder(g).includes(w.from)));
  }
});

test('captions: the forward formula in symbols and numbers, the backward rule with g, the gradients at the end', () => {
  const g = SEED();
  const names = nodeNames(g);
  assert.deepEqual(names, ['x', 'y', 'z', 'q1', 'f']);
  assert.equal(forwardText(g, 3, names), `q1 = x + y = ${M}2 + 5 = 3`);
  assert.equal(forwardText(g, 4, names), `f = q1 × z = 3 × (${M}4) = ${M}12`);
  const start = captionFor(g, stepState(g, 0), names);
  assert.equal(start.lines[0], `x = ${M}2, y = 5, z = ${M}4`);
  const done = captionFor(g, stepState(g, 2), names);
  assert.match(done.lines[0], /forward pass is done: f = −12/);
  const mul = captionFor(g, stepState(g, 3), names);
  assert.equal(mul.title, 'Backward at f: g = ∂f/∂f = 1');
  assert.deepEqual(mul.lines, [
    'Backward starts at the output with ∂f/∂f = 1.',
    ruleWords('mul'),
    `∂f/∂q1 = z × g = ${M}4 × 1 = ${M}4`,
    '∂f/∂z = q1 × g = 3 × 1 = 3',
  ]);
  const add = captionFor(g, stepState(g, 4), names);
  assert.equal(add.title, `Backward at q1: g = ∂f/∂q1 = ${M}4`);
  assert.ok(add.lines.includes(`∂f/∂x = 1 × g = 1 × (${M}4) = ${M}4`));
  assert.equal(add.lines[add.lines.length - 1], `The backward pass is done: ∂f/∂x = ${M}4, ∂f/∂y = ${M}4, ∂f/∂z = 3`);
  assert.match(tooltipFor(g, stepState(g, 4), names, 3), /\+ distributes the gradient/);
  assert.match(tooltipFor(g, stepState(g, 4), names, 0), /∂f\/∂x = −4/);
  assert.doesNotMatch(tooltipFor(g, stepState(g, 0), names, 0), /∂f/, 'no gradient in a tooltip before the backward pass reaches it');
});

test('local rules: max routes to the larger input, σ multiplies by σ(1 − σ), every op has its words', () => {
  const m = expression('max(x, y) * 2', { x: 3, y: -1 });
  const names = nodeNames(m);
  const max = m.nodes.findIndex((n) => n.op === 'max');
  assert.deepEqual(backwardEquations(m, max, names), ['∂f/∂x = 1 × 2 = 2', '∂f/∂y = 0 × 2 = 0']);
  assert.match(ruleWords('max'), /larger/);
  const s = expression('sigmoid(x)', { x: 0 });
  assert.deepEqual(backwardEquations(s, s.nodes.length - 1, nodeNames(s)), ['∂f/∂x = σ(1 − σ) × g = 0.25 × 1 = 0.25']);
  const words = CIRCUIT_OPS.filter((op) => !['input', 'const', 'weight'].includes(op)).map(ruleWords);
  assert.equal(new Set(words).size, words.length, 'every gate its own rule');
  // The network's weighted sum: one equation per input, local × g.
  const net = network(2);
  const wsum = net.nodes.findIndex((n) => n.op === 'wsum');
  const eqs = backwardEquations(net, wsum, nodeNames(net));
  assert.equal(eqs.length, net.nodes[wsum].inputs.length);
  assert.equal(nodeNames(net)[net.nodes.length - 1], 'L');
});
