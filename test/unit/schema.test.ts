import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseModel } from '../../src/model/parse';

const root = path.resolve(__dirname, '../../..');
const schema = JSON.parse(readFileSync(path.join(root, 'schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addKeyword('markdownEnumDescriptions');
const validate = ajv.compile(schema);

function modelFiles(): string[] {
  const out: string[] = [];
  for (const dir of ['examples', 'templates']) {
    const d = path.join(root, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (/\.nn\.(ya?ml|json)$/.test(f)) out.push(path.join(d, f));
  }
  return out;
}

test('every example and template is valid against the shipped JSON Schema', () => {
  const files = modelFiles();
  assert.ok(files.length >= 3, files.join(', '));
  for (const f of files) {
    const ok = validate(parse(readFileSync(f, 'utf8')));
    assert.ok(ok, `${path.basename(f)}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('the schema rejects what the parser rejects, on typical mistakes', () => {
  const bad = [
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\noptimiser: adam\n',
    'data: { dataset: spiral }\nlayers: [{ dens: 3 }]\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3, activation: rellu }]\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 0 }]\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\noptimizer: { type: adam, lr: -1 }\n',
    'data: { dataset: spiral }\nlayers: [{ dense: 3 }]\ntrain: { batch: half }\n',
    'data: { dataset: banana }\nlayers: [{ dense: 3 }]\n',
    'data: { csv: d.csv, dataset: spiral }\nlayers: [{ dense: 3 }]\n',
    'layers: [{ dense: 3 }]\n',
  ];
  for (const text of bad) {
    assert.equal(validate(parse(text)), false, `schema accepted: ${text}`);
    assert.equal(parseModel(text).spec, undefined, `parser accepted: ${text}`);
  }
  const good = 'data: { dataset: moons, noise: 0.2 }\nlayers:\n  - dense: 16\n    activation: { type: leaky_relu, alpha: 0.1 }\n  - dropout: 0.5\n  - batchnorm\n  - dense: 2\nloss: svm\ninit: { type: uniform, std: 0.1 }\noptimizer: { type: rmsprop, decay: 0.9 }\ntrain: { batch: full, schedule: { type: cosine, min: 0.0001 } }\ncompare: { optimizer: [sgd, adam] }\n';
  assert.ok(validate(parse(good)), ajv.errorsText(validate.errors));
  assert.deepEqual(parseModel(good).diagnostics, []);
});

test('every property in the schema has a description, and every enum describes its values', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${where}[${i}]`)); return; }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.properties) {
      for (const [k, v] of Object.entries(o.properties as Record<string, Record<string, unknown>>)) {
        const described = v.description || v.oneOf || v.const !== undefined || v.markdownEnumDescriptions;
        if (!described) missing.push(`${where}.${k}`);
      }
    }
    if (Array.isArray(o.enum) && o.enum.length > 1 && !Array.isArray(o.markdownEnumDescriptions)) missing.push(`${where} (enum)`);
    if (Array.isArray(o.enum) && Array.isArray(o.markdownEnumDescriptions)) assert.equal(o.enum.length, o.markdownEnumDescriptions.length, where);
    for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(missing, []);
});
