import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { RegressionSums, regressionScore, targetMeans } from '../../src/engine/metrics';
import { svmLoss } from '../../src/engine/loss';
import { allocFloat32, allocInt32, kernelsFor } from '../../src/engine/wasm/kernels';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/trainer';
import { gradcheckModel } from '../../src/engine/check';
import { parseModel } from '../../src/model/parse';
import { parseCsv } from '../../src/engine/data/csv-dataset';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import type { EpochMetrics } from '../../src/training/protocol';
import type { ModelSpec } from '../../src/model/spec';

/* R² and RMSE as the runs report them, and the SVM's margin Δ. */

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('R² and RMSE against values worked by hand', () => {
  // t = 1, 3, 2, 5 (mean 2.75): SS_tot = 3.0625 + 0.0625 + 0.5625 + 5.0625 = 8.75; predictions
  // 1, 2, 3, 4: SS_res = 0 + 1 + 1 + 1 = 3. R² = 1 − 3/8.75 = 0.657142…, RMSE = √(3/4).
  const one = regressionScore(Float32Array.from([1, 2, 3, 4]), [1, 3, 2, 5], 4, 1);
  close(one.r2, 1 - 3 / 8.75);
  close(one.rmse, Math.sqrt(0.75));
  // Two targets, rows (t1, t2): (0, 10), (2, 10), (4, 13); predictions (1, 10), (2, 11), (3, 12).
  // Target 1: mean 2, SS_tot 8, SS_res 1 + 0 + 1 = 2, R² 0.75. Target 2: mean 11, SS_tot 1 + 1 + 4
  // = 6, SS_res 0 + 1 + 1 = 2, R² 2/3. The uniform average: (0.75 + 2/3)/2; RMSE √(4/6).
  const two = regressionScore(Float32Array.from([1, 10, 2, 11, 3, 12]), [0, 10, 2, 10, 4, 13], 3, 2);
  close(two.r2, (0.75 + 2 / 3) / 2);
  close(two.rmse, Math.sqrt(4 / 6));
  // A perfect fit scores 1; predicting the mean scores 0; worse than the mean is negative.
  close(regressionScore(Float32Array.from([1, 3, 2, 5]), [1, 3, 2, 5], 4, 1).r2, 1);
  close(regressionScore(Float32Array.from([2.75, 2.75, 2.75, 2.75]), [1, 3, 2, 5], 4, 1).r2, 0);
  close(regressionScore(Float32Array.from([5, 2, 3, 1]), [1, 3, 2, 5], 4, 1).r2, 1 - 34 / 8.75);
  // A constant target: 1 when predicted exactly, else 0 (sklearn's convention).
  assert.equal(regressionScore(Float32Array.from([4, 4]), [4, 4], 2, 1).r2, 1);
  assert.equal(regressionScore(Float32Array.from([4, 5]), [4, 4], 2, 1).r2, 0);
  assert.ok(Number.isNaN(new RegressionSums(1, new Float64Array(1)).score().r2));
});

test('R² summed in chunks, at a row offset, equals R² in one go', () => {
  const rng = new Rng(9);
  const n = 37, k = 3;
  const t = Array.from({ length: n * k }, () => rng.normal());
  const p = Float32Array.from(t, (v) => v + 0.3 * rng.normal());
  const whole = regressionScore(p, t, n, k);
  const sums = new RegressionSums(k, targetMeans(t, n, k));
  for (let start = 0; start < n; start += 10) {
    const m = Math.min(10, n - start);
    sums.add(p.subarray(start * k, (start + m) * k), t, start, m);
  }
  close(sums.score().r2, whole.r2, 1e-12);
  close(sums.score().rmse, whole.rmse, 1e-12);
});

test('Trainer.evaluate: R² and RMSE of the network\'s own predictions, across evaluation chunks, in eval mode; RMSE² = the data loss', () => {
  const spec = parseModel('data: { dataset: sine, samples: 3000, validation: 0.5 }\nlayers:\n  - dense: 8\n    activation: tanh\n  - dropout: 0.5\n  - dense: 1\ntrain: { epochs: 1 }\n').spec!;
  const t = new Trainer(spec);
  for (let i = 0; i < 10; i++) t.trainStep();
  const set = t.validationSet;
  assert.equal(set.n, 1500, 'more than one evaluation chunk of 1024');
  const e = t.evaluate(set);
  const predictions = Float32Array.from(t.network.forward(set.x, set.n, false).subarray(0, set.n));
  const expected = regressionScore(predictions, set.targets!, set.n, 1);
  close(e.regression!.r2, expected.r2, 1e-9);
  close(e.regression!.rmse, expected.rmse, 1e-9);
  close(e.regression!.rmse ** 2, e.loss - e.regLoss, 1e-9);
  assert.ok(Number.isNaN(e.accuracy));
});

function collect(spec: ModelSpec): { epochs: EpochMetrics[]; done: Extract<LoopMessage, { type: 'done' }> } {
  const epochs: EpochMetrics[] = [];
  const end = runTraining(spec, { runId: 't', progressIntervalMs: 0, post: (m) => { if (m.type === 'progress') epochs.push(...m.epochs); } });
  assert.equal(end.type, 'done');
  return { epochs, done: end as Extract<LoopMessage, { type: 'done' }> };
}

test('epoch and done metrics: R² and RMSE for regression with accuracies null; the reverse for classes', () => {
  const reg = collect(parseModel('data: { dataset: sine, samples: 200 }\nlayers:\n  - dense: 16\n    activation: tanh\n  - dense: 1\noptimizer: adam\ntrain: { epochs: 3 }\n').spec!);
  assert.equal(reg.epochs.length, 3);
  for (const e of reg.epochs) {
    assert.deepEqual([e.trainAcc, e.valAcc], [null, null]);
    for (const v of [e.trainR2, e.valR2, e.valRmse]) assert.equal(typeof v, 'number');
    close(e.valRmse! ** 2, e.valLoss!, 1e-9);
  }
  const f = reg.done.final;
  assert.deepEqual([f.trainAcc, f.valAcc], [null, null]);
  close(f.valRmse! ** 2, f.valLoss!, 1e-9);
  close(f.trainRmse! ** 2, f.loss - f.regLoss, 1e-9);
  assert.equal(f.valR2, reg.epochs[2].valR2, 'the last epoch and the end see the same weights');
  const cls = collect(parseModel('data: { dataset: moons, samples: 100 }\nlayers:\n  - dense: 2\ntrain: { epochs: 2 }\n').spec!);
  for (const e of cls.epochs) {
    assert.deepEqual([e.trainR2, e.valR2, e.valRmse], [null, null, null]);
    assert.equal(typeof e.trainAcc, 'number');
  }
  assert.deepEqual([cls.done.final.trainR2, cls.done.final.valRmse], [null, null]);
});

test('trainlens train: --json epoch and done lines carry trainR2, valR2, valRmse; the text says R² and RMSE', () => {
  const root = path.resolve(__dirname, '../../..');
  const cli = path.join(root, 'dist/cli.js');
  const example = path.join(root, 'examples/sine.nn.yaml');
  const json = spawnSync(process.execPath, [cli, 'train', example, '--json', '--epochs', '3'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const shown = lines.filter((l) => l.type === 'epoch' || l.type === 'done');
  assert.equal(shown.length, 4);
  for (const l of shown) {
    for (const k of ['trainR2', 'valR2', 'valRmse']) assert.equal(typeof l[k], 'number', `${l.type}.${k}`);
    assert.deepEqual([l.trainAcc, l.valAcc], [null, null]);
  }
  const text = spawnSync(process.execPath, [cli, 'train', example, '--epochs', '3'], { encoding: 'utf8' });
  assert.match(text.stdout, /train R² -?\d\.\d{4} · train RMSE \d\.\d{4} · val R² -?\d\.\d{4} · val RMSE \d\.\d{4}/);
  const check = spawnSync(process.execPath, [cli, 'check', example], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  // The example fits sin(x) to the noise: validation RMSE within 10 % of the noise's σ (0.1).
  const full = spawnSync(process.execPath, [cli, 'train', example, '--json'], { encoding: 'utf8' });
  const done = JSON.parse(full.stdout.trim().split('\n').pop()!) as { valRmse: number; valR2: number };
  assert.ok(done.valRmse < 0.11 && done.valR2 > 0.97, JSON.stringify(done));
});

test('svm margin Δ: loss and gradient by hand, the kernel agrees with TypeScript, Δ = 1 is the default', () => {
  // One row, scores (1, 2, 0.5), label 0, Δ = 2: terms max(0, 2 − 1 + 2) = 3 and max(0, 0.5 − 1 + 2)
  // = 1.5; loss 4.5; dscores (−2, 1, 1). With Δ = 0.25: 1.25 and 0; loss 1.25; dscores (−1, 1, 0).
  const scores = Float32Array.from([1, 2, 0.5]);
  const y = Int32Array.from([0]);
  const d = new Float32Array(3);
  assert.equal(svmLoss(scores, y, 0, 1, 3, d, 2).loss, 4.5);
  assert.deepEqual(Array.from(d), [-2, 1, 1]);
  assert.equal(svmLoss(scores, y, 0, 1, 3, d, 0.25).loss, 1.25);
  assert.deepEqual(Array.from(d), [-1, 1, 0]);
  assert.equal(svmLoss(scores, y, 0, 1, 3, d).loss, svmLoss(scores, y, 0, 1, 3, d, 1).loss);
  // The kernel, on scores in the arena, with margins away from 0 (no branch can differ).
  const rng = new Rng(4);
  const n = 16, c = 5;
  const s = allocFloat32(n * c), labels = allocInt32(n), dk = allocFloat32(n * c);
  for (let i = 0; i < n * c; i++) s[i] = Math.round(rng.normal() * 8) / 4 + 0.1;
  for (let i = 0; i < n; i++) labels[i] = rng.int(c);
  assert.ok(kernelsFor(s, labels, dk), 'the kernels run here');
  for (const delta of [0.5, 2.5]) {
    const ts = new Float32Array(n * c);
    const ref = svmLoss(Float32Array.from(s), Int32Array.from(labels), 0, n, c, ts, delta);
    const k = svmLoss(s, labels, 0, n, c, dk, delta);
    close(k.loss, ref.loss, 1e-5 * Math.abs(ref.loss));
    assert.equal(k.correct, ref.correct);
    assert.deepEqual(Array.from(dk), Array.from(ts), `Δ ${delta}: dscores`);
  }
});

test('a model with loss: { type: svm, margin: Δ } trains on that Δ: the initial loss with zero weights is (classes − 1)·Δ', () => {
  for (const margin of [1, 3]) {
    const spec = parseModel(`data: { dataset: spiral, samples: 90 }\nlayers:\n  - dense: 3\nloss: { type: svm, margin: ${margin} }\ninit: zeros\n`).spec!;
    const t = new Trainer(spec);
    close(t.evaluate(t.trainSet).loss, 2 * margin, 1e-9);
  }
});

test('gradient check of whole regression models (mse on the targets, float64): every parameter good', () => {
  for (const text of [
    'data: { dataset: sine, samples: 50 }\nlayers:\n  - dense: 6\n    activation: tanh\n  - dense: 1\ntrain: { l2: 0.01 }\n',
    'data: { dataset: ripple, samples: 50 }\nlayers:\n  - dense: 6\n    activation: gelu\n  - batchnorm\n  - dense: 1\n',
  ]) {
    const r = gradcheckModel(parseModel(text).spec!);
    // cs231n's verdict: at most 1e-7 is good; measured about 1e-9 (sine) in float64.
    assert.ok(r.maxRelError < 1e-7, `${text}: ${r.maxRelError}`);
    assert.ok(r.params.every((p) => p.checked > 0), text);
  }
});

test('two CSV targets: the Trainer learns both, and R² is the mean of the two targets\' own R²', () => {
  const rng = new Rng(21);
  const rows = ['a,b,u,v'];
  for (let i = 0; i < 300; i++) {
    const a = rng.uniform() * 2 - 1, b = rng.uniform() * 2 - 1;
    rows.push(`${a},${b},${a + b + 0.1 * rng.normal()},${10 * (a - b) + 2 * rng.normal()}`);
  }
  const data = parseCsv(rows.join('\n'), { file: 'two.csv', label: -1, target: ['u', 'v'] });
  const spec = parseModel('data:\n  csv: two.csv\n  target: [u, v]\nlayers:\n  - dense: 2\noptimizer: { type: adam, lr: 0.05 }\ntrain: { epochs: 40, batch: 30 }\n').spec!;
  const t = new Trainer(spec, 'float32', data, { ownData: true });
  while (!t.done) t.trainStep();
  const set = t.validationSet;
  const e = t.evaluate(set).regression!;
  const out = Float32Array.from(t.network.forward(set.x, set.n, false).subarray(0, set.n * 2));
  const own = [0, 1].map((j) => regressionScore(out.filter((_, i) => i % 2 === j), set.targets!.filter((_, i) => i % 2 === j), set.n, 1));
  close(e.r2, (own[0].r2 + own[1].r2) / 2, 1e-9);
  close(e.rmse, Math.sqrt((own[0].rmse ** 2 + own[1].rmse ** 2) / 2), 1e-8);
  // Both fits near their noise: u's σ 0.1 of a spread √(2/3) ≈ 0.82, v's σ 2 of ≈ 8.2: R² ≈ 0.985 and 0.94.
  assert.ok(own[0].r2 > 0.95 && own[1].r2 > 0.9, JSON.stringify(own));
});
