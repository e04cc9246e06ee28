import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');

/** What each template must reach when trained exactly as written (validation accuracy where it holds data out). */
const EXPECT: Record<string, number | null> = {
  'spiral-mlp.nn.yaml': 0.9,
  'optimizer-comparison.nn.yaml': 0.9,
  'csv-classification.nn.yaml': 0.9,
  'mnist-mlp.nn.yaml': 0.93,
  'mnist-cnn.nn.yaml': 0.95,
  // Random labels: it is about activations, not accuracy.
  'init-experiment.nn.yaml': null,
};

/** Regression templates: the validation R² each must reach (measured: 0.971 and 0.980). */
const EXPECT_R2: Record<string, number> = {
  'csv-regression.nn.yaml': 0.95,
  'regression-sine.nn.yaml': 0.97,
};

test('every template trains as written, to the accuracy it is for', () => {
  const templates = readdirSync(path.join(root, 'templates')).filter((f) => f.endsWith('.nn.yaml')).sort();
  assert.deepEqual(templates, [...Object.keys(EXPECT), ...Object.keys(EXPECT_R2)].sort(), 'each template has an expectation here');
  for (const t of templates) {
    const r = spawnSync(process.execPath, [cli, 'train', path.join(root, 'templates', t), '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, `${t}: ${r.stderr}`);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; valAcc: number | null; trainAcc: number; valR2: number | null };
    assert.equal(done.type, 'done', t);
    if (t in EXPECT_R2) {
      assert.ok((done.valR2 ?? 0) >= EXPECT_R2[t], `${t}: validation R² ${done.valR2} < ${EXPECT_R2[t]}`);
      continue;
    }
    const want = EXPECT[t];
    if (want !== null) assert.ok((done.valAcc ?? 0) >= want, `${t}: validation accuracy ${done.valAcc} < ${want}`);
    else assert.ok(Number.isFinite(done.trainAcc), t);
  }
});
