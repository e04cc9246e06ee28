import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { MNIST_BUNDLE } from '../engine/data/mnist';
import type { DataFiles, DataStat } from '../data/data-files';
import { unsavedRelativeError } from '../data/unsaved';

const gunzip = promisify(zlib.gunzip);

/** The absolute path of a path as written in the model file (relative to baseDir). */
export function resolveDataPath(written: string, baseDir: string | null): string {
  if (path.isAbsolute(written)) return written;
  if (baseDir === null) {
    throw unsavedRelativeError(written);
  }
  return path.resolve(baseDir, written);
}

async function stat(abs: string): Promise<DataStat> {
  const st = await fs.promises.stat(abs);
  return { kind: st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other', size: st.size };
}

async function head(abs: string, n: number): Promise<Uint8Array> {
  const fh = await fs.promises.open(abs, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function readInto(abs: string, into: Uint8Array, length: number): Promise<number> {
  let got = 0;
  const fh = await fs.promises.open(abs, 'r');
  try {
    while (got < length) {
      const { bytesRead } = await fh.read(into, got, length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const { bytesRead: more } = await fh.read(Buffer.alloc(1), 0, 1, length);
    return more > 0 ? -1 : got;
  } finally {
    await fh.close();
  }
}

/** Data files on this machine's disk (fs and zlib); the bundled MNIST beside this script (dist/). */
export const nodeDataFiles: DataFiles = {
  resolve: resolveDataPath,
  join: (dir, name) => path.join(dir, name),
  mnist: path.join(__dirname, MNIST_BUNDLE),
  stat,
  list: (abs) => fs.promises.readdir(abs),
  head,
  read: (abs) => fs.promises.readFile(abs),
  readInto,
  chunks: (abs, chunkBytes) => fs.createReadStream(abs, { highWaterMark: chunkBytes }),
  gunzip: (bytes, maxBytes) => gunzip(bytes, { maxOutputLength: maxBytes }),
  gunzipChunks: (src, chunkBytes) => pipeline(src instanceof Readable ? src : Readable.from(src), zlib.createGunzip(chunkBytes === undefined ? {} : { chunkSize: chunkBytes }), () => {}),
};
