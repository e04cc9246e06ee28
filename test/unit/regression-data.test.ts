import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Rng } from '../../src/engine/rng';
import { makeRipple, makeSine, rippleSurface } from '../../src/engine/data/regression';
import { splitValidation, splitValidationInPlace, type Dataset } from '../../src/engine/data/dataset';
import { normalize } from '../../src/engine/data/normalize';
import { parseCsv } from '../../src/engine/data/csv-dataset';
import { DataError, loadDataset } from '../../src/data/load';
import { makeDataset, Trainer } from '../../src/engine/trainer';
import { parseModel } from '../../src/model/parse';
import { lineColumn } from '../../src/model/diagnostics';
import type { ModelSpec } from '../../src/model/spec';

/*
 * Regression data: the generated sets' laws, the CSV `target:` columns, the random split of a set
 * without classes, and the model file's checks of loss against data.
 */

function moments(a: ArrayLike<number>): { mean: number; sd: number; min: number; max: number } {
  let s = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < a.length; i++) { s += a[i]; min = Math.min(min, a[i]); max = Math.max(max, a[i]); }
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(v / a.length), min, max };
}

test('sine: x ~ U[-3, 3] (mean 0, sd 6/√12), y − sin(x) ~ N(0, noise²); seeded', () => {
  const n = 20_000;
  const d = makeSine(n, 0.3, new Rng(7));
  assert.deepEqual([d.n, d.features, d.classes, d.targetCount, d.y.length, d.shape], [n, 1, 0, 1, 0, [1]]);
  const x = moments(d.x);
  // Standard errors: sd/√n ≈ 0.012 for the mean; the bounds are 4 of them.
  assert.ok(Math.abs(x.mean) < 0.05, `mean ${x.mean}`);
  assert.ok(Math.abs(x.sd - 6 / Math.sqrt(12)) < 0.03, `sd ${x.sd}`);
  assert.ok(x.min >= -3 && x.max < 3 && x.min < -2.99 && x.max > 2.99, `${x.min} … ${x.max}`);
  const noise = moments(Array.from(d.x, (v, i) => d.targets![i] - Math.sin(v)));
  assert.ok(Math.abs(noise.mean) < 0.01, `noise mean ${noise.mean}`);
  assert.ok(Math.abs(noise.sd - 0.3) < 0.01, `noise sd ${noise.sd}`);
  // Noise 0: the target is sin of the stored input, to float32 rounding.
  const clean = makeSine(100, 0, new Rng(1));
  for (let i = 0; i < 100; i++) assert.equal(clean.targets![i], Math.fround(Math.sin(clean.x[i])));
  assert.deepEqual(makeSine(50, 0.1, new Rng(3)), makeSine(50, 0.1, new Rng(3)));
  assert.notDeepEqual(makeSine(50, 0.1, new Rng(3)).x, makeSine(50, 0.1, new Rng(4)).x);
});

test('ripple: (x1, x2) ~ U[-1, 1]², y − sin(πx1)cos(πx2) ~ N(0, noise²); seeded', () => {
  const n = 20_000;
  const d = makeRipple(n, 0.05, new Rng(11));
  assert.deepEqual([d.n, d.features, d.classes, d.targetCount, d.shape], [n, 2, 0, 1, [2]]);
  for (const k of [0, 1]) {
    const c = moments(Array.from({ length: n }, (_, i) => d.x[2 * i + k]));
    assert.ok(Math.abs(c.mean) < 0.02 && Math.abs(c.sd - 2 / Math.sqrt(12)) < 0.01 && c.min >= -1 && c.max < 1, JSON.stringify(c));
  }
  const noise = moments(Array.from({ length: n }, (_, i) => d.targets![i] - rippleSurface(d.x[2 * i], d.x[2 * i + 1])));
  assert.ok(Math.abs(noise.mean) < 0.003 && Math.abs(noise.sd - 0.05) < 0.002, JSON.stringify(noise));
  // The surface at points worked by hand: sin(π/2)·cos(0) = 1, sin(π/2)·cos(π) = −1, sin(0)·… = 0.
  assert.equal(rippleSurface(0.5, 0), 1);
  assert.ok(Math.abs(rippleSurface(0.5, 1) + 1) < 1e-15 && Math.abs(rippleSurface(0, 0.3)) < 1e-15);
  assert.deepEqual(makeRipple(30, 0.1, new Rng(2)), makeRipple(30, 0.1, new Rng(2)));
});

const reg = (n: number): Dataset => makeSine(n, 0.1, new Rng(n));

test('a regression set splits at random: round(fraction·n) held out, every row once, targets with their rows; in place = copy', () => {
  for (const [n, fraction] of [[100, 0.2], [7, 0.3], [2, 0.9], [1, 0.5], [50, 0]] as const) {
    const copy = splitValidation(reg(n), fraction, new Rng(5));
    const data = reg(n);
    const inPlace = splitValidationInPlace(data, fraction, new Rng(5));
    const held = Math.min(Math.round(fraction * n), n - 1);
    assert.equal(copy.validation.n, held, `n ${n} fraction ${fraction}`);
    for (const [a, b] of [[copy.train, inPlace.train], [copy.validation, inPlace.validation]]) {
      assert.deepEqual(Array.from(a.x), Array.from(b.x));
      assert.deepEqual(Array.from(a.targets!), Array.from(b.targets!));
      assert.equal(b.targetCount, 1);
      assert.equal(b.y.length, 0);
    }
    // Each row keeps its own target, and the two sides hold every row once.
    const source = reg(n);
    const pairs = (d: Dataset) => Array.from(d.x, (x, i) => `${x}:${d.targets![i]}`);
    assert.deepEqual([...pairs(copy.train), ...pairs(copy.validation)].sort(), pairs(source).sort());
  }
  // Seeded: another seed, another split.
  const a = splitValidation(reg(100), 0.2, new Rng(1)).validation.x;
  const b = splitValidation(reg(100), 0.2, new Rng(2)).validation.x;
  assert.notDeepEqual(Array.from(a), Array.from(b));
});

test('CSV target columns: numbers kept as read (normalization touches features only), by name, index or list', () => {
  const text = 'a,price,b,rent\n1,100,10,7\n2,200,20,8\n3,300,30,9\n4,400,40,10\n';
  const one = parseCsv(text, { file: 'h.csv', label: -1, target: ['price'] });
  assert.deepEqual([one.n, one.features, one.classes, one.targetCount, one.targetNames], [4, 3, 0, 1, ['price']]);
  assert.deepEqual(Array.from(one.x), [1, 10, 7, 2, 20, 8, 3, 30, 9, 4, 40, 10]);
  assert.deepEqual(Array.from(one.targets!), [100, 200, 300, 400]);
  const two = parseCsv(text, { file: 'h.csv', label: -1, target: [-1, 1] });
  assert.deepEqual(two.targetNames, ['rent', 'price']);
  assert.deepEqual(Array.from(two.targets!), [7, 100, 8, 200, 9, 300, 10, 400]);
  assert.deepEqual(Array.from(two.x), [1, 10, 2, 20, 3, 30, 4, 40]);
  const { train, validation } = normalize(one, one, 'standard');
  assert.deepEqual(Array.from(train.targets!), [100, 200, 300, 400]);
  assert.deepEqual(Array.from(validation.targets!), [100, 200, 300, 400]);
  assert.ok(Math.abs(train.x[0] + Math.sqrt(1.8)) < 1e-6, `feature a normalized: ${train.x[0]}`);
});

test('CSV target errors name the file, the line and the column', () => {
  const fails = (text: string, target: Array<string | number>): DataError => {
    try {
      parseCsv(text, { file: 'data/h.csv', label: -1, target });
    } catch (e) {
      assert.ok(e instanceof DataError, String(e));
      return e;
    }
    assert.fail('expected a DataError');
  };
  const bad = fails('a,price\n1,100\n2,cheap\n', ['price']);
  assert.equal(bad.message, 'data/h.csv: line 3, column "price": "cheap" is not a number (a regression target must be a number)');
  assert.deepEqual([bad.file, bad.line, bad.column, bad.columnName], ['data/h.csv', 3, 2, 'price']);
  assert.equal(fails('1,100\n2,\n', [1]).message, 'data/h.csv: line 2, column 2: empty cell (targets must be numbers)');
  assert.match(fails('a,price\n1,2\n', ['cost']).message, /^data\/h\.csv: no column named "cost" in the header \(line 1\)/);
  assert.match(fails('1,2\n3,4\n', ['price']).message, /the target column is given by name \("price"\), but the file has no header row/);
  assert.match(fails('1,2\n3,4\n', [5]).message, /target column 5 is out of range: the file has 2 columns/);
  assert.match(fails('a,b\n1,2\n', ['a', 'b']).message, /all of them targets: the file needs feature columns besides the target columns/);
});

test('loadDataset reads a csv with target: into a regression set the Trainer trains with mse', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-reg-'));
  const rows = ['x1,x2,y'];
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const a = rng.uniform(), b = rng.uniform();
    rows.push(`${a},${b},${3 * a - 2 * b + 1}`);
  }
  writeFileSync(path.join(dir, 'lin.csv'), rows.join('\n'));
  const text = 'data:\n  csv: lin.csv\n  target: y\nlayers:\n  - dense: 1\noptimizer: { type: adam, lr: 0.05 }\ntrain: { epochs: 60, batch: 20 }\n';
  const parsed = parseModel(text);
  assert.deepEqual(parsed.diagnostics, []);
  const spec = parsed.spec!;
  assert.equal(spec.loss, 'mse', 'mse is the default for numeric targets');
  assert.deepEqual([spec.data.targets, spec.data.csv!.target], [1, ['y']]);
  const data = await loadDataset(spec, dir);
  assert.deepEqual([data.n, data.features, data.targetCount], [200, 2, 1]);
  const t = new Trainer(spec, 'float32', data, { ownData: true });
  while (!t.done) t.trainStep();
  const val = t.evaluate(t.validationSet);
  assert.ok(val.regression!.r2 > 0.999, `R² ${val.regression!.r2}`);
  assert.ok(Number.isNaN(val.accuracy));
});

function problems(text: string): Array<{ at: string; text: string; message: string; severity: string }> {
  return parseModel(text).diagnostics.map((d) => {
    const { line, column } = lineColumn(text, d.start);
    return { at: `${line}:${column}`, text: text.slice(d.start, d.end), message: d.message, severity: d.severity };
  });
}

test('sine and ripple parse with mse (the default for numeric targets) and train', () => {
  for (const dataset of ['sine', 'ripple'] as const) {
    const text = `data: { dataset: ${dataset}, samples: 100 }\nlayers:\n  - dense: 8\n    activation: tanh\n  - dense: 1\n`;
    const r = parseModel(text);
    assert.deepEqual(r.diagnostics, [], dataset);
    const spec = r.spec as ModelSpec;
    assert.equal(spec.loss, 'mse');
    assert.deepEqual([spec.data.targets, spec.data.classes, spec.data.features], [1, 0, dataset === 'sine' ? 1 : 2]);
    const d = makeDataset(spec);
    assert.deepEqual([d.n, d.features, d.targetCount], [100, spec.data.features, 1]);
    const t = new Trainer(spec);
    const first = t.trainStep();
    assert.ok(Number.isFinite(first.loss) && first.correct === 0);
  }
});

test('mse on class labels, softmax/svm on numeric targets and a wrong output width are errors where they are written', () => {
  const labels = problems('data: { dataset: spiral }\nlayers:\n  - dense: 3\nloss: mse\n');
  assert.deepEqual(labels.map((p) => [p.at, p.text]), [['4:7', 'mse']]);
  assert.match(labels[0].message, /'mse' compares outputs with numeric targets, but 'spiral' has class labels/);
  const softmax = problems('data: { dataset: sine }\nlayers:\n  - dense: 1\nloss: softmax\n');
  assert.deepEqual(softmax.map((p) => [p.at, p.text, p.message]), [['4:7', 'softmax', "'softmax' needs class labels, but 'sine' has numeric targets (regression); use 'loss: mse'."]]);
  const svm = problems('data:\n  csv: h.csv\n  target: [a, b]\nlayers:\n  - dense: 2\nloss: { type: svm, margin: 2 }\n');
  assert.deepEqual(svm.map((p) => [p.at, p.text]), [['6:15', 'svm']]);
  assert.match(svm[0].message, /'svm' needs class labels, but 'h\.csv' has numeric targets/);
  const width = problems('data: { dataset: ripple }\nlayers:\n  - dense: 8\n  - dense: 3\n');
  assert.deepEqual(width.map((p) => [p.at, p.text]), [['4:5', 'dense: 3\n']]);
  assert.match(width[0].message, /^The model ends with 3 outputs, but mse needs one output per target, and the data has 1 to predict\. End with 'dense: 1'\.$/);
  const compare = problems('data: { dataset: sine }\nlayers:\n  - dense: 1\ncompare: { loss: [mse, softmax] }\n');
  assert.deepEqual(compare.map((p) => [p.at, p.text]), [['4:24', 'softmax']]);
  const both = problems('data:\n  csv: h.csv\n  label: kind\n  target: price\nlayers:\n  - dense: 1\n');
  assert.deepEqual(both.map((p) => [p.at, p.text]), [['4:3', 'target']]);
  const classes = problems('data: { dataset: sine, classes: 3 }\nlayers:\n  - dense: 1\n');
  assert.match(classes[0].message, /'sine' has numeric targets \(regression, 'loss: mse'\), not classes; remove 'classes'\./);
  assert.equal(classes[0].text, 'classes');
  const twice = problems('data:\n  csv: h.csv\n  target: [a, a]\nlayers:\n  - dense: 1\n');
  assert.deepEqual(twice.map((p) => [p.at, p.text]), [['3:15', 'a']]);
  const squashed = problems('data: { dataset: sine }\nlayers:\n  - dense: 1\n    activation: tanh\n');
  assert.deepEqual(squashed.map((p) => [p.severity, p.at]), [['warning', '3:5']]);
  assert.match(squashed[0].message, /limits the predictions to its range/);
});

test('loss: { type: svm, margin: Δ } is read; margin is svm-only and must be above 0', () => {
  const base = 'data: { dataset: spiral }\nlayers:\n  - dense: 3\n';
  assert.equal(parseModel(base + 'loss: { type: svm, margin: 2.5 }\n').spec!.svmMargin, 2.5);
  assert.equal(parseModel(base + 'loss: svm\n').spec!.svmMargin, undefined);
  assert.equal(parseModel(base + 'loss: { type: softmax }\n').spec!.loss, 'softmax');
  const zero = problems(base + 'loss: { type: svm, margin: 0 }\n');
  assert.deepEqual(zero.map((p) => [p.at, p.text]), [['4:28', '0']]);
  const wrong = problems(base + 'loss: { type: softmax, margin: 2 }\n');
  assert.deepEqual(wrong.map((p) => [p.at, p.text, p.message]), [['4:24', 'margin', "'margin' is the SVM hinge's Δ; it applies to 'svm' only."]]);
  assert.match(problems(base + 'loss: { margin: 2 }\n')[0].message, /'loss' needs a 'type'/);
});

test('a csv with target: columns: a last dense layer of another width is an error before the file is read', () => {
  const two = problems('data:\n  csv: h.csv\n  target: [a, b]\nlayers:\n  - dense: 8\n    activation: relu\n  - dense: 3\n  - dropout: 0.1\nloss: mse\n');
  assert.deepEqual(two.map((p) => [p.at, p.text]), [['7:5', 'dense: 3\n']]);
  assert.match(two[0].message, /ends with 3 outputs, but mse needs one output per target, and the data has 2 to predict\. End with 'dense: 2'\./);
  assert.deepEqual(problems('data:\n  csv: h.csv\n  target: [a, b]\nlayers:\n  - dense: 2\n'), []);
});

test('the JSON Schema knows sine, ripple, target: and loss: { type, margin }, as the parser does', async () => {
  const { default: Ajv } = await import('ajv');
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('markdownEnumDescriptions');
  const validate = ajv.compile(schema);
  const good = [
    'data: { dataset: sine, samples: 100, noise: 0.2 }\nlayers: [{ dense: 1 }]\nloss: mse\n',
    'data: { dataset: ripple }\nlayers: [{ dense: 8 }, { dense: 1 }]\n',
    'data: { csv: h.csv, target: price }\nlayers: [{ dense: 1 }]\n',
    'data: { csv: h.csv, target: [a, -1] }\nlayers: [{ dense: 2 }]\nloss: { type: mse }\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\nloss: { type: svm, margin: 2 }\n',
  ];
  for (const text of good) {
    assert.ok(validate(parse(text)), `${text}: ${ajv.errorsText(validate.errors)}`);
    assert.deepEqual(parseModel(text, { checkPath: () => undefined }).diagnostics, [], text);
  }
  const bad = [
    'data: { dataset: sine, target: y }\nlayers: [{ dense: 1 }]\n',
    'data: { csv: h.csv, target: [] }\nlayers: [{ dense: 1 }]\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\nloss: { type: svm, margin: 0 }\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\nloss: { type: hinge }\n',
  ];
  for (const text of bad) {
    assert.equal(validate(parse(text)), false, `schema accepted: ${text}`);
    assert.equal(parseModel(text).spec, undefined, `parser accepted: ${text}`);
  }
});

test('a regression run owning its data (split in place, targets copied out of the arena) trains bit for bit as one given a copy', () => {
  const spec = parseModel('data: { dataset: ripple, samples: 300 }\nlayers:\n  - dense: 16\n    activation: relu\n  - dense: 1\noptimizer: adam\ntrain: { epochs: 3, batch: 25 }\n').spec!;
  const losses = (t: Trainer): number[] => Array.from({ length: t.totalSteps }, () => t.trainStep().loss);
  const data = makeDataset(spec);
  const copy: Dataset = { ...data, x: data.x.slice(), targets: data.targets!.slice() };
  const owned = new Trainer(spec, 'float32', data, { ownData: true });
  const given = new Trainer(spec, 'float32', copy, { ownData: false });
  assert.deepEqual(Array.from(owned.validationSet.targets!), Array.from(given.validationSet.targets!));
  assert.deepEqual(losses(owned), losses(given));
  assert.deepEqual(owned.evaluate(owned.validationSet), given.evaluate(given.validationSet));
  // The copy handed over is left as it was.
  assert.deepEqual(Array.from(copy.targets!), Array.from(makeDataset(spec).targets!));
});
