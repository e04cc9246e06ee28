import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseModel } from '../../../src/model/parse';

const root = path.resolve(__dirname, '../../../..');
const schema = JSON.parse(readFileSync(path.join(root, 'schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addKeyword('markdownEnumDescriptions');
const validate = ajv.compile(schema);

test('the JSON Schema takes the surface files the parser takes', () => {
  const good = [
    'surface: rosenbrock\nstart: [-1.5, 2]\noptimizer: { type: adam, lr: 0.02 }\ntrain: { steps: 300, noise: 0.1, seed: 1 }\ncompare: { optimizer: [sgd, adam], seeds: 2 }\n',
    'surface: "x^2 + 10 * y^2"\nstart: [1, 1]\ncompare: { lr: [0.1, 0.01] }\n',
    'surface: ravine\nstart: [0, 1]\noptimizer: momentum\n',
  ];
  for (const text of good) {
    assert.ok(validate(parse(text)), `${text}: ${ajv.errorsText(validate.errors)}`);
    assert.deepEqual(parseModel(text).diagnostics, [], text);
  }
});

test('the JSON Schema rejects what the parser rejects in a surface file, and surface keys in a network file', () => {
  const bad = [
    'surface: rosenbrock\n',
    'surface: rosenbrock\nstart: [1]\n',
    'surface: rosenbrock\nstart: [1, a]\n',
    'surface: rosenbrock\nstart: [1, 2]\ntrain: { epochs: 3 }\n',
    'surface: rosenbrock\nstart: [1, 2]\ntrain: { steps: 0 }\n',
    'surface: rosenbrock\nstart: [1, 2]\ntrain: { noise: -1 }\n',
    'surface: rosenbrock\nstart: [1, 2]\ncompare: { init: [he, xavier] }\n',
    'surface: rosenbrock\nstart: [1, 2]\nlayers: [{ dense: 3 }]\n',
    'surface: rosenbrock\nstart: [1, 2]\ninputs: { x: 1 }\n',
    'surface: [x, y]\nstart: [1, 2]\n',
    'data: { dataset: xor }\nlayers: [{ dense: 2 }]\nstart: [1, 2]\n',
    'data: { dataset: xor }\nlayers: [{ dense: 2 }]\ntrain: { steps: 10 }\n',
  ];
  for (const text of bad) {
    assert.equal(validate(parse(text)), false, `schema accepted: ${text}`);
    assert.equal(parseModel(text).spec, undefined, `parser accepted: ${text}`);
  }
});
