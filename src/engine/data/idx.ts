import * as l10n from '@vscode/l10n';
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

/** Which of the two files an IDX file is (its messages name it). */
export type IdxKind = 'images' | 'labels';

interface Idx extends IdxHeader {
  /** The values, a view into the input. */
  data: Uint8Array;
}

/** An IDX file's header: its dimensions, its length in bytes, and how many value bytes it promises. */
export interface IdxHeader {
  dims: number[];
  headerBytes: number;
  size: number;
}

/** The header length of an IDX file of this magic: 4 bytes, then 4 per dimension. */
export function idxHeaderBytes(magic: number): number {
  return 4 + 4 * (magic & 0xff);
}

/**
 * Reads and checks the header of an IDX file from its first bytes (at least idxHeaderBytes(magic)
 * of them when the file has that many). `fileBytes` is the whole file's length when it is known
 * (a plain file's size; unknown, Infinity, for a gzip file not yet unpacked).
 */
export function readIdxHeader(bytes: Uint8Array, file: string, magic: number, what: IdxKind, fileBytes: number = bytes.length): IdxHeader {
  const ndim = magic & 0xff;
  const headerBytes = idxHeaderBytes(magic);
  if (fileBytes === 0) throw new DataError(l10n.t('{0}: the file is empty', file), file);
  if (fileBytes < 4) throw new DataError(l10n.t('{0}: truncated: {1} bytes, shorter than an IDX header', file, fileBytes), file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hint = found === IDX_LABELS && magic === IDX_IMAGES ? l10n.t(' — this is an IDX labels file; are images and labels swapped?')
      : found === IDX_IMAGES && magic === IDX_LABELS ? l10n.t(' — this is an IDX images file; are images and labels swapped?')
        : found >>> 16 === 0 && (found >>> 8 & 0xff) === 0x08 ? l10n.t(' (an IDX file of {0} dimensions)', found & 0xff)
          : found >>> 16 === 0 && (found >>> 8 & 0xff) !== 0x08 ? l10n.t(' (IDX values of type {0}; only unsigned bytes, 0x08, are read)', `0x${(found >>> 8 & 0xff).toString(16)}`)
            : l10n.t(': not an IDX file');
    const expected = `0x${hex(magic)}`, got = `0x${hex(found)}`;
    throw new DataError(what === 'images'
      ? l10n.t('{0}: expected IDX images (magic {1}), found {2}{3}', file, expected, got, hint)
      : l10n.t('{0}: expected IDX labels (magic {1}), found {2}{3}', file, expected, got, hint), file);
  }
  if (fileBytes < headerBytes) throw new DataError(l10n.t('{0}: truncated: {1} bytes, shorter than the {2}-byte header', file, fileBytes, headerBytes), file);
  const dims: number[] = [];
  for (let k = 0; k < ndim; k++) dims.push(view.getUint32(4 + 4 * k));
  return { dims, headerBytes, size: dims.reduce((a, b) => a * b, 1) };
}

/** Refuses a file shorter than its header promises, saying how many items are whole. */
export function checkIdxLength(h: IdxHeader, fileBytes: number, file: string, what: IdxKind): void {
  const have = fileBytes - h.headerBytes;
  if (have >= h.size) return;
  const itemBytes = h.size / Math.max(1, h.dims[0]);
  const whole = itemBytes > 0 ? Math.floor(have / itemBytes) : 0;
  const promised = formatBytes(h.size + h.headerBytes), has = formatBytes(fileBytes);
  throw new DataError(what === 'images'
    ? l10n.t('{0}: truncated: the header promises {1} images ({2}), the file has {3}: only {4} of them complete', file, h.dims[0], promised, has, whole)
    : l10n.t('{0}: truncated: the header promises {1} labels ({2}), the file has {3}: only {4} of them complete', file, h.dims[0], promised, has, whole), file);
}

/** Images and labels must be as many, and at least one; the images at least a pixel each. */
export function checkIdxPair(images: IdxHeader, labels: IdxHeader, names: { images: string; labels: string }): void {
  const [n, rows, cols] = images.dims;
  if (rows === 0 || cols === 0) throw new DataError(l10n.t('{0}: the header gives images of {1}×{2} pixels: no pixels to read', names.images, rows, cols), names.images);
  if (n !== labels.dims[0]) {
    throw new DataError(l10n.t('{0} has {1} images but {2} has {3} labels', names.images, n, names.labels, labels.dims[0]), names.labels);
  }
  if (n === 0) throw new DataError(l10n.t('{0}: no images (the header says 0)', names.images), names.images);
}

function readIdx(bytes: Uint8Array, file: string, magic: number, what: IdxKind): Idx {
  const h = readIdxHeader(bytes, file, magic, what);
  checkIdxLength(h, bytes.length, file, what);
  return { ...h, data: bytes.subarray(h.headerBytes, h.headerBytes + h.size) };
}

/**
 * An IDX images file and its labels file as a Dataset: shape [1, rows, cols], pixels / 255 in
 * [0, 1], classes = the largest label in the whole labels file + 1. `limit` > 0 keeps the first
 * `limit` images. The two files must hold as many items.
 */
export function parseIdx(images: Uint8Array, labels: Uint8Array, names: { images: string; labels: string }, limit = 0): Dataset {
  const img = readIdx(images, names.images, IDX_IMAGES, 'images');
  const lab = readIdx(labels, names.labels, IDX_LABELS, 'labels');
  checkIdxPair(img, lab, names);
  const [total, rows, cols] = img.dims;
  const labelBytes = lab.data;
  let classes = 0;
  for (let i = 0; i < labelBytes.length; i++) if (labelBytes[i] >= classes) classes = labelBytes[i] + 1;
  const n = limit > 0 ? Math.min(limit, total) : total;
  const f = rows * cols;
  const x = new Float32Array(n * f);
  const src = img.data;
  for (let i = 0; i < n * f; i++) x[i] = src[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = labelBytes[i];
  return { x, y, n, shape: [1, rows, cols], features: f, classes };
}

function hex(v: number): string {
  return v.toString(16).padStart(8, '0');
}
