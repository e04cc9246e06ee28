import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, loadDataset } from '../../src/data/load';
import { parseIdx } from '../../src/engine/data/idx';
import { CIFAR_LABELS, parseCifar10 } from '../../src/engine/data/cifar';
import type { Dataset } from '../../src/engine/data/dataset';
import type { DataSpec, ModelSpec } from '../../src/model/spec';
import { idxFile, SPIRAL } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-bin-'));
function file(name: string, content: Uint8Array): string {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), content);
  return name;
}
const spec = (data: Partial<DataSpec>): ModelSpec =>
  ({ ...SPIRAL, data: { dataset: 'idx', samples: 0, classes: 0, noise: 0, features: 0, validation: 0.2, ...data } });
const idx = (images: string, labels: string, samples = 0): Promise<Dataset> => loadDataset(spec({ dataset: 'idx', idx: { images, labels }, samples }), dir);
const cifar = (p: string, samples = 0): Promise<Dataset> => loadDataset(spec({ dataset: 'cifar10', cifar10: { path: p }, samples }), dir);

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DataError, `not a DataError: ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a DataError');
}

// 3 images of 2×3 pixels: image i, pixel k holds 10·i + k; labels 4, 0, 7.
const PIXELS = Array.from({ length: 18 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6));
const IMAGES = idxFile(0x803, [3, 2, 3], PIXELS);
const LABELS = idxFile(0x801, [3], [4, 0, 7]);

test('idx: images and labels, plain or gzipped (told by the bytes, not the name)', async () => {
  file('images.idx', IMAGES);
  file('labels.idx', LABELS);
  const d = await idx('images.idx', 'labels.idx');
  assert.deepEqual([d.n, d.shape, d.features, d.classes], [3, [1, 2, 3], 6, 8]);
  assert.deepEqual(Array.from(d.x), PIXELS.map((p) => Math.fround(p / 255)));
  assert.deepEqual(Array.from(d.y), [4, 0, 7]);
  // Gzipped under a name without .gz; a plain file under a .gz name.
  file('images.bin', gzipSync(IMAGES));
  file('labels.gz', LABELS);
  const g = await idx('images.bin', 'labels.gz');
  assert.deepEqual([Array.from(g.x), Array.from(g.y)], [Array.from(d.x), Array.from(d.y)]);
  // samples keeps the first images; the classes still come from every label.
  const first = await idx('images.idx', 'labels.idx', 2);
  assert.deepEqual([first.n, Array.from(first.y), first.classes, first.x.length], [2, [4, 0], 8, 12]);
  // Pixels 0 and 255 map to 0 and 1.
  const ends = parseIdx(idxFile(0x803, [1, 1, 2], [0, 255]), idxFile(0x801, [1], [0]), { images: 'i', labels: 'l' });
  assert.deepEqual(Array.from(ends.x), [0, 1]);
});

test('idx: wrong magic, truncated data, count mismatch, empty and broken files', async () => {
  assert.equal(await failure(idx('labels.idx', 'labels.idx')),
    'labels.idx: expected IDX images (magic 0x00000803), found 0x00000801 — this is an IDX labels file; are images and labels swapped?');
  assert.equal(await failure(idx('images.idx', 'images.idx')),
    'images.idx: expected IDX labels (magic 0x00000801), found 0x00000803 — this is an IDX images file; are images and labels swapped?');
  file('png.idx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assert.equal(await failure(idx('png.idx', 'labels.idx')), 'png.idx: expected IDX images (magic 0x00000803), found 0x89504e47: not an IDX file');
  file('floats.idx', idxFile(0xd03, [1, 1, 1], [0, 0, 0, 0]));
  assert.equal(await failure(idx('floats.idx', 'labels.idx')),
    'floats.idx: expected IDX images (magic 0x00000803), found 0x00000d03 (IDX values of type 0xd; only unsigned bytes, 0x08, are read)');
  file('short.idx', IMAGES.subarray(0, IMAGES.length - 4));
  assert.equal(await failure(idx('short.idx', 'labels.idx')),
    'short.idx: truncated: the header promises 3 images (34 bytes), the file has 30 bytes: only 2 of them complete');
  file('header.idx', IMAGES.subarray(0, 10));
  assert.equal(await failure(idx('header.idx', 'labels.idx')), 'header.idx: truncated: 10 bytes, shorter than the 16-byte header');
  file('short-labels.idx', LABELS.subarray(0, LABELS.length - 1));
  assert.equal(await failure(idx('images.idx', 'short-labels.idx')),
    'short-labels.idx: truncated: the header promises 3 labels (11 bytes), the file has 10 bytes: only 2 of them complete');
  file('two-labels.idx', idxFile(0x801, [2], [1, 2]));
  assert.equal(await failure(idx('images.idx', 'two-labels.idx')), 'images.idx has 3 images but two-labels.idx has 2 labels');
  file('empty.idx', new Uint8Array(0));
  assert.equal(await failure(idx('empty.idx', 'labels.idx')), 'empty.idx: the file is empty');
  file('cut.gz', gzipSync(IMAGES).subarray(0, 20));
  assert.equal(await failure(idx('cut.gz', 'labels.idx')), 'cut.gz: broken gzip data (unexpected end of file)');
  assert.equal(await failure(idx('images.idx', 'missing.idx')), `missing.idx: no such file (looked for ${path.join(dir, 'missing.idx')})`);
  mkdirSync(path.join(dir, 'adir'), { recursive: true });
  assert.equal(await failure(idx('adir', 'labels.idx')), 'adir: a folder, not a file');
  // The limit holds for the unpacked bytes too (a gzip bomb is refused).
  file('zeros.gz', gzipSync(idxFile(0x803, [100, 28, 28], new Array<number>(78_400).fill(0))));
  file('labels-100.idx', idxFile(0x801, [100], new Array<number>(100).fill(0)));
  assert.equal(await failure(loadDataset(spec({ dataset: 'idx', idx: { images: 'zeros.gz', labels: 'labels-100.idx' } }), dir, { maxBytes: 1000 })),
    'zeros.gz: unpacks to more than the 1000 bytes TrainLens reads');
});

/** CIFAR-10 records: record r has label labels[r], pixel k = (first + r + k) mod 256. */
function batch(labels: number[], first: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let k = 0; k < 3072; k++) out[r * 3073 + 1 + k] = (first + r + k) % 256;
  });
  return out;
}
const pixel = (d: Dataset, i: number, k: number): number => d.x[i * 3072 + k];

test('cifar10: a folder of data_batch_N.bin (test_batch.bin left out), or one batch file', async () => {
  file('cifar/data_batch_1.bin', batch([3, 9, 0], 0));
  file('cifar/data_batch_2.bin', batch([1, 2], 100));
  file('cifar/test_batch.bin', batch([5], 200));
  file('cifar/batches.meta.txt', new TextEncoder().encode('airplane\n'));
  const d = await cifar('cifar');
  assert.deepEqual([d.n, d.shape, d.features, d.classes, d.labelNames], [5, [3, 32, 32], 3072, 10, CIFAR_LABELS]);
  assert.deepEqual(Array.from(d.y), [3, 9, 0, 1, 2]);
  // Red plane, then green, then blue, each row-major: the record's bytes in order.
  assert.equal(pixel(d, 0, 0), 0);
  assert.equal(pixel(d, 1, 1024 + 32 + 1), Math.fround(((1 + 1024 + 33) % 256) / 255));
  assert.equal(pixel(d, 3, 3071), Math.fround(((100 + 0 + 3071) % 256) / 255));
  assert.ok(d.x.every((v) => v >= 0 && v <= 1));
  assert.equal(d.x.reduce((m, v) => Math.max(m, v), 0), 1);
  // samples keeps the first records across the batches.
  assert.deepEqual(Array.from((await cifar('cifar/', 4)).y), [3, 9, 0, 1]);
  // One batch file.
  assert.deepEqual(Array.from((await cifar('cifar/data_batch_2.bin')).y), [1, 2]);
  // Batches that exist, in order, even with a gap.
  file('gap/data_batch_2.bin', batch([4], 0));
  file('gap/data_batch_5.bin', batch([6], 0));
  assert.deepEqual(Array.from((await cifar('gap')).y), [4, 6]);
  // Pure: the same decoding from bytes.
  const pure = parseCifar10([{ file: 'a', bytes: batch([3, 9, 0], 0) }, { file: 'b', bytes: batch([1, 2], 100) }]);
  assert.deepEqual(Array.from(pure.x), Array.from(d.x));
});

test('cifar10: truncated records, bad labels, empty and wrong folders', async () => {
  const full = batch([1, 2, 3], 0);
  file('trunc/data_batch_1.bin', batch([0], 0));
  file('trunc/data_batch_2.bin', full.subarray(0, 2 * 3073 + 100));
  assert.equal(await failure(cifar('trunc')),
    'trunc/data_batch_2.bin: 6246 bytes, not a whole number of 3073-byte records: record 3 is truncated, 100 of 3073 bytes (a CIFAR-10 binary record is 1 label byte + 3072 pixel bytes)');
  // Batches past `samples` are not read.
  assert.equal((await cifar('trunc', 1)).n, 1);
  file('bad/data_batch_1.bin', batch([0, 12], 0));
  assert.equal(await failure(cifar('bad')),
    'bad/data_batch_1.bin: record 2 (byte 3073) has label 12, not a CIFAR-10 class (0–9): is this CIFAR-100, or not a CIFAR-10 binary batch?');
  mkdirSync(path.join(dir, 'nothing'), { recursive: true });
  assert.equal(await failure(cifar('nothing')), 'nothing: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder');
  file('py/data_batch_1', new Uint8Array([0x80, 2]));
  assert.equal(await failure(cifar('py')),
    'py: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder: this is the Python version (pickles); TrainLens reads the binary version (cifar-10-binary.tar.gz)');
  file('outer/cifar-10-batches-bin/data_batch_1.bin', batch([0], 0));
  assert.equal(await failure(cifar('outer')),
    'outer: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder; did you mean outer/cifar-10-batches-bin?');
  file('testonly/test_batch.bin', batch([0], 0));
  assert.equal(await failure(cifar('testonly')),
    'testonly: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder (test_batch.bin alone is not used: the validation split is the held-out set)');
  file('cifar-10-binary.tar.gz', gzipSync(full));
  assert.equal(await failure(cifar('cifar-10-binary.tar.gz')),
    'cifar-10-binary.tar.gz: a gzip archive, not a CIFAR-10 batch; extract cifar-10-binary.tar.gz and give the cifar-10-batches-bin folder');
  file('empty/data_batch_1.bin', new Uint8Array(0));
  assert.equal(await failure(cifar('empty')), 'empty/data_batch_1.bin: the file is empty');
  assert.equal(await failure(cifar('nowhere')), `nowhere: no such file or folder (looked for ${path.join(dir, 'nowhere')})`);
});
