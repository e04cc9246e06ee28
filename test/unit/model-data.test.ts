import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { lineColumn } from '../../src/model/diagnostics';
import { pathChecker } from '../../src/node/files';

const LAYERS = 'layers:\n  - dense: 2\n';

function problem(text: string, checkPath?: ReturnType<typeof pathChecker>): { at: string; text: string; message: string } {
  const r = parseModel(text, { checkPath });
  assert.ok(r.diagnostics.length > 0, `expected a diagnostic for ${text}`);
  const d = r.diagnostics[0];
  const { line, column } = lineColumn(text, d.start);
  return { at: `${line}:${column}`, text: text.slice(d.start, d.end), message: d.message };
}

test('generated sets: defaults, and classes only where the construction allows them', () => {
  assert.deepEqual(parseModel(`data: { dataset: moons }\n${LAYERS}`).spec!.data, { dataset: 'moons', samples: 300, classes: 2, noise: 0.1, features: 2, validation: 0.2 });
  assert.deepEqual(parseModel(`data: { dataset: blobs, classes: 4, seed: 9 }\nlayers:\n  - dense: 4\n`).spec!.data, { dataset: 'blobs', samples: 300, classes: 4, noise: 0.5, features: 2, validation: 0.2, seed: 9 });
  assert.deepEqual(parseModel(`data: { dataset: mnist, samples: 2000 }\nlayers:\n  - dense: 10\n`).spec!.data, { dataset: 'mnist', samples: 2000, classes: 10, noise: 0, features: 784, validation: 0.2 });
  const p = problem(`data: { dataset: circles, classes: 3 }\n${LAYERS}`);
  assert.equal(p.text, 'classes');
  assert.equal(p.message, "'circles' always has 2 classes; remove 'classes'.");
  assert.match(problem(`data: { dataset: mnist, noise: 0.1 }\nlayers:\n  - dense: 10\n`).message, /'noise' applies to the generated 2-D sets/);
  assert.match(problem(`data: { dataset: mnist, samples: 20000 }\nlayers:\n  - dense: 10\n`).message, /at most 10000/);
  assert.match(problem(`data: { csv: a.csv, dataset: spiral }\n${LAYERS}`).message, /two sources, 'csv' and 'dataset'/);
  assert.match(problem(`data: { datset: spiral }\n${LAYERS}`).message, /needs a source.*Did you mean 'dataset'\?/);
});

test('mnist has image input: a conv net checks out, a wrong shape is caught', () => {
  const cnn = 'data: { dataset: mnist }\nlayers:\n  - conv: { filters: 8, size: 3, pad: 1 }\n    activation: relu\n  - pool: 2\n  - conv: { filters: 16, size: 3, pad: 1 }\n  - pool: 2\n  - dense: 10\n';
  assert.deepEqual(parseModel(cnn).diagnostics, []);
  const bad = problem('data: { dataset: mnist }\nlayers:\n  - conv: { filters: 8, size: 3, stride: 2 }\n  - dense: 10\n');
  assert.equal(bad.message, 'conv output 13.5×13.5 is not whole: size 3, stride 2 on 28×28.');
  assert.equal(bad.at, '3:5');
});

test('data files: paths relative to the model file, inside the workspace, existing, of the right kind', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'trainlens-ws-'));
  mkdirSync(path.join(ws, 'data'));
  mkdirSync(path.join(ws, 'data', 'cifar'));
  writeFileSync(path.join(ws, 'data', 'iris.csv'), 'a,b,label\n1,2,x\n');
  const outside = mkdtempSync(path.join(tmpdir(), 'trainlens-out-'));
  writeFileSync(path.join(outside, 'secret.csv'), '1,2\n');
  symlinkSync(path.join(outside, 'secret.csv'), path.join(ws, 'data', 'link.csv'));
  const check = pathChecker(path.join(ws, 'model.nn.yaml'), [ws]);
  const csv = (p: string): string => `data:\n  csv: ${p}\n  label: label\n${LAYERS}`;
  const ok = parseModel(csv('data/iris.csv'), { checkPath: check });
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(ok.spec!.data.csv, { path: 'data/iris.csv', label: 'label', normalize: 'standard' });
  const missing = problem(csv('data/iras.csv'), check);
  assert.equal(missing.text, 'data/iras.csv');
  assert.equal(missing.at, '2:8');
  assert.match(missing.message, /^No such file: 'data\/iras.csv'/);
  assert.match(problem(csv('../x.csv'), check).message, /'..\/x.csv' leaves the workspace/);
  assert.match(problem(csv(path.join(outside, 'secret.csv')), check).message, /must be a path relative to the model file/);
  assert.match(problem(csv('data/link.csv'), check).message, /is a link that leads out of the workspace/);
  assert.match(problem(csv('data'), check).message, /'data' is a folder; a file is expected/);
  assert.match(problem(`data:\n  cifar10: data/nothing\nlayers:\n  - dense: 10\n`, check).message, /^No such file or folder: 'data\/nothing'/);
  assert.deepEqual(parseModel(`data:\n  cifar10: data/cifar\nlayers:\n  - dense: 10\n`, { checkPath: check }).diagnostics, []);
  assert.match(problem(`data:\n  idx: { images: data/iris.csv }\n${LAYERS}`, check).message, /'idx' needs 'labels:'/);
  assert.match(problem(`data:\n  csv: data/iris.csv\n  normalize: zscore\n${LAYERS}`, check).message, /Unknown normalize 'zscore'/);
});

test('a model file in JSON reads like its YAML twin', () => {
  const root = path.resolve(__dirname, '../../..');
  const json = parseModel(readFileSync(path.join(root, 'examples/spiral.nn.json'), 'utf8'));
  const yaml = parseModel(readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8'));
  assert.deepEqual(json.diagnostics, []);
  assert.deepEqual(json.spec, yaml.spec);
  const broken = problem('{ "data": { "dataset": "spiral" }, "layers": [ { "dense": 3, "activaton": "relu" } ] }');
  assert.equal(broken.text, '"activaton"');
  assert.match(broken.message, /Did you mean 'activation'/);
});

test('a model too large to train here is refused from an estimate, before anything is allocated', () => {
  const huge = 'data: { dataset: gaussian, samples: 1000, features: 4000 }\nlayers:\n  - dense: 20000\n    activation: relu\n  - dense: 20000\n  - dense: 10\ntrain: { batch: 64 }\n';
  const p = problem(huge);
  assert.equal(p.text, 'layers');
  // 4000·20000 + 20000·20000 + 20000·10 weights: 480 M parameters × 16 bytes.
  assert.equal(p.message, 'This model needs about 7.22 GiB to train (parameters with gradients and optimizer state 7.16 GiB, activations at batch 64 39.1 MiB, data 30.5 MiB); TrainLens trains models up to 2 GiB. Use a smaller batch, fewer units or fewer samples.');
  assert.deepEqual(parseModel('data: { dataset: gaussian }\nlayers:\n  - dense: 500\n    activation: tanh\n  - dense: 10\n').diagnostics, []);
});
