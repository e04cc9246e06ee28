import * as l10n from '@vscode/l10n';
import { DataError, formatBytes, memoryProblem } from '../engine/data/errors';
import type { DataFiles, DataStat } from './data-files';

/** Files larger than this (after gunzip) are refused unless the caller says otherwise: 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

/** The `code` of a thrown error (errno or zlib style), if it has one. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An Error carrying a `code` (errno or zlib style), as Node's fs and zlib throw them. */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** True for gzip data (magic 1f 8b), whatever the file is called. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A path inside a folder given in the model file, written the same way: "data/cifar/data_batch_1.bin". */
export function joinWritten(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** An fs error as a DataError naming the file (`what` it was to be: a file, a folder, either). */
export function fsError(e: unknown, written: string, abs: string, what: 'file' | 'directory' | 'either' = 'file'): DataError {
  if (e instanceof DataError) return e;
  const code = errorCode(e);
  const message = code === 'ENOENT' || code === 'ENOTDIR'
    ? (what === 'file' ? l10n.t('no such file (looked for {0})', abs) : what === 'directory' ? l10n.t('no such folder (looked for {0})', abs) : l10n.t('no such file or folder (looked for {0})', abs))
    : code === 'EISDIR' ? l10n.t('a folder, not a file')
      : code === 'EACCES' || code === 'EPERM' ? l10n.t('permission denied')
        // The browser's file server refuses a file too big to read whole, saying how big (src/web/file-server.ts).
        : code === 'EFBIG' && e instanceof Error ? e.message
          : l10n.t('cannot be read ({0})', code ?? (e as Error)?.message ?? String(e));
  return new DataError(`${written}: ${message}`, written);
}

/** Stats a data file or folder; what it must be is checked with a clear message. */
export async function statData(files: DataFiles, abs: string, written: string, kind: 'file' | 'directory' | 'either'): Promise<DataStat> {
  let st: DataStat;
  try {
    st = await files.stat(abs);
  } catch (e) {
    throw fsError(e, written, abs, kind);
  }
  if (kind === 'file' && st.kind === 'directory') throw new DataError(`${written}: ${l10n.t('a folder, not a file')}`, written);
  if (kind === 'directory' && st.kind !== 'directory') throw new DataError(`${written}: ${l10n.t('a file, not a folder')}`, written);
  if (st.kind === 'other') throw new DataError(`${written}: ${l10n.t('not a regular file')}`, written);
  if (st.kind === 'file' && st.size === 0) throw new DataError(l10n.t('{0}: the file is empty', written), written);
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
export async function readHead(files: DataFiles, abs: string, written: string, n: number): Promise<Uint8Array> {
  try {
    return await files.head(abs, n);
  } catch (e) {
    throw fsError(e, written, abs);
  }
}

/**
 * The first `n` bytes of a gzip file once unpacked, unpacking no more than it takes; `complete`
 * when that is the whole content (it is shorter than `n`, or exactly `n`).
 */
export async function gunzipHead(files: DataFiles, abs: string, written: string, n: number, maxBytes: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const parts: Uint8Array[] = [];
  let have = 0;
  let complete = true;
  try {
    for await (const chunk of files.gunzipChunks(files.chunks(abs, 16 * 1024), Math.max(64, n))) {
      parts.push(chunk);
      have += chunk.length;
      if (have > n) {
        complete = false;
        break;
      }
    }
  } catch (e) {
    throw (errorCode(e) ?? '').startsWith('Z_') ? gzipError(e, written, maxBytes) : fsError(e, written, abs);
  }
  return { bytes: concat(parts, have).subarray(0, n), complete };
}

/** The parts one after another in one array of `length` bytes. */
export function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads a plain file of `length` bytes into the start of `into` (reused from file to file, so a
 * loader that decodes file after file holds one buffer, not one per file). A file whose length
 * is no longer `length` changed since it was looked at: an error.
 */
export async function readInto(files: DataFiles, abs: string, written: string, into: Uint8Array, length: number): Promise<Uint8Array> {
  let got: number;
  try {
    got = await files.readInto(abs, into, length);
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
export async function readBytes(files: DataFiles, abs: string, written: string, maxBytes: number): Promise<Uint8Array> {
  const st = await statData(files, abs, written, 'file');
  checkSize(st.size, maxBytes, written);
  let bytes: Uint8Array;
  try {
    bytes = await files.read(abs);
  } catch (e) {
    throw fsError(e, written, abs);
  }
  if (!isGzip(bytes)) return bytes;
  let out: Uint8Array;
  try {
    out = await files.gunzip(bytes, maxBytes);
  } catch (e) {
    throw gzipError(e, written, maxBytes);
  }
  if (out.length === 0) throw new DataError(l10n.t('{0}: the file is empty (once gunzipped)', written), written);
  return out;
}

/** A gunzip failure as a DataError naming the file. */
export function gzipError(e: unknown, written: string, maxBytes: number): DataError {
  if (e instanceof DataError) return e;
  if (errorCode(e) === 'ERR_BUFFER_TOO_LARGE') return new DataError(unpacksPast(written, maxBytes), written);
  return new DataError(l10n.t('{0}: broken gzip data ({1})', written, (e as Error)?.message ?? String(e)), written);
}

/** "data/x.csv.gz: unpacks to more than the 1.0 GB TrainLens reads" */
export function unpacksPast(written: string, maxBytes: number): string {
  return l10n.t('{0}: unpacks to more than the {1} TrainLens reads', written, formatBytes(maxBytes));
}
