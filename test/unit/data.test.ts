import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import { blobCentre, CIRCLES_INNER, makeBlobs, makeCircles, makeMoons, makeXor } from '../../src/engine/data/plane';
import { splitValidation, validationQuota, type Dataset } from '../../src/engine/data/dataset';
import { normalize, normalizationOf } from '../../src/engine/data/normalize';
import { makeDataset, Trainer } from '../../src/engine/trainer';
import type { DataSpec, ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const perClass = (d: Dataset): number[] => {
  const c = new Array<number>(d.classes).fill(0);
  for (const y of d.y) c[y]++;
  return c;
};
const point = (d: Dataset, i: number): [number, number] => [d.x[2 * i], d.x[2 * i + 1]];
const same = (a: Dataset, b: Dataset): boolean =>
  a.n === b.n && a.x.every((v, i) => Object.is(v, b.x[i])) && a.y.every((v, i) => v === b.y[i]);
/** The spiral fixture on other data, its last layer sized to the data's classes (2 for moons…). */
const spec = (data: Partial<DataSpec>, seed = 1): ModelSpec => {
  const d = { ...SPIRAL.data, ...data };
  const classes = ['circles', 'moons', 'xor'].includes(d.dataset) ? 2 : d.classes;
  return {
    ...SPIRAL, data: d, train: { ...SPIRAL.train, seed },
    layers: [SPIRAL.layers[0], { kind: 'dense', units: classes, activation: { type: 'linear' } }],
  };
};

// ─── generated sets ───────────────────────────────────────────────────────────

test('circles: 2 classes split evenly (odd counts to class 0), rings of radius 0.5 and 1 at noise 0', () => {
  const d = makeCircles(301, 0, new Rng(1));
  assert.deepEqual([d.n, d.features, d.classes, d.shape], [301, 2, 2, [2]]);
  assert.deepEqual(perClass(d), [151, 150]);
  for (let i = 0; i < d.n; i++) {
    const r = Math.hypot(...point(d, i));
    assert.ok(Math.abs(r - (d.y[i] === 0 ? CIRCLES_INNER : 1)) < 1e-6, `point ${i} at radius ${r}`);
  }
  // Angles cover the circle: every quadrant holds points of both rings.
  for (const c of [0, 1]) {
    const quadrants = new Set<number>();
    for (let i = 0; i < d.n; i++) if (d.y[i] === c) quadrants.add((d.x[2 * i] > 0 ? 1 : 0) + (d.x[2 * i + 1] > 0 ? 2 : 0));
    assert.equal(quadrants.size, 4);
  }
});

test('circles: the noise is on the radius, N(0, noise²)', () => {
  const d = makeCircles(20_000, 0.1, new Rng(2));
  for (const [c, radius] of [[0, CIRCLES_INNER], [1, 1]]) {
    const r: number[] = [];
    for (let i = 0; i < d.n; i++) if (d.y[i] === c) r.push(Math.hypot(...point(d, i)));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
    assert.ok(Math.abs(mean - radius) < 0.005, `class ${c} mean radius ${mean}`);
    assert.ok(Math.abs(std - 0.1) < 0.005, `class ${c} radius std ${std}`);
  }
});

test('moons: sklearn\'s half circles exactly at noise 0, end points included', () => {
  const d = makeMoons(200, 0, new Rng(1));
  assert.deepEqual(perClass(d), [100, 100]);
  for (let i = 0; i < 100; i++) {
    const t = (Math.PI * i) / 99;
    assert.deepEqual(point(d, i), [Math.fround(Math.cos(t)), Math.fround(Math.sin(t))]);
    assert.deepEqual(point(d, 100 + i), [Math.fround(1 - Math.cos(t)), Math.fround(0.5 - Math.sin(t))]);
    assert.equal(d.y[i], 0);
    assert.equal(d.y[100 + i], 1);
  }
  assert.deepEqual(point(d, 0), [1, 0]);
  assert.deepEqual(point(d, 100), [0, 0.5]);
  assert.deepEqual(point(d, 199), [2, Math.fround(0.5 - Math.sin(Math.PI))]);
});

test('moons: noise is N(0, noise²) on x and y around the clean curve', () => {
  const clean = makeMoons(20_000, 0, new Rng(3));
  const noisy = makeMoons(20_000, 0.2, new Rng(3));
  let s = 0, s2 = 0;
  for (let i = 0; i < clean.x.length; i++) { const e = noisy.x[i] - clean.x[i]; s += e; s2 += e * e; }
  const m = s / clean.x.length;
  assert.ok(Math.abs(m) < 0.005, `mean ${m}`);
  assert.ok(Math.abs(Math.sqrt(s2 / clean.x.length - m * m) - 0.2) < 0.005);
});

test('xor: classes by the sign of x·y, uniform in [−1, 1]², balanced', () => {
  const d = makeXor(4000, 0, new Rng(4));
  assert.deepEqual(perClass(d), [2000, 2000]);
  const quadrants = [0, 0, 0, 0];
  for (let i = 0; i < d.n; i++) {
    const [x, y] = point(d, i);
    assert.ok(x >= -1 && x <= 1 && y >= -1 && y <= 1);
    assert.equal(d.y[i], x * y < 0 ? 1 : 0, `point ${i}: (${x}, ${y})`);
    quadrants[(x > 0 ? 1 : 0) + (y > 0 ? 2 : 0)]++;
  }
  for (const q of quadrants) assert.ok(Math.abs(q - 1000) < 120, `quadrants ${quadrants}`);
  // With noise, some points cross an axis and keep their label.
  const noisy = makeXor(4000, 0.2, new Rng(4));
  let wrong = 0;
  for (let i = 0; i < noisy.n; i++) { const [x, y] = point(noisy, i); if ((x * y < 0 ? 1 : 0) !== noisy.y[i]) wrong++; }
  assert.ok(wrong > 100 && wrong < 1000, `${wrong} points across an axis`);
});

test('blobs: k clusters centred on the unit circle, std = noise', () => {
  const exact = makeBlobs(10, 4, 0, new Rng(1));
  assert.deepEqual(perClass(exact), [3, 3, 2, 2]);
  for (let i = 0; i < exact.n; i++) {
    const [cx, cy] = blobCentre(exact.y[i], 4);
    assert.deepEqual(point(exact, i), [Math.fround(cx), Math.fround(cy)]);
  }
  const d = makeBlobs(40_000, 5, 0.3, new Rng(5));
  assert.equal(d.classes, 5);
  for (let c = 0; c < 5; c++) {
    const [cx, cy] = blobCentre(c, 5);
    assert.ok(Math.abs(Math.hypot(cx, cy) - 1) < 1e-12);
    let n = 0, sx = 0, sy = 0, ss = 0;
    for (let i = 0; i < d.n; i++) if (d.y[i] === c) { n++; sx += d.x[2 * i]; sy += d.x[2 * i + 1]; }
    const mx = sx / n, my = sy / n;
    for (let i = 0; i < d.n; i++) if (d.y[i] === c) ss += (d.x[2 * i] - mx) ** 2 + (d.x[2 * i + 1] - my) ** 2;
    assert.ok(Math.hypot(mx - cx, my - cy) < 0.02, `class ${c} centre`);
    assert.ok(Math.abs(Math.sqrt(ss / (2 * n)) - 0.3) < 0.01, `class ${c} std`);
  }
});

test('generated sets: the same seed gives the same set, another seed another', () => {
  const makers = [
    (r: Rng) => makeCircles(300, 0.1, r), (r: Rng) => makeMoons(300, 0.1, r),
    (r: Rng) => makeXor(300, 0.05, r), (r: Rng) => makeBlobs(300, 3, 0.5, r),
  ];
  for (const make of makers) {
    assert.ok(same(make(new Rng(9)), make(new Rng(9))));
    assert.ok(!same(make(new Rng(9)), make(new Rng(10))));
  }
});

test('makeDataset dispatches every generated set, seeded by data.seed (default train.seed)', () => {
  for (const dataset of ['spiral', 'circles', 'moons', 'xor', 'blobs', 'gaussian'] as const) {
    const d = makeDataset(spec({ dataset, samples: 90, classes: 3, features: dataset === 'gaussian' ? 7 : 2 }));
    assert.equal(d.features, dataset === 'gaussian' ? 7 : 2, dataset);
    assert.equal(d.classes, ['circles', 'moons', 'xor'].includes(dataset) ? 2 : 3, dataset);
    assert.equal(d.n, 90, dataset);
  }
  const circles = { dataset: 'circles' as const, samples: 100, noise: 0.1 };
  // data.seed fixes the data whatever train.seed is; without it, train.seed does.
  assert.ok(same(makeDataset(spec({ ...circles, seed: 7 }, 1)), makeDataset(spec({ ...circles, seed: 7 }, 2))));
  assert.ok(same(makeDataset(spec({ ...circles, seed: 7 }, 1)), makeDataset(spec(circles, 7))));
  assert.ok(!same(makeDataset(spec(circles, 1)), makeDataset(spec(circles, 2))));
  assert.throws(() => makeDataset(spec({ dataset: 'mnist' })), /'mnist' is read from a file; load it with loadDataset/);
});

test('the Trainer splits with the data seed: same data.seed, same split whatever train.seed', () => {
  const data = { dataset: 'moons' as const, samples: 100, noise: 0.1, seed: 3 };
  const a = new Trainer(spec(data, 1));
  const b = new Trainer(spec(data, 2));
  assert.ok(same(a.trainSet, b.trainSet) && same(a.validationSet, b.validationSet));
  assert.deepEqual([a.trainSet.n, a.validationSet.n], [80, 20]);
  assert.deepEqual(perClass(a.validationSet), [10, 10]);
});

// ─── stratified split ─────────────────────────────────────────────────────────

/** n samples of one feature holding the sample's index, with the given labels. */
function indexed(labels: number[], classes = Math.max(...labels) + 1): Dataset {
  return { x: Float32Array.from(labels, (_, i) => i), y: Int32Array.from(labels), n: labels.length, shape: [1], features: 1, classes };
}
const labelsOf = (counts: number[]): number[] => counts.flatMap((k, c) => new Array<number>(k).fill(c));

test('split: each class gives its share, every sample lands on exactly one side', () => {
  const d = indexed(labelsOf([50, 30, 20]));
  const { train, validation } = splitValidation(d, 0.2, new Rng(1));
  assert.deepEqual(perClass(validation), [10, 6, 4]);
  assert.deepEqual(perClass(train), [40, 24, 16]);
  const seen = [...train.x, ...validation.x].sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
  // Rows keep their label.
  for (const s of [train, validation]) for (let i = 0; i < s.n; i++) assert.equal(s.y[i], d.y[s.x[i]]);
  // Both sides come out shuffled, not class by class.
  assert.notDeepEqual(Array.from(train.y), [...train.y].sort());
});

test('split: uneven classes round by largest remainder to round(fraction·n) in all', () => {
  // 0.25 × (7, 5, 3) = 1.75, 1.25, 0.75: floors 1, 1, 0, and round(3.75) = 4 takes the two largest remainders.
  assert.deepEqual(Array.from(validationQuota([7, 5, 3], 0.25)), [2, 1, 1]);
  const { validation } = splitValidation(indexed(labelsOf([7, 5, 3])), 0.25, new Rng(2));
  assert.deepEqual(perClass(validation), [2, 1, 1]);
  // 0.29 · 100 is 28.999999999999996 in floating point: still 29.
  assert.deepEqual(Array.from(validationQuota([100], 0.29)), [29]);
});

test('split: a class of one sample stays in training; every class keeps a training sample', () => {
  const { train, validation } = splitValidation(indexed(labelsOf([10, 1, 2])), 0.5, new Rng(3));
  assert.deepEqual(perClass(validation), [5, 0, 1]);
  assert.deepEqual(perClass(train), [5, 1, 1]);
  assert.deepEqual(Array.from(validationQuota([2, 3], 0.9)), [1, 2]);
});

test('split: quotas are floor or ceil of each share and add up to round(fraction·n) (random cases)', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 500; trial++) {
    const counts = Array.from({ length: 1 + rng.int(12) }, () => 2 + rng.int(60));
    const fraction = rng.uniform() * 0.5;
    const q = validationQuota(counts, fraction);
    const n = counts.reduce((a, b) => a + b, 0);
    let total = 0;
    counts.forEach((k, c) => {
      const share = fraction * k;
      assert.ok(q[c] >= Math.floor(share + 1e-9) && q[c] <= Math.ceil(share - 1e-9), `${counts} × ${fraction}: class ${c} gets ${q[c]}`);
      total += q[c];
    });
    assert.equal(total, Math.round(fraction * n), `${counts} × ${fraction}`);
  }
});

test('split: deterministic by seed; fraction 0 keeps everything; label names carried', () => {
  const d = { ...indexed(labelsOf([30, 30])), labelNames: ['cat', 'dog'] };
  const a = splitValidation(d, 0.3, new Rng(5));
  const b = splitValidation(d, 0.3, new Rng(5));
  const c = splitValidation(d, 0.3, new Rng(6));
  assert.deepEqual(Array.from(a.validation.x), Array.from(b.validation.x));
  assert.notDeepEqual(Array.from(a.validation.x), Array.from(c.validation.x));
  assert.deepEqual(a.train.labelNames, ['cat', 'dog']);
  assert.deepEqual(a.validation.labelNames, ['cat', 'dog']);
  const all = splitValidation(d, 0, new Rng(5));
  assert.deepEqual([all.train.n, all.validation.n], [60, 0]);
});

// ─── normalization ────────────────────────────────────────────────────────────

const rows = (values: number[][], labels?: number[]): Dataset => ({
  x: Float32Array.from(values.flat()), y: Int32Array.from(labels ?? values.map(() => 0)), n: values.length,
  shape: [values[0]?.length ?? 0], features: values[0]?.length ?? 0, classes: 1,
});

test('normalize standard: training mean and population std; validation uses them too', () => {
  const train = rows([[1, 10], [3, 10], [5, 10]]);
  const validation = rows([[7, 12], [1000, -5]]);
  const r = normalize(train, validation, 'standard');
  const std = Math.sqrt(8 / 3);
  assert.deepEqual(Array.from(r.normalization.offset), [3, 10]);
  assert.deepEqual(Array.from(r.normalization.scale), [std, 1]); // a constant column gets scale 1
  assert.deepEqual(Array.from(r.train.x), [-2 / std, 0, 0, 0, 2 / std, 0].map(Math.fround));
  assert.deepEqual(Array.from(r.validation.x), [4 / std, 2, 997 / std, -15].map(Math.fround));
  // The validation rows do not move the statistics.
  assert.deepEqual(normalizationOf(train, 'standard'), r.normalization);
  // The inputs are left alone.
  assert.deepEqual(Array.from(train.x), [1, 10, 3, 10, 5, 10]);
});

test('normalize minmax: training min to 0, max to 1, a constant column to 0; none leaves data alone', () => {
  const train = rows([[2, 5], [4, 5], [6, 5]]);
  const validation = rows([[8, 6]]);
  const r = normalize(train, validation, 'minmax');
  assert.deepEqual(Array.from(r.train.x), [0, 0, 0.5, 0, 1, 0]);
  assert.deepEqual(Array.from(r.validation.x), [1.5, 1]);
  const none = normalize(train, validation, 'none');
  assert.equal(none.train, train);
  assert.equal(none.validation, validation);
});

test('the Trainer normalizes csv data with training statistics, and only csv data', () => {
  const rng = new Rng(4);
  const values = Array.from({ length: 200 }, () => [100 + 20 * rng.normal(), -3 + 0.01 * rng.normal()]);
  const data = { ...rows(values, values.map((_, i) => i % 2)), classes: 2 };
  const csv: ModelSpec = spec({ dataset: 'csv', samples: 0, classes: 2, features: 2, validation: 0.25, csv: { path: 'x.csv', label: -1, normalize: 'standard' } });
  const t = new Trainer({ ...csv, layers: [{ kind: 'dense', units: 2, activation: { type: 'linear' } }] }, 'float32', data);
  const stats = normalizationOf(t.trainSet, 'standard');
  for (let k = 0; k < 2; k++) {
    assert.ok(Math.abs(stats.offset[k]) < 1e-5, `feature ${k} mean ${stats.offset[k]}`);
    assert.ok(Math.abs(stats.scale[k] - 1) < 1e-5, `feature ${k} std ${stats.scale[k]}`);
  }
  // Not the validation side's own statistics: they come from the training rows.
  const val = normalizationOf(t.validationSet, 'standard');
  assert.ok(Math.abs(val.offset[0]) > 1e-4);
  // A 2-D generated set is not touched.
  const moons = new Trainer(spec({ dataset: 'moons', samples: 100, noise: 0 }));
  assert.ok(moons.trainSet.x.every((v) => v >= -1 && v <= 2));
  assert.ok(Math.abs(normalizationOf(moons.trainSet, 'standard').offset[0] - 0.5) < 0.1);
});
