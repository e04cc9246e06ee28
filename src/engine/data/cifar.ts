import * as l10n from '@vscode/l10n';
import { DataError } from './errors';
import type { Dataset } from './dataset';

/*
 * CIFAR-10, binary version: each batch file (data_batch_1.bin … data_batch_5.bin, test_batch.bin)
 * is 10,000 records of 1 label byte (0–9) then 3072 pixel bytes: the red 32×32 plane, then green,
 * then blue, each row-major. That is already the (channels, height, width) layout of a sample.
 */

export const CIFAR_RECORD = 3073;
export const CIFAR_PIXELS = 3072;
export const CIFAR_SHAPE = [3, 32, 32];
export const CIFAR_LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The number of records in a batch of `bytes` bytes; a partial last record is an error. */
export function cifarRecords(bytes: number, file: string): number {
  if (bytes === 0) throw new DataError(l10n.t('{0}: the file is empty', file), file);
  const n = Math.floor(bytes / CIFAR_RECORD);
  const rest = bytes - n * CIFAR_RECORD;
  if (rest !== 0) {
    throw new DataError(l10n.t('{0}: {1} bytes, not a whole number of {2}-byte records: record {3} is truncated, {4} of {2} bytes (a CIFAR-10 binary record is 1 label byte + 3072 pixel bytes)', file, bytes, CIFAR_RECORD, n + 1, rest), file);
  }
  return n;
}

/**
 * Decodes the first `count` records of a batch into x (pixels / 255, in [0, 1]) and y, from sample
 * `offset` on. Checks the whole batch's size and the labels it decodes.
 */
export function decodeCifarBatch(bytes: Uint8Array, file: string, x: Float32Array, y: Int32Array, offset: number, count: number): void {
  const n = cifarRecords(bytes.length, file);
  if (count > n) throw new Error(`decodeCifarBatch: ${count} records asked of ${n}`);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR_RECORD;
    const label = bytes[at];
    if (label > 9) {
      throw new DataError(l10n.t('{0}: record {1} (byte {2}) has label {3}, not a CIFAR-10 class (0–9): is this CIFAR-100, or not a CIFAR-10 binary batch?', file, r + 1, at, label), file);
    }
    y[offset + r] = label;
    const out = (offset + r) * CIFAR_PIXELS;
    for (let k = 0; k < CIFAR_PIXELS; k++) x[out + k] = bytes[at + 1 + k] / 255;
  }
}

/** Batches in order as one Dataset (shape [3, 32, 32], 10 classes, named); limit > 0 keeps the first `limit` records. */
export function parseCifar10(batches: { file: string; bytes: Uint8Array }[], limit = 0): Dataset {
  const counts = batches.map((b) => cifarRecords(b.bytes.length, b.file));
  const total = counts.reduce((a, b) => a + b, 0);
  const n = limit > 0 ? Math.min(limit, total) : total;
  const x = new Float32Array(n * CIFAR_PIXELS);
  const y = new Int32Array(n);
  let at = 0;
  for (let b = 0; b < batches.length && at < n; b++) {
    const take = Math.min(counts[b], n - at);
    decodeCifarBatch(batches[b].bytes, batches[b].file, x, y, at, take);
    at += take;
  }
  return cifarDataset(x, y, n);
}

export function cifarDataset(x: Float32Array, y: Int32Array, n: number): Dataset {
  return { x, y, n, shape: CIFAR_SHAPE, features: CIFAR_PIXELS, classes: 10, labelNames: CIFAR_LABELS };
}
