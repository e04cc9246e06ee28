/**
 * An in-memory stand-in for vscode.workspace.fs (the methods webStoreFiles uses) and a minimal
 * vscode.Uri, for unit tests under plain Node (vscode cannot be loaded there). Errors are shaped as
 * vscode.FileSystemError's: name 'EntryNotFound (FileSystemError)', code 'FileNotFound', and so on.
 */
import type * as vscode from 'vscode';
import type { StoreFileSystem } from '../../../src/web/store-files';

const FILE = 1;
const DIRECTORY = 2;

export class FakeUri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string) {}
  with(change: { path?: string }): FakeUri {
    return new FakeUri(this.scheme, this.authority, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}`;
  }
}

/** A root folder URI, typed as vscode's. */
export function fakeRoot(path = '/user/globalStorage/trainlens/runs', scheme = 'vscode-userdata'): vscode.Uri {
  return new FakeUri(scheme, '', path) as unknown as vscode.Uri;
}

function fsError(code: string, name: string, uri: vscode.Uri): Error {
  return Object.assign(new Error(`${name}: ${uri.toString()}`), { code, name: `${name} (FileSystemError)` });
}

function parentOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

export class FakeWorkspaceFs implements StoreFileSystem {
  /** Path → contents; undefined contents: a folder. */
  readonly entries = new Map<string, Uint8Array | undefined>([['/', undefined]]);
  /** Every path writeFile was called with, in order. */
  readonly written: string[] = [];

  private children(p: string): string[] {
    const prefix = p === '/' ? '/' : `${p}/`;
    return [...this.entries.keys()].filter((k) => k !== p && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'));
  }

  private mkdirp(p: string): void {
    if (this.entries.has(p)) return;
    this.mkdirp(parentOf(p));
    this.entries.set(p, undefined);
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    if (this.entries.get(uri.path) instanceof Uint8Array) throw fsError('FileExists', 'EntryExists', uri);
    this.mkdirp(uri.path);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    if (this.entries.has(uri.path) && this.entries.get(uri.path) === undefined) throw fsError('FileIsADirectory', 'EntryIsADirectory', uri);
    this.written.push(uri.path);
    this.mkdirp(parentOf(uri.path)); // workspace.fs.writeFile creates missing folders
    this.entries.set(uri.path, content.slice());
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    if (!this.entries.has(uri.path)) throw fsError('FileNotFound', 'EntryNotFound', uri);
    const data = this.entries.get(uri.path);
    if (!data) throw fsError('FileIsADirectory', 'EntryIsADirectory', uri);
    return data.slice();
  }

  async readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    if (!this.entries.has(uri.path)) throw fsError('FileNotFound', 'EntryNotFound', uri);
    if (this.entries.get(uri.path)) throw fsError('FileNotADirectory', 'EntryNotADirectory', uri);
    return this.children(uri.path).map((k) => [k.slice(k.lastIndexOf('/') + 1), (this.entries.get(k) ? FILE : DIRECTORY) as vscode.FileType]);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (!this.entries.has(uri.path)) throw fsError('FileNotFound', 'EntryNotFound', uri);
    const data = this.entries.get(uri.path);
    return { type: (data ? FILE : DIRECTORY) as vscode.FileType, size: data?.byteLength ?? 0, ctime: 0, mtime: 0 };
  }

  async rename(source: vscode.Uri, target: vscode.Uri, options?: { overwrite?: boolean }): Promise<void> {
    if (!this.entries.has(source.path)) throw fsError('FileNotFound', 'EntryNotFound', source);
    if (this.entries.has(target.path) && !options?.overwrite) throw fsError('FileExists', 'EntryExists', target);
    this.mkdirp(parentOf(target.path));
    for (const k of [...this.entries.keys()]) {
      if (k === source.path || k.startsWith(`${source.path}/`)) {
        this.entries.set(target.path + k.slice(source.path.length), this.entries.get(k));
        this.entries.delete(k);
      }
    }
  }

  async delete(uri: vscode.Uri, options?: { recursive?: boolean }): Promise<void> {
    if (!this.entries.has(uri.path)) throw fsError('FileNotFound', 'EntryNotFound', uri);
    if (this.children(uri.path).length > 0 && !options?.recursive) throw fsError('NoPermissions', 'NoPermissions', uri);
    for (const k of [...this.entries.keys()]) if (k === uri.path || k.startsWith(`${uri.path}/`)) this.entries.delete(k);
  }
}
