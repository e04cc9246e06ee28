import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer, buildNetwork } from '../../src/engine/trainer';
import { inspectSample, sampleRow } from '../../src/engine/inspect';
import { subscript } from '../../src/engine/circuit/network';
import { CIRCUIT_MAX_WEIGHTS, type InspectResult } from '../../src/engine/inspect-types';
import type { CircuitGraph, CircuitNode } from '../../src/engine/circuit/types';
import type { Dataset } from '../../src/engine/data/dataset';
import type { LayerSpec, LossName, ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const XOR: ModelSpec = {
  ...SPIRAL,
  data: { dataset: 'xor', samples: 40, classes: 2, noise: 0.1, features: 2, validation: 0.25 },
  train: { ...SPIRAL.train, batch: 8 },
};

function xor(layers: LayerSpec[], loss: LossName = 'softmax'): ModelSpec {
  return { ...XOR, layers, loss };
}

const dense = (units: number, type: 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'elu' | 'gelu' | 'leaky_relu' = 'linear'): LayerSpec =>
  ({ kind: 'dense', units, activation: { type } });

function close(a: number, b: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Inspect validation sample k after `steps` training steps; also the trainer and the set. */
function inspected(s: ModelSpec, k: number, steps = 15): { r: InspectResult; t: Trainer; set: Dataset } {
  const t = new Trainer(s);
  for (let i = 0; i < steps; i++) t.trainStep();
  const set = t.validationSet;
  return { r: inspectSample(s, t.network, set, { split: 'val', sample: k }, { origin: 'live', step: t.step }), t, set };
}

/** The chain rule over the graph: from ∂L/∂L = 1, each node passes grad·local[i] to inputs[i] (summed at branches). */
function backprop(g: CircuitGraph): Map<string, number> {
  const acc = new Map<string, number>(g.nodes.map((n) => [n.id, 0]));
  acc.set(g.nodes[g.nodes.length - 1].id, 1);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    const grad = acc.get(n.id)!;
    n.inputs.forEach((id, k) => acc.set(id, acc.get(id)! + grad * n.local[k]));
  }
  return acc;
}

const ACTIVATIONS: Record<string, (z: number) => number> = {
  relu: (z) => Math.max(0, z), sigmoid: (z) => 1 / (1 + Math.exp(-z)), tanh: Math.tanh,
};

/** Each gate's value again from its inputs' values: Σ w·x + b, f(z), and the loss of the scores. */
function checkForward(g: CircuitGraph, label: number): void {
  const value = new Map(g.nodes.map((n) => [n.id, n.value]));
  const v = (id: string): number => value.get(id)!;
  for (const n of g.nodes) {
    if (n.op === 'wsum') {
      const d = (n.inputs.length - 1) / 2;
      let z = v(n.inputs[2 * d]);
      for (let i = 0; i < d; i++) z += v(n.inputs[i]) * v(n.inputs[d + i]);
      close(n.value, z, `${n.id} = Σ w·x + b`);
      assert.deepEqual(n.local, [...n.inputs.slice(d, 2 * d).map(v), ...n.inputs.slice(0, d).map(v), 1]);
    } else if (ACTIVATIONS[n.op]) {
      close(n.value, ACTIVATIONS[n.op](v(n.inputs[0])), `${n.id} = ${n.op}(z)`);
    } else if (n.op === 'softmax_loss') {
      const s = n.inputs.map(v);
      const max = Math.max(...s);
      close(n.value, Math.log(s.reduce((a, x) => a + Math.exp(x - max), 0)) - (s[label] - max), 'softmax loss');
    }
  }
}

/** The float64 network's parameter gradients of the sample's data loss (Network.loss, eval mode), by name. */
function paramGrads(s: ModelSpec, t: Trainer, set: Dataset, k: number): Map<string, Float64Array> {
  const net = buildNetwork(s, t.network.inputShape, 'float64');
  net.params.forEach((p, i) => p.value.set(t.network.params[i].value));
  net.loss(sampleRow(set, k), set.y, k, 1, { l2: 0, l1: 0 }, true, false);
  return new Map(net.params.map((p) => [p.name, Float64Array.from(p.grad)]));
}

function byId(g: CircuitGraph): Map<string, CircuitNode> {
  return new Map(g.nodes.map((n) => [n.id, n]));
}

function checkCircuit(s: ModelSpec, k: number): { r: InspectResult; g: CircuitGraph } {
  const { r, t, set } = inspected(s, k);
  const g = r.circuit;
  assert.ok(g, 'a small dense network gets a circuit');
  assert.equal(g.source, 'network');
  assert.equal(g.type, 'circuit');
  const nodes = byId(g);
  assert.equal(nodes.size, g.nodes.length, 'ids are unique');
  // Every wire comes from an earlier node (topological order).
  const seen = new Set<string>();
  for (const n of g.nodes) {
    n.inputs.forEach((id) => assert.ok(seen.has(id), `${n.id}'s input ${id} comes before it`));
    assert.equal(n.local.length, n.inputs.length);
    seen.add(n.id);
  }
  // Values: the inspected layers' outputs.
  r.input.forEach((x, i) => assert.equal(nodes.get(`x${i}`)!.value, x));
  r.layers.forEach((l) => {
    const kind = l.kind === 'dense' ? 'z' : l.kind === 'activation' && !/linear/.test(l.name) ? 'a' : undefined;
    if (kind) l.out.forEach((o, j) => {
      const n = nodes.get(`layers[${l.index}].${kind}[${j}]`)!;
      assert.equal(n.value, o);
      assert.equal(n.grad, l.dout[j]);
      assert.equal(n.layer, l.index);
    });
  });
  const last = g.nodes[g.nodes.length - 1];
  assert.equal(last.id, 'loss');
  assert.equal(last.value, r.loss);
  assert.equal(g.value, r.loss);
  assert.deepEqual(last.local, r.dscores);
  checkForward(g, r.label as number);
  // Gradients: dinput, and the float64 network's parameter gradients for this one sample.
  r.dinput.forEach((d, i) => assert.equal(g.grads[`x${i}`], d));
  const grads = paramGrads(s, t, set, k);
  let weights = 0;
  for (const n of g.nodes.filter((x) => x.op === 'weight')) {
    const m = /^(layers\[\d+\])\.(W|b)\[(\d+)\](?:\[(\d+)\])?$/.exec(n.id)!;
    const p = grads.get(`${m[1]}.${m[2]}`)!;
    // W is (inputs, units) row-major: W[i][j] at i·units + j.
    const units = grads.get(`${m[1]}.b`)!.length;
    const idx = m[2] === 'b' ? Number(m[3]) : Number(m[3]) * units + Number(m[4]);
    close(g.grads[n.id], p[idx], `${n.id} gradient`);
    assert.equal(g.grads[n.id], n.grad);
    weights++;
  }
  assert.equal(weights, t.network.parameterCount);
  assert.equal(Object.keys(g.grads).length, weights + r.input.length);
  // The chain rule over the graph's local gradients gives every node's gradient again.
  const acc = backprop(g);
  for (const n of g.nodes) close(acc.get(n.id)!, n.grad, `backprop to ${n.id}`, 1e-10);
  return { r, g };
}

test('circuit: 2-2-2 relu network on xor: values, gradients and local rules are the inspect numbers', () => {
  const { g } = checkCircuit(xor([dense(2, 'relu'), dense(2)]), 3);
  assert.equal(g.nodes.filter((n) => n.op === 'wsum').length, 4);
  assert.equal(g.nodes.filter((n) => n.op === 'relu').length, 2);
  assert.equal(g.nodes.find((n) => n.id === 'layers[0].W[1][0]')!.label, 'w¹₁₀', 'cs231n numbers the dense layers from 1: W1, W2');
  assert.equal(g.nodes.find((n) => n.id === 'layers[1].W[1][0]')!.label, 'w²₁₀');
  assert.equal(g.nodes.find((n) => n.id === 'layers[1].b[1]')!.label, 'b²₁');
  assert.equal(g.nodes.find((n) => n.id === 'x1')!.label, 'x₁');
  assert.equal(g.nodes.at(-1)!.op, 'softmax_loss');
});

test('circuit: 2-2-2 sigmoid network, σ gates carry σ(1 − σ)', () => {
  const { g } = checkCircuit(xor([dense(2, 'sigmoid'), dense(2)]), 1);
  for (const n of g.nodes.filter((x) => x.op === 'sigmoid')) close(n.local[0], n.value * (1 - n.value), `${n.id} local`);
});

test('circuit: standalone tanh, dropout and the SVM loss; svm local is the hinge\'s gradient', () => {
  const s = xor([dense(3), { kind: 'activation', activation: { type: 'tanh' } }, { kind: 'dropout', p: 0.3 }, dense(2)], 'svm');
  const { r, g } = checkCircuit(s, 2);
  assert.equal(g.nodes.at(-1)!.op, 'svm_loss');
  assert.equal(g.nodes.filter((n) => n.op === 'tanh').length, 3);
  assert.ok(g.nodes.filter((n) => n.op === 'tanh').every((n) => n.layer === 1));
  // The second dense layer reads the tanh gates (dropout is the identity in evaluation mode).
  assert.deepEqual(g.nodes.find((n) => n.id === 'layers[3].z[0]')!.inputs.slice(0, 3), ['layers[1].a[0]', 'layers[1].a[1]', 'layers[1].a[2]']);
  const y = r.label as number;
  const positive = r.margins!.filter((m, j) => j !== y && m > 0).length;
  assert.equal(g.nodes.at(-1)!.local[y], -positive);
});

test('circuit: leaky relu, elu and gelu gates', () => {
  const { g } = checkCircuit(xor([dense(2, 'leaky_relu'), dense(2, 'elu'), dense(2, 'gelu'), dense(2)]), 0);
  assert.deepEqual(['leaky_relu', 'elu', 'gelu'].map((op) => g.nodes.filter((n) => n.op === op).length), [2, 2, 2]);
});

test(`circuit: only up to ${CIRCUIT_MAX_WEIGHTS} weights, and only dense layers with activations`, () => {
  // 2·7 + 7 + 7·2 + 2 = 37 weights: a circuit; 2·8 + 8 + 8·2 + 2 = 42: none.
  assert.ok(inspected(xor([dense(7, 'relu'), dense(2)]), 0, 0).r.circuit);
  assert.equal(inspected(xor([dense(8, 'relu'), dense(2)]), 0, 0).r.circuit, undefined);
  // A tiny conv network (20 weights): no circuit.
  const images: Dataset = { x: new Float32Array(20 * 16).map((_, i) => (i * 37) % 11 / 11), y: new Int32Array(20).map((_, i) => i % 2), n: 20, shape: [1, 4, 4], features: 16, classes: 2 };
  const conv: ModelSpec = {
    ...XOR, data: { dataset: 'idx', samples: 0, classes: 2, noise: 0, features: 16, validation: 0.25, idx: { images: 'x', labels: 'y' } },
    layers: [{ kind: 'conv', filters: 1, size: 3, stride: 1, pad: 0, activation: { type: 'relu' } }, dense(2)],
  };
  const t = new Trainer(conv, 'float32', images);
  assert.ok(t.network.parameterCount <= CIRCUIT_MAX_WEIGHTS);
  assert.equal(inspectSample(conv, t.network, t.validationSet, { split: 'val', sample: 0 }, { origin: 'initial', step: 0 }).circuit, undefined);
});

test('circuit: subscripts', () => {
  assert.equal(subscript(0), '₀');
  assert.equal(subscript(120), '₁₂₀');
});
