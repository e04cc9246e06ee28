/** Test doubles for the web's file access: URIs like vscode.Uri, an in-memory workspace.fs, and the worker ↔ host pair over a real MessageChannel. */
import type { DataFiles } from '../../../src/data/data-files';
import { isFileAnswer, isFileRequest } from '../../../src/platform/file-rpc';
import { rpcDataFiles } from '../../../src/web/data-files-rpc';
import { FileServer, type FileServerFs, type FileStatLike } from '../../../src/web/file-server';
import { FILE_TYPE, type UriLike } from '../../../src/web/uri';

/** A URI as vscode.Uri keeps it: the path decoded; toString encodes it ('scheme://authority/path', or 'scheme:/path' without an authority). */
export class TestUri implements UriLike {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string) {}
  with(change: { path: string }): TestUri {
    return new TestUri(this.scheme, this.authority, change.path);
  }
  toString(): string {
    const encoded = this.path.split('/').map(encodeURIComponent).join('/');
    return this.authority ? `${this.scheme}://${this.authority}${encoded}` : `${this.scheme}:${encoded}`;
  }
  static parse(s: string): TestUri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)/.exec(s);
    if (!m) throw new Error(`not a URI: ${s}`);
    return new TestUri(m[1], m[2] ?? '', decodeURIComponent(m[3]));
  }
}

/** vscode.FileSystemError's shape: a code such as FileNotFound. */
function fsError(code: string, uri: UriLike): Error {
  return Object.assign(new Error(`${code} (FileSystemError): ${uri.toString()}`), { code });
}

/** An in-memory workspace.fs: files (bytes), folders (implied by the files below them), links (type bits given). */
export class MemoryFs implements FileServerFs<TestUri> {
  readonly files = new Map<string, { bytes: Uint8Array; type: number }>();
  readonly folders = new Set<string>();
  stats = 0;
  reads = 0;

  private key(uri: UriLike): string {
    return `${uri.scheme}://${uri.authority}${uri.path}`;
  }

  /** Adds a file at `uri` (its folders too); `link` makes it report the SymbolicLink bit. */
  add(uri: TestUri, bytes: Uint8Array, o: { link?: boolean } = {}): void {
    this.files.set(this.key(uri), { bytes, type: FILE_TYPE.File | (o.link ? FILE_TYPE.SymbolicLink : 0) });
    for (let p = uri.path.replace(/\/[^/]*$/, ''); p !== ''; p = p.replace(/\/[^/]*$/, '')) this.folders.add(this.key(uri.with({ path: p })));
  }

  /** Paths of folders that are links. */
  readonly linkedFolders = new Set<string>();

  async stat(uri: TestUri): Promise<FileStatLike> {
    this.stats++;
    const f = this.files.get(this.key(uri));
    if (f) return { type: f.type, size: f.bytes.length };
    if (this.folders.has(this.key(uri))) return { type: FILE_TYPE.Directory | (this.linkedFolders.has(uri.path) ? FILE_TYPE.SymbolicLink : 0), size: 0 };
    throw fsError('FileNotFound', uri);
  }

  async readFile(uri: TestUri): Promise<Uint8Array> {
    this.reads++;
    const f = this.files.get(this.key(uri));
    // A fresh array, as workspace.fs gives (Buffer.slice would share the stored bytes, which the transfer detaches).
    if (f) return Uint8Array.from(f.bytes);
    throw fsError(this.folders.has(this.key(uri)) ? 'FileIsADirectory' : 'FileNotFound', uri);
  }

  async readDirectory(uri: TestUri): Promise<[string, number][]> {
    const prefix = `${this.key(uri)}/`;
    if (!this.folders.has(this.key(uri))) throw fsError(this.files.has(this.key(uri)) ? 'FileNotADirectory' : 'FileNotFound', uri);
    const names = new Map<string, number>();
    for (const k of this.files.keys()) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.set(k.slice(prefix.length), FILE_TYPE.File);
    for (const k of this.folders) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.set(k.slice(prefix.length), FILE_TYPE.Directory);
    return [...names];
  }
}

/**
 * The worker's DataFiles and the host's FileServer talking over a MessageChannel, as the web build
 * wires them (requests posted, answers posted back with their bytes transferred).
 */
export function rpcPair(fs: MemoryFs, roots: TestUri[], o: { maxReadBytes?: number; extensionUri?: TestUri } = {}): { files: DataFiles; server: FileServer<TestUri>; close(): void } {
  const { port1: worker, port2: host } = new MessageChannel();
  const rpc = rpcDataFiles((r) => worker.postMessage(r));
  worker.onmessage = (ev: MessageEvent) => {
    if (isFileAnswer(ev.data)) rpc.receive(ev.data);
  };
  const server = new FileServer<TestUri>({
    fs, roots: () => roots, extensionUri: o.extensionUri ?? TestUri.parse('vscode-remote://host/ext'), parse: TestUri.parse, maxReadBytes: o.maxReadBytes,
  });
  host.onmessage = async (ev: MessageEvent) => {
    if (!isFileRequest(ev.data)) return;
    const { answer, transfer } = await server.answer(ev.data);
    host.postMessage(answer, transfer);
  };
  return { files: rpc.files, server, close: () => { worker.close(); host.close(); } };
}
