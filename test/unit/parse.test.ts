import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { lineColumn, closest } from '../../src/model/diagnostics';
import { inferShapes } from '../../src/model/shapes';

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
    data: { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, features: 2, validation: 0.2 },
    layers: [{ kind: 'dense', units: 100, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }],
    loss: 'softmax',
    init: { type: 'he' },
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    train: { epochs: 300, batch: 32, l2: 0.001, l1: 0, seed: 1 },
  });
  assert.equal(r.ranges.layers.length, 2);
  assert.equal(lineColumn(example, r.ranges.optimizer![0]).line, 15);
});

test('defaults follow cs231n and DESIGN.md', () => {
  const r = parseModel(MINIMAL);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec!.optimizer, { type: 'sgd', lr: 0.01 });
  assert.deepEqual(r.spec!.data, { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, features: 2, validation: 0.2 });
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

test('compare: one dimension and its values, checked like the rest', () => {
  assert.deepEqual(parseModel(MINIMAL + 'compare:\n  optimizer: [sgd, momentum, adam]\n').spec!.compare, { optimizer: ['sgd', 'momentum', 'adam'] });
  assert.deepEqual(parseModel(MINIMAL + 'compare: { lr: [0.1, 0.01] }\n').spec!.compare, { lr: [0.1, 0.01] });
  const typo = firstProblem(MINIMAL + 'compare:\n  init: [small, xaviar]\n');
  assert.equal(typo.text, 'xaviar');
  assert.match(typo.message, /Did you mean 'xavier'/);
  assert.match(firstProblem(MINIMAL + 'compare: { optimizer: [sgd], lr: [0.1, 0.2] }\n').message, /one dimension at a time; it has optimizer and lr/);
  assert.match(firstProblem(MINIMAL + 'compare: { loss: [softmax] }\n').message, /at least two values/);
  assert.match(firstProblem(MINIMAL + 'optimizer: adamm\n').message, /Unknown optimizer 'adamm'.*Did you mean 'adam'/);
});

/** A model on the init experiment's gaussian data, with the given layers. */
const GAUSS = (layers: string, classes = 3): string =>
  `data: { dataset: gaussian, samples: 20, features: 12, classes: ${classes} }\nlayers:\n${layers}`;

test('every layer kind and its short forms parse', () => {
  const r = parseModel(GAUSS(`  - dense: 8
    activation: { type: leaky_relu, alpha: 0.2 }
    init: { type: uniform, std: 0.1 }
  - batchnorm
  - dropout: 0.25
  - maxout: { units: 6, pieces: 3 }
  - activation: elu
  - batchnorm: { momentum: 0.8, eps: 0.001 }
  - dense: 3
    activation: linear
`));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec!.layers, [
    { kind: 'dense', units: 8, activation: { type: 'leaky_relu', alpha: 0.2 }, init: { type: 'uniform', std: 0.1 } },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'dropout', p: 0.25 },
    { kind: 'maxout', units: 6, pieces: 3 },
    { kind: 'activation', activation: { type: 'elu' } },
    { kind: 'batchnorm', momentum: 0.8, eps: 0.001 },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ]);
  assert.deepEqual(r.spec!.data, { dataset: 'gaussian', samples: 20, classes: 3, noise: 0, features: 12, validation: 0 });
});

test('every optimizer, the schedules, l1 and svm parse with cs231n defaults', () => {
  const opt = (o: string): unknown => parseModel(MINIMAL + `optimizer: ${o}\n`).spec?.optimizer;
  assert.deepEqual(opt('momentum'), { type: 'momentum', lr: 0.01, momentum: 0.9 });
  assert.deepEqual(opt('{ type: nesterov, momentum: 0.95 }'), { type: 'nesterov', lr: 0.01, momentum: 0.95 });
  assert.deepEqual(opt('adagrad'), { type: 'adagrad', lr: 0.01, eps: 1e-8 });
  assert.deepEqual(opt('{ type: rmsprop, decay: 0.9 }'), { type: 'rmsprop', lr: 0.01, decay: 0.9, eps: 1e-8 });
  assert.deepEqual(opt('{ type: adamw, weight_decay: 0.05 }'), { type: 'adamw', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 });
  const wrongKey = firstProblem(MINIMAL + 'optimizer: { type: sgd, momentum: 0.9 }\n');
  assert.match(wrongKey.message, /Unknown key 'momentum' in 'optimizer' \(sgd\)/);
  const t = parseModel(MINIMAL + 'loss: svm\ntrain: { l1: 0.001, schedule: { type: step, every: 10, gamma: 0.1 } }\n').spec!;
  assert.equal(t.loss, 'svm');
  assert.equal(t.train.l1, 0.001);
  assert.deepEqual(t.train.schedule, { type: 'step', every: 10, gamma: 0.1 });
  assert.deepEqual(parseModel(MINIMAL + 'train: { schedule: { type: cosine } }\n').spec!.train.schedule, { type: 'cosine', min: 0 });
  assert.match(firstProblem(MINIMAL + 'train: { schedule: { type: linear } }\n').message, /Unknown schedule 'linear'/);
});

test('shape errors sit on the layer that breaks', () => {
  const conv = firstProblem(GAUSS('  - conv: { filters: 4, size: 3 }\n  - dense: 3\n'));
  assert.match(conv.message, /conv needs image input \(channels×height×width\), but it gets 12 values per sample/);
  assert.equal(conv.at, '3:5');
  const ends = firstProblem(GAUSS('  - dense: 8\n  - activation: relu\n  - dropout: 0.5\n', 4));
  assert.match(ends.message, /ends with 8 = 8 outputs.*4 classes/);
  assert.equal(ends.at, '3:5', 'on the last layer that makes outputs');
  assert.match(firstProblem(MINIMAL + 'loss: mse\n').message, /'mse' compares outputs with numeric targets/);
  assert.match(firstProblem(GAUSS('  - dense: 3\n    activation: { type: relu, alpha: 0.1 }\n')).message, /'alpha' applies to leaky_relu and elu, not to relu/);
  assert.match(firstProblem(GAUSS('  - dense: 3\n    pool: 2\n')).message, /two kinds, 'dense' and 'pool'/);
  assert.match(firstProblem(GAUSS('  - dense: 3\n  - dropout: 1\n')).message, /'dropout' must be less than 1/);
  assert.match(firstProblem(GAUSS('  - dens: 3\n')).message, /Unknown layer kind 'dens'. Did you mean 'dense'\?/);
  assert.match(firstProblem(GAUSS('  - conv\n  - dense: 3\n')).message, /'conv' needs a value/);
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

test('shape inference through image layers, with the messages the editor shows', () => {
  const conv = (size: number, stride: number, pad = 0) => ({ kind: 'conv' as const, filters: 8, size, stride, pad, activation: { type: 'relu' as const } });
  const ok = inferShapes([1, 28, 28], [conv(3, 1, 1), { kind: 'pool', size: 2, stride: 2, type: 'max' }, conv(3, 1, 1), { kind: 'pool', size: 2, stride: 2, type: 'avg' }, { kind: 'flatten' }, { kind: 'dense', units: 10, activation: { type: 'linear' } }]);
  assert.equal(ok.error, undefined);
  assert.deepEqual(ok.shapes.map((s) => s.join('×')), ['8×28×28', '8×14×14', '8×14×14', '8×7×7', '392', '10']);
  assert.equal(inferShapes([1, 14, 14], [conv(3, 2)]).error?.message, 'conv output 6.5×6.5 is not whole: size 3, stride 2 on 14×14.');
  assert.equal(inferShapes([3, 4, 4], [{ kind: 'pool', size: 5, stride: 1, type: 'max' }]).error?.message, 'pool size 5 is larger than its 4×4 input.');
  assert.equal(inferShapes([3, 7, 7], [{ kind: 'pool', size: 2, stride: 2, type: 'max' }]).error?.message, 'pool output 3.5×3.5 is not whole: size 2, stride 2 on 7×7.');
});
