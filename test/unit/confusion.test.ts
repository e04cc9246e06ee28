import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runTraining, type LoopMessage } from '../../src/training/loop';
import { Trainer } from '../../src/engine/trainer';
import { ConfusionCollector, mistakeConfidence, misclassifiedRows, predictedClass } from '../../src/engine/confusion';
import type { EpochMetrics, ProgressMessage } from '../../src/training/protocol';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const SHORT: ModelSpec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 4 } };

function epochsOf(spec: ModelSpec): EpochMetrics[] {
  const posted: LoopMessage[] = [];
  const end = runTraining(spec, { runId: 'r', progressIntervalMs: 0, post: (m) => posted.push(m) });
  assert.equal(end.type, 'done');
  return posted.filter((m): m is ProgressMessage => m.type === 'progress').flatMap((p) => p.epochs);
}

/** The confusion matrix of a trainer's held-out set now, one row at a time in eval mode, with an argmax here. */
function confusionNow(t: Trainer): number[][] {
  const v = t.validationSet;
  const c = t.network.outputSize;
  const m = Array.from({ length: v.classes }, () => new Array<number>(v.classes).fill(0));
  for (let i = 0; i < v.n; i++) {
    const s = t.network.forward(v.x.subarray(i * v.features, (i + 1) * v.features), 1, false);
    let best = 0;
    for (let j = 1; j < c; j++) if (s[j] > s[best]) best = j;
    m[v.y[i]][best]++;
  }
  return m;
}

for (const loss of ['softmax', 'svm'] as const) {
  test(`${loss}: each epoch's confusion matrix counts the held-out set: rows sum to its class counts, the diagonal over n is valAcc exactly`, () => {
    const spec: ModelSpec = { ...SHORT, loss };
    const epochs = epochsOf(spec);
    assert.equal(epochs.length, 4);
    const t = new Trainer(spec);
    const v = t.validationSet;
    assert.equal(v.n, 60);
    const counts = new Array<number>(v.classes).fill(0);
    for (let i = 0; i < v.n; i++) counts[v.y[i]]++;
    for (const e of epochs) {
      const m = e.confusion!;
      assert.ok(Array.isArray(m), `epoch ${e.epoch} has a matrix`);
      assert.equal(m.length, 3);
      assert.deepEqual(m.map((row) => row.reduce((a, b) => a + b, 0)), counts);
      const diagonal = m.reduce((a, row, y) => a + row[y], 0);
      assert.equal(diagonal / v.n, e.valAcc);
    }
    // The last epoch's matrix is that of the weights at the run's end (a second trainer takes the same steps).
    while (!t.done) t.trainStep();
    assert.deepEqual(epochs[epochs.length - 1].confusion, confusionNow(t));
    // Not a constant: the first epoch's differs from the last's.
    assert.notDeepEqual(epochs[0].confusion, epochs[epochs.length - 1].confusion);
  });
}

test('the confusion matrix is null for regression and without a held-out set', () => {
  const none = epochsOf({ ...SHORT, data: { ...SHORT.data, validation: 0 } });
  assert.ok(none.length > 0);
  for (const e of none) assert.equal(e.confusion, null);
  const sine: ModelSpec = {
    ...SHORT, loss: 'mse',
    data: { dataset: 'sine', samples: 100, classes: 0, noise: 0.1, features: 1, validation: 0.2 },
    layers: [{ kind: 'dense', units: 8, activation: { type: 'tanh' } }, { kind: 'dense', units: 1, activation: { type: 'linear' } }],
  };
  const reg = epochsOf(sine);
  assert.ok(reg.length > 0);
  for (const e of reg) {
    assert.equal(e.confusion, null);
    assert.equal(typeof e.valR2, 'number');
  }
});

test('ConfusionCollector: counts, the wrong total, the most confident mistakes first with ties to the lower index, across chunks and resets', () => {
  const c = new ConfusionCollector(3);
  // 6 rows of 3 scores; labels below. Rows 1, 2, 4, 5 are wrong.
  const scores = [
    5, 0, 0, // 0: predicts 0, label 0
    0, 3, 0, // 1: predicts 1, label 0
    0, 0, 1, // 2: predicts 2, label 1
    1, 1, 0, // 3: predicts 0 (tie to the lower class), label 0
    0, 3, 0, // 4: predicts 1, label 2 (same scores as row 1)
    0, 9, 0, // 5: predicts 1, label 0
  ];
  const labels = [0, 0, 1, 0, 2, 0];
  c.reset(3, 'svm');
  c.add(scores.slice(0, 9), labels, 0, 3, 3);
  c.add(scores.slice(9), labels, 3, 3, 3);
  assert.equal(c.rows, 6);
  assert.equal(c.wrong, 4);
  assert.deepEqual(c.matrix(), [[2, 2, 0], [0, 0, 1], [0, 1, 0]]);
  // svm: s_predicted − s_label: row 5: 9, rows 1 and 4: 3 (row 1 first), row 2: 1 (dropped: keep 3).
  assert.deepEqual(c.mistakes(), [
    { index: 5, label: 0, predicted: 1, confidence: 9 },
    { index: 1, label: 0, predicted: 1, confidence: 3 },
    { index: 4, label: 2, predicted: 1, confidence: 3 },
  ]);
  c.reset(3, 'softmax');
  assert.equal(c.wrong, 0);
  assert.deepEqual(c.matrix(), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(c.mistakes(), []);
  c.add(scores, labels, 0, 6, 3);
  const p = c.mistakes();
  assert.deepEqual(p.map((m) => m.index), [5, 1, 4]);
  assert.ok(Math.abs(p[1].confidence - Math.exp(3) / (Math.exp(3) + 2)) < 1e-15);
});

test('mistakeConfidence: softmax is the predicted class\'s probability, stable for large scores; a NaN ranks last', () => {
  const row = [1000, 1002, 999];
  const p = mistakeConfidence(row, 0, 3, 0, 1, 'softmax');
  assert.ok(Math.abs(p - 1 / (1 + Math.exp(-2) + Math.exp(-3))) < 1e-15, String(p));
  assert.equal(mistakeConfidence(row, 0, 3, 2, 1, 'svm'), 3);
  const c = new ConfusionCollector(3);
  c.reset(2, 'softmax');
  c.add([NaN, 0, 0, 1, 0, 4], [1, 0, 0], 0, 3, 2);
  // Row 0 (a NaN score) predicts class 0, label 1: wrong, with a NaN confidence: kept, after every number.
  assert.deepEqual(c.mistakes().map((m) => m.index), [2, 1, 0]);
  assert.ok(Number.isNaN(c.mistakes()[2].confidence));
  assert.equal(c.wrong, 3);
});

test('predictedClass and misclassifiedRows: the first highest score, rows against labels at an offset', () => {
  assert.equal(predictedClass([1, 3, 3, 0], 0, 4), 1);
  assert.equal(predictedClass([0, 0, 0, 1, 2, 0], 1, 3), 1);
  assert.deepEqual(misclassifiedRows([1, 0, 0, 1, 1, 0], [9, 0, 0, 0], 1, 3, 2), [1]);
});

test('trainlens train --json: each epoch line carries its confusion matrix (null for regression)', () => {
  const root = path.resolve(__dirname, '../../..');
  const lines = (file: string): Array<Record<string, unknown>> => {
    const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'train', path.join(root, 'examples', file), '--json', '--epochs', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'epoch');
  };
  const spiral = lines('spiral.nn.yaml');
  assert.equal(spiral.length, 2);
  for (const e of spiral) {
    const m = e.confusion as number[][];
    assert.equal(m.length, 3);
    const n = m.flat().reduce((a, b) => a + b, 0);
    assert.equal(n, 60, 'the 60 held-out points');
    assert.equal(m.reduce((a, row, y) => a + row[y], 0) / n, e.valAcc);
  }
  for (const e of lines('sine.nn.yaml')) assert.equal(e.confusion, null);
});
