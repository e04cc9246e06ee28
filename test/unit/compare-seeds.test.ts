import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseModel } from '../../src/model/parse';
import { lineColumn } from '../../src/model/diagnostics';
import { compareOf, compareVariants, withSeeds } from '../../src/model/variants';
import { Trainer } from '../../src/engine/trainer';
import { RunManager } from '../../src/training/runs';
import { Comparison } from '../../src/training/compare';
import { finalSpread } from '../../src/training/aggregate';
import { overlayOfSession } from '../../src/panel/overlays';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const root = path.resolve(__dirname, '../../..');
const MINIMAL = 'data:\n  dataset: spiral\nlayers:\n  - dense: 3\n';

function problem(text: string): { at: string; text: string; message: string } {
  const d = parseModel(text).diagnostics.find((x) => x.severity === 'error');
  assert.ok(d, 'expected an error');
  const { line, column } = lineColumn(text, d.start);
  return { at: `${line}:${column}`, text: text.slice(d.start, d.end), message: d.message };
}

test('compare: seeds: k with a dimension, or alone; a diagnostic on the value when out of range', () => {
  assert.deepEqual(parseModel(MINIMAL + 'compare: { optimizer: [sgd, adam], seeds: 3 }\n').spec!.compare, { optimizer: ['sgd', 'adam'], seeds: 3 });
  assert.deepEqual(parseModel(MINIMAL + 'compare:\n  seeds: 5\n  lr: [0.1, 0.01]\n').spec!.compare, { lr: [0.1, 0.01], seeds: 5 });
  const alone = parseModel(MINIMAL + 'compare: { seeds: 3 }\n').spec!.compare!;
  assert.deepEqual(alone, { seeds: 3 });
  assert.equal(compareOf(alone), undefined, 'no dimension: the command asks for one');
  assert.equal(compareOf({ init: ['he', 'xavier'], seeds: 2 })!.dimension, 'init');
  for (const [value, word] of [['0', 'at least 1'], ['21', 'at most 20'], ['2.5', 'whole number']]) {
    const text = `${MINIMAL}compare: { optimizer: [sgd, adam], seeds: ${value} }\n`;
    const p = problem(text);
    assert.equal(p.text, value, `seeds: ${value} underlines its value`);
    assert.equal(p.at, '5:43');
    assert.match(p.message, new RegExp(`'seeds'.*${word}`), p.message);
    assert.equal(parseModel(text).spec, undefined);
  }
  assert.match(problem(MINIMAL + 'compare: { optimizer: [sgd, adam], seed: 3 }\n').message, /seeds/, 'a typo gets "did you mean"');
  assert.match(problem(MINIMAL + 'compare: { optimizer: [sgd, adam], init: [he, small], seeds: 2 }\n').message, /one dimension at a time/);
});

test('the JSON Schema accepts and rejects seeds: as the parser does', () => {
  const schema = JSON.parse(readFileSync(path.join(root, 'schemas/nn-model.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('markdownEnumDescriptions');
  const validate = ajv.compile(schema);
  const ok = (compare: string): boolean => {
    const text = MINIMAL + `compare: ${compare}\n`;
    const valid = validate(parse(text)) as boolean;
    assert.equal(valid, parseModel(text).spec !== undefined, `${compare}: schema ${valid}, parser the other way`);
    return valid;
  };
  assert.equal(ok('{ optimizer: [sgd, adam], seeds: 3 }'), true);
  assert.equal(ok('{ seeds: 20 }'), true);
  assert.equal(ok('{ optimizer: [sgd, adam] }'), true);
  assert.equal(ok('{ seeds: 0 }'), false);
  assert.equal(ok('{ optimizer: [sgd, adam], seeds: 21 }'), false);
  assert.equal(ok('{ optimizer: [sgd, adam], init: [he, small] }'), false);
  assert.equal(ok('{ optimizer: [sgd, adam], init: [he, small], seeds: 2 }'), false);
});

test('withSeeds: each variant k times, seed s … s+k−1, variant by variant; one seed leaves the variants alone', () => {
  const variants = compareVariants(SPIRAL, 'optimizer', ['sgd', 'adam']);
  assert.deepEqual(withSeeds(variants, 1), variants);
  const runs = withSeeds(variants, 3);
  assert.deepEqual(runs.map((r) => [r.label, r.group, r.seed, r.spec.train.seed, r.spec.optimizer.type]), [
    ['sgd · seed 1', 'sgd', 1, 1, 'sgd'], ['sgd · seed 2', 'sgd', 2, 2, 'sgd'], ['sgd · seed 3', 'sgd', 3, 3, 'sgd'],
    ['adam · seed 1', 'adam', 1, 1, 'adam'], ['adam · seed 2', 'adam', 2, 2, 'adam'], ['adam · seed 3', 'adam', 3, 3, 'adam'],
  ]);
  // The data seed is pinned to the file's: train.seed's when the file gives none, its own otherwise.
  assert.ok(runs.every((r) => r.spec.data.seed === 1));
  const own = withSeeds(compareVariants({ ...SPIRAL, data: { ...SPIRAL.data, seed: 7 } }, 'lr', [0.1, 0.01]), 2);
  assert.deepEqual(own.map((r) => [r.spec.data.seed, r.spec.train.seed]), [[7, 1], [7, 2], [7, 1], [7, 2]]);
});

test('withSeeds: the seeds share the data and its split; init and batch order differ; the first seed is the plain variant', () => {
  const [variant] = compareVariants(SPIRAL, 'optimizer', ['adam']);
  const trainers = withSeeds([variant], 3).map((r) => new Trainer(r.spec));
  const plain = new Trainer(variant.spec);
  for (const t of trainers) {
    assert.deepEqual(t.validationSet.x, plain.validationSet.x, 'the same held-out samples');
    assert.deepEqual(t.validationSet.y, plain.validationSet.y);
    assert.deepEqual(t.trainSet.y, plain.trainSet.y, 'the same training samples, in the same split order');
  }
  assert.notDeepEqual(trainers[1].network.params[0].value, trainers[0].network.params[0].value, 'another init');
  assert.notDeepEqual(trainers[2].network.params[0].value, trainers[1].network.params[0].value);
  assert.notDeepEqual(trainers[1]['order'], trainers[0]['order'], 'another batch order');
  trainers[0].network.params.forEach((p, i) => assert.deepEqual(p.value, plain.network.params[i].value));
  const first = Array.from({ length: 20 }, () => trainers[0].trainStep().loss);
  assert.deepEqual(first, Array.from({ length: 20 }, () => plain.trainStep().loss), 'seed s is the variant\'s own run, bit for bit');
});

test('a comparison over seeds runs k runs per variant; each is its spec\'s run; the overlays carry group and seed', async () => {
  const runs = new RunManager(nodeWorkers(path.resolve(__dirname, '../../../dist/worker.js')), { progressIntervalMs: 20 });
  const short = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 2 } };
  const plan = withSeeds(compareVariants(short, 'optimizer', ['sgd', 'adam']), 2);
  const c = new Comparison(runs, 'file:///w/spiral.nn.yaml', 'spiral.nn.yaml', 'optimizer', plan, null, 2, 2).start();
  await c.finished;
  await Promise.all(c.sessions.map((s) => s!.finished));
  assert.equal(c.seeds, 2);
  assert.deepEqual(c.sessions.map((s) => [s!.status, s!.info.variant!.group, s!.info.variant!.seed, s!.info.variant!.count]), [
    ['finished', 'sgd', 1, 4], ['finished', 'sgd', 2, 4], ['finished', 'adam', 1, 4], ['finished', 'adam', 2, 4],
  ]);
  c.sessions.forEach((s, i) => {
    const t = new Trainer(plan[i].spec);
    assert.deepEqual(s!.loss.values(), Array.from({ length: s!.loss.steps }, () => t.trainStep().loss), `${plan[i].label}: losses`);
    const o = overlayOfSession(s!, plan[i].label);
    assert.deepEqual([o.group, o.seed], [plan[i].group, plan[i].seed]);
  });
  // The final figures of adam's two seeds, averaged: the sample std of two values is |a − b| / √2.
  const [a, b] = [c.sessions[2]!.final!, c.sessions[3]!.final!];
  const f = finalSpread([a, b]);
  assert.notEqual(a.loss, b.loss, 'two seeds, two results');
  assert.ok(Math.abs(f.loss!.mean - (a.loss + b.loss) / 2) < 1e-12);
  assert.ok(Math.abs(f.loss!.std! - Math.abs(a.loss - b.loss) / Math.SQRT2) < 1e-12);
});
