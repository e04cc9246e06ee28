import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, type ExprNode } from '../../src/engine/circuit/expr';
import { circuitGraph, compileCircuit } from '../../src/engine/circuit/graph';

function ast(text: string): ExprNode {
  const r = parseExpression(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.ast;
}

/** Relative error as gradient checks use it, with a floor so values near 0 compare absolutely. */
function relError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-6, Math.abs(a) + Math.abs(b));
}

/** The gradient of `text` at the point by centered differences, step h, in float64. */
function numericGrad(text: string, names: string[], point: number[], h = 1e-5): number[] {
  const c = compileCircuit(ast(text), names);
  return point.map((_, i) => {
    const plus = point.slice();
    const minus = point.slice();
    plus[i] += h;
    minus[i] -= h;
    return (c.value(plus) - c.value(minus)) / (2 * h);
  });
}

function checkGrad(text: string, names: string[], point: number[], tolerance = 1e-7): void {
  const c = compileCircuit(ast(text), names);
  const grad = new Float64Array(names.length);
  c.valueAndGrad(point, grad);
  const numeric = numericGrad(text, names, point);
  names.forEach((n, i) => {
    assert.ok(Number.isFinite(grad[i]), `${text} at ${point}: ∂/∂${n} = ${grad[i]}`);
    assert.ok(relError(grad[i], numeric[i]) < tolerance, `${text} at ${point}: ∂/∂${n} analytic ${grad[i]}, numeric ${numeric[i]}`);
  });
}

test("the seed's circuit (x + y)·z at −2, 5, −4: f = −12, ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3 exactly", () => {
  const g = circuitGraph(ast('(x + y) * z'), { x: -2, y: 5, z: -4 });
  assert.equal(g.type, 'circuit');
  assert.equal(g.source, 'expression');
  assert.equal(g.value, -12);
  assert.deepEqual(g.grads, { x: -4, y: -4, z: 3 });
  assert.deepEqual(g.nodes.map((n) => [n.id, n.op, n.inputs, n.value, n.grad, n.local, n.label]), [
    ['x', 'input', [], -2, -4, [], 'x'],
    ['y', 'input', [], 5, -4, [], 'y'],
    ['z', 'input', [], -4, 3, [], 'z'],
    ['n1', 'add', ['x', 'y'], 3, -4, [1, 1], '+'],
    ['n2', 'mul', ['n1', 'z'], -12, 1, [-4, 3], '×'],
  ]);
  // Ranges are offsets into the expression when no mapper is given.
  assert.deepEqual(g.nodes.map((n) => n.range), [[1, 2], [5, 6], [10, 11], [0, 7], [0, 11]]);
});

test("cs231n's 2-D sigmoid neuron: f ≈ 0.73, ∂f/∂w ≈ [−0.20, −0.39, 0.20], ∂f/∂x ≈ [0.39, −0.59]", () => {
  const g = circuitGraph(ast('1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))'), { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 });
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  assert.equal(r2(g.value), 0.73);
  assert.deepEqual([g.grads.w0, g.grads.w1, g.grads.w2].map(r2), [-0.2, -0.39, 0.2]);
  assert.deepEqual([g.grads.x0, g.grads.x1].map(r2), [0.39, -0.59]);
  // The output is the last node, and its gradient is 1.
  assert.equal(g.nodes.at(-1)!.grad, 1);
  assert.equal(g.nodes.at(-1)!.op, 'div');
});

test('the staged example (x + σ(y)) / (σ(x) + (x + y)²) matches centered differences, x used three times', () => {
  const text = '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)';
  checkGrad(text, ['x', 'y'], [3, -4]);
  const g = circuitGraph(ast(text), { x: 3, y: -4 });
  const sig = (a: number): number => 1 / (1 + Math.exp(-a));
  assert.ok(relError(g.value, (3 + sig(-4)) / (sig(3) + 1)) < 1e-15);
  // One input node per name: x is a single node with three wires leaving it.
  assert.equal(g.nodes.filter((n) => n.op === 'input').length, 2);
  assert.equal(g.nodes.flatMap((n) => n.inputs).filter((i) => i === 'x').length, 3);
});

const POINTS = [-2.3, -0.7, 0.4, 1.9, 3.1];

test('every one-input gate: its gradient matches centered differences at several points', () => {
  for (const a of POINTS) {
    for (const f of ['-x', 'exp(x)', 'abs(x)', 'sigmoid(x)', 'tanh(x)', 'relu(x)', 'x^3', 'x^2', 'x^-1', 'x^4', '2^x']) {
      checkGrad(f, ['x'], [a]);
    }
    // log and sqrt where they are defined
    checkGrad('log(x)', ['x'], [Math.abs(a)]);
    checkGrad('sqrt(x)', ['x'], [Math.abs(a)]);
  }
});

test('every two-input gate: both arguments match centered differences at several points', () => {
  for (const a of POINTS) {
    for (const b of POINTS) {
      for (const f of ['x + y', 'x - y', 'x * y', 'x / y', 'max(x, y)', 'min(x, y)']) {
        if (a === b && (f.startsWith('max') || f.startsWith('min'))) continue; // a kink: no derivative
        checkGrad(f, ['x', 'y'], [a, b]);
      }
      // pow with both sides inputs: defined for a positive base
      checkGrad('x ^ y', ['x', 'y'], [Math.abs(a), b]);
    }
  }
});

test('shared inputs: gradients add where a wire branches (x*x, x + x*y, sigmoid(x)*x)', () => {
  for (const a of POINTS) {
    checkGrad('x * x', ['x'], [a]);
    checkGrad('x + x * y', ['x', 'y'], [a, 1.3]);
    checkGrad('sigmoid(x) * x - tanh(x * x)', ['x'], [a]);
    const g = circuitGraph(ast('x * x'), { x: a });
    assert.ok(relError(g.grads.x, 2 * a) < 1e-15);
    assert.deepEqual(g.nodes.at(-1)!.inputs, ['x', 'x']);
  }
});

test('pow with a written exponent at a negative base: the exponent local is 0, never NaN', () => {
  for (const a of [-2.5, -1, -0.3]) {
    for (const f of ['x^2', 'x^3', 'x^-2', 'x^(1 + 1)']) checkGrad(f, ['x'], [a]);
    const g = circuitGraph(ast('x^3'), { x: a });
    const pow = g.nodes.at(-1)!;
    assert.equal(pow.op, 'pow');
    assert.equal(pow.local[1], 0);
    assert.ok(relError(pow.local[0], 3 * a * a) < 1e-15);
    assert.ok(Object.values(g.grads).every(Number.isFinite));
  }
});

test('local gradients as the lesson states them: mul swaps, max routes to the larger (ties: the first), relu gates', () => {
  const local = (text: string, inputs: Record<string, number>): number[] => circuitGraph(ast(text), inputs).nodes.at(-1)!.local;
  assert.deepEqual(local('x * y', { x: 3, y: -2 }), [-2, 3]);
  assert.deepEqual(local('max(x, y)', { x: 1, y: 4 }), [0, 1]);
  assert.deepEqual(local('max(x, y)', { x: 2, y: 2 }), [1, 0]);
  assert.deepEqual(local('min(x, y)', { x: 2, y: 2 }), [1, 0]);
  assert.deepEqual(local('min(x, y)', { x: 5, y: 2 }), [0, 1]);
  assert.deepEqual(local('relu(x)', { x: -1 }), [0]);
  assert.deepEqual(local('relu(x)', { x: 0.5 }), [1]);
  assert.deepEqual(local('abs(x)', { x: 0 }), [0]);
  assert.deepEqual(local('x - y', { x: 0, y: 0 }), [1, -1]);
  assert.deepEqual(local('x / y', { x: 3, y: 2 }), [0.5, -0.75]);
  const s = circuitGraph(ast('sigmoid(x)'), { x: 0 }).nodes.at(-1)!;
  assert.deepEqual([s.value, s.local[0], s.label], [0.5, 0.25, 'σ']);
});

test('labels: operators, functions, constants in their shortest form, inputs by name; ids n1, n2, … in forward order', () => {
  const g = circuitGraph(ast('-(a ^ 1e-3) / 2.50 - max(a, .5)'), { a: 2 });
  assert.deepEqual(g.nodes.map((n) => [n.id, n.label]), [
    ['a', 'a'], ['n1', '0.001'], ['n2', '^'], ['n3', '−x'], ['n4', '2.5'], ['n5', '÷'], ['n6', '0.5'], ['n7', 'max'], ['n8', '−'],
  ]);
  for (const n of g.nodes) for (const i of n.inputs) assert.ok(g.nodes.findIndex((m) => m.id === i) < g.nodes.indexOf(n), 'inputs come first');
});

test('compiled once, evaluated at many points: valueAndGrad agrees with graph(), an unused input has gradient 0', () => {
  const c = compileCircuit(ast('(1 - x)^2 + 100 * (y - x^2)^2'), ['x', 'y', 'unused']);
  const grad = new Float64Array(3);
  for (const [x, y] of [[-1.5, 2], [0, 0], [1, 1], [0.3, -0.8]]) {
    const v = c.valueAndGrad([x, y, 7], grad);
    const g = c.graph([x, y, 7]);
    assert.equal(v, g.value);
    assert.deepEqual([...grad], [g.grads.x, g.grads.y, g.grads.unused]);
    assert.equal(grad[2], 0);
    // Rosenbrock's gradient, by hand.
    assert.ok(relError(grad[0], -2 * (1 - x) - 400 * x * (y - x * x)) < 1e-13);
    assert.ok(relError(grad[1], 200 * (y - x * x)) < 1e-13);
  }
});

test('a range mapper places every node in the file; the expression is kept', () => {
  const g = circuitGraph(ast('x*2'), { x: 1 }, { range: (s, e) => [s + 10, e + 10], expression: 'x*2' });
  assert.deepEqual(g.nodes.map((n) => n.range), [[10, 11], [12, 13], [10, 13]]);
  assert.equal(g.expression, 'x*2');
});

test('a gradient that is exactly 0 from above passes nothing on: no 0·∞ = NaN through max or relu', () => {
  const g = circuitGraph(ast('max(x, sqrt(y))'), { x: 3, y: 0 });
  assert.equal(g.grads.y, 0);
  assert.equal(g.grads.x, 1);
  const h = circuitGraph(ast('relu(-1 * sqrt(y))'), { y: 0 });
  assert.equal(h.grads.y, 0);
});

test('an input named __proto__ is an ordinary own key of grads', () => {
  const g = circuitGraph(ast('__proto__ * 2'), JSON.parse('{"__proto__": 3}') as Record<string, number>);
  assert.equal(g.value, 6);
  assert.deepEqual(Object.keys(g.grads), ['__proto__']);
  assert.equal(JSON.stringify(g.grads), '{"__proto__":2}');
});

test('a single input or a single number is a circuit of one node, the output', () => {
  const g = circuitGraph(ast('x'), { x: 4 });
  assert.deepEqual([g.value, g.grads, g.nodes.length, g.nodes[0].grad], [4, { x: 1 }, 1, 1]);
  const k = circuitGraph(ast('3'), {});
  assert.deepEqual([k.value, k.grads, k.nodes[0].op, k.nodes[0].id], [3, {}, 'const', 'n1']);
});

test('the compiler refuses a name that is not among the inputs', () => {
  assert.throws(() => compileCircuit(ast('x + w'), ['x']), /'w'/);
});
