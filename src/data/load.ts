import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import type { ModelSpec } from '../model/spec';
import type { Dataset } from '../engine/data/dataset';
import { makeDataset } from '../engine/trainer';
import { DataError, formatBytes } from '../engine/data/errors';
import { CsvDatasetReader } from '../engine/data/csv-dataset';
import { parseIdx } from '../engine/data/idx';
import { cifarRecords, parseCifar10 } from '../engine/data/cifar';
import { decodeMnistBundle, MNIST_BUNDLE } from '../engine/data/mnist';
import { checkSize, DEFAULT_MAX_BYTES, fsError, gzipError, isGzip, joinWritten, readBytes, resolveDataPath, statData } from './files';

export { DataError } from '../engine/data/errors';
export { DEFAULT_MAX_BYTES } from './files';

export interface LoadOptions {
  /** The MNIST bundle; default mnist-10k.bin.gz beside this script (the worker and CLI bundles sit in dist/ with it). */
  mnistPath?: string;
  /** The largest file read, in bytes after gunzip (default DEFAULT_MAX_BYTES, 1 GiB). */
  maxBytes?: number;
}

/**
 * The data of a model: generated sets from the spec (makeDataset), the bundled MNIST digits, or
 * files — paths as written in the model file, relative to `baseDir` (the model file's folder;
 * null for an unsaved file, which allows only absolute paths).
 *
 * - `samples` > 0 keeps the first `samples` rows / images / records of a file (and the first
 *   digits of the bundle); 0 reads everything.
 * - csv is streamed (CsvDatasetReader, see there for the header, label and class rules); gzip
 *   data is unpacked on the fly. idx files may be gzipped (told by the bytes 1f 8b, not the name).
 *   cifar10 is a folder holding data_batch_1.bin … data_batch_5.bin (those present, in order;
 *   test_batch.bin is not used: the validation split is the held-out set), or one batch file.
 * - Every failure is a DataError naming the file as written (and for CSV the line and column).
 */
export async function loadDataset(spec: ModelSpec, baseDir: string | null, options: LoadOptions = {}): Promise<Dataset> {
  const d = spec.data;
  const sources: Record<string, string | undefined> = { mnist: MNIST_BUNDLE, csv: d.csv?.path, idx: d.idx?.images, cifar10: d.cifar10?.path };
  if (!(d.dataset in sources)) return makeDataset(spec);
  const source = sources[d.dataset];
  if (source === undefined) throw new DataError(`data: '${d.dataset}' without its path`, '');
  try {
    return await loadFiles(spec, baseDir, options);
  } catch (e) {
    // Anything unforeseen (out of memory for a huge file, say) still names the file.
    if (e instanceof DataError) throw e;
    throw new DataError(`${source}: ${(e as Error)?.message ?? String(e)}`, source);
  }
}

async function loadFiles(spec: ModelSpec, baseDir: string | null, options: LoadOptions): Promise<Dataset> {
  const d = spec.data;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  switch (d.dataset) {
    case 'mnist':
      return loadMnist(options.mnistPath ?? path.join(__dirname, MNIST_BUNDLE), d.samples);
    case 'csv': {
      const csv = d.csv!;
      return (await readCsvFile(resolveDataPath(csv.path, baseDir), csv.path, { label: csv.label, maxRows: d.samples, maxBytes })).data;
    }
    case 'idx': {
      const { images, labels } = d.idx!;
      const imageBytes = await readBytes(resolveDataPath(images, baseDir), images, maxBytes);
      const labelBytes = await readBytes(resolveDataPath(labels, baseDir), labels, maxBytes);
      return parseIdx(imageBytes, labelBytes, { images, labels }, d.samples);
    }
    case 'cifar10':
      return loadCifar10(d.cifar10!.path, baseDir, d.samples, maxBytes);
    default:
      return makeDataset(spec);
  }
}

/** The bundled digits: the first `samples` of 10,000 (0: all). */
export async function loadMnist(bundle: string, samples: number): Promise<Dataset> {
  let packed: Buffer;
  try {
    packed = await fs.promises.readFile(bundle);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DataError(missing
      ? `${MNIST_BUNDLE}: the bundled MNIST digits are missing (${bundle}); build them with node scripts/build.mjs`
      : fsError(e, MNIST_BUNDLE, bundle).message, MNIST_BUNDLE);
  }
  let bytes: Uint8Array;
  try {
    bytes = zlib.gunzipSync(packed);
  } catch (e) {
    throw gzipError(e, MNIST_BUNDLE, DEFAULT_MAX_BYTES);
  }
  return decodeMnistBundle(bytes, samples, MNIST_BUNDLE);
}

export interface CsvFileOptions {
  label: string | number;
  /** Keep the first this many data rows (0: all); the rest of the file is not read. */
  maxRows?: number;
  maxBytes?: number;
  /** Bytes per read (default 64 KiB). */
  chunkBytes?: number;
}

/**
 * Streams a CSV file (gzipped or not) through CsvDatasetReader: the file is never held whole.
 * Also returns how many text chunks the reader was fed and the bytes read (after gunzip).
 */
export async function readCsvFile(abs: string, written: string, o: CsvFileOptions): Promise<{ data: Dataset; chunks: number; bytes: number }> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const st = await statData(abs, written, 'file');
  const gz = isGzip(await head(abs, written, 2));
  if (!gz) checkSize(st.size, maxBytes, written);
  const reader = new CsvDatasetReader({ file: written, label: o.label, maxRows: o.maxRows });
  const file = fs.createReadStream(abs, { highWaterMark: o.chunkBytes ?? 64 * 1024 });
  const source: Readable = gz ? pipeline(file, zlib.createGunzip(), () => {}) : file;
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new DataError(`${written}: ${gz ? 'unpacks to ' : ''}more than the ${formatBytes(maxBytes)} TrainLens reads`, written);
      }
      reader.push(decoder.decode(chunk, { stream: true }));
      if (reader.full) break;
    }
    if (!reader.full) reader.push(decoder.decode());
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw code.startsWith('Z_') ? gzipError(e, written, maxBytes) : fsError(e, written, abs);
  } finally {
    file.destroy();
    source.destroy();
  }
  return { data: reader.end(), chunks: reader.chunks, bytes };
}

/** The first bytes of a file. */
async function head(abs: string, written: string, n: number): Promise<Uint8Array> {
  try {
    const fh = await fs.promises.open(abs, 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fsError(e, written, abs);
  }
}

const CIFAR_BATCHES = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

/** A CIFAR-10 binary folder (data_batch_1.bin … 5, those present) or one batch file. */
export async function loadCifar10(written: string, baseDir: string | null, samples: number, maxBytes: number): Promise<Dataset> {
  const abs = resolveDataPath(written, baseDir);
  const st = await statData(abs, written, 'either');
  const files: { abs: string; written: string }[] = [];
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = await fs.promises.readdir(abs);
    } catch (e) {
      throw fsError(e, written, abs);
    }
    for (const b of CIFAR_BATCHES) if (names.includes(b)) files.push({ abs: path.join(abs, b), written: joinWritten(written, b) });
    if (files.length === 0) throw new DataError(`${written}: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder${cifarHint(names, written)}`, written);
  } else {
    files.push({ abs, written });
  }
  const batches: { file: string; bytes: Uint8Array }[] = [];
  let records = 0;
  for (const f of files) {
    if (samples > 0 && records >= samples) break;
    await statData(f.abs, f.written, 'file');
    if (isGzip(await head(f.abs, f.written, 2))) {
      throw new DataError(`${f.written}: a gzip archive, not a CIFAR-10 batch; extract cifar-10-binary.tar.gz and give the cifar-10-batches-bin folder`, f.written);
    }
    const bytes = await readBytes(f.abs, f.written, maxBytes);
    records += cifarRecords(bytes.length, f.written);
    batches.push({ file: f.written, bytes });
  }
  return parseCifar10(batches, samples);
}

function cifarHint(names: string[], written: string): string {
  if (names.includes('cifar-10-batches-bin')) return `; did you mean ${joinWritten(written, 'cifar-10-batches-bin')}?`;
  if (names.includes('data_batch_1')) return ': this is the Python version (pickles); TrainLens reads the binary version (cifar-10-binary.tar.gz)';
  if (names.includes('test_batch.bin')) return ' (test_batch.bin alone is not used: the validation split is the held-out set)';
  return '';
}
