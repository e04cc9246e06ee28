import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, loadDataset } from '../../../src/data/load';
import { loadDatasetWith } from '../../../src/data/loader';
import type { DataFiles, DataStat } from '../../../src/data/data-files';
import type { Dataset } from '../../../src/engine/data/dataset';
import type { DataSpec, ModelSpec } from '../../../src/model/spec';
import { idxFile, SPIRAL } from '../fixtures';

// The loader over an in-memory DataFiles (what the web build's will be: locations that are not
// disk paths, whole files handed over, gunzip by DecompressionStream) gives what it gives from disk.

const root = path.resolve(__dirname, '../../../..');
const MNIST = readFileSync(path.join(root, 'dist/mnist-10k.bin.gz'));
const MEM_MNIST = 'mem:/extension/dist/mnist-10k.bin.gz';

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

async function* pieces(bytes: Uint8Array, n: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += n) yield bytes.subarray(at, at + n);
}

async function* decompress(src: AsyncIterable<Uint8Array>, maxBytes = Infinity): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const feed = (async () => {
    for await (const chunk of src) await writer.write(new Uint8Array(chunk));
    await writer.close();
  })();
  feed.catch(() => {});
  let out = 0;
  const reader = stream.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += value.length;
      if (out > maxBytes) throw coded('Cannot create a Buffer larger than the limit', 'ERR_BUFFER_TOO_LARGE');
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Files kept in a Map, location → bytes; a folder is any prefix of a location ending in '/'. */
function memoryFiles(map: Map<string, Uint8Array>): DataFiles {
  const get = (loc: string): Uint8Array => {
    const bytes = map.get(loc);
    if (bytes === undefined) throw coded(`no entry ${loc}`, [...map.keys()].some((k) => k.startsWith(`${loc}/`)) ? 'EISDIR' : 'ENOENT');
    return bytes;
  };
  return {
    resolve: (written, baseDir) => (written.startsWith('/') ? `mem:${written}` : `${baseDir}/${written}`),
    join: (dir, name) => `${dir}/${name}`,
    mnist: MEM_MNIST,
    stat: async (loc): Promise<DataStat> => {
      if ([...map.keys()].some((k) => k.startsWith(`${loc}/`))) return { kind: 'directory', size: 0 };
      return { kind: 'file', size: get(loc).length };
    },
    list: async (loc) => [...map.keys()].filter((k) => k.startsWith(`${loc}/`)).map((k) => k.slice(loc.length + 1).split('/')[0]),
    head: async (loc, n) => get(loc).slice(0, n),
    read: async (loc) => get(loc).slice(),
    readInto: async (loc, into, length) => {
      const bytes = get(loc);
      into.set(bytes.subarray(0, length));
      return bytes.length > length ? -1 : bytes.length;
    },
    chunks: (loc, n) => (async function* () { yield* pieces(get(loc), n); })(),
    gunzip: async (bytes, maxBytes) => {
      const parts: Uint8Array[] = [];
      for await (const p of decompress(pieces(bytes, 1 << 16), maxBytes)) parts.push(p);
      return new Uint8Array(Buffer.concat(parts));
    },
    gunzipChunks: (src) => decompress(src),
  };
}

const spec = (data: Partial<DataSpec>): ModelSpec =>
  ({ ...SPIRAL, data: { dataset: 'csv', samples: 0, classes: 0, noise: 0, features: 0, validation: 0.2, ...data } });

/** The same files on disk (in a temporary folder) and in memory (under mem:/model). */
function bothPlaces(files: Record<string, Uint8Array>): { dir: string; mem: DataFiles } {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-datafiles-'));
  const map = new Map<string, Uint8Array>([[MEM_MNIST, MNIST]]);
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
    map.set(`mem:/model/${name}`, bytes);
  }
  return { dir, mem: memoryFiles(map) };
}

const bits = (a: ArrayBufferView | undefined): string | undefined => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : undefined);

/** The two datasets are the same, bit for bit (x, y and targets by their bytes). */
function assertSame(mem: Dataset, disk: Dataset): void {
  assert.deepEqual({ ...mem, x: bits(mem.x), y: bits(mem.y), targets: bits(mem.targets) }, { ...disk, x: bits(disk.x), y: bits(disk.y), targets: bits(disk.targets) });
  assert.ok(disk.n > 0);
}

async function both(s: ModelSpec, files: Record<string, Uint8Array>): Promise<void> {
  const { dir, mem } = bothPlaces(files);
  assertSame(await loadDatasetWith(mem, s, 'mem:/model'), await loadDataset(s, dir));
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('data files in memory: a CSV (plain over several 64 KiB chunks, gzipped, cut by samples; regression) loads as it does from disk', async () => {
  const rows = Array.from({ length: 12_000 }, (_, i) => `${(i * 0.37) % 5},"${i % 7}.25",${['cat', 'dog', 'émeu'][i % 3]}`);
  const csv = text(`a,b,label\r\n${rows.join('\r\n')}\r\n`);
  await both(spec({ csv: { path: 'd/x.csv', label: 'label', normalize: 'none' } }), { 'd/x.csv': csv });
  await both(spec({ csv: { path: 'd/x.csv.gz', label: 'label', normalize: 'none' }, samples: 1234 }), { 'd/x.csv.gz': gzipSync(csv) });
  await both(spec({ csv: { path: 'r.csv', label: 'label', target: ['a'], normalize: 'none' } }), { 'r.csv': text('a,b,label\n1.5,2,0\n-3,4.25,1\n') });
});

test('data files in memory: an IDX pair (plain and gzipped) and CIFAR-10 batches load as they do from disk', async () => {
  const pixels = Array.from({ length: 4 * 5 * 3 }, (_, j) => (j * 37) % 256);
  const images = idxFile(0x803, [4, 5, 3], pixels);
  const labels = idxFile(0x801, [4], [3, 1, 4, 1]);
  const idx = (i: string, l: string, samples = 0): ModelSpec => spec({ dataset: 'idx', idx: { images: i, labels: l }, samples });
  await both(idx('i.idx', 'l.idx'), { 'i.idx': images, 'l.idx': labels });
  await both(idx('i.gz', 'l.idx', 3), { 'i.gz': gzipSync(images), 'l.idx': labels });
  const record = (k: number): number[] => [k % 10, ...Array.from({ length: 3072 }, (_, j) => (j + 13 * k) % 256)];
  const batch = (from: number, n: number): Uint8Array => Uint8Array.from(Array.from({ length: n }, (_, k) => record(from + k)).flat());
  await both(spec({ dataset: 'cifar10', cifar10: { path: 'cifar' } }), { 'cifar/data_batch_1.bin': batch(0, 3), 'cifar/data_batch_2.bin': batch(3, 2), 'cifar/test_batch.bin': batch(9, 1) });
});

test('data files in memory: the bundled MNIST, read from its location and gunzipped by DecompressionStream, is the one on disk', async () => {
  const { mem } = bothPlaces({});
  const mnist = spec({ dataset: 'mnist', samples: 0 });
  assertSame(await loadDatasetWith(mem, mnist, null), await loadDataset(mnist, null, { mnistPath: path.join(root, 'dist/mnist-10k.bin.gz') }));
  assert.equal((await loadDatasetWith(mem, mnist, null)).n, 10_000);
});

test('data files in memory: the same messages for a malformed CSV row, a missing file and a folder', async () => {
  const { dir, mem } = bothPlaces({ 'bad.csv': text('a,b,c\n1,2,3\n4,5\n'), 'sub/x.csv': text('1,2\n') });
  const failure = (p: Promise<unknown>): Promise<string> => p.then(() => assert.fail('expected a DataError'), (e: unknown) => {
    assert.ok(e instanceof DataError, `not a DataError: ${String(e)}`);
    return e.message;
  });
  const csv = (p: string): ModelSpec => spec({ csv: { path: p, label: -1, normalize: 'none' } });
  const bad = await failure(loadDatasetWith(mem, csv('bad.csv'), 'mem:/model'));
  assert.equal(bad, 'bad.csv: line 3: 2 cells, expected 3 (column "c" is missing)');
  assert.equal(await failure(loadDataset(csv('bad.csv'), dir)), bad);
  assert.equal(await failure(loadDatasetWith(mem, csv('none.csv'), 'mem:/model')), 'none.csv: no such file (looked for mem:/model/none.csv)');
  assert.equal(await failure(loadDatasetWith(mem, csv('sub'), 'mem:/model')), await failure(loadDataset(csv('sub'), dir)));
});
