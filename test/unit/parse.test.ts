import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { lineColumn, closest } from '../../src/model/diagnostics';

const root = path.resolve(__dirname, '../../..');
const example = readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8');

/** Line:column of the first diagnostic, and the text it underlines. */
function firstProblem(text: string): { at: string; text: string; message: string; severity: string } {
  const r = parseModel(text);
  assert.ok(r.diagnostics.length > 0, 'expected a diagnostic');
  const d = r.diagnostics[0];
  const { line, column } = lineColumn(text, d.start);
  return { at: `${line}:${column}`, text: text.slice(d.start, d.end), message: d.message, severity: d.severity };
}

const MINIMAL = `data:
  dataset: spiral
layers:
  - dense: 3
`;

test('the spiral example parses to the spec it says', () => {
  const r = parseModel(example);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec, {
    data: { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, validation: 0.2 },
    layers: [{ kind: 'dense', units: 100, activation: 'relu' }, { kind: 'dense', units: 3, activation: 'linear' }],
    loss: 'softmax',
    init: { type: 'he' },
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 300, batch: 32, l2: 0.001, seed: 1 },
  });
  assert.equal(r.ranges.layers.length, 2);
  assert.equal(lineColumn(example, r.ranges.optimizer![0]).line, 15);
});

test('defaults follow cs231n and DESIGN.md', () => {
  const r = parseModel(MINIMAL);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec!.optimizer, { type: 'sgd', lr: 0.01 });
  assert.deepEqual(r.spec!.data, { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, validation: 0.2 });
  assert.equal(r.spec!.loss, 'softmax');
  const adam = parseModel(MINIMAL + 'optimizer: adam\n');
  assert.deepEqual(adam.spec!.optimizer, { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const full = parseModel(MINIMAL + 'train: { batch: full }\n');
  assert.equal(full.spec!.train.batch, 'full');
  const custom = parseModel(MINIMAL + 'init: { type: normal, std: 0.05 }\n');
  assert.deepEqual(custom.spec!.init, { type: 'normal', std: 0.05 });
});

test('an unknown key is underlined, with "did you mean"', () => {
  const p = firstProblem(MINIMAL + 'optimiser: adam\n');
  assert.equal(p.at, '5:1');
  assert.equal(p.text, 'optimiser');
  assert.match(p.message, /Unknown key 'optimiser'.*Did you mean 'optimizer'\?/);
  const inner = firstProblem(MINIMAL.replace('dataset: spiral', 'dataset: spiral\n  sampels: 10'));
  assert.equal(inner.at, '3:3');
  assert.match(inner.message, /Did you mean 'samples'/);
});

test('a wrong value is underlined where it stands', () => {
  const p = firstProblem(MINIMAL + 'train:\n  epochs: ten\n');
  assert.equal(p.at, '6:11');
  assert.equal(p.text, 'ten');
  assert.match(p.message, /'epochs' must be a whole number, not 'ten'/);
  const lr = firstProblem(MINIMAL + 'optimizer: { type: adam, lr: -1 }\n');
  assert.equal(lr.text, '-1');
  assert.match(lr.message, /greater than 0/);
  const act = firstProblem(MINIMAL.replace('dense: 3', 'dense: 3\n    activation: rellu'));
  assert.equal(act.text, 'rellu');
  assert.match(act.message, /Did you mean 'relu'/);
  const val = firstProblem(MINIMAL.replace('dataset: spiral', 'dataset: spiral\n  validation: 1'));
  assert.match(val.message, /less than 1/);
});

test('the last layer must score every class; the error sits on that layer', () => {
  const text = MINIMAL.replace('dense: 3', 'dense: 50\n    activation: relu\n  - dense: 4');
  const p = firstProblem(text);
  assert.equal(p.at, '6:5');
  assert.match(p.message, /4 outputs.*3 classes.*'dense: 3'/);
});

test('format-v1 features not in this version say so, instead of "unknown"', () => {
  assert.match(firstProblem(MINIMAL.replace('dense: 3', 'conv: { filters: 8, size: 3 }\n  - dense: 3')).message, /not available in this version/);
  assert.match(firstProblem(MINIMAL + 'optimizer: rmsprop\n').message, /not available in this version/);
  assert.match(firstProblem(MINIMAL.replace('spiral', 'mnist')).message, /not available in this version/);
  assert.match(firstProblem(MINIMAL + 'optimizer: adamm\n').message, /Unknown optimizer 'adamm'.*Did you mean 'adam'/);
});

test('broken YAML, empty files and non-mappings give diagnostics, never exceptions', () => {
  for (const text of ['', '   ', '- a\n- b', 'data: [\n', 'data: {dataset: spiral}\ndata: {}\n', 'layers:\n\t- dense: 3', 'x: *y', '"unterminated', '42', 'null']) {
    const r = parseModel(text);
    assert.equal(r.spec, undefined, JSON.stringify(text));
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(text));
    for (const d of r.diagnostics) assert.ok(d.start >= 0 && d.end >= d.start && d.end <= Math.max(text.length, 1), JSON.stringify(text));
  }
});

test('missing sections are reported', () => {
  assert.match(firstProblem('layers:\n  - dense: 3\n').message, /needs a 'data:'/);
  assert.match(firstProblem('data: { dataset: spiral }\n').message, /needs a 'layers:'/);
  assert.match(firstProblem('data: { dataset: spiral }\nlayers: []\n').message, /must be a list of layers/);
});

test('closest() suggests only near misses', () => {
  assert.equal(closest('lyers', ['layers', 'loss']), 'layers');
  assert.equal(closest('banana', ['layers', 'loss']), undefined);
});
