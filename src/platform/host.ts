/**
 * The platform as the extension's editor side sees it (src/extension.ts activateWith): the
 * workers, where a model file's data paths are relative to and how they are checked, where kept
 * runs are written. Built by nodePlatform(context) (src/node/platform.ts) or webPlatform(context)
 * (src/web/platform.ts). Types only: this file imports nothing at run time.
 */
import type * as vscode from 'vscode';
import type { PathCheck } from '../model/data';
import type { StoreFiles, Workers } from './types';

export interface HostPlatform extends Workers {
  readonly kind: 'node' | 'web';
  /**
   * Where a model file's data paths are relative to, as the worker's DataFiles understands it
   * (Node: the file's folder as an fs path; web: the folder's URI string); null where data
   * cannot be read (Node: an unsaved or non-file document).
   */
  baseDirOf(uri: vscode.Uri): string | null;
  /**
   * The data-path check of a model document (undefined: paths are not checked). Where checking
   * is asynchronous (web), an unknown path passes at first and onResolved() is called once its
   * answer is in, so diagnostics are computed again.
   */
  pathChecker(doc: vscode.TextDocument, onResolved: () => void): PathCheck | undefined;
  /** Files of the workspace appeared, changed or went away: drop what the path check has cached (web). */
  dataChanged?(): void;
  /** The files of kept runs under a folder. */
  storeFiles(root: vscode.Uri): StoreFiles;
  /** Environment variables (TRAINLENS_AUTOTRAIN); the web has none. */
  env(name: string): string | undefined;
}
