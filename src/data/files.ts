import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { DataError, formatBytes } from '../engine/data/errors';

const gunzip = promisify(zlib.gunzip);

/** Files larger than this (after gunzip) are refused unless the caller says otherwise: 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

/** True for gzip data (magic 1f 8b), whatever the file is called. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The absolute path of a path as written in the model file (relative to baseDir). */
export function resolveDataPath(written: string, baseDir: string | null): string {
  if (path.isAbsolute(written)) return written;
  if (baseDir === null) {
    throw new DataError(`${written}: a relative path, but the model file is not saved in a folder to be relative to; save it first, or give an absolute path`, written);
  }
  return path.resolve(baseDir, written);
}

/** A path inside a folder given in the model file, written the same way: "data/cifar/data_batch_1.bin". */
export function joinWritten(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** An fs error as a DataError naming the file. */
export function fsError(e: unknown, written: string, abs: string): DataError {
  if (e instanceof DataError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const message = code === 'ENOENT' || code === 'ENOTDIR' ? `no such file (looked for ${abs})`
    : code === 'EISDIR' ? 'a folder, not a file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : `cannot be read (${code ?? (e as Error)?.message ?? String(e)})`;
  return new DataError(`${written}: ${message}`, written);
}

/** Stats a data file or folder; what it must be is checked with a clear message. */
export async function statData(abs: string, written: string, kind: 'file' | 'directory' | 'either'): Promise<fs.Stats> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch (e) {
    throw fsError(e, written, abs);
  }
  if (kind === 'file' && st.isDirectory()) throw new DataError(`${written}: a folder, not a file`, written);
  if (kind === 'directory' && !st.isDirectory()) throw new DataError(`${written}: a file, not a folder`, written);
  if (!st.isDirectory() && !st.isFile()) throw new DataError(`${written}: not a regular file`, written);
  if (st.isFile() && st.size === 0) throw new DataError(`${written}: the file is empty`, written);
  return st;
}

/** Refuses sizes past the limit. */
export function checkSize(bytes: number, maxBytes: number, written: string, unpacked = false): void {
  if (bytes > maxBytes) {
    const what = unpacked ? 'unpacks to more than' : `${formatBytes(bytes)}, more than`;
    throw new DataError(`${written}: ${what} the ${formatBytes(maxBytes)} TrainLens reads`, written);
  }
}

/** A whole binary file, gunzipped when it is gzip data. */
export async function readBytes(abs: string, written: string, maxBytes: number): Promise<Uint8Array> {
  const st = await statData(abs, written, 'file');
  checkSize(st.size, maxBytes, written);
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(abs);
  } catch (e) {
    throw fsError(e, written, abs);
  }
  if (!isGzip(bytes)) return bytes;
  let out: Uint8Array;
  try {
    out = await gunzip(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    throw gzipError(e, written, maxBytes);
  }
  if (out.length === 0) throw new DataError(`${written}: the file is empty (once gunzipped)`, written);
  return out;
}

/** A gunzip failure as a DataError naming the file. */
export function gzipError(e: unknown, written: string, maxBytes: number): DataError {
  if (e instanceof DataError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return new DataError(`${written}: unpacks to more than the ${formatBytes(maxBytes)} TrainLens reads`, written);
  return new DataError(`${written}: broken gzip data (${(e as Error)?.message ?? String(e)})`, written);
}
