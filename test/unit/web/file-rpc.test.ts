/** The web worker's data files (data-files-rpc.ts) served by the host's FileServer over a real MessageChannel: the loader gets what it gets from disk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, loadDataset } from '../../../src/data/load';
import { loadDatasetWith, type LoadOptions } from '../../../src/data/loader';
import { nodeDataFiles } from '../../../src/node/data-files';
import type { Dataset } from '../../../src/engine/data/dataset';
import type { DataSpec, ModelSpec } from '../../../src/model/spec';
import { MNIST_LOCATION } from '../../../src/platform/file-rpc';
import { idxFile, SPIRAL } from '../fixtures';
import { MemoryFs, rpcPair, TestUri } from './file-rpc-fakes';

const repo = path.resolve(__dirname, '../../../..');
const MNIST = readFileSync(path.join(repo, 'dist/mnist-10k.bin.gz'));
const ROOT = TestUri.parse('vscode-remote://host/work/my%20proj');
const BASE = ROOT.toString();
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const spec = (data: Partial<DataSpec>): ModelSpec =>
  ({ ...SPIRAL, data: { dataset: 'csv', samples: 0, classes: 0, noise: 0, features: 0, validation: 0.2, ...data } });
const csv = (p: string, samples = 0): ModelSpec => spec({ csv: { path: p, label: -1, normalize: 'none' }, samples });

/** The same files on disk (a temporary folder) and in the web's workspace (below ROOT), served through the RPC. */
function bothPlaces(files: Record<string, Uint8Array>, o: { maxReadBytes?: number } = {}): { dir: string; fs: MemoryFs; pair: ReturnType<typeof rpcPair> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-rpc-'));
  const fs = new MemoryFs();
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
    fs.add(ROOT.with({ path: `${ROOT.path}/${name}` }), bytes);
  }
  fs.add(TestUri.parse('vscode-remote://host/ext/dist/mnist-10k.bin.gz'), MNIST);
  return { dir, fs, pair: rpcPair(fs, [ROOT], o) };
}

const bits = (a: ArrayBufferView | undefined): string | undefined => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : undefined);

function assertSame(web: Dataset, disk: Dataset): void {
  assert.deepEqual({ ...web, x: bits(web.x), y: bits(web.y), targets: bits(web.targets) }, { ...disk, x: bits(disk.x), y: bits(disk.y), targets: bits(disk.targets) });
  assert.ok(disk.n > 0);
}

async function both(s: ModelSpec, files: Record<string, Uint8Array>): Promise<MemoryFs> {
  const { dir, fs, pair } = bothPlaces(files);
  try {
    assertSame(await loadDatasetWith(pair.files, s, BASE), await loadDataset(s, dir));
  } finally {
    pair.close();
  }
  return fs;
}

/** The DataError message a load fails with. */
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => assert.fail('expected a DataError'), (e: unknown) => {
  assert.ok(e instanceof DataError, `not a DataError: ${String(e)}`);
  return e.message;
});

/** Web and disk fail alike, once each says where it looked in its own terms. */
async function sameFailure(s: ModelSpec, files: Record<string, Uint8Array>, o: LoadOptions = {}): Promise<string> {
  const { dir, pair } = bothPlaces(files);
  try {
    const web = (await failure(loadDatasetWith(pair.files, s, BASE, o))).replace(BASE, '<dir>');
    assert.equal(web, (await failure(loadDataset(s, dir, o))).replace(dir, '<dir>'));
    return web;
  } finally {
    pair.close();
  }
}

const rows = Array.from({ length: 12_000 }, (_, i) => `${(i * 0.37) % 5},"${i % 7}.25",${['cat', 'dog', 'émeu'][i % 3]}`);
const CSV = text(`a,b,label\r\n${rows.join('\r\n')}\r\n`);

test('web data files: a CSV (plain over several 64 KiB chunks, gzipped, cut by samples) loads as from disk, each file fetched once', async () => {
  const plain = await both(spec({ csv: { path: 'd/x.csv', label: 'label', normalize: 'none' } }), { 'd/x.csv': CSV });
  assert.equal(plain.reads, 1, 'the head and the chunks come from one read');
  await both(spec({ csv: { path: './d/../d/x.csv.gz', label: 'label', normalize: 'none' }, samples: 1234 }), { 'd/x.csv.gz': gzipSync(CSV) });
  await both(spec({ csv: { path: 'a b#?.csv', label: 'label', target: ['a'], normalize: 'none' } }), { 'a b#?.csv': text('a,b,label\n1.5,2,0\n-3,4.25,1\n') });
});

test('web data files: an IDX pair (plain and gzipped) and CIFAR-10 batches in a folder load as from disk', async () => {
  const pixels = Array.from({ length: 4 * 5 * 3 }, (_, j) => (j * 37) % 256);
  const images = idxFile(0x803, [4, 5, 3], pixels);
  const labels = idxFile(0x801, [4], [3, 1, 4, 1]);
  const idx = (i: string, l: string, samples = 0): ModelSpec => spec({ dataset: 'idx', idx: { images: i, labels: l }, samples });
  await both(idx('i.idx', 'l.idx'), { 'i.idx': images, 'l.idx': labels });
  await both(idx('g/i.gz', 'l.idx', 3), { 'g/i.gz': gzipSync(images), 'l.idx': labels });
  const record = (k: number): number[] => [k % 10, ...Array.from({ length: 3072 }, (_, j) => (j + 13 * k) % 256)];
  const batch = (from: number, n: number): Uint8Array => Uint8Array.from(Array.from({ length: n }, (_, k) => record(from + k)).flat());
  await both(spec({ dataset: 'cifar10', cifar10: { path: 'cifar' } }), { 'cifar/data_batch_1.bin': batch(0, 3), 'cifar/data_batch_2.bin': batch(3, 2), 'cifar/test_batch.bin': batch(9, 1) });
});

test('web data files: the bundled MNIST comes from <extension>/dist through its one location outside the workspace', async () => {
  const { pair } = bothPlaces({});
  try {
    const mnist = spec({ dataset: 'mnist', samples: 0 });
    assert.equal(pair.files.mnist, MNIST_LOCATION);
    const web = await loadDatasetWith(pair.files, mnist, null);
    assertSame(web, await loadDataset(mnist, null, { mnistPath: path.join(repo, 'dist/mnist-10k.bin.gz') }));
    assert.equal(web.n, 10_000);
  } finally {
    pair.close();
  }
});

test('web data files: a missing file, a folder for a file, a bad CSV row, a file past maxBytes fail with the messages they have on disk', async () => {
  const files = { 'bad.csv': text('a,b,c\n1,2,3\n4,5\n'), 'sub/x.csv': text('1,2\n'), 'big.csv': CSV };
  assert.equal(await sameFailure(csv('none.csv'), files), 'none.csv: no such file (looked for <dir>/none.csv)');
  assert.equal(await sameFailure(csv('sub'), files), 'sub: a folder, not a file');
  assert.equal(await sameFailure(csv('sub/x.csv/y.csv'), files), 'sub/x.csv/y.csv: no such file (looked for <dir>/sub/x.csv/y.csv)');
  assert.equal(await sameFailure(csv('bad.csv'), files), 'bad.csv: line 3: 2 cells, expected 3 (column "c" is missing)');
  assert.match(await sameFailure(csv('big.csv'), files, { maxBytes: 1000 }), /^big\.csv: .* more than the 1000 bytes TrainLens reads$/);
  const images = gzipSync(idxFile(0x803, [40, 5, 3], new Array(600).fill(7)));
  const labels = idxFile(0x801, [40], new Array(40).fill(1));
  assert.equal(await sameFailure(spec({ dataset: 'idx', idx: { images: 'i.gz', labels: 'l.idx' } }), { 'i.gz': images, 'l.idx': labels }, { maxBytes: 300 }),
    'i.gz: unpacks to more than the 300 bytes TrainLens reads');
});

test('web data files: broken and cut-short gzip data fail with the messages node:zlib gives on disk', async () => {
  const gz = gzipSync(CSV);
  const broken = Uint8Array.from(gz);
  for (let i = 20; i < 60; i++) broken[i] ^= 0x5a;
  const cut = gz.subarray(0, gz.length >> 1);
  assert.match(await sameFailure(csv('b.csv.gz'), { 'b.csv.gz': broken }), /^b\.csv\.gz: broken gzip data \(.+\)$/);
  assert.equal(await sameFailure(csv('c.csv.gz'), { 'c.csv.gz': cut }), 'c.csv.gz: broken gzip data (unexpected end of file)');
  const images = idxFile(0x803, [4, 5, 3], new Array(60).fill(9));
  const idx = spec({ dataset: 'idx', idx: { images: 'i.gz', labels: 'l.idx' } });
  assert.equal(await sameFailure(idx, { 'i.gz': gzipSync(images).subarray(0, 30), 'l.idx': idxFile(0x801, [4], [1, 2, 3, 4]) }), 'i.gz: broken gzip data (unexpected end of file)');
});

test('web data files: a path leaving the workspace, a link, a linked folder are refused by the host (the worker is not trusted)', async () => {
  const { fs, pair } = bothPlaces({ 'in.csv': text('1,2\n') });
  try {
    fs.add(TestUri.parse('vscode-remote://host/work/secret.csv'), text('1,2\n'));
    fs.add(ROOT.with({ path: `${ROOT.path}/l.csv` }), text('1,2\n'), { link: true });
    fs.add(ROOT.with({ path: `${ROOT.path}/linked/x.csv` }), text('1,2\n'));
    fs.linkedFolders.add(`${ROOT.path}/linked`);
    assert.equal(await failure(loadDatasetWith(pair.files, csv('../secret.csv'), BASE)), '../secret.csv: permission denied');
    assert.equal(await failure(loadDatasetWith(pair.files, csv('l.csv'), BASE)), 'l.csv: permission denied');
    assert.equal(await failure(loadDatasetWith(pair.files, csv('linked/x.csv'), BASE)), 'linked/x.csv: permission denied');
    assert.equal((await loadDatasetWith(pair.files, csv('in.csv'), BASE)).n, 1);
    // Asked directly, with locations the resolver would never make: still refused, and said why.
    const ask = async (loc: string, op: 'stat' | 'read' = 'read') => (await pair.server.answer({ type: 'file', id: 1, op, loc })).answer.error;
    assert.deepEqual({ ...await ask('vscode-remote://host/work/secret.csv') }, { code: 'EACCES', message: 'vscode-remote://host/work/secret.csv: outside the workspace folders; data must stay inside them' });
    assert.equal((await ask(`${BASE}/%2E%2E/secret.csv`))?.code, 'EACCES', 'encoded dots are folded after decoding');
    assert.equal((await ask('vscode-remote://other/work/my%20proj/in.csv'))?.code, 'EACCES', 'another authority');
    assert.equal((await ask('file:///work/my%20proj/in.csv'))?.code, 'EACCES', 'another scheme');
    assert.match((await ask(`${BASE}/linked/x.csv`, 'stat'))?.message ?? '', /\/work\/my proj\/linked is a link/);
    assert.equal((await ask(`${BASE}/in.csv`)), undefined);
  } finally {
    pair.close();
  }
});

test('web data files: the host refuses a file past its read cap, naming the file and its size; vscode error codes become errno codes', async () => {
  const { pair } = bothPlaces({ 'big.csv': CSV, 'sub/x.csv': text('1\n') }, { maxReadBytes: 1000 });
  try {
    const big = (await pair.server.answer({ type: 'file', id: 7, op: 'read', loc: `${BASE}/big.csv` })).answer;
    assert.equal(big.id, 7);
    assert.equal(big.error?.code, 'EFBIG');
    assert.equal(big.error?.message, `${BASE}/big.csv: ${(CSV.length / 1024).toFixed(0)} KB, more than the 1000 bytes read whole in the browser`);
    // The loader passes the host's words on: the file, its size and the cap.
    assert.equal(await failure(loadDatasetWith(pair.files, csv('big.csv'), BASE)), `big.csv: ${big.error?.message}`);
    const code = async (op: 'stat' | 'list' | 'read', rel: string) => (await pair.server.answer({ type: 'file', id: 1, op, loc: `${BASE}/${rel}` })).answer.error?.code;
    assert.equal(await code('stat', 'nothing'), 'ENOENT');
    assert.equal(await code('read', 'sub'), 'EISDIR');
    assert.equal(await code('list', 'sub/x.csv'), 'ENOTDIR');
    assert.deepEqual(await pair.files.list(`${BASE}/sub`), ['x.csv']);
    assert.deepEqual(await pair.files.stat(`${BASE}/sub`), { kind: 'directory', size: 0 });
  } finally {
    pair.close();
  }
});

test('web data files: resolve folds the path on the URI, refuses absolute paths, and words an unsaved model as the disk resolver does', () => {
  const pair = rpcPair(new MemoryFs(), []);
  pair.close();
  const files = pair.files;
  assert.equal(files.resolve('./a/../b c/d.csv', BASE), `${BASE}/b%20c/d.csv`);
  assert.equal(files.resolve('../../../../x', 'vscode-vfs://github/owner/repo'), 'vscode-vfs://github/x');
  assert.equal(files.join('vscode-remote:/w', 'data_batch_1.bin'), 'vscode-remote:/w/data_batch_1.bin');
  assert.throws(() => files.resolve('/etc/passwd', BASE), (e: unknown) => e instanceof DataError && e.message === "'/etc/passwd' must be a path relative to the model file, not an absolute one." && e.file === '/etc/passwd');
  assert.throws(() => files.resolve('C:\\data\\x.csv', BASE), DataError);
  let disk = '';
  assert.throws(() => nodeDataFiles.resolve('x.csv', null), (e: unknown) => ((disk = (e as Error).message), e instanceof DataError));
  assert.throws(() => files.resolve('x.csv', null), (e: unknown) => e instanceof DataError && e.message === disk);
});

test('web data files: a browser DecompressionStream (errors without zlib codes) still says a cut-short file ends too soon', async () => {
  const Real = globalThis.DecompressionStream;
  // Chromium's fails with a bare TypeError; Node's carries zlib's code, which this strips.
  class Codeless {
    readonly writable: WritableStream<BufferSource>;
    readonly readable: ReadableStream<Uint8Array>;
    constructor(format: CompressionFormat) {
      const real = new Real(format);
      const reader = real.readable.getReader();
      this.writable = real.writable;
      this.readable = new ReadableStream<Uint8Array>({
        async pull(c) {
          try {
            const r = await reader.read();
            if (r.done) c.close();
            else c.enqueue(r.value);
          } catch (e) {
            c.error(new TypeError(`The compressed data was not valid: ${(e as Error).message}.`));
          }
        },
        cancel: (why) => reader.cancel(why),
      });
    }
  }
  globalThis.DecompressionStream = Codeless as unknown as typeof DecompressionStream;
  try {
    const gz = gzipSync(CSV);
    assert.equal(await sameFailure(csv('c.csv.gz'), { 'c.csv.gz': gz.subarray(0, gz.length - 100) }), 'c.csv.gz: broken gzip data (unexpected end of file)');
  } finally {
    globalThis.DecompressionStream = Real;
  }
});
