import { DataError, formatBytes } from './errors';
import type { Dataset } from './dataset';

/*
 * IDX, the format of MNIST and Fashion-MNIST: a big-endian header — two zero bytes, a type byte
 * (0x08 = unsigned byte, the only one used here), the number of dimensions — then one uint32 per
 * dimension, then the values row-major. Images: magic 0x00000803, dims (n, rows, cols). Labels:
 * magic 0x00000801, dims (n). Bytes past the last item are ignored.
 */

export const IDX_IMAGES = 0x0803;
export const IDX_LABELS = 0x0801;

interface Idx {
  dims: number[];
  /** The values, a view into the input. */
  data: Uint8Array;
}

function readIdx(bytes: Uint8Array, file: string, magic: number, what: string): Idx {
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length === 0) throw new DataError(`${file}: the file is empty`, file);
  if (bytes.length < 4) throw new DataError(`${file}: truncated: ${bytes.length} bytes, shorter than an IDX header`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hint = found === IDX_LABELS && magic === IDX_IMAGES ? ' — this is an IDX labels file; are images and labels swapped?'
      : found === IDX_IMAGES && magic === IDX_LABELS ? ' — this is an IDX images file; are images and labels swapped?'
        : found >>> 16 === 0 && (found >>> 8 & 0xff) === 0x08 ? ` (an IDX file of ${found & 0xff} dimensions)`
          : found >>> 16 === 0 && (found >>> 8 & 0xff) !== 0x08 ? ` (IDX values of type 0x${(found >>> 8 & 0xff).toString(16)}; only unsigned bytes, 0x08, are read)`
            : ': not an IDX file';
    throw new DataError(`${file}: expected IDX ${what} (magic 0x${hex(magic)}), found 0x${hex(found)}${hint}`, file);
  }
  if (bytes.length < headerBytes) throw new DataError(`${file}: truncated: ${bytes.length} bytes, shorter than the ${headerBytes}-byte header`, file);
  const dims: number[] = [];
  for (let k = 0; k < ndim; k++) dims.push(view.getUint32(4 + 4 * k));
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < size) {
    const itemBytes = size / Math.max(1, dims[0]);
    const whole = itemBytes > 0 ? Math.floor(have / itemBytes) : 0;
    throw new DataError(`${file}: truncated: the header promises ${dims[0]} ${what} (${formatBytes(size + headerBytes)}), the file has ${formatBytes(bytes.length)}: only ${whole} of them complete`, file);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + size) };
}

/** An IDX images file: (n, rows, cols) unsigned bytes. */
export function parseIdxImages(bytes: Uint8Array, file: string): { n: number; rows: number; cols: number; pixels: Uint8Array } {
  const { dims, data } = readIdx(bytes, file, IDX_IMAGES, 'images');
  const [n, rows, cols] = dims;
  if (rows === 0 || cols === 0) throw new DataError(`${file}: images of ${rows}×${cols} pixels`, file);
  return { n, rows, cols, pixels: data };
}

/** An IDX labels file: n unsigned bytes. */
export function parseIdxLabels(bytes: Uint8Array, file: string): Uint8Array {
  return readIdx(bytes, file, IDX_LABELS, 'labels').data;
}

/**
 * An IDX images file and its labels file as a Dataset: shape [1, rows, cols], pixels / 255 in
 * [0, 1], classes = the largest label in the whole labels file + 1. `limit` > 0 keeps the first
 * `limit` images. The two files must hold as many items.
 */
export function parseIdx(images: Uint8Array, labels: Uint8Array, names: { images: string; labels: string }, limit = 0): Dataset {
  const img = parseIdxImages(images, names.images);
  const lab = parseIdxLabels(labels, names.labels);
  if (img.n !== lab.length) {
    throw new DataError(`${names.images} has ${img.n} images but ${names.labels} has ${lab.length} labels`, names.labels);
  }
  if (img.n === 0) throw new DataError(`${names.images}: no images (the header says 0)`, names.images);
  let classes = 0;
  for (let i = 0; i < lab.length; i++) if (lab[i] >= classes) classes = lab[i] + 1;
  const n = limit > 0 ? Math.min(limit, img.n) : img.n;
  const f = img.rows * img.cols;
  const x = new Float32Array(n * f);
  const src = img.pixels;
  for (let i = 0; i < n * f; i++) x[i] = src[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = lab[i];
  return { x, y, n, shape: [1, img.rows, img.cols], features: f, classes };
}

function hex(v: number): string {
  return v.toString(16).padStart(8, '0');
}
