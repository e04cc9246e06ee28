import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PathCheck } from '../model/data';

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Data paths of a model file: relative to the file, and inside one of the roots (the workspace
 * folders, or for the CLI the model's folder and the current one), symlinks and `..` resolved.
 */
export function pathChecker(modelFile: string, roots: readonly string[]): PathCheck {
  const dir = path.dirname(modelFile);
  const realRoots = roots.map(realpath);
  return (written, kind) => {
    if (path.isAbsolute(written) || /^[a-zA-Z]:[\\/]/.test(written)) {
      return `'${written}' must be a path relative to the model file, not an absolute one.`;
    }
    const target = path.resolve(dir, written);
    if (!realRoots.some((root) => isInside(path.resolve(target), root))) {
      return `'${written}' leaves the workspace; data must stay inside it.`;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      return `No such ${kind === 'any' ? 'file or folder' : kind}: '${written}' (looked for ${target}).`;
    }
    // After following symlinks too, the data must still be inside a root.
    if (!realRoots.some((root) => isInside(realpath(target), root))) {
      return `'${written}' is a link that leads out of the workspace; data must stay inside it.`;
    }
    if (kind === 'file' && stat.isDirectory()) return `'${written}' is a folder; a file is expected here.`;
    if (kind === 'directory' && !stat.isDirectory()) return `'${written}' is a file; a folder is expected here.`;
    return undefined;
  };
}
