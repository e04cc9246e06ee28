import * as fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { PathCheck } from '../model/data';
import { EXCERPT_CHARS, pathExcerpt } from '../engine/excerpt';

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
    // Paths are quoted from their end (where the name is): 80 characters of the one written, 120 of where it led.
    const shown = pathExcerpt(written, 2 * EXCERPT_CHARS);
    if (path.isAbsolute(written) || /^[a-zA-Z]:[\\/]/.test(written)) {
      return l10n.t("'{0}' must be a path relative to the model file, not an absolute one.", shown);
    }
    const target = path.resolve(dir, written);
    if (!realRoots.some((root) => isInside(path.resolve(target), root))) {
      return l10n.t("'{0}' leaves the workspace; data must stay inside it.", shown);
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      const looked = pathExcerpt(target, 3 * EXCERPT_CHARS);
      return kind === 'file' ? l10n.t("No such file: '{0}' (looked for {1}).", shown, looked)
        : kind === 'directory' ? l10n.t("No such directory: '{0}' (looked for {1}).", shown, looked)
          : l10n.t("No such file or folder: '{0}' (looked for {1}).", shown, looked);
    }
    // After following symlinks too, the data must still be inside a root.
    if (!realRoots.some((root) => isInside(realpath(target), root))) {
      return l10n.t("'{0}' is a link that leads out of the workspace; data must stay inside it.", shown);
    }
    if (kind === 'file' && stat.isDirectory()) return l10n.t("'{0}' is a folder; a file is expected here.", shown);
    if (kind === 'directory' && !stat.isDirectory()) return l10n.t("'{0}' is a file; a folder is expected here.", shown);
    return undefined;
  };
}
