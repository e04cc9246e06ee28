/**
 * The web worker's DataFiles: locations are URI strings, and every stat, listing and read is a
 * request to the host (src/web/file-server.ts), which answers through workspace.fs and transfers
 * the bytes. Files come whole (workspace.fs has no ranged read): heads and chunks are cut from
 * them here, and gzip is unpacked here with DecompressionStream.
 */
import type { DataFiles, DataStat } from '../data/data-files';
import { DataError } from '../engine/data/errors';
import { unsavedRelativeError } from '../data/unsaved';
import { absolutePathMessage, isAbsoluteWritten, shownPath } from '../model/path-messages';
import { MNIST_LOCATION, type FileAnswer, type FileRequest } from '../platform/file-rpc';
import { foldPath } from './uri';
import { gunzipStream, gunzipWhole } from './gunzip';
import { codedError } from '../data/files';

/** A URI string cut into what comes before its path ("scheme:" or "scheme://authority") and its path (still encoded); query and fragment dropped. */
function splitLocation(loc: string): { prefix: string; path: string } {
  const m = /^([a-zA-Z][\w+.-]*:(?:\/\/[^/?#]*)?)([^?#]*)/.exec(loc);
  if (!m) throw new Error(`not a URI: ${loc}`);
  return { prefix: m[1], path: m[2] };
}

/** `rel` ('/'-separated, as written) below the folder at `dir`, '.' and '..' folded on the URI path. */
function joinLocation(dir: string, rel: string): string {
  const { prefix, path } = splitLocation(dir);
  const encoded = rel.split('/').map((s) => (s === '.' || s === '..' ? s : encodeURIComponent(s))).join('/');
  return prefix + foldPath(`${path}/${encoded}`);
}

function answerError(e: { code: string; message: string }): Error {
  return codedError(e.message, e.code);
}

/**
 * DataFiles whose requests go out through `post`; the host's answers come back through `receive`
 * (the worker entry routes them there).
 */
export function rpcDataFiles(post: (r: FileRequest) => void): { files: DataFiles; receive(a: FileAnswer): void } {
  let nextId = 1;
  const waiting = new Map<number, { resolve(a: FileAnswer): void; reject(e: unknown): void }>();
  const ask = (op: FileRequest['op'], loc: string): Promise<FileAnswer> => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    try {
      post({ type: 'file', id, op, loc });
    } catch (e) {
      waiting.delete(id);
      reject(e);
    }
  });
  // The file a head was cut from, kept for the read that usually follows (one fetch, not two); a read takes it.
  let kept: { loc: string; bytes: Uint8Array } | undefined;
  const read = async (loc: string): Promise<Uint8Array> => {
    if (kept?.loc === loc) {
      const bytes = kept.bytes;
      kept = undefined;
      return bytes;
    }
    kept = undefined;
    return (await ask('read', loc)).bytes ?? new Uint8Array(0);
  };
  const files: DataFiles = {
    resolve(written, baseDir) {
      if (isAbsoluteWritten(written)) throw new DataError(absolutePathMessage(shownPath(written)), written);
      if (baseDir === null) throw unsavedRelativeError(written);
      return joinLocation(baseDir, written);
    },
    join: joinLocation,
    mnist: MNIST_LOCATION,
    stat: async (loc): Promise<DataStat> => (await ask('stat', loc)).stat ?? { kind: 'other', size: 0 },
    list: async (loc) => (await ask('list', loc)).names ?? [],
    async head(loc, n) {
      const bytes = await read(loc);
      kept = { loc, bytes };
      return bytes.subarray(0, n);
    },
    read,
    async readInto(loc, into, length) {
      const bytes = await read(loc);
      into.set(bytes.subarray(0, length));
      return bytes.length > length ? -1 : bytes.length;
    },
    chunks: (loc, chunkBytes) => (async function* () {
      const bytes = await read(loc);
      for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
    })(),
    gunzip: gunzipWhole,
    gunzipChunks: (src, chunkBytes) => gunzipStream(src, chunkBytes),
  };
  return {
    files,
    receive(a) {
      const w = waiting.get(a.id);
      if (!w) return;
      waiting.delete(a.id);
      if (a.error) w.reject(answerError(a.error));
      else w.resolve(a);
    },
  };
}
