/**
 * The desktop platform (Node's extension host): workers are worker threads on dist/worker.js and
 * dist/kernel-helper.js (dist/extension.js sits beside them), data paths are fs paths checked
 * on disk, kept runs are files under a folder.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostPlatform } from '../platform/host';
import { nodeWorkers } from './workers';
import { pathChecker } from './files';
import { nodeStoreFiles } from './store-files';

export function nodePlatform(_context: vscode.ExtensionContext): HostPlatform {
  return {
    ...nodeWorkers(path.join(__dirname, 'worker.js'), path.join(__dirname, 'kernel-helper.js')),
    kind: 'node',
    baseDirOf: (uri) => (uri.scheme === 'file' ? path.dirname(uri.fsPath) : null),
    // Checked at once, on disk: no answer comes late, so onResolved is never called.
    pathChecker: (doc) => {
      if (doc.uri.scheme !== 'file') return undefined;
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      return pathChecker(doc.uri.fsPath, folders.length > 0 ? folders : [path.dirname(doc.uri.fsPath)]);
    },
    storeFiles: (root) => nodeStoreFiles(root.fsPath),
    env: (name) => process.env[name],
  };
}
