import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PathCheck } from '../model/data';
import { absolutePathMessage, isAbsoluteWritten, leavesWorkspaceMessage, linkLeavesMessage, lookedPath, missingMessage, shownPath, wrongKindMessage } from '../model/path-messages';

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
    const shown = shownPath(written);
    if (path.isAbsolute(written) || isAbsoluteWritten(written)) return absolutePathMessage(shown);
    const target = path.resolve(dir, written);
    if (!realRoots.some((root) => isInside(path.resolve(target), root))) return leavesWorkspaceMessage(shown);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      return missingMessage(kind, shown, lookedPath(target));
    }
    // After following symlinks too, the data must still be inside a root.
    if (!realRoots.some((root) => isInside(realpath(target), root))) return linkLeavesMessage(shown);
    return wrongKindMessage(kind, stat.isDirectory(), shown);
  };
}
