import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { makeDataset, Trainer } from '../../src/engine/trainer';
import { permuteRows, splitValidation, splitValidationInPlace, type Dataset } from '../../src/engine/data/dataset';
import { kernels } from '../../src/engine/wasm/kernels';
import type { DataSpec, ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

/*
 * A run owns the data it loads (the worker, the CLI): the train/validation split reorders its rows
 * in place instead of copying them, so the worker holds one copy of a large set, not two. Every
 * result must be bit-identical to the copying split: the same rows on each side, in the same
 * order, the same batches, the same losses.
 */

const copyOf = (d: Dataset): Dataset => ({ ...d, x: d.x.slice(), y: d.y.slice() });
const rowsOf = (d: Dataset) => ({ n: d.n, x: Array.from(d.x), y: Array.from(d.y), shape: d.shape, classes: d.classes, labelNames: d.labelNames });

/** n samples of f features (seeded normal values around a per-class offset), classes of uneven sizes. */
function dataset(n: number, f: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Uneven classes: class c is drawn with weight c + 1.
    y[i] = Math.min(classes - 1, Math.floor(Math.sqrt(rng.uniform()) * classes));
    for (let k = 0; k < f; k++) x[i * f + k] = 10 * y[i] + 50 * k + rng.normal();
  }
  return { x, y, n, shape: [f], features: f, classes };
}

test('permuteRows: row i becomes the former row order[i], for every kind of permutation', () => {
  for (const [n, seed] of [[1, 1], [2, 2], [7, 3], [100, 4], [1000, 5]]) {
    const d = dataset(n, 3, 4, seed);
    const before = copyOf(d);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    new Rng(seed).shuffle(order);
    permuteRows(d, order);
    for (let i = 0; i < n; i++) {
      assert.equal(d.y[i], before.y[order[i]]);
      assert.deepEqual(Array.from(d.x.subarray(i * 3, i * 3 + 3)), Array.from(before.x.subarray(order[i] * 3, order[i] * 3 + 3)));
    }
  }
  // The identity, a reversal and one long cycle.
  const d = dataset(6, 2, 2, 9);
  const before = copyOf(d);
  permuteRows(d, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(rowsOf(d), rowsOf(before));
  permuteRows(d, [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(Array.from(d.y), Array.from(before.y).reverse());
  const c = copyOf(before);
  permuteRows(c, [1, 2, 3, 4, 5, 0]);
  assert.deepEqual(Array.from(c.x), [...Array.from(before.x).slice(2), ...Array.from(before.x).slice(0, 2)]);
});

test('splitValidationInPlace: the same rows on each side, in the same order, as splitValidation, as views of the one set', () => {
  for (const [n, f, classes, fraction, seed] of [[300, 2, 3, 0.2, 1], [1001, 5, 7, 0.1, 2], [50, 3, 2, 0, 3], [40, 1, 10, 0.5, 4], [9, 4, 3, 0.3, 5]]) {
    const d = dataset(n, f, classes, seed);
    const copied = splitValidation(d, fraction, new Rng(seed));
    const owned = copyOf(d);
    const inPlace = splitValidationInPlace(owned, fraction, new Rng(seed));
    assert.deepEqual(rowsOf(inPlace.train), rowsOf(copied.train), `train n=${n} fraction=${fraction}`);
    assert.deepEqual(rowsOf(inPlace.validation), rowsOf(copied.validation), `validation n=${n} fraction=${fraction}`);
    // No copy: both sides are views of the set's own arrays, training rows first.
    assert.equal(inPlace.train.x.buffer, owned.x.buffer);
    assert.equal(inPlace.validation.x.buffer, owned.x.buffer);
    assert.equal(inPlace.train.y.buffer, owned.y.buffer);
    assert.equal(inPlace.validation.x.byteOffset, inPlace.train.n * f * 4);
  }
});

const spec = (data: Partial<DataSpec>, more: Partial<ModelSpec> = {}): ModelSpec =>
  ({ ...SPIRAL, ...more, data: { ...SPIRAL.data, ...data }, train: { ...SPIRAL.train, epochs: 2, ...more.train } });

/** Losses of `steps` steps, then the evaluation of both sides: what a run reports. */
function run(t: Trainer, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps && !t.done; i++) out.push(t.trainStep().loss);
  const train = t.evaluate(t.trainSet);
  const val = t.evaluate(t.validationSet);
  return [...out, train.loss, train.accuracy, val.loss, val.accuracy];
}

/** A Trainer over a copy of `data` that it may not reorder, and one over another copy that it owns. */
function pair(s: ModelSpec, data: Dataset, arenaDataBytes?: number): { copied: Trainer; owned: Trainer; ownedData: Dataset; input: Dataset } {
  const input = copyOf(data);
  const ownedData = copyOf(data);
  return {
    copied: new Trainer(s, 'float32', input, { ownData: false, arenaDataBytes }),
    owned: new Trainer(s, 'float32', ownedData, { ownData: true, arenaDataBytes }),
    ownedData, input,
  };
}

test('a Trainer that owns its data trains bit-identically to one that copies it: in the kernels\' arena, and past it', () => {
  const data = makeDataset(spec({}));
  for (const arenaDataBytes of [undefined, 0]) {
    const { copied, owned, ownedData, input } = pair(spec({}), data, arenaDataBytes);
    assert.deepEqual(rowsOf(owned.trainSet), rowsOf(copied.trainSet));
    assert.deepEqual(rowsOf(owned.validationSet), rowsOf(copied.validationSet));
    assert.deepEqual(run(owned, 40), run(copied, 40), `arena ${arenaDataBytes ?? 'default'}`);
    // The copying Trainer leaves its input as it was; the owning one reordered its own.
    assert.deepEqual(rowsOf(input), rowsOf(data));
    assert.notDeepEqual(Array.from(ownedData.y), Array.from(data.y));
    const k = kernels();
    if (arenaDataBytes === 0) {
      // Past the arena: the training and held-out rows are the loaded set itself, not copies.
      assert.equal(owned.trainSet.x.buffer, ownedData.x.buffer);
      assert.equal(owned.validationSet.x.buffer, ownedData.x.buffer);
      if (k) assert.notEqual(owned.trainSet.x.buffer, k.buffer);
    } else if (k) {
      // In the arena (gathered by the kernel), with the held-out rows copied out, so the set can go.
      assert.equal(owned.trainSet.x.buffer, k.buffer);
      assert.notEqual(owned.validationSet.x.buffer, ownedData.x.buffer);
      assert.notEqual(owned.trainSet.y.buffer, ownedData.y.buffer);
    }
  }
});

test('csv data owned by the Trainer is normalized in place, to the same values as the copies', () => {
  const data = { ...dataset(500, 4, 3, 11) };
  for (const normalize of ['standard', 'minmax', 'none'] as const) {
    const s = spec(
      { dataset: 'csv', samples: 0, classes: 3, features: 4, validation: 0.2, csv: { path: 'x.csv', label: -1, normalize } },
      { layers: [{ kind: 'dense', units: 16, activation: { type: 'tanh' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }] },
    );
    for (const arenaDataBytes of [undefined, 0]) {
      const { copied, owned } = pair(s, data, arenaDataBytes);
      assert.deepEqual(rowsOf(owned.trainSet), rowsOf(copied.trainSet), `${normalize}: train`);
      assert.deepEqual(rowsOf(owned.validationSet), rowsOf(copied.validationSet), `${normalize}: validation`);
      assert.deepEqual(run(owned, 25), run(copied, 25), `${normalize}, arena ${arenaDataBytes ?? 'default'}`);
    }
  }
});

test('the generated set a Trainer makes itself is split in place; its results are those of a copied split', () => {
  const s = spec({ dataset: 'blobs', samples: 400, classes: 3, noise: 0.5, validation: 0.25 });
  const made = new Trainer(s);
  const copied = new Trainer(s, 'float32', makeDataset(s), { ownData: false });
  assert.deepEqual(rowsOf(made.trainSet), rowsOf(copied.trainSet));
  assert.deepEqual(rowsOf(made.validationSet), rowsOf(copied.validationSet));
  assert.deepEqual(run(made, 30), run(copied, 30));
});

test('a gradient check and an export given their data to own give what they give with a copy', async () => {
  const { loadDataset } = await import('../../src/data/load');
  const { parseModel } = await import('../../src/model/parse');
  const { gradcheckModel } = await import('../../src/engine/check');
  const { exportModel } = await import('../../src/export/model-export');
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve(__dirname, '../../../templates');
  const spec = parseModel(readFileSync(path.join(dir, 'csv-classification.nn.yaml'), 'utf8'), { checkPath: () => undefined }).spec!;
  assert.ok(spec);
  const copied = await loadDataset(spec, dir);
  const owned = await loadDataset(spec, dir);
  assert.deepEqual(gradcheckModel(spec, { data: owned, ownData: true }), gradcheckModel(spec, { data: copied }));
  assert.notDeepEqual(Array.from(owned.y), Array.from(copied.y), 'the owned set was reordered in place (so it was not copied)');
  const a = exportModel(spec, await loadDataset(spec, dir), { source: 'm.nn.yaml', ownData: true }).files();
  const b = exportModel(spec, copied, { source: 'm.nn.yaml' }).files();
  assert.deepEqual(a.map((f) => f.name), b.map((f) => f.name));
  a.forEach((f, i) => assert.deepEqual(f.contents, b[i].contents, f.name));
});
