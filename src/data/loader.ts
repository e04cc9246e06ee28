import * as l10n from '@vscode/l10n';
import type { ModelSpec } from '../model/spec';
import type { Dataset } from '../engine/data/dataset';
import { makeDataset } from '../engine/trainer';
import { csvError, DataError, formatBytes } from '../engine/data/errors';
import { CsvDatasetReader } from '../engine/data/csv-dataset';
import { checkIdxLength, checkIdxPair, IDX_IMAGES, IDX_LABELS, idxHeaderBytes, parseIdx, readIdxHeader, type IdxHeader, type IdxKind } from '../engine/data/idx';
import { CIFAR_PIXELS, cifarDataset, cifarRecords, decodeCifarBatch } from '../engine/data/cifar';
import { decodeMnistBundle, MNIST_BUILD_COMMAND, MNIST_BUNDLE } from '../engine/data/mnist';
import { Utf8Check } from '../engine/data/utf8';
import { MEMORY_LIMIT_BYTES } from '../model/memory';
import {
  checkMemory, checkSize, DEFAULT_MAX_BYTES, errorCode, fsError, gunzipHead, gzipError, isGzip, joinWritten, readBytes, readHead, readInto, statData, unpacksPast,
} from './files';
import type { DataFiles } from './data-files';

export interface LoadOptions {
  /** The MNIST bundle's location; default DataFiles.mnist (on Node mnist-10k.bin.gz beside the script: the worker and CLI bundles sit in dist/ with it). */
  mnistPath?: string;
  /** The largest file read, in bytes after gunzip (default DEFAULT_MAX_BYTES, 1 GiB). */
  maxBytes?: number;
  /**
   * The most the samples may take as float32, in bytes (default MEMORY_LIMIT_BYTES, 2 GiB): idx
   * and cifar10 data past it is refused from the files' headers and sizes before it is read; a
   * csv file when its rows pass it.
   */
  memoryLimit?: number;
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
 * - Data whose samples would take more than `memoryLimit` as float32 is refused: idx and cifar10
 *   before any of it is read (the sizes are known from the headers and the file sizes).
 * - Every failure is a DataError naming the file as written (and for CSV the line and column).
 *
 * Files are read through `files` (one DataFiles per host); load.ts's loadDataset reads from disk.
 */
export async function loadDatasetWith(files: DataFiles, spec: ModelSpec, baseDir: string | null, options: LoadOptions = {}): Promise<Dataset> {
  const d = spec.data;
  const sources: Record<string, string | undefined> = { mnist: MNIST_BUNDLE, csv: d.csv?.path, idx: d.idx?.images, cifar10: d.cifar10?.path };
  if (!(d.dataset in sources)) return makeDataset(spec);
  const source = sources[d.dataset];
  if (source === undefined) throw new DataError(l10n.t("data: '{0}' without its path", d.dataset), '');
  try {
    return await loadFiles(files, spec, baseDir, options);
  } catch (e) {
    // Anything unforeseen (out of memory for a huge file, say) still names the file.
    if (e instanceof DataError) throw e;
    throw new DataError(`${source}: ${(e as Error)?.message ?? String(e)}`, source);
  }
}

async function loadFiles(files: DataFiles, spec: ModelSpec, baseDir: string | null, options: LoadOptions): Promise<Dataset> {
  const d = spec.data;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const memoryLimit = options.memoryLimit ?? MEMORY_LIMIT_BYTES;
  switch (d.dataset) {
    case 'mnist':
      return loadMnist(files, options.mnistPath ?? files.mnist, d.samples);
    case 'csv': {
      const csv = d.csv!;
      const o = { label: csv.label, ...(csv.target ? { target: csv.target } : {}), maxRows: d.samples, maxBytes, memoryLimit };
      return (await readCsvWith(files, files.resolve(csv.path, baseDir), csv.path, o)).data;
    }
    case 'idx':
      return loadIdx(files, d.idx!, baseDir, d.samples, maxBytes, memoryLimit);
    case 'cifar10':
      return loadCifar10With(files, d.cifar10!.path, baseDir, d.samples, maxBytes, memoryLimit);
    default:
      return makeDataset(spec);
  }
}

/**
 * IDX images and labels. Both headers are checked first (a plain file's length against its
 * header too; a gzip file's header is unpacked alone), and the images' float32 size against the
 * memory limit, before either file is read whole.
 */
async function loadIdx(files: DataFiles, names: { images: string; labels: string }, baseDir: string | null, samples: number, maxBytes: number, memoryLimit: number): Promise<Dataset> {
  const absImages = files.resolve(names.images, baseDir);
  const absLabels = files.resolve(names.labels, baseDir);
  const images = await idxHeader(files, absImages, names.images, IDX_IMAGES, 'images', maxBytes);
  const labels = await idxHeader(files, absLabels, names.labels, IDX_LABELS, 'labels', maxBytes);
  if (images && labels) {
    checkIdxPair(images, labels, names);
    const [n, rows, cols] = images.dims;
    const keep = samples > 0 ? Math.min(samples, n) : n;
    checkMemory(keep, rows * cols, memoryLimit, names.images, l10n.t('{0} images of {1}×{2}', keep, rows, cols));
  }
  const imageBytes = await readBytes(files, absImages, names.images, maxBytes);
  const labelBytes = await readBytes(files, absLabels, names.labels, maxBytes);
  return parseIdx(imageBytes, labelBytes, names, samples);
}

/**
 * The header of an IDX file, from its first bytes (unpacked alone for gzip data), checked; a plain
 * file's length is checked against it too. Undefined for gzip data too short to hold a header:
 * parseIdx says what is wrong once it is read.
 */
async function idxHeader(files: DataFiles, abs: string, written: string, magic: number, what: IdxKind, maxBytes: number): Promise<IdxHeader | undefined> {
  const st = await statData(files, abs, written, 'file');
  const n = idxHeaderBytes(magic);
  const head = await readHead(files, abs, written, n);
  if (isGzip(head)) {
    const unpacked = await gunzipHead(files, abs, written, n, maxBytes);
    if (unpacked.bytes.length < n && unpacked.complete) return undefined;
    return readIdxHeader(unpacked.bytes, written, magic, what, unpacked.complete ? unpacked.bytes.length : Infinity);
  }
  const h = readIdxHeader(head, written, magic, what, st.size);
  checkIdxLength(h, st.size, written, what);
  return h;
}

/** The bundled digits: the first `samples` of 10,000 (0: all). */
export async function loadMnist(files: DataFiles, bundle: string, samples: number): Promise<Dataset> {
  let packed: Uint8Array;
  try {
    packed = await files.read(bundle);
  } catch (e) {
    const missing = errorCode(e) === 'ENOENT';
    throw new DataError(missing
      ? l10n.t('{0}: the bundled MNIST digits are missing ({1}); build them with {2}', MNIST_BUNDLE, bundle, MNIST_BUILD_COMMAND)
      : fsError(e, MNIST_BUNDLE, bundle).message, MNIST_BUNDLE);
  }
  let bytes: Uint8Array;
  try {
    bytes = await files.gunzip(packed, DEFAULT_MAX_BYTES);
  } catch (e) {
    throw gzipError(e, MNIST_BUNDLE, DEFAULT_MAX_BYTES);
  }
  return decodeMnistBundle(bytes, samples, MNIST_BUNDLE);
}

export interface CsvFileOptions {
  label: string | number;
  /** Regression: the numeric target columns, given instead of the label (see CsvOptions.target). */
  target?: ReadonlyArray<string | number>;
  /** Keep the first this many data rows (0: all); the rest of the file is not read. */
  maxRows?: number;
  maxBytes?: number;
  /** The most the features may take as float32, in bytes (absent: no limit). */
  memoryLimit?: number;
  /** Bytes per read (default 64 KiB). */
  chunkBytes?: number;
}

/**
 * Streams a CSV file (gzipped or not) through CsvDatasetReader: the file is never held whole.
 * The text must be UTF-8 (a byte that is not is an error at its line, once the rows before it are
 * read). Also returns how many text chunks the reader was fed and the bytes read (after gunzip).
 */
export async function readCsvWith(files: DataFiles, abs: string, written: string, o: CsvFileOptions): Promise<{ data: Dataset; chunks: number; bytes: number }> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const st = await statData(files, abs, written, 'file');
  const gz = isGzip(await readHead(files, abs, written, 2));
  if (!gz) checkSize(st.size, maxBytes, written);
  const reader = new CsvDatasetReader({ file: written, label: o.label, target: o.target, maxRows: o.maxRows, memoryLimit: o.memoryLimit });
  const file = files.chunks(abs, o.chunkBytes ?? 64 * 1024);
  const source = gz ? files.gunzipChunks(file) : file;
  const decoder = new TextDecoder('utf-8');
  const utf8 = new Utf8Check();
  let first: Uint8Array | undefined;
  let bytes = 0;
  try {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new DataError(gz ? unpacksPast(written, maxBytes) : l10n.t('{0}: more than the {1} TrainLens reads', written, formatBytes(maxBytes)), written);
      }
      first ??= chunk.subarray(0, 2);
      const chunkStart = utf8.offset;
      const bad = utf8.push(chunk);
      if (bad >= 0) {
        notUtf8(reader, decoder.decode(chunk.subarray(0, Math.max(0, bad - chunkStart)), { stream: true }), chunk, { written, at: bad, byte: utf8.startByte, first });
        break;
      }
      reader.push(decoder.decode(chunk, { stream: true }));
      if (reader.full) break;
    }
    if (!reader.full) {
      const cut = utf8.end();
      if (cut >= 0) throw csvError(written, reader.line, l10n.t('not UTF-8 text: the file ends inside a character (the bytes from byte {0} on); it is cut short, or not UTF-8', cut));
      reader.push(decoder.decode());
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw (errorCode(e) ?? '').startsWith('Z_') ? gzipError(e, written, maxBytes) : fsError(e, written, abs);
  }
  return { data: reader.end(), chunks: reader.chunks, bytes };
}

/**
 * At byte `at` of a CSV file, which does not start a UTF-8 character: the text before it is read
 * (`before`: its rows' own errors come first, and `samples` may end the reading there, the one
 * case this returns), then it is the error, at its line. UTF-16 is named; binary data (control
 * bytes in the chunk) is left to the tokenizer, which says so at the first of them.
 */
function notUtf8(reader: CsvDatasetReader, before: string, chunk: Uint8Array, bad: { written: string; at: number; byte: number; first: Uint8Array }): void {
  const { written, at, byte, first } = bad;
  const utf16 = at === 0 && first.length >= 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff));
  if (utf16) throw csvError(written, 1, l10n.t('not UTF-8 text: the file starts with a UTF-16 byte-order mark; save it as UTF-8'));
  let control = false;
  for (let i = 0; i < chunk.length && !control; i++) control = chunk[i] < 0x20 && chunk[i] !== 9 && chunk[i] !== 10 && chunk[i] !== 13;
  reader.push(control ? new TextDecoder('utf-8').decode(chunk) : before);
  if (reader.full) return;
  throw csvError(written, reader.line, l10n.t('not UTF-8 text: byte {0} ({1}) does not begin a valid UTF-8 character (Latin-1 or another encoding?); save the file as UTF-8', at, `0x${byte.toString(16).padStart(2, '0')}`));
}

const CIFAR_BATCHES = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

/**
 * A CIFAR-10 binary folder (data_batch_1.bin … 5, those present) or one batch file. The batches'
 * sizes are checked first (whole records; the float32 size of the records kept against the memory
 * limit), then each batch is read and decoded into the one float32 array in turn, so no more than
 * a batch's bytes are held beside it.
 */
export async function loadCifar10With(files: DataFiles, written: string, baseDir: string | null, samples: number, maxBytes: number, memoryLimit = MEMORY_LIMIT_BYTES): Promise<Dataset> {
  const abs = files.resolve(written, baseDir);
  const st = await statData(files, abs, written, 'either');
  const sources: { abs: string; written: string }[] = [];
  if (st.kind === 'directory') {
    let names: string[];
    try {
      names = await files.list(abs);
    } catch (e) {
      throw fsError(e, written, abs);
    }
    for (const b of CIFAR_BATCHES) if (names.includes(b)) sources.push({ abs: files.join(abs, b), written: joinWritten(written, b) });
    if (sources.length === 0) throw new DataError(l10n.t('{0}: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin) in this folder{1}', written, cifarHint(names, written)), written);
  } else {
    sources.push({ abs, written });
  }
  const batches: { abs: string; written: string; bytes: number; records: number }[] = [];
  let records = 0;
  for (const f of sources) {
    if (samples > 0 && records >= samples) break;
    const size = (await statData(files, f.abs, f.written, 'file')).size;
    if (isGzip(await readHead(files, f.abs, f.written, 2))) {
      throw new DataError(l10n.t('{0}: a gzip archive, not a CIFAR-10 batch; extract cifar-10-binary.tar.gz and give the cifar-10-batches-bin folder', f.written), f.written);
    }
    const n = cifarRecords(size, f.written);
    records += n;
    batches.push({ ...f, bytes: size, records: n });
    const keep = samples > 0 ? Math.min(samples, records) : records;
    checkMemory(keep, CIFAR_PIXELS, memoryLimit, f.written, batches.length === 1 ? l10n.t('{0} records of 3×32×32', keep) : l10n.t('with the batches before it, {0} records of 3×32×32', keep));
  }
  for (const b of batches) checkSize(b.bytes, maxBytes, b.written);
  const n = samples > 0 ? Math.min(samples, records) : records;
  const x = new Float32Array(n * CIFAR_PIXELS);
  const y = new Int32Array(n);
  // One buffer for the batch being decoded, reused for the next.
  const buffer = new Uint8Array(Math.max(...batches.map((b) => b.bytes)));
  let at = 0;
  for (const b of batches) {
    const bytes = await readInto(files, b.abs, b.written, buffer, b.bytes);
    const take = Math.min(b.records, n - at);
    decodeCifarBatch(bytes, b.written, x, y, at, take);
    at += take;
  }
  return cifarDataset(x, y, n);
}

function cifarHint(names: string[], written: string): string {
  if (names.includes('cifar-10-batches-bin')) return l10n.t('; did you mean {0}?', joinWritten(written, 'cifar-10-batches-bin'));
  if (names.includes('data_batch_1')) return l10n.t(': this is the Python version (pickles); TrainLens reads the binary version (cifar-10-binary.tar.gz)');
  if (names.includes('test_batch.bin')) return l10n.t(' (test_batch.bin alone is not used: the validation split is the held-out set)');
  return '';
}
