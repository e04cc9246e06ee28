import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Trainer } from '../../src/engine/trainer';
import { SANITY_NAMES, expectedInitialLoss, hasKinks, runSanity, withoutRegularization, type SanityCheck } from '../../src/engine/sanity';
import { OVERFIT_STEPS, RATIO_BAND } from '../../src/engine/sanity-train';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/** trainlens sanity: cs231n's checks before training (src/engine/sanity.ts). */

/** The spiral example at lr 1e-3: Adam's first steps move each weight by about lr, ‖ΔW‖/‖W‖ ≈ lr / rms(W). */
const HEALTHY: ModelSpec = { ...SPIRAL, optimizer: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } };
const byName = (checks: SanityCheck[], name: string): SanityCheck => checks.find((c) => c.name === name)!;

test('expected initial loss: ln C for softmax, (C − 1)·Δ for the SVM, mean square of the targets for mse; small init measures it', () => {
  for (const classes of [3, 5]) {
    const spec: ModelSpec = { ...SPIRAL, init: { type: 'small' }, data: { ...SPIRAL.data, classes, samples: 100 * classes }, layers: [SPIRAL.layers[0], { kind: 'dense', units: classes, activation: { type: 'linear' } }] };
    const t = new Trainer(withoutRegularization(spec));
    assert.equal(expectedInitialLoss(spec, t.trainSet), Math.log(classes));
    for (const margin of [1, 2.5]) {
      const svm: ModelSpec = { ...spec, loss: 'svm', svmMargin: margin };
      const s = new Trainer(withoutRegularization(svm));
      const expected = expectedInitialLoss(svm, s.trainSet);
      assert.equal(expected, (classes - 1) * margin);
      // Scores of 0.01-scale weights are ≈ 0: each wrong class adds ≈ Δ.
      assert.ok(Math.abs(s.evaluate(s.trainSet).loss - expected) < 0.01 * expected, `C=${classes} Δ=${margin}`);
    }
    const r = runSanity(spec).checks[0];
    assert.equal(r.name, 'initial-loss');
    assert.ok(r.pass && Math.abs(r.measured - Math.log(classes)) < 0.01, `${r.measured}`);
  }
  const sine: ModelSpec = { ...SPIRAL, data: { dataset: 'sine', samples: 200, classes: 0, noise: 0.1, features: 1, targets: 1, validation: 0.2 }, layers: [{ kind: 'dense', units: 16, activation: { type: 'tanh' } }, { kind: 'dense', units: 1, activation: { type: 'linear' } }], loss: 'mse', init: { type: 'small' } };
  const t = new Trainer(withoutRegularization(sine));
  const y = t.trainSet.targets!;
  let sum = 0;
  for (let i = 0; i < t.trainSet.n; i++) sum += y[i] ** 2;
  const expected = expectedInitialLoss(sine, t.trainSet);
  assert.ok(Math.abs(expected - sum / t.trainSet.n) < 1e-12);
  assert.ok(Math.abs(t.evaluate(t.trainSet).loss - expected) < 0.01 * expected);
});

test('a healthy model (the spiral at lr 1e-3) passes every check, in the order the JSON gives them', () => {
  const r = runSanity(HEALTHY);
  assert.deepEqual(r.checks.map((c) => c.name), SANITY_NAMES);
  for (const c of r.checks) assert.ok(c.pass, `${c.name}: ${c.advice}`);
  assert.ok(r.pass);
  const initial = byName(r.checks, 'initial-loss');
  assert.equal(initial.expected, Math.log(3));
  const overfit = byName(r.checks, 'overfit-small');
  assert.equal(overfit.measured, 1);
  const gradient = byName(r.checks, 'gradient');
  assert.ok(hasKinks(HEALTHY, new Trainer(HEALTHY, 'float32').network) && gradient.expected === 1e-4 && gradient.measured < 1e-6, `${gradient.measured}`);
  const ratio = byName(r.checks, 'update-ratio');
  assert.deepEqual(ratio.layers!.map((l) => l.name), ['layers[0].W', 'layers[1].W']);
  for (const l of ratio.layers!) assert.equal(l.ratios.length, 10);
});

const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

test('the spiral example (Adam, lr 0.01) fails update-ratio at its last layer; the advised lr centres the ratios on 1e-3, and at it the check passes', () => {
  const r = runSanity(SPIRAL);
  const initial = byName(r.checks, 'initial-loss');
  assert.ok(initial.pass && initial.measured > 1.3 && initial.measured < 1.4, `${initial.measured}`);
  const ratio = byName(r.checks, 'update-ratio');
  assert.ok(!ratio.pass);
  const last = ratio.layers!.find((l) => l.name === 'layers[1].W')!;
  assert.ok(!last.pass && last.median > 0.04 && last.median < 0.06 && ratio.measured === last.median, `${last.median}`);
  assert.ok(ratio.layers!.find((l) => l.name === 'layers[0].W')!.pass);
  const [, factor, lr] = /Divide it by ([\d.e+-]+) \(lr: ([\d.e+-]+)\)/.exec(ratio.advice)!.map(Number);
  const centre = geomean(ratio.layers!.map((l) => l.median));
  assert.ok(Math.abs(factor - centre / 1e-3) / factor < 0.05, ratio.advice);
  assert.ok(Math.abs(lr - 0.01 / factor) / lr < 0.05, ratio.advice);
  assert.deepEqual(ratio.target, { key: 'lr', layer: 1 });
  for (const name of ['reg-raises-loss', 'overfit-small', 'gradient']) assert.ok(byName(r.checks, name).pass, name);
  const advised = byName(runSanity({ ...SPIRAL, optimizer: { ...SPIRAL.optimizer, lr } }).checks, 'update-ratio');
  assert.ok(advised.pass, advised.advice);
  const centred = geomean(advised.layers!.map((l) => l.median));
  assert.ok(centred > 1e-3 / 1.5 && centred < 1e-3 * 1.5, `${centred}`);
});

test('init normal std 10: initial-loss fails, pointing at init', () => {
  const r = runSanity({ ...HEALTHY, init: { type: 'normal', std: 10 } });
  const c = byName(r.checks, 'initial-loss');
  assert.ok(!c.pass && c.measured > 2 * Math.log(3), `${c.measured}`);
  assert.equal(c.target.key, 'init');
  assert.ok(!r.pass);
});

test('lr 1e-9: overfit-small fails, update-ratio fails and advises a higher lr by the factor that centres the layers\' ratios on 1e-3', () => {
  const spec: ModelSpec = { ...HEALTHY, optimizer: { ...HEALTHY.optimizer, lr: 1e-9 } };
  const r = runSanity(spec);
  const overfit = byName(r.checks, 'overfit-small');
  assert.ok(!overfit.pass && overfit.measured < 1, `${overfit.measured}`);
  assert.match(overfit.advice, new RegExp(`In ${OVERFIT_STEPS} steps`));
  const ratio = byName(r.checks, 'update-ratio');
  assert.ok(!ratio.pass && ratio.measured < RATIO_BAND[0], `${ratio.measured}`);
  assert.equal(ratio.target.key, 'lr');
  const factor = Number(/Multiply it by ([\d.e+]+)/.exec(ratio.advice)?.[1]);
  assert.ok(Math.abs(factor * geomean(ratio.layers!.map((l) => l.median)) - 1e-3) < 0.05e-3, ratio.advice);
});

test('reg-raises-loss: the file\'s l2 adds ½·l2·‖W‖²; without any, l2 = 1 is tried; zero weights fail it', () => {
  const withReg = runSanity(HEALTHY).checks;
  const t = new Trainer(HEALTHY);
  const c = byName(withReg, 'reg-raises-loss');
  assert.ok(c.pass);
  assert.equal(c.expected, byName(withReg, 'initial-loss').measured);
  assert.ok(Math.abs(c.measured - c.expected - t.network.regLoss({ l2: HEALTHY.train.l2, l1: 0 })) < 1e-9);
  const none = byName(runSanity(withoutRegularization(HEALTHY)).checks, 'reg-raises-loss');
  assert.ok(none.pass && Math.abs(none.measured - none.expected - t.network.regLoss({ l2: 1, l1: 0 })) < 1e-9);
  assert.match(none.advice, /l2: 1/);
  const zeros = byName(runSanity({ ...HEALTHY, init: { type: 'zeros' } }).checks, 'reg-raises-loss');
  assert.ok(!zeros.pass && zeros.measured === zeros.expected);
  assert.equal(zeros.target.key, 'init');
});

test('the gradient check passes at 1e-7 for a model without kinks (tanh, softmax)', () => {
  const smooth: ModelSpec = { ...HEALTHY, layers: [{ kind: 'dense', units: 20, activation: { type: 'tanh' } }, HEALTHY.layers[1]], train: { ...HEALTHY.train, l2: 0.001 } };
  assert.ok(!hasKinks(smooth, new Trainer(smooth, 'float32').network));
  const g = byName(runSanity(smooth).checks, 'gradient');
  assert.ok(g.pass && g.expected === 1e-7 && g.measured <= 1e-7, `${g.measured}`);
});

test('a deep tanh net without kinks (10 × 50 units): the gradient check fails between 1e-7 and 1e-4, and the advice gives the norm-wise error', () => {
  const layers: ModelSpec['layers'] = [
    ...Array.from({ length: 10 }, (): ModelSpec['layers'][number] => ({ kind: 'dense', units: 50, activation: { type: 'tanh' } })),
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ];
  const deep: ModelSpec = { ...HEALTHY, data: { dataset: 'gaussian', samples: 100, features: 50, classes: 10, noise: 0, validation: 0 }, layers, init: { type: 'xavier' }, train: { ...HEALTHY.train, l2: 0 } };
  assert.ok(!hasKinks(deep, new Trainer(deep, 'float32').network));
  const g = byName(runSanity(deep).checks, 'gradient');
  assert.ok(!g.pass && g.expected === 1e-7 && g.measured > 1e-7 && g.measured <= 1e-4, `${g.measured}`);
  const normWise = Number(/norm-wise error \(([\d.e+-]+)\)/.exec(g.advice)?.[1]);
  assert.ok(normWise > 0 && normWise < g.measured / 10, g.advice);
  assert.equal(g.target.key, 'layers');
});

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');

function sanityCli(yaml: string): { code: number | null; lines: Array<Record<string, unknown>>; text: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-sanity-'));
  const file = path.join(dir, 'model.nn.yaml');
  writeFileSync(file, yaml);
  const json = spawnSync(process.execPath, [cli, 'sanity', file, '--json'], { encoding: 'utf8' });
  const text = spawnSync(process.execPath, [cli, 'sanity', file], { encoding: 'utf8' });
  assert.equal(text.status, json.status);
  return { code: json.status, lines: json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), text: text.stdout };
}

test('trainlens sanity --json: one check line per check with the contract\'s fields, then the sanity line; exit 0 or 1', () => {
  const example = readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8');
  const healthy = sanityCli(example.replace('lr: 0.01', 'lr: 0.001'));
  assert.equal(healthy.code, 0, healthy.text);
  assert.deepEqual(healthy.lines.map((l) => l.type), ['check', 'check', 'check', 'check', 'check', 'sanity']);
  assert.deepEqual(healthy.lines.slice(0, 5).map((l) => l.name), SANITY_NAMES);
  for (const l of healthy.lines.slice(0, 5)) {
    assert.deepEqual(Object.keys(l), ['type', 'name', 'pass', 'expected', 'measured', 'advice']);
    assert.equal(l.pass, true);
  }
  assert.deepEqual(healthy.lines[5], { type: 'sanity', pass: true });
  assert.match(healthy.text, /every check passed/);
  const bad = sanityCli(example.replace('lr: 0.01', 'lr: 0.001').replace('init: he', 'init: { type: normal, std: 10 }'));
  assert.equal(bad.code, 1);
  assert.equal(bad.lines[0].pass, false);
  assert.deepEqual(bad.lines[5], { type: 'sanity', pass: false });
  assert.match(bad.text, /initial-loss\s+FAIL/);
});
