import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StoreFiles } from '../platform/types';

let tempCount = 0;

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename. */
export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${tempCount++}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function sizeOf(abs: string): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch (e) {
    if (isNotFound(e)) return 0;
    throw e;
  }
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await fs.promises.readdir(abs)) total += await sizeOf(path.join(abs, name));
  return total;
}

/** The kept-runs store's files under a folder on disk (the desktop's StoreFiles). */
export function nodeStoreFiles(root: string): StoreFiles {
  const abs = (rel: string): string => path.join(root, ...rel.split('/'));
  return {
    async mkdir(rel) {
      await fs.promises.mkdir(abs(rel), { recursive: true });
    },
    writeAtomic: (rel, data) => writeAtomic(abs(rel), data),
    append: (rel, text) => fs.promises.appendFile(abs(rel), text),
    async read(rel) {
      try {
        const b = await fs.promises.readFile(abs(rel));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async list(rel) {
      try {
        return await fs.promises.readdir(abs(rel));
      } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
      }
    },
    size: (rel) => sizeOf(abs(rel)),
    remove: (rel) => fs.promises.rm(abs(rel), { recursive: true, force: true }),
  };
}
