import * as l10n from '@vscode/l10n';
import { EXCERPT_CHARS, pathExcerpt } from '../engine/excerpt';

/*
 * What the data-path checkers say about a path written in a model file: the desktop's
 * (src/node/files.ts, on fs paths) and the web's (src/web/path-check.ts, on URIs) word it alike.
 * Paths are quoted from their end (where the name is): 80 characters of the one written, 120 of
 * where it led.
 */

/** A path as written, shortened for a message. */
export const shownPath = (written: string): string => pathExcerpt(written, 2 * EXCERPT_CHARS);

/** Where a path led (a file path or a URI's path), shortened for a message. */
export const lookedPath = (target: string): string => pathExcerpt(target, 3 * EXCERPT_CHARS);

/** True for a path written as an absolute one on any system: '/…' or a drive letter ('C:\…', 'C:/…'). */
export function isAbsoluteWritten(written: string): boolean {
  return written.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(written);
}

export function absolutePathMessage(shown: string): string {
  return l10n.t("'{0}' must be a path relative to the model file, not an absolute one.", shown);
}

export function leavesWorkspaceMessage(shown: string): string {
  return l10n.t("'{0}' leaves the workspace; data must stay inside it.", shown);
}

export function missingMessage(kind: 'file' | 'directory' | 'any', shown: string, looked: string): string {
  return kind === 'file' ? l10n.t("No such file: '{0}' (looked for {1}).", shown, looked)
    : kind === 'directory' ? l10n.t("No such directory: '{0}' (looked for {1}).", shown, looked)
      : l10n.t("No such file or folder: '{0}' (looked for {1}).", shown, looked);
}

export function linkLeavesMessage(shown: string): string {
  return l10n.t("'{0}' is a link that leads out of the workspace; data must stay inside it.", shown);
}

/** The kind found is not the kind asked for; undefined when it is. */
export function wrongKindMessage(kind: 'file' | 'directory' | 'any', isDirectory: boolean, shown: string): string | undefined {
  if (kind === 'file' && isDirectory) return l10n.t("'{0}' is a folder; a file is expected here.", shown);
  if (kind === 'directory' && !isDirectory) return l10n.t("'{0}' is a file; a folder is expected here.", shown);
  return undefined;
}

/** The web's file server follows no link (it cannot see where one leads). */
export function webLinkMessage(shown: string): string {
  return l10n.t("'{0}' is a link; in the browser TrainLens follows no links (where they lead cannot be checked), so give the path of the data itself.", shown);
}

/** A folder on the way to the data is a link (the web's file server refuses the path for it). */
export function webLinkOnTheWayMessage(shown: string, link: string): string {
  return l10n.t("'{0}' goes through {1}, a link; in the browser TrainLens follows no links (where they lead cannot be checked), so give the path of the data itself.", shown, link);
}
