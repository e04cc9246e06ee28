import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { targetSpan } from '../../src/editor/language/check-targets';
import type { SanityTarget } from '../../src/engine/sanity-types';
import { writtenLr } from '../../src/training/lr-suggestion';
import { lrCurves } from '../../webview/lr-find-data';
import { checkFigures, sanitySummary } from '../../webview/sanity-text';
import { isWebviewToHost } from '../../src/training/protocol';

const root = path.resolve(__dirname, '../../..');
const SPIRAL = readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8');

/** The text a target's span covers, and its 0-based line. */
function at(text: string, target: SanityTarget): { text: string; line: number } {
  const [s, e] = targetSpan(text, parseModel(text).ranges, target);
  return { text: text.slice(s, e), line: text.slice(0, s).split('\n').length - 1 };
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

test('a sanity target points at its entry: lr inside the optimizer, init, loss, l2 inside train, a layer', () => {
  assert.deepEqual(at(SPIRAL, { key: 'lr' }), { text: 'lr: 0.01', line: lineOf(SPIRAL, 'optimizer:') });
  assert.deepEqual(at(SPIRAL, { key: 'lr', layer: 1 }), { text: 'lr: 0.01', line: lineOf(SPIRAL, 'optimizer:') });
  assert.deepEqual(at(SPIRAL, { key: 'init' }), { text: 'init: he', line: lineOf(SPIRAL, 'init: he') });
  assert.deepEqual(at(SPIRAL, { key: 'loss' }), { text: 'loss: softmax', line: lineOf(SPIRAL, 'loss: softmax') });
  assert.deepEqual(at(SPIRAL, { key: 'l2' }), { text: 'l2: 0.001', line: lineOf(SPIRAL, 'l2: 0.001') });
  // A layer's item, its first line only (the block item goes on with `activation: relu`).
  assert.deepEqual(at(SPIRAL, { key: 'layers', layer: 0 }), { text: 'dense: 100', line: lineOf(SPIRAL, 'dense: 100') });
  assert.equal(at(SPIRAL, { key: 'layers', layer: 1 }).line, lineOf(SPIRAL, 'dense: 3'));
});

test('a target the file leaves to its default falls back to the nearest entry it writes, on one line', () => {
  const bare = 'data: { dataset: spiral, samples: 60 }\nlayers:\n  - dense: 3\noptimizer: adam\ntrain:\n  epochs: 2\n';
  assert.deepEqual(at(bare, { key: 'lr' }), { text: 'optimizer: adam', line: 3 });
  assert.deepEqual(at(bare, { key: 'l2' }), { text: 'train:', line: 4 }, 'the train: key, not its block');
  assert.deepEqual(at(bare, { key: 'init' }), { text: 'data', line: 0 }, 'no init: the first key');
  assert.deepEqual(at(bare, { key: 'loss' }).line, 0);
  assert.deepEqual(at(bare, { key: 'layers', layer: 7 }).line, 1, 'a layer that is not there: the layers: key');
});

test('JSON model files: the same targets', () => {
  const json = readFileSync(path.join(root, 'examples/spiral.nn.json'), 'utf8');
  assert.match(at(json, { key: 'lr' }).text, /^"lr": 0\.0\d+$/);
  assert.match(at(json, { key: 'loss' }).text, /^"loss": "softmax"$/);
});

test('"Use this lr" writes the suggestion to 2 significant digits', () => {
  assert.equal(writtenLr(0.004012345), 0.004);
  assert.equal(writtenLr(0.017886495290574348), 0.018);
  assert.equal(writtenLr(3.16227766e-5), 3.2e-5);
});

test('the finder chart: raw losses with gaps, the centred curve before the stop, a top that clips the blow-up', () => {
  const points = [2, 1.9, 1.5, 1.0, 0.9, 40].map((loss, step) => ({ step, lr: 10 ** (step - 6), loss, smoothed: loss }));
  points.push({ step: 6, lr: 1, loss: Infinity, smoothed: Infinity });
  const c = lrCurves({ points, stoppedAt: 6, centred: [1.95, 1.8, 1.5, 1.1, 0.95, 20] });
  assert.equal(c.raw.length, 7);
  assert.ok(Number.isNaN(c.raw[6].y), 'a non-finite loss is a gap');
  assert.deepEqual(c.smoothed.map((p) => p.x), points.slice(0, 6).map((p) => p.lr));
  assert.ok(Math.abs(c.top - 22) < 1e-12, `10 % above the highest smoothed value (got ${c.top})`);
  assert.equal(c.bottom, 0);
  assert.equal(c.clipped, 2, '40 and ∞ are above the top');
  // A result from before the centred curve: the live EMA up to the stop.
  const old = lrCurves({ points, stoppedAt: 6 });
  assert.equal(old.smoothed.length, 6);
  assert.ok(Math.abs(old.top - 44) < 1e-12);
});

test('the sanity table: each check\'s expected and measured as its own kind of figure', () => {
  assert.deepEqual(checkFigures({ name: 'initial-loss', expected: Math.log(3), measured: 1.347282409528167 }), { expected: '≈ 1.099', measured: '1.347' });
  assert.deepEqual(checkFigures({ name: 'reg-raises-loss', expected: 1.347282409528167, measured: 1.4454602694518104 }), { expected: '> 1.347', measured: '1.445' });
  assert.deepEqual(checkFigures({ name: 'overfit-small', expected: 1, measured: 0.95 }), { expected: '100%', measured: '95%' });
  assert.deepEqual(checkFigures({ name: 'overfit-small', expected: 0.95, measured: 0.97123 }), { expected: 'R² ≥ 0.95', measured: 'R² 0.9712' });
  assert.deepEqual(checkFigures({ name: 'gradient', expected: 1e-4, measured: 2.7040401032210534e-8 }), { expected: '≤ 1e-4', measured: '2.70e-8' });
  assert.deepEqual(checkFigures({ name: 'update-ratio', expected: 1e-3, measured: 0.05098928197855736 }), { expected: '≈ 1e-3', measured: '5.10e-2' });
  assert.equal(sanitySummary([{ pass: true }, { pass: false }, { pass: true }]), '2 of 3 checks passed.');
  assert.equal(sanitySummary([{ pass: true }]), 'All 1 checks passed.');
});

test('the panel may ask for the checks and for the suggested lr, and nothing with extra fields', () => {
  for (const action of ['sanity', 'lrFind', 'useLr']) assert.ok(isWebviewToHost({ type: 'action', action }), action);
  assert.ok(!isWebviewToHost({ type: 'action', action: 'useLr', lr: 5 }));
});
