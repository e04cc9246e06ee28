import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportFile } from './pytorch';

/**
 * Writes the export's files into `dir`, creating it (and its parents) when missing. Only the named
 * files are written, each directly inside dir, replacing a file of that name; nothing else in dir
 * is touched (a symbolic link of one of the names is replaced by the file). Returns the paths written.
 */
export function writeExportFiles(dir: string, files: readonly ExportFile[]): string[] {
  for (const f of files) {
    if (f.name !== path.basename(f.name) || f.name === '.' || f.name === '..' || f.name === '') {
      throw new Error(`export: '${f.name}' is not a plain file name`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const target = path.join(dir, f.name);
    // A symbolic link of that name is replaced, not followed: nothing is written outside dir.
    if (fs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(target);
    fs.writeFileSync(target, f.contents);
    return target;
  });
}
