import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import type { Finding, FindingCode } from '../../src/training/doctor-types';
import type { FindingsMessage } from '../../src/training/protocol';
import type { ActivationName, InitSpec, LayerSpec, ModelSpec, OptimizerSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

// The training doctor on real runs through the engine: the findings of the run's end (its last
// findings message), for settings that go wrong in a known way, and none for the example's own.

/** Trains to the end; the findings of the final message, and every findings message posted. */
function doctor(spec: ModelSpec, charts: { statsEvery?: number; statsMinMs?: number } = {}): { final: Finding[]; messages: FindingsMessage[]; order: string[] } {
  const posted: LoopMessage[] = [];
  runTraining(spec, { runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m), ...charts });
  const messages = posted.filter((m): m is FindingsMessage => m.type === 'findings');
  return { final: messages.at(-1)?.findings ?? [], messages, order: posted.map((m) => m.type) };
}

const codes = (f: Finding[]): FindingCode[] => [...new Set(f.map((x) => x.code))];
const adam = (lr: number): OptimizerSpec => ({ type: 'adam', lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
const dense = (units: number, activation: ActivationName): LayerSpec => ({ kind: 'dense', units, activation: { type: activation } });
const spiral = (over: { layers?: LayerSpec[]; optimizer?: OptimizerSpec; init?: InitSpec; epochs?: number; l2?: number }): ModelSpec => ({
  ...SPIRAL, layers: over.layers ?? SPIRAL.layers, optimizer: over.optimizer ?? SPIRAL.optimizer, init: over.init ?? SPIRAL.init,
  train: { ...SPIRAL.train, epochs: over.epochs ?? 100, l2: over.l2 ?? SPIRAL.train.l2 },
});

test('the spiral as the example trains it (adam 0.01, he, l2 0.001): no findings; one final message, just before done', () => {
  const r = doctor(spiral({}));
  assert.deepEqual(r.final, []);
  assert.equal(r.messages.filter((m) => m.final).length, 1);
  assert.deepEqual(r.order.slice(-2), ['findings', 'done']);
});

test('the findings do not depend on when the charts take statistics (every 10 steps, time-throttled as in VS Code, or none as in the CLI)', () => {
  const spec = spiral({ optimizer: adam(1), epochs: 50 });
  const cli = doctor(spec).final;
  assert.ok(codes(cli).includes('update-ratio-high') && codes(cli).includes('dead-relu'), JSON.stringify(codes(cli)));
  for (const charts of [{ statsEvery: 10 }, { statsEvery: 7, statsMinMs: 1 }, { statsEvery: 10, statsMinMs: 50 }]) {
    assert.deepEqual(doctor(spec, charts).final, cli, JSON.stringify(charts));
  }
});

test('spiral, adam lr 1: lr-too-high (the loss shoots up at the first steps) and dead ReLUs', () => {
  const f = doctor(spiral({ optimizer: adam(1) })).final;
  const high = f.find((x) => x.code === 'lr-too-high')!;
  assert.ok(high && high.step < 10 && high.measured > 2, JSON.stringify(high));
  assert.deepEqual(high.fixes.map((x) => x.kind === 'lr' && x.factor), [0.1, 1 / 3]);
  assert.ok(codes(f).includes('dead-relu'));
  assert.ok(!codes(f).includes('underfitting'), 'the lr explains the low score');
});

test('spiral, adam lr 1e-6: lr-too-low (barely moves) and update ratios below 1e-4', () => {
  const f = doctor(spiral({ optimizer: adam(1e-6) })).final;
  assert.deepEqual(codes(f), ['lr-too-low', 'update-ratio-low']);
  assert.ok(f[0].measured < 0.05);
});

test('a huge lr that diverges: lr-too-high at the divergence step, posted before the error', () => {
  const r = doctor(spiral({ optimizer: { type: 'sgd', lr: 1e4 }, epochs: 5 }));
  assert.deepEqual(r.order.slice(-2), ['findings', 'error']);
  const high = r.final.find((x) => x.code === 'lr-too-high');
  assert.ok(high && high.measured === Infinity && /non-finite/.test(high.message), JSON.stringify(r.final));
});

test('tanh layers with N(0, 1) weights on unit-variance data: saturated layers (from step 0, init first) and the initial loss', () => {
  const spec: ModelSpec = {
    ...SPIRAL, data: { dataset: 'gaussian', samples: 500, features: 50, classes: 5, noise: 0, validation: 0 },
    layers: [dense(100, 'tanh'), dense(100, 'tanh'), dense(5, 'linear')], init: { type: 'normal', std: 1 },
    optimizer: { type: 'sgd', lr: 0.01 }, train: { ...SPIRAL.train, epochs: 10, batch: 50, l2: 0 },
  };
  const f = doctor(spec).final;
  assert.deepEqual(codes(f), ['saturated', 'initial-loss']);
  const sat = f.filter((x) => x.code === 'saturated');
  assert.deepEqual(sat.map((x) => x.layer), [0, 1]);
  assert.ok(sat.every((x) => x.step === 0 && x.measured > 0.5 && x.fixes[0].kind === 'init' && x.fixes[0].scheme === 'xavier'));
});

test('small data, a wide net, no regularization: overfitting, with more L2 and dropout as fixes', () => {
  const spec = spiral({ layers: [dense(500, 'relu'), dense(3, 'linear')], l2: 0, epochs: 300 });
  const f = doctor({ ...spec, data: { ...spec.data, samples: 60, noise: 0.6, validation: 0.5 } }).final;
  const o = f.find((x) => x.code === 'overfitting');
  assert.ok(o && o.measured >= 0.1 && o.target.key === 'l2', JSON.stringify(f.map((x) => x.code)));
  assert.deepEqual(o.fixes.map((x) => x.kind), ['l2', 'dropout']);
});

test('a 2-unit hidden layer on the spiral: underfitting, widen it', () => {
  const f = doctor(spiral({ layers: [dense(2, 'relu'), dense(3, 'linear')], epochs: 300 })).final;
  assert.deepEqual(codes(f), ['underfitting']);
  assert.deepEqual(f[0].fixes.map((x) => x.kind === 'widen' && x.layer), [0]);
});

test('a deep tanh net under init small stays flat: plateau, pointing at init xavier (not at the lr)', () => {
  const f = doctor(spiral({ layers: [dense(50, 'tanh'), dense(50, 'tanh'), dense(50, 'tanh'), dense(50, 'tanh'), dense(3, 'linear')], init: { type: 'small' }, optimizer: { type: 'sgd', lr: 0.1 }, l2: 0 })).final;
  assert.deepEqual(codes(f), ['plateau']);
  assert.deepEqual(f[0].fixes.map((x) => x.kind === 'init' && x.scheme), ['xavier']);
});

test('a deep ReLU net under init zeros: plateau and every hidden layer dead from step 0', () => {
  const layers = [dense(50, 'relu'), dense(50, 'relu'), dense(50, 'relu'), dense(3, 'linear')];
  const f = doctor(spiral({ layers, init: { type: 'zeros' }, optimizer: adam(0.001), l2: 0 })).final;
  assert.deepEqual(codes(f), ['plateau', 'dead-relu']);
  assert.deepEqual(f.filter((x) => x.code === 'dead-relu').map((x) => [x.layer, x.step]), [[0, 0], [1, 0], [2, 0]]);
});

test('a deep ReLU net with N(0, 1) weights: initial-loss (the loss at step 0 above 2 × ln 3), fixed by init he', () => {
  const layers = [dense(50, 'relu'), dense(50, 'relu'), dense(50, 'relu'), dense(3, 'linear')];
  const f = doctor(spiral({ layers, init: { type: 'normal', std: 1 }, optimizer: adam(0.001), l2: 0 })).final;
  const i = f.find((x) => x.code === 'initial-loss');
  assert.ok(i && Math.abs(i.threshold - Math.log(3)) < 1e-12 && i.measured > 2 * Math.log(3) && i.fixes[0].kind === 'init' && i.fixes[0].scheme === 'he', JSON.stringify(f.map((x) => x.code)));
});

test('trainlens train --json prints finding lines with code, step, layer and message, before the done line', () => {
  const cli = path.join(__dirname, '../../../dist/cli.js');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'trainlens-doctor-')), 'lr-high.nn.yaml');
  const example = readFileSync(path.join(__dirname, '../../../examples/spiral.nn.yaml'), 'utf8');
  writeFileSync(file, example.replace('{ type: adam, lr: 0.01 }', '{ type: adam, lr: 1 }').replace('epochs: 300', 'epochs: 50'));
  const r = spawnSync(process.execPath, [cli, 'train', file, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const findings = lines.filter((l) => l.type === 'finding');
  assert.ok(findings.some((l) => l.code === 'lr-too-high'), r.stdout);
  for (const l of findings) {
    assert.equal(typeof l.code, 'string');
    assert.equal(typeof l.step, 'number');
    assert.ok(l.layer === null || typeof l.layer === 'number');
    assert.equal(typeof l.message, 'string');
  }
  assert.equal(lines.at(-1)!.type, 'done');
  const text = spawnSync(process.execPath, [cli, 'train', file], { encoding: 'utf8' });
  assert.match(text.stdout, /doctor: \d+ findings?\n {2}warning lr-too-high at step \d+: /);
});
