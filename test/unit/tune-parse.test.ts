import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModel } from '../../src/model/parse';
import { hiddenDenseLayers } from '../../src/model/tune-parse';
import { lineColumn } from '../../src/model/diagnostics';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const BASE = `data:
  dataset: spiral
  samples: 300
  classes: 3
layers:
  - dense: 50
    activation: relu
  - dropout: 0.5
  - dense: 40
    activation: relu
  - dense: 3
optimizer: { type: momentum, lr: 0.01 }
train:
  epochs: 7
`;

/** The file with a tune: section. */
function withTune(section: string, base = BASE): string {
  return `${base}tune:\n${section}`;
}

/** Every error: the text it underlines, its line and column, and its message. */
function errors(text: string): Array<{ at: string; text: string; message: string }> {
  return parseModel(text).diagnostics.filter((d) => d.severity === 'error').map((d) => {
    const { line, column } = lineColumn(text, d.start);
    return { at: `${line}:${column}`, text: text.slice(d.start, d.end), message: d.message };
  });
}

test('tune: every form of range, with its counts', () => {
  const r = parseModel(withTune(`  trials: 12
  epochs: 4
  seeds: 2
  lr: { log: [1.0e-6, 1.0] }
  l2: { log: [1.0e-5, 10] }
  l1: { range: [0, 0.01] }
  batch: [32, 64, 128]
  momentum: { range: [0.5, 0.99] }
  dropout: { range: [0.0, 0.7] }
  hidden: { int: [10, 200] }
  optimizer: [sgd, momentum, adam]
  init: [xavier, he]
`));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec?.tune, {
    trials: 12, epochs: 4, seeds: 2,
    ranges: {
      lr: { kind: 'log', min: 1e-6, max: 1 },
      l2: { kind: 'log', min: 1e-5, max: 10 },
      l1: { kind: 'range', min: 0, max: 0.01 },
      batch: { kind: 'choice', values: [32, 64, 128] },
      momentum: { kind: 'range', min: 0.5, max: 0.99 },
      dropout: { kind: 'range', min: 0, max: 0.7 },
      hidden: { kind: 'int', min: 10, max: 200 },
      optimizer: { kind: 'choice', values: ['sgd', 'momentum', 'adam'] },
      init: { kind: 'choice', values: ['xavier', 'he'] },
    },
  });
  assert.ok(r.ranges.tune, 'the tune key has a range (for a CodeLens)');
});

test('tune: defaults are 20 trials, train.epochs epochs, one seed', () => {
  const r = parseModel(withTune('  lr: { log: [1.0e-4, 1.0e-1] }\n'));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.spec?.tune, { trials: 20, epochs: 7, seeds: 1, ranges: { lr: { kind: 'log', min: 1e-4, max: 1e-1 } } });
});

test('tune: a log range with a bound at or below 0 is an error on that bound', () => {
  const e = errors(withTune('  lr: { log: [0, 1.0] }\n'));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, '0');
  assert.equal(e[0].at, '16:15');
  assert.match(e[0].message, /greater than 0 on a log scale/);
  assert.equal(errors(withTune('  l2: { log: [-1.0e-3, 1.0] }\n'))[0].text, '-1.0e-3');
});

test('tune: bounds out of order are an error on the pair', () => {
  const e = errors(withTune('  lr: { range: [0.1, 0.01] }\n'));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, '[0.1, 0.01]');
  assert.match(e[0].message, /0\.1 is above 0\.01/);
});

test('tune: an unknown parameter is an error on its key, with a suggestion', () => {
  const e = errors(withTune('  lr: { log: [1.0e-4, 1.0e-1] }\n  dropuot: { range: [0, 0.5] }\n'));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, 'dropuot');
  assert.match(e[0].message, /Unknown key 'dropuot'.*dropout/);
});

test('tune: dropout must stay in [0, 1); the offending bound or choice is marked', () => {
  assert.equal(errors(withTune('  dropout: { range: [0.2, 1] }\n'))[0].text, '1');
  const e = errors(withTune('  dropout: [0.1, 1.5]\n'));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, '1.5');
  assert.match(e[0].message, /less than 1/);
});

test('tune: dropout on a model without dropout layers is an error telling where to add one', () => {
  const noDropout = BASE.replace('  - dropout: 0.5\n', '');
  const e = errors(withTune('  dropout: { range: [0, 0.5] }\n', noDropout));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, 'dropout');
  assert.match(e[0].message, /has none: add '- dropout: 0\.5'/);
});

test('tune: hidden on a model without a hidden dense layer is an error on the key', () => {
  const linear = `data:\n  dataset: spiral\nlayers:\n  - dense: 3\n`;
  const e = errors(withTune('  hidden: { int: [10, 100] }\n', linear));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, 'hidden');
  assert.match(e[0].message, /every dense layer but the last/);
});

test('tune: hidden and batch take whole numbers; a range form they do not take names the forms they do', () => {
  assert.match(errors(withTune('  hidden: { int: [10.5, 100] }\n'))[0].message, /whole number/);
  const e = errors(withTune('  batch: { range: [16, 256] }\n'));
  assert.equal(e[0].text, 'range');
  assert.match(e[0].message, /\{ int: \[a, b\] \}, \{ log: \[a, b\] \}, a list of choices/);
});

test('tune: momentum needs a rule with momentum among the trials\' rules', () => {
  const adam = BASE.replace('{ type: momentum, lr: 0.01 }', 'adam');
  const e = errors(withTune('  momentum: { range: [0.5, 0.99] }\n', adam));
  assert.equal(e.length, 1);
  assert.equal(e[0].text, 'momentum');
  assert.match(e[0].message, /trials train with adam/);
  assert.deepEqual(errors(withTune('  momentum: { range: [0.5, 0.99] }\n  optimizer: [adam, nesterov]\n', adam)), []);
});

test('tune: unknown optimizer and init names, malformed ranges, empty sections', () => {
  const e = errors(withTune('  optimizer: [sgd, adamm]\n'));
  assert.equal(e[0].text, 'adamm');
  assert.match(e[0].message, /did you mean 'adam'/i);
  assert.equal(errors(withTune('  init: [he, glorot]\n'))[0].text, 'glorot');
  assert.equal(errors(withTune('  lr: { log: [1.0e-3] }\n'))[0].text, '[1.0e-3]');
  assert.equal(errors(withTune('  lr: 0.01\n'))[0].text, '0.01');
  assert.match(errors(withTune('  lr: { log: [1.0e-3, 1], range: [0, 1] }\n'))[0].message, /'lr' is drawn from/);
  assert.match(errors(withTune('  trials: 5\n'))[0].message, /needs at least one range/);
  assert.equal(errors(withTune('  trials: 0\n  lr: [0.1]\n'))[0].text, '0');
  assert.equal(errors(withTune('  seeds: 21\n  lr: [0.1]\n'))[0].text, '21');
  assert.equal(errors(`${BASE}tune: 5\n`)[0].text, '5');
});

test('tune: a file holding nothing out gets a warning (the trials could not be ranked)', () => {
  const d = parseModel(withTune('  lr: [0.1, 0.01]\n', BASE.replace('  classes: 3\n', '  classes: 3\n  validation: 0\n'))).diagnostics;
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'warning');
  assert.match(d[0].message, /validation: 0/);
});

test('hiddenDenseLayers: every dense layer but the last', () => {
  const spec = parseModel(BASE).spec!;
  assert.deepEqual(hiddenDenseLayers(spec.layers), [0, 2]);
});

test('the shipped JSON Schema takes every form the parser takes, and rejects what it rejects', () => {
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('markdownEnumDescriptions');
  const validate = ajv.compile(schema);
  const good = withTune(`  trials: 12
  epochs: 4
  seeds: 2
  lr: { log: [1.0e-6, 1.0] }
  l2: [0, 0.001, 0.01]
  l1: { range: [0, 0.01] }
  batch: { log: [16, 256] }
  momentum: { range: [0.5, 0.99] }
  dropout: [0.1, 0.3]
  hidden: { int: [10, 200] }
  optimizer: [sgd, momentum]
  init: [he]
`);
  assert.deepEqual(parseModel(good).diagnostics, []);
  assert.ok(validate(parse(good)), ajv.errorsText(validate.errors));
  for (const bad of ['  lr: { log: [0, 1.0] }\n', '  lr: { log: [1.0e-3] }\n', '  dropout: [1.5]\n', '  hidden: { int: [10.5, 20] }\n', '  optimizer: [adamm]\n',
    '  learning_rate: [0.1]\n', '  lr: 0.01\n', '  trials: 0\n  lr: [0.1]\n', '  batch: { range: [16, 256] }\n']) {
    assert.equal(validate(parse(withTune(bad))), false, `schema accepted: ${bad}`);
    assert.equal(parseModel(withTune(bad)).spec, undefined, `parser accepted: ${bad}`);
  }
});

test('tune: the largest trial must fit in memory, as the file\'s model must: an error on the range', () => {
  const text = withTune('  hidden: { int: [10, 100000] }\n');
  const e = errors(text);
  assert.equal(e.length, 1);
  assert.equal(e[0].text, '{ int: [10, 100000] }');
  assert.match(e[0].message, /largest trial \(hidden 100000\) needs about 149 GiB.*up to 2 GiB/);
  assert.deepEqual(errors(withTune('  hidden: { int: [10, 1000] }\n')), []);
  // The limit the host gives (the memoryLimit setting) applies here too.
  assert.match(parseModel(withTune('  batch: [32, 100000]\n  hidden: [10, 1000]\n'), { memoryLimit: 10 * 1024 ** 2 }).diagnostics[0].message, /hidden 1000, batch 100000/);
});
