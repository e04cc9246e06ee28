/** Circuits the circuit view's tests draw: the lesson's expressions, and a 2-2-2 tanh network on xor as its circuit. */
import assert from 'node:assert/strict';
import { parseExpression } from '../../src/engine/circuit/expr';
import { circuitGraph } from '../../src/engine/circuit/graph';
import { Trainer } from '../../src/engine/trainer';
import { inspectSample } from '../../src/engine/inspect';
import type { CircuitGraph } from '../../src/engine/circuit/types';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

export function expression(text: string, inputs: Record<string, number>): CircuitGraph {
  const r = parseExpression(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return circuitGraph(r.ast, inputs);
}

/** The seed's f = (x + y)·z at x = −2, y = 5, z = −4. */
export const SEED = (): CircuitGraph => expression('(x + y) * z', { x: -2, y: 5, z: -4 });
export const NEURON = (): CircuitGraph => expression('1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))', { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 });
export const STAGED = (): CircuitGraph => expression('(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)', { x: 3, y: -4 });
/** Every expression gate at least once. */
export const EVERY_GATE = (): CircuitGraph => expression(
  'max(x, y) * x - min(y, z) / 2 + relu(z - 2) + tanh(x) + log(abs(y)) + sqrt(z) + exp(-x) ^ 2 + sigmoid(y)', { x: 1.5, y: -0.3, z: 4 });

/** A 2-`hidden`-2 tanh network on xor after 10 steps, its validation sample 0 as a circuit. */
export function network(hidden = 2): CircuitGraph {
  const spec: ModelSpec = {
    ...SPIRAL,
    data: { dataset: 'xor', samples: 40, classes: 2, noise: 0.1, features: 2, validation: 0.25 },
    layers: [{ kind: 'dense', units: hidden, activation: { type: 'tanh' } }, { kind: 'dense', units: 2, activation: { type: 'linear' } }],
    train: { ...SPIRAL.train, batch: 8 },
  };
  const t = new Trainer(spec);
  for (let i = 0; i < 10; i++) t.trainStep();
  const r = inspectSample(spec, t.network, t.validationSet, { split: 'val', sample: 0 }, { origin: 'live', step: t.step });
  assert.ok(r.circuit, 'a 2-2-2 network has a circuit');
  return r.circuit;
}
