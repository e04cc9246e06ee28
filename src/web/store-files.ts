import type * as vscode from 'vscode';
import type { StoreFiles } from '../platform/types';

/** What the store needs of vscode.workspace.fs. */
export type StoreFileSystem = Pick<vscode.FileSystem, 'createDirectory' | 'writeFile' | 'readFile' | 'readDirectory' | 'stat' | 'rename' | 'delete'>;

const DIRECTORY = 2; // vscode.FileType.Directory

/** vscode.FileSystemError.FileNotFound (its code), or a provider's plain ENOENT. */
function isNotFound(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown } | undefined;
  return err?.code === 'FileNotFound' || err?.code === 'ENOENT' || (typeof err?.name === 'string' && err.name.startsWith('EntryNotFound'));
}

async function orWhenAbsent<T>(f: () => Thenable<T>, absent: T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isNotFound(e)) return absent;
    throw e;
  }
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

/**
 * The kept-runs store's files under a folder, through workspace.fs (the web build's StoreFiles;
 * works for any scheme). Atomic writes are a temp file renamed over the old one (no fsync there);
 * workspace.fs cannot append, so append reads the file and writes it back whole (atomically).
 * `fs` is injectable for tests; vscode is imported for types only, so this runs without it.
 */
export function webStoreFiles(root: vscode.Uri, fs: StoreFileSystem): StoreFiles {
  const uri = (rel: string): vscode.Uri => (rel === '' ? root : root.with({ path: `${root.path.replace(/\/$/, '')}/${rel}` }));
  const encode = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : data);
  const read = (rel: string): Promise<Uint8Array | undefined> => orWhenAbsent<Uint8Array | undefined>(() => fs.readFile(uri(rel)), undefined);
  const size = async (target: vscode.Uri): Promise<number> => {
    const st = await orWhenAbsent<vscode.FileStat | undefined>(() => fs.stat(target), undefined);
    if (!st) return 0;
    if ((st.type & DIRECTORY) === 0) return st.size;
    let total = 0;
    for (const [name] of await orWhenAbsent(() => fs.readDirectory(target), [])) {
      total += await size(target.with({ path: `${target.path}/${name}` }));
    }
    return total;
  };
  const writeAtomic = async (rel: string, data: string | Uint8Array): Promise<void> => {
    const tmp = uri(`${rel}.${randomSuffix()}.tmp`);
    await fs.writeFile(tmp, encode(data));
    await fs.rename(tmp, uri(rel), { overwrite: true });
  };
  return {
    mkdir: async (rel) => fs.createDirectory(uri(rel)),
    writeAtomic,
    // Rewritten whole, and atomically: a crash mid-write never leaves a torn history.
    async append(rel, text) {
      const old = await read(rel);
      const add = encode(text);
      if (!old) return writeAtomic(rel, add);
      const both = new Uint8Array(old.byteLength + add.byteLength);
      both.set(old);
      both.set(add, old.byteLength);
      await writeAtomic(rel, both);
    },
    read,
    list: async (rel) => (await orWhenAbsent(() => fs.readDirectory(uri(rel)), [])).map(([name]) => name),
    size: (rel) => size(uri(rel)),
    remove: (rel) => orWhenAbsent(() => fs.delete(uri(rel), { recursive: true, useTrash: false }), undefined),
  };
}
