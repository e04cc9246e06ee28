import type { ExportFile } from '../../export/pytorch';

/**
 * What the writer needs of a file system: vscode.workspace.fs fits (U = vscode.Uri), on the desktop
 * and in a browser alike; the unit tests pass one over node:fs.
 */
export interface ExportFolderFs<U> {
  /** Creates the folder and its missing parents. */
  createDirectory(folder: U): PromiseLike<void>;
  /** The entry's type bits (vscode.FileType); rejects when there is none. */
  stat(file: U): PromiseLike<{ type: number }>;
  delete(file: U): PromiseLike<void>;
  writeFile(file: U, contents: Uint8Array): PromiseLike<void>;
}

/** vscode.FileType.SymbolicLink: the bit stat sets on a link (with the type of what it points at). */
export const SYMBOLIC_LINK = 64;

/** Throws unless every name is a plain file name (no folder, not `.` or `..`): exports land directly in their folder. */
export function checkExportNames(files: readonly ExportFile[]): void {
  for (const f of files) {
    if (f.name === '' || f.name === '.' || f.name === '..' || /[\\/]/.test(f.name)) {
      throw new Error(`export: '${f.name}' is not a plain file name`);
    }
  }
}

/**
 * Writes the export's files into `folder`, creating it (and its parents) when missing. Only the
 * named files are written, each directly inside the folder, replacing a file of that name; nothing
 * else there is touched (a symbolic link of one of the names is replaced by the file, not followed).
 * Returns the files written, in order. The CLI's counterpart over node:fs is src/export/write.ts.
 */
export async function writeExportFolder<U>(fs: ExportFolderFs<U>, join: (folder: U, name: string) => U, folder: U, files: readonly ExportFile[]): Promise<U[]> {
  checkExportNames(files);
  await fs.createDirectory(folder);
  const written: U[] = [];
  for (const f of files) {
    const target = join(folder, f.name);
    const type = await Promise.resolve(fs.stat(target)).then((s) => s.type, () => undefined);
    // A symbolic link of that name is removed first: nothing is written outside the folder.
    if (type !== undefined && (type & SYMBOLIC_LINK) !== 0) await fs.delete(target);
    await fs.writeFile(target, typeof f.contents === 'string' ? new TextEncoder().encode(f.contents) : f.contents);
    written.push(target);
  }
  return written;
}
