import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { doctorFixEdits } from '../../src/editor/language/doctor-edits';
import { applyEdits } from '../../src/model/edits';
import { parseModel } from '../../src/model/parse';
import type { DoctorFix } from '../../src/training/doctor-types';
import type { ModelSpec } from '../../src/model/spec';
import { isWebviewToHost } from '../../src/training/protocol';

const EXAMPLE = readFileSync(path.resolve(__dirname, '../../../examples/spiral.nn.yaml'), 'utf8');

/** The edited text and its model; fails when the fix gives no edit. */
function fixed(text: string, fix: DoctorFix): { text: string; spec: ModelSpec } {
  const edits = doctorFixEdits(text, fix);
  assert.ok(edits, `no edit for ${JSON.stringify(fix)}`);
  const after = applyEdits(text, edits);
  return { text: after, spec: parseModel(after).spec! };
}

const before = parseModel(EXAMPLE).spec!;

test('lr ÷ 10, ÷ 3, × 3: only the optimizer\'s lr changes, written without float noise', () => {
  assert.equal(fixed(EXAMPLE, { kind: 'lr', factor: 0.1 }).spec.optimizer.lr, 0.001);
  const third = fixed(EXAMPLE, { kind: 'lr', factor: 1 / 3 });
  assert.match(third.text, /lr: 0\.00333 \}/);
  assert.deepEqual({ ...third.spec, optimizer: { ...third.spec.optimizer, lr: 0.01 } }, before);
  assert.equal(fixed(EXAMPLE, { kind: 'lr', factor: 3 }).spec.optimizer.lr, 0.03);
});

test('more L2: ten times the file\'s; added as l2: 0.001 to a train: without one, or as a train: line', () => {
  const more = fixed(EXAMPLE, { kind: 'l2' });
  assert.equal(more.spec.train.l2, 0.01);
  assert.deepEqual({ ...more.spec, train: { ...more.spec.train, l2: 0.001 } }, before);
  // Comments and the rest of the line are kept.
  assert.match(more.text, /l2: 0\.01 {16}# ½·l2·‖W‖² on the weights/);
  const none = EXAMPLE.replace(/ {2}l2: 0\.001 .*\n/, '');
  assert.equal(fixed(none, { kind: 'l2' }).spec.train.l2, 0.001);
  const noTrain = 'data: { dataset: spiral }\nlayers:\n  - dense: 3\n';
  const t = fixed(noTrain, { kind: 'l2' });
  assert.equal(t.spec.train.l2, 0.001);
  assert.match(t.text, /\ntrain: \{ l2: 0\.001 \}$/);
});

test('dropout after a layer: a new item, block or flow list', () => {
  const d = fixed(EXAMPLE, { kind: 'dropout', layer: 0, p: 0.5 });
  assert.deepEqual(d.spec.layers.map((l) => l.kind), ['dense', 'dropout', 'dense']);
  assert.match(d.text, /activation: relu\n {2}- dropout: 0\.5\n {2}- dense: 3/);
  const flow = 'data: { dataset: spiral }\nlayers: [{ dense: 20, activation: relu }, { dense: 3 }]\n';
  assert.deepEqual(fixed(flow, { kind: 'dropout', layer: 0, p: 0.5 }).spec.layers.map((l) => l.kind), ['dense', 'dropout', 'dense']);
  assert.equal(doctorFixEdits(EXAMPLE, { kind: 'dropout', layer: 7, p: 0.5 }), undefined);
});

test('another init: the top-level init: replaced (or added)', () => {
  assert.deepEqual(fixed(EXAMPLE, { kind: 'init', scheme: 'xavier' }).spec.init, { type: 'xavier' });
  const custom = EXAMPLE.replace('init: he ', 'init: { type: normal, std: 1 } ');
  assert.deepEqual(fixed(custom, { kind: 'init', scheme: 'he' }).spec.init, { type: 'he' });
  // Already he: nothing to change, no fix.
  assert.equal(doctorFixEdits(EXAMPLE, { kind: 'init', scheme: 'he' }), undefined);
});

test('a wider layer: dense units × 2 (block and flow), conv filters × 2; a layer without units has none', () => {
  const w = fixed(EXAMPLE, { kind: 'widen', layer: 0 });
  assert.equal(w.spec.layers[0].kind === 'dense' && w.spec.layers[0].units, 200);
  assert.deepEqual({ ...w.spec, layers: before.layers }, before);
  const flow = 'data: { dataset: spiral }\nlayers:\n  - { dense: 20, activation: relu }\n  - dense: 3\n';
  assert.match(fixed(flow, { kind: 'widen', layer: 0 }).text, /- \{ dense: 40, activation: relu \}/);
  const conv = 'data: { dataset: mnist, samples: 100 }\nlayers:\n  - conv: { filters: 8, size: 3, pad: 1 }\n  - dense: 10\n';
  const c = fixed(conv, { kind: 'widen', layer: 0 });
  assert.equal(c.spec.layers[0].kind === 'conv' && c.spec.layers[0].filters, 16);
  const drop = 'data: { dataset: spiral }\nlayers:\n  - dense: 20\n  - dropout: 0.5\n  - dense: 3\n';
  assert.equal(doctorFixEdits(drop, { kind: 'widen', layer: 1 }), undefined);
});

test('a file with errors gets no edit', () => {
  assert.equal(doctorFixEdits('layers: [', { kind: 'lr', factor: 0.1 }), undefined);
});

test('the panel\'s applyFix message is accepted only well formed', () => {
  const ok = { type: 'applyFix', runId: 'run-1', code: 'lr-too-high', layer: null };
  assert.ok(isWebviewToHost(ok));
  assert.ok(isWebviewToHost({ ...ok, code: 'dead-relu', layer: 2 }));
  for (const bad of [{ ...ok, code: 'lr-too-hot' }, { ...ok, layer: -1 }, { ...ok, layer: 1.5 }, { ...ok, extra: 1 }, { type: 'applyFix', runId: 'r', code: 'plateau' }]) {
    assert.ok(!isWebviewToHost(bad), JSON.stringify(bad));
  }
});
