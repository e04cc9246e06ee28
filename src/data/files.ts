import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import { promisify } from 'node:util';
import * as l10n from '@vscode/l10n';
import { DataError, formatBytes, memoryProblem } from '../engine/data/errors';

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
    throw new DataError(l10n.t('{0}: a relative path, but the model file is not saved in a folder to be relative to; save it first, or give an absolute path', written), written);
  }
  return path.resolve(baseDir, written);
}

/** A path inside a folder given in the model file, written the same way: "data/cifar/data_batch_1.bin". */
export function joinWritten(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** An fs error as a DataError naming the file (`what` it was to be: a file, a folder, either). */
export function fsError(e: unknown, written: string, abs: string, what: 'file' | 'directory' | 'either' = 'file'): DataError {
  if (e instanceof DataError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const message = code === 'ENOENT' || code === 'ENOTDIR'
    ? (what === 'file' ? l10n.t('no such file (looked for {0})', abs) : what === 'directory' ? l10n.t('no such folder (looked for {0})', abs) : l10n.t('no such file or folder (looked for {0})', abs))
    : code === 'EISDIR' ? l10n.t('a folder, not a file')
      : code === 'EACCES' || code === 'EPERM' ? l10n.t('permission denied')
        : l10n.t('cannot be read ({0})', code ?? (e as Error)?.message ?? String(e));
  return new DataError(`${written}: ${message}`, written);
}

/** Stats a data file or folder; what it must be is checked with a clear message. */
export async function statData(abs: string, written: string, kind: 'file' | 'directory' | 'either'): Promise<fs.Stats> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch (e) {
    throw fsError(e, written, abs, kind);
  }
  if (kind === 'file' && st.isDirectory()) throw new DataError(`${written}: ${l10n.t('a folder, not a file')}`, written);
  if (kind === 'directory' && !st.isDirectory()) throw new DataError(`${written}: ${l10n.t('a file, not a folder')}`, written);
  if (!st.isDirectory() && !st.isFile()) throw new DataError(`${written}: ${l10n.t('not a regular file')}`, written);
  if (st.isFile() && st.size === 0) throw new DataError(l10n.t('{0}: the file is empty', written), written);
  return st;
}

/** Refuses sizes past the limit. */
export function checkSize(bytes: number, maxBytes: number, written: string, unpacked = false): void {
  if (bytes > maxBytes) {
    throw new DataError(unpacked ? unpacksPast(written, maxBytes) : l10n.t('{0}: {1}, more than the {2} TrainLens reads', written, formatBytes(bytes), formatBytes(maxBytes)), written);
  }
}

/** Refuses data whose samples would take more than `memoryLimit` bytes as float32 (see memoryProblem). */
export function checkMemory(samples: number, features: number, memoryLimit: number, written: string, what: string): void {
  if (samples * features * 4 > memoryLimit) throw new DataError(`${written}: ${memoryProblem(samples, features, memoryLimit, what)}`, written);
}

/** The first `n` bytes of a file (fewer when it is shorter). */
export async function readHead(abs: string, written: string, n: number): Promise<Uint8Array> {
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

/**
 * The first `n` bytes of a gzip file once unpacked, unpacking no more than it takes; `complete`
 * when that is the whole content (it is shorter than `n`, or exactly `n`).
 */
export async function gunzipHead(abs: string, written: string, n: number, maxBytes: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const file = fs.createReadStream(abs, { highWaterMark: 16 * 1024 });
  const gunzip = pipeline(file, zlib.createGunzip({ chunkSize: Math.max(64, n) }), () => {});
  const parts: Buffer[] = [];
  let have = 0;
  let complete = true;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      parts.push(chunk);
      have += chunk.length;
      if (have > n) {
        complete = false;
        break;
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code ?? '';
    throw code.startsWith('Z_') ? gzipError(e, written, maxBytes) : fsError(e, written, abs);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  return { bytes: Buffer.concat(parts).subarray(0, n), complete };
}

/**
 * Reads a plain file of `length` bytes into the start of `into` (reused from file to file, so a
 * loader that decodes file after file holds one buffer, not one per file). A file whose length
 * is no longer `length` changed since it was looked at: an error.
 */
export async function readInto(abs: string, written: string, into: Uint8Array, length: number): Promise<Uint8Array> {
  let got = 0;
  try {
    const fh = await fs.promises.open(abs, 'r');
    try {
      while (got < length) {
        const { bytesRead } = await fh.read(into, got, length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const { bytesRead: more } = await fh.read(Buffer.alloc(1), 0, 1, length);
      if (more > 0) got = -1;
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fsError(e, written, abs);
  }
  if (got !== length) {
    throw new DataError(got < 0
      ? l10n.t('{0}: changed while it was read ({1} bytes when it was looked at, now more)', written, length)
      : l10n.t('{0}: changed while it was read ({1} bytes when it was looked at, now {2})', written, length, got), written);
  }
  return into.subarray(0, length);
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
  if (out.length === 0) throw new DataError(l10n.t('{0}: the file is empty (once gunzipped)', written), written);
  return out;
}

/** A gunzip failure as a DataError naming the file. */
export function gzipError(e: unknown, written: string, maxBytes: number): DataError {
  if (e instanceof DataError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return new DataError(unpacksPast(written, maxBytes), written);
  return new DataError(l10n.t('{0}: broken gzip data ({1})', written, (e as Error)?.message ?? String(e)), written);
}

/** "data/x.csv.gz: unpacks to more than the 1.0 GB TrainLens reads" */
export function unpacksPast(written: string, maxBytes: number): string {
  return l10n.t('{0}: unpacks to more than the {1} TrainLens reads', written, formatBytes(maxBytes));
}
