import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataError, loadDataset, readCsvFile, type LoadOptions } from '../../src/data/load';
import { Utf8Check } from '../../src/engine/data/utf8';
import type { DataSpec, ModelSpec } from '../../src/model/spec';
import type { WorkerToHost } from '../../src/training/protocol';
import { idxFile, SPIRAL } from './fixtures';

/*
 * Bad data files, one table: each case writes its files into a folder of its own and loads them
 * as the worker does (loadDataset(spec, the model file's folder)), and the failure must be a
 * DataError whose message names the file as written and what is wrong — for CSV the line (and
 * the column), for IDX and CIFAR-10 the sizes found and expected. Huge files are sparse (made with
 * ftruncate: no disk, no memory) and must be refused from their headers and sizes, before any of
 * them is read.
 */

const root = mkdtempSync(path.join(tmpdir(), 'trainlens-bad-data-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

/** A file's content: bytes, text, a folder, or a sparse file of `size` bytes that starts with `head`. */
type Content = Uint8Array | string | { folder: true } | { size: number; head: Uint8Array };

interface Case {
  name: string;
  files: Record<string, Content>;
  data: Partial<DataSpec>;
  /** Load options (the worker passes none: its cases use the defaults). */
  options?: LoadOptions;
  /** The exact message; a function of the case's folder when it holds an absolute path. */
  message: string | ((dir: string) => string);
  /** DataError.file: the file as written in the model file. */
  file: string;
  /** DataError.line and .column (CSV). */
  line?: number;
  column?: number;
}

// ─── makers ─────────────────────────────────────────────────────────────────────────────────────

const IMAGES = idxFile(0x803, [3, 2, 3], Array.from({ length: 18 }, (_, k) => k * 10));
const LABELS = idxFile(0x801, [3], [4, 0, 7]);
const idxData = (images = 'images.idx', labels = 'labels.idx', samples = 0): Partial<DataSpec> => ({ dataset: 'idx', idx: { images, labels }, samples });

/** CIFAR-10 records with these labels (pixels: (r + k) mod 256). */
function cifar(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let k = 0; k < 3072; k++) out[r * 3073 + 1 + k] = (r + k) % 256;
  });
  return out;
}
const cifarData = (p: string, samples = 0): Partial<DataSpec> => ({ dataset: 'cifar10', cifar10: { path: p }, samples, classes: 10, features: 3072 });
const csvData = (p: string, label: string | number = -1): Partial<DataSpec> =>
  ({ dataset: 'csv', csv: { path: p, label, normalize: 'none' }, samples: 0, classes: 0, features: 0 });
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const GB = 1024 ** 3;
/** 5,000,000 images of 28×28: 3.7 GB of file, 14.6 GB as float32. */
const HUGE_IMAGES = 5_000_000;
/** 1,700,000 CIFAR-10 records: 4.9 GB of file, 19.5 GB as float32. */
const HUGE_RECORDS = 1_700_000;
/** The default memory limit's messages (2 GiB): how many samples of f features fit. */
const fit = (f: number): number => Math.floor(2 * GB / (f * 4));

// ─── the cases ──────────────────────────────────────────────────────────────────────────────────

const CASES: Case[] = [
  // IDX
  {
    name: 'idx: truncated images (header fine, pixels short)',
    files: { 'images.idx': IMAGES.subarray(0, IMAGES.length - 4), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: truncated: the header promises 3 images (34 bytes), the file has 30 bytes: only 2 of them complete',
  },
  {
    name: 'idx: truncated labels (header fine, labels short)',
    files: { 'images.idx': IMAGES, 'labels.idx': LABELS.subarray(0, LABELS.length - 1) }, data: idxData(), file: 'labels.idx',
    message: 'labels.idx: truncated: the header promises 3 labels (11 bytes), the file has 10 bytes: only 2 of them complete',
  },
  {
    name: 'idx: a header cut short',
    files: { 'images.idx': IMAGES.subarray(0, 10), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: truncated: 10 bytes, shorter than the 16-byte header',
  },
  {
    name: 'idx: wrong magic (a PNG)',
    files: { 'images.idx': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), 'labels.idx': LABELS },
    data: idxData(), file: 'images.idx',
    message: 'images.idx: expected IDX images (magic 0x00000803), found 0x89504e47: not an IDX file',
  },
  {
    name: 'idx: images and labels swapped',
    files: { 'images.idx': IMAGES, 'labels.idx': LABELS }, data: idxData('labels.idx', 'images.idx'), file: 'labels.idx',
    message: 'labels.idx: expected IDX images (magic 0x00000803), found 0x00000801 — this is an IDX labels file; are images and labels swapped?',
  },
  {
    name: 'idx: labels of two dimensions',
    files: { 'images.idx': IMAGES, 'labels.idx': idxFile(0x802, [3, 1], [4, 0, 7]) }, data: idxData(), file: 'labels.idx',
    message: 'labels.idx: expected IDX labels (magic 0x00000801), found 0x00000802 (an IDX file of 2 dimensions)',
  },
  {
    name: 'idx: float values, not bytes',
    files: { 'images.idx': idxFile(0xd03, [1, 1, 1], [0, 0, 0, 0]), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: expected IDX images (magic 0x00000803), found 0x00000d03 (IDX values of type 0xd; only unsigned bytes, 0x08, are read)',
  },
  {
    name: 'idx: images and labels that do not match (3 images, 2 labels)',
    files: { 'images.idx': IMAGES, 'labels.idx': idxFile(0x801, [2], [1, 2]) }, data: idxData(), file: 'labels.idx',
    message: 'images.idx has 3 images but labels.idx has 2 labels',
  },
  {
    name: 'idx: images of 0×5 pixels',
    files: { 'images.idx': idxFile(0x803, [3, 0, 5]), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: the header gives images of 0×5 pixels: no pixels to read',
  },
  {
    name: 'idx: no images at all (the header says 0)',
    files: { 'images.idx': idxFile(0x803, [0, 28, 28]), 'labels.idx': idxFile(0x801, [0]) }, data: idxData(), file: 'images.idx',
    message: 'images.idx: no images (the header says 0)',
  },
  {
    name: 'idx: a header claiming 2^31 images in a 1 KB file fails on the sizes, without reading',
    files: { 'images.idx': idxFile(0x803, [2 ** 31, 28, 28], new Uint8Array(1000)), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: truncated: the header promises 2147483648 images (1.5 TB), the file has 1016 bytes: only 1 of them complete',
  },
  {
    name: 'idx: labels claiming 2^31 items in a tiny file',
    files: { 'images.idx': IMAGES, 'labels.idx': idxFile(0x801, [2 ** 31], [1, 2, 3]) }, data: idxData(), file: 'labels.idx',
    message: 'labels.idx: truncated: the header promises 2147483648 labels (2.0 GB), the file has 11 bytes: only 3 of them complete',
  },
  {
    name: 'idx: gzipped files claiming 2^31 images are refused from the header alone (not unpacked)',
    files: { 'images.gz': gzipSync(idxFile(0x803, [2 ** 31, 28, 28], new Uint8Array(100))), 'labels.gz': gzipSync(idxFile(0x801, [2 ** 31], [1])) },
    data: idxData('images.gz', 'labels.gz'), file: 'images.gz',
    message: `images.gz: 2147483648 images of 28×28 take 6.1 TB as float32, more than the memory limit of 2.0 GB; keep fewer with 'samples:' (at most ${fit(784)} fit)`,
  },
  {
    name: 'idx: a sparse 3.7 GB images file is refused from its header: the float32 size against the memory limit',
    files: { 'images.idx': { size: 16 + HUGE_IMAGES * 784, head: idxFile(0x803, [HUGE_IMAGES, 28, 28]) }, 'labels.idx': { size: 8 + HUGE_IMAGES, head: idxFile(0x801, [HUGE_IMAGES]) } },
    data: idxData(), file: 'images.idx',
    message: `images.idx: 5000000 images of 28×28 take 15 GB as float32, more than the memory limit of 2.0 GB; keep fewer with 'samples:' (at most ${fit(784)} fit)`,
  },
  {
    name: 'idx: the memory limit counts the images kept (samples), against a lower limit',
    files: { 'images.idx': idxFile(0x803, [3, 2, 3], new Uint8Array(18)), 'labels.idx': LABELS }, data: idxData('images.idx', 'labels.idx', 2),
    options: { memoryLimit: 40 }, file: 'images.idx',
    message: "images.idx: 2 images of 2×3 take 48 bytes as float32, more than the memory limit of 40 bytes; keep fewer with 'samples:' (at most 1 fit)",
  },
  {
    name: 'idx: an empty file',
    files: { 'images.idx': new Uint8Array(0), 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: the file is empty',
  },
  {
    name: 'idx: an empty file, gzipped',
    files: { 'images.idx': IMAGES, 'labels.gz': gzipSync(new Uint8Array(0)) }, data: idxData('images.idx', 'labels.gz'), file: 'labels.gz',
    message: 'labels.gz: the file is empty (once gunzipped)',
  },
  {
    name: 'idx: broken gzip data',
    files: { 'images.gz': gzipSync(IMAGES).subarray(0, 14), 'labels.idx': LABELS }, data: idxData('images.gz'), file: 'images.gz',
    message: 'images.gz: broken gzip data (unexpected end of file)',
  },
  {
    name: 'idx: a folder given for the images file',
    files: { 'images.idx': { folder: true }, 'labels.idx': LABELS }, data: idxData(), file: 'images.idx',
    message: 'images.idx: a folder, not a file',
  },
  {
    name: 'idx: a missing labels file',
    files: { 'images.idx': IMAGES }, data: idxData(), file: 'labels.idx',
    message: (dir) => `labels.idx: no such file (looked for ${path.join(dir, 'labels.idx')})`,
  },

  // CIFAR-10
  {
    name: 'cifar10: a batch whose size is not a multiple of 3073',
    files: { 'cifar/data_batch_1.bin': cifar([1, 2, 3]).subarray(0, 2 * 3073 + 100) }, data: cifarData('cifar'), file: 'cifar/data_batch_1.bin',
    message: 'cifar/data_batch_1.bin: 6246 bytes, not a whole number of 3073-byte records: record 3 is truncated, 100 of 3073 bytes (a CIFAR-10 binary record is 1 label byte + 3072 pixel bytes)',
  },
  {
    name: 'cifar10: a label out of range (12 > 9)',
    files: { 'cifar/data_batch_1.bin': cifar([0, 9, 12]) }, data: cifarData('cifar'), file: 'cifar/data_batch_1.bin',
    message: 'cifar/data_batch_1.bin: record 3 (byte 6146) has label 12, not a CIFAR-10 class (0–9): is this CIFAR-100, or not a CIFAR-10 binary batch?',
  },
  {
    name: 'cifar10: a bad label in the second batch',
    files: { 'cifar/data_batch_1.bin': cifar([0, 1]), 'cifar/data_batch_2.bin': cifar([255]) }, data: cifarData('cifar'), file: 'cifar/data_batch_2.bin',
    message: 'cifar/data_batch_2.bin: record 1 (byte 0) has label 255, not a CIFAR-10 class (0–9): is this CIFAR-100, or not a CIFAR-10 binary batch?',
  },
  {
    name: 'cifar10: an empty batch file',
    files: { 'cifar/data_batch_1.bin': new Uint8Array(0) }, data: cifarData('cifar'), file: 'cifar/data_batch_1.bin',
    message: 'cifar/data_batch_1.bin: the file is empty',
  },
  {
    name: 'cifar10: a sparse 4.9 GB batch is refused from its size: the float32 size against the memory limit',
    files: { 'cifar/data_batch_1.bin': { size: HUGE_RECORDS * 3073, head: new Uint8Array(1) } }, data: cifarData('cifar'), file: 'cifar/data_batch_1.bin',
    message: `cifar/data_batch_1.bin: 1700000 records of 3×32×32 take 19 GB as float32, more than the memory limit of 2.0 GB; keep fewer with 'samples:' (at most ${fit(3072)} fit)`,
  },
  {
    name: 'cifar10: a sparse 5 GB file that is not whole records',
    files: { 'big.bin': { size: 5 * GB, head: new Uint8Array(1) } }, data: cifarData('big.bin'), file: 'big.bin',
    message: `big.bin: ${5 * GB} bytes, not a whole number of 3073-byte records: record 1747058 is truncated, 2959 of 3073 bytes (a CIFAR-10 binary record is 1 label byte + 3072 pixel bytes)`,
  },
  {
    name: 'cifar10: the memory limit counts every batch read, against a lower limit',
    files: { 'cifar/data_batch_1.bin': cifar([1, 2]), 'cifar/data_batch_2.bin': cifar([3, 4]) }, data: cifarData('cifar'),
    options: { memoryLimit: 3 * 3072 * 4 }, file: 'cifar/data_batch_2.bin',
    message: "cifar/data_batch_2.bin: with the batches before it, 4 records of 3×32×32 take 48 KB as float32, more than the memory limit of 36 KB; keep fewer with 'samples:' (at most 3 fit)",
  },
  {
    name: 'cifar10: a gzip archive given for a batch',
    files: { 'cifar-10-binary.tar.gz': gzipSync(cifar([1])) }, data: cifarData('cifar-10-binary.tar.gz'), file: 'cifar-10-binary.tar.gz',
    message: 'cifar-10-binary.tar.gz: a gzip archive, not a CIFAR-10 batch; extract cifar-10-binary.tar.gz and give the cifar-10-batches-bin folder',
  },
  {
    name: 'cifar10: a folder with no batches',
    files: { 'cifar/readme.txt': 'hello' }, data: cifarData('cifar'), file: 'cifar',
    message: 'cifar: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder',
  },
  {
    name: 'cifar10: a folder named like a batch',
    files: { 'cifar/data_batch_1.bin/x': 'x' }, data: cifarData('cifar'), file: 'cifar/data_batch_1.bin',
    message: 'cifar/data_batch_1.bin: a folder, not a file',
  },
  {
    name: 'cifar10: a missing folder',
    files: {}, data: cifarData('cifar-10-batches-bin'), file: 'cifar-10-batches-bin',
    message: (dir) => `cifar-10-batches-bin: no such file or folder (looked for ${path.join(dir, 'cifar-10-batches-bin')})`,
  },

  // CSV
  {
    name: 'csv: an empty file',
    files: { 'data.csv': '' }, data: csvData('data.csv'), file: 'data.csv',
    message: 'data.csv: the file is empty',
  },
  {
    name: 'csv: only blank lines',
    files: { 'data.csv': '\n  \n\t\n' }, data: csvData('data.csv'), file: 'data.csv',
    message: 'data.csv: no rows, only blank lines',
  },
  {
    name: 'csv: only a header row',
    files: { 'data.csv': 'a,b,label\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 1,
    message: 'data.csv: only a header row (line 1), no data rows',
  },
  {
    name: 'csv: binary junk with NUL bytes',
    files: { 'data.csv': Uint8Array.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0x00, 0x00, 0x00, 0x0a]) }, data: csvData('data.csv'), file: 'data.csv', line: 2,
    message: 'data.csv: line 2: binary data (a byte 0x00): this is not a CSV text file',
  },
  {
    name: 'csv: binary junk that is not UTF-8 either (a PNG)',
    files: { 'data.csv': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }, data: csvData('data.csv'), file: 'data.csv', line: 2,
    message: 'data.csv: line 2: binary data (a byte 0x1a): this is not a CSV text file',
  },
  {
    name: 'csv: Latin-1 text, not UTF-8',
    files: { 'data.csv': latin1('x,label\n1,cafe\n2,caf\xe9\n') }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3,
    message: 'data.csv: line 3: not UTF-8 text: byte 20 (0xe9) does not begin a valid UTF-8 character (Latin-1 or another encoding?); save the file as UTF-8',
  },
  {
    name: 'csv: a UTF-8 sequence broken in the middle (an overlong form)',
    files: { 'data.csv': Uint8Array.from([...new TextEncoder().encode('x,label\n1,a\n'), 0x32, 0x2c, 0xc0, 0xaf, 0x0a]) }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3,
    message: 'data.csv: line 3: not UTF-8 text: byte 14 (0xc0) does not begin a valid UTF-8 character (Latin-1 or another encoding?); save the file as UTF-8',
  },
  {
    name: 'csv: UTF-16 text',
    files: { 'data.csv': Uint8Array.from([0xff, 0xfe, ...Array.from('x,label\n1,a\n', (c) => [c.charCodeAt(0), 0]).flat()]) }, data: csvData('data.csv'), file: 'data.csv', line: 1,
    message: 'data.csv: line 1: not UTF-8 text: the file starts with a UTF-16 byte-order mark; save it as UTF-8',
  },
  {
    name: 'csv: the file ends inside a UTF-8 character',
    files: { 'data.csv': Uint8Array.from([...new TextEncoder().encode('x,label\n1,a\n2,caf'), 0xc3]) }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3,
    message: 'data.csv: line 3: not UTF-8 text: the file ends inside a character (the bytes from byte 17 on); it is cut short, or not UTF-8',
  },
  {
    name: 'csv: a ragged row, a cell short',
    files: { 'data.csv': 'a,b,label\n1,2,x\n3,4\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3,
    message: 'data.csv: line 3: 2 cells, expected 3 (column "label" is missing)',
  },
  {
    name: 'csv: a ragged row, a cell over',
    files: { 'data.csv': '1,2,0\n3,4,1\n5,6,1,7\n' }, data: csvData('data.csv'), file: 'data.csv', line: 3,
    message: 'data.csv: line 3: 4 cells, expected 3',
  },
  {
    name: 'csv: the second row ragged against the first (header or not is undecided)',
    files: { 'data.csv': 'a,b,label\n1,2\n' }, data: csvData('data.csv'), file: 'data.csv', line: 2,
    message: 'data.csv: line 2: 2 cells, but line 1 has 3',
  },
  {
    name: 'csv: NaN in a numeric column',
    files: { 'data.csv': 'a,b,label\n1,2,x\n3,NaN,y\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3, column: 2,
    message: 'data.csv: line 3, column "b": "NaN" is not a finite number',
  },
  {
    name: 'csv: Infinity in a numeric column',
    files: { 'data.csv': 'a,b,label\n1,2,x\n-Infinity,3,y\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3, column: 1,
    message: 'data.csv: line 3, column "a": "-Infinity" is not a finite number',
  },
  {
    name: 'csv: a value past the float32 range',
    files: { 'data.csv': '1,2,0\n3,1e39,1\n' }, data: csvData('data.csv'), file: 'data.csv', line: 2, column: 2,
    message: 'data.csv: line 2, column 2: "1e39" is too large for a 32-bit float',
  },
  {
    name: 'csv: an empty cell in a numeric column',
    files: { 'data.csv': 'a,b,label\n1,2,x\n3, ,y\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3, column: 2,
    message: 'data.csv: line 3, column "b": empty cell (features must be numbers)',
  },
  {
    name: 'csv: text in a numeric column',
    files: { 'data.csv': 'a,b,label\n1,2,x\n3,4,y\n5,six,z\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 4, column: 2,
    message: 'data.csv: line 4, column "b": "six" is not a number',
  },
  {
    name: 'csv: an empty label',
    files: { 'data.csv': 'a,label\n1,x\n2,\n' }, data: csvData('data.csv', 'label'), file: 'data.csv', line: 3, column: 2,
    message: 'data.csv: line 3, column "label": empty label',
  },
  {
    name: 'csv: the rows pass the memory limit (a lower limit): the line where they do',
    files: { 'data.csv': 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n' }, data: csvData('data.csv', 'label'), options: { memoryLimit: 16 }, file: 'data.csv', line: 4,
    message: "data.csv: line 4: 3 rows of 2 features take 24 bytes as float32, more than the memory limit of 16 bytes; keep fewer with 'samples:' (at most 2 fit)",
  },
  {
    name: 'csv: a folder given for the file',
    files: { 'data.csv': { folder: true } }, data: csvData('data.csv'), file: 'data.csv',
    message: 'data.csv: a folder, not a file',
  },
  {
    name: 'csv: a missing file',
    files: {}, data: csvData('data.csv'), file: 'data.csv',
    message: (dir) => `data.csv: no such file (looked for ${path.join(dir, 'data.csv')})`,
  },
];

// ─── running them ───────────────────────────────────────────────────────────────────────────────

/** Writes a case's files into a new folder; returns it. */
function writeCase(index: number, c: Case): string {
  const dir = path.join(root, String(index));
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(c.files)) {
    const p = path.join(dir, name);
    if (typeof content === 'object' && 'folder' in content) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === 'object' && 'size' in content) {
      const fd = openSync(p, 'w');
      writeSync(fd, content.head);
      ftruncateSync(fd, content.size);
      closeSync(fd);
    } else {
      writeFileSync(p, content);
    }
  }
  return dir;
}

const specOf = (c: Case): ModelSpec => ({ ...SPIRAL, data: { ...SPIRAL.data, validation: 0.2, ...c.data } as DataSpec });
const dirs = CASES.map((c, i) => writeCase(i, c));
const expected = (i: number): string => {
  const m = CASES[i].message;
  return typeof m === 'string' ? m : m(dirs[i]);
};

/** What a failure must look like: the user's words, never a stack or an exception's name. */
function assertUserFacing(message: string, c: Case): void {
  assert.doesNotMatch(message, /\n|\bat .+:\d+:\d+|\b(Type|Range|Reference)?Error\b|ERR_|undefined|NaN bytes/, `a raw error leaked: ${message}`);
  assert.ok(message.includes(c.file), `the message names ${c.file}: ${message}`);
}

// First, while the process's peak RSS is still its start-up's.
test('huge files are refused before they are read: the process memory stays flat', async () => {
  // Below the 1 GiB file limit, so that only the memory limit stands between them and a read:
  // 900 MB of IDX pixels (3.6 GB as float32), 900 MB of CIFAR-10 records (3.6 GB as float32).
  const images = 1_150_000;
  const records = 292_000;
  const big: Case[] = [
    {
      name: 'idx', data: idxData(), file: 'images.idx', message: '',
      files: { 'images.idx': { size: 16 + images * 784, head: idxFile(0x803, [images, 28, 28]) }, 'labels.idx': { size: 8 + images, head: idxFile(0x801, [images]) } },
    },
    { name: 'cifar10', data: cifarData('cifar'), file: 'cifar/data_batch_1.bin', message: '', files: { 'cifar/data_batch_1.bin': { size: records * 3073, head: new Uint8Array(1) } } },
  ];
  const bigDirs = big.map((c, i) => writeCase(1000 + i, c));
  const hugeCases = CASES.map((_, i) => i).filter((i) => Object.values(CASES[i].files).some((f) => typeof f === 'object' && 'size' in f));
  assert.equal(hugeCases.length, 3);
  const before = process.memoryUsage();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const messages: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const [k, c] of big.entries()) {
      await assert.rejects(loadDataset(specOf(c), bigDirs[k]), (e: unknown) => {
        assert.ok(e instanceof DataError);
        messages.push(e.message);
        return true;
      });
    }
    for (const i of hugeCases) await assert.rejects(loadDataset(specOf(CASES[i]), dirs[i]), { name: 'DataError', message: expected(i) });
  }
  const after = process.memoryUsage();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const MB = 1024 * 1024;
  assert.deepEqual(messages.slice(0, 2), [
    `images.idx: 1150000 images of 28×28 take 3.4 GB as float32, more than the memory limit of 2.0 GB; keep fewer with 'samples:' (at most ${fit(784)} fit)`,
    `cifar/data_batch_1.bin: 292000 records of 3×32×32 take 3.3 GB as float32, more than the memory limit of 2.0 GB; keep fewer with 'samples:' (at most ${fit(3072)} fit)`,
  ]);
  // Reading either file would have taken 900 MB; converting it, 3.4 GB.
  assert.ok(after.rss - before.rss < 32 * MB, `RSS grew by ${((after.rss - before.rss) / MB).toFixed(1)} MB`);
  assert.ok(after.arrayBuffers - before.arrayBuffers < 32 * MB, `ArrayBuffers grew by ${((after.arrayBuffers - before.arrayBuffers) / MB).toFixed(1)} MB`);
  // The high-water mark of the RSS too: no passing peak.
  assert.ok(maxRssAfter - Math.max(maxRssBefore, before.rss) < 32 * MB, `peak RSS rose by ${((maxRssAfter - Math.max(maxRssBefore, before.rss)) / MB).toFixed(1)} MB`);
});

CASES.forEach((c, i) => {
  test(`bad data: ${c.name}`, async () => {
    let error: unknown;
    try {
      await loadDataset(specOf(c), dirs[i], c.options);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DataError, `a DataError, not ${error instanceof Error ? error.stack : String(error)}`);
    assert.equal(error.message, expected(i));
    assert.equal(error.name, 'DataError');
    assert.equal(error.file, c.file);
    assert.equal(error.line, c.line);
    assert.equal(error.column, c.column);
    assertUserFacing(error.message, c);
  });
});

test('bad data through the worker: every case the worker can meet fails its run with the same message, and the worker ends', async () => {
  const workerPath = path.resolve(__dirname, '../../src/training/worker.js');
  const viaWorker = (i: number): Promise<WorkerToHost[]> => new Promise((resolve, reject) => {
    const w = new Worker(workerPath);
    const got: WorkerToHost[] = [];
    w.on('message', (m: WorkerToHost) => got.push(m));
    w.on('error', reject);
    w.on('exit', () => resolve(got));
    w.postMessage({
      type: 'start', runId: `bad-${i}`, spec: specOf(CASES[i]), baseDir: dirs[i], control: new SharedArrayBuffer(4),
      progressIntervalMs: 100, statsEvery: 0, statsMinMs: 0,
    });
  });
  // The worker loads with the defaults: the cases with options of their own are the loader's alone.
  const cases = CASES.map((_, i) => i).filter((i) => CASES[i].options === undefined);
  for (let k = 0; k < cases.length; k += 4) {
    await Promise.all(cases.slice(k, k + 4).map(async (i) => {
      const got = await viaWorker(i);
      assert.deepEqual(got, [{ type: 'error', runId: `bad-${i}`, message: expected(i) }], CASES[i].name);
    }));
  }
});


test('the UTF-8 check agrees with a strict TextDecoder, wherever the chunks are cut', () => {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const valid = (b: Uint8Array): boolean => {
    try {
      strict.decode(b);
      return true;
    } catch {
      return false;
    }
  };
  // Bytes biased to the interesting ones: leads, continuations, overlong and surrogate starts.
  const byte = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constantFrom(0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff));
  fc.assert(fc.property(fc.array(byte, { maxLength: 24 }), fc.array(fc.nat({ max: 24 }), { maxLength: 4 }), (bytes, cuts) => {
    const b = Uint8Array.from(bytes);
    const check = new Utf8Check();
    let bad = -1;
    let from = 0;
    for (const to of [...cuts.filter((c) => c <= b.length).sort((x, y) => x - y), b.length]) {
      bad = check.push(b.subarray(from, to));
      from = to;
      if (bad >= 0) break;
    }
    if (bad < 0) bad = check.end();
    assert.equal(bad < 0, valid(b), `${Array.from(b, (x) => x.toString(16))}`);
    // The bytes before the bad one are UTF-8 (a character cut at the end aside).
    if (bad >= 0) assert.ok(valid(b.subarray(0, bad)));
  }), { numRuns: 2000 });
});

test('the CSV reader names the same byte and line however the file is read in chunks', async () => {
  const dir = writeCase(2000, { name: 'chunks', data: {}, file: '', message: '', files: {
    'latin1.csv': latin1('x,label\n1,cafe\n2,caf\xe9\n'),
    'utf8.csv': 'x,label\n1,café\n2,naïve\n3,日本\n',
  } });
  for (const chunkBytes of [1, 2, 3, 5, 64]) {
    await assert.rejects(readCsvFile(path.join(dir, 'latin1.csv'), 'latin1.csv', { label: 'label', chunkBytes }), {
      name: 'DataError', line: 3,
      message: 'latin1.csv: line 3: not UTF-8 text: byte 20 (0xe9) does not begin a valid UTF-8 character (Latin-1 or another encoding?); save the file as UTF-8',
    });
    // Characters of two and three bytes split across chunks are read whole.
    const ok = await readCsvFile(path.join(dir, 'utf8.csv'), 'utf8.csv', { label: 'label', chunkBytes });
    assert.deepEqual(ok.data.labelNames, ['café', 'naïve', '日本'], `chunks of ${chunkBytes}`);
  }
});
