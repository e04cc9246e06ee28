/**
 * The host's side of the web worker's file requests (src/web/data-files-rpc.ts): stats, listings
 * and whole-file reads through workspace.fs, the bytes transferred. The worker is not trusted to
 * confine itself: every location is re-checked here — inside a workspace folder (same scheme and
 * authority, path below the folder's once '.' and '..' are folded), no link on the way (a link's
 * target cannot be confirmed to stay inside), or the one bundled MNIST location.
 */
import * as l10n from '@vscode/l10n';
import { formatBytes } from '../engine/data/errors';
import { MNIST_LOCATION, type FileAnswer, type FileRequest } from '../platform/file-rpc';
import type { DataStat } from '../data/data-files';
import { codedError as coded, errorCode } from '../data/files';
import { FILE_TYPE, foldPath, levelsBelow, rootOf, type UriLike } from './uri';

export interface FileStatLike { type: number; size: number }

/** What the server needs of vscode.workspace.fs (which satisfies it with U = vscode.Uri). */
export interface FileServerFs<U> {
  stat(uri: U): PromiseLike<FileStatLike>;
  readFile(uri: U): PromiseLike<Uint8Array>;
  readDirectory(uri: U): PromiseLike<[string, number][]>;
}

export interface FileServerOptions<U extends UriLike> {
  fs: FileServerFs<U>;
  /** The workspace folders (asked at every request: folders come and go). */
  roots(): readonly U[];
  extensionUri: U;
  /** vscode.Uri.parse. */
  parse(s: string): U;
  /** The largest file read whole (default 256 MiB): the file sits in the host, then in the worker. */
  maxReadBytes?: number;
}

export const DEFAULT_MAX_READ_BYTES = 256 * 1024 ** 2;

/** vscode.FileSystemError codes in the loader's errno vocabulary. */
const ERRNO: Record<string, string> = { FileNotFound: 'ENOENT', FileIsADirectory: 'EISDIR', FileNotADirectory: 'ENOTDIR', NoPermissions: 'EACCES' };

function answerError(e: unknown): { code: string; message: string } {
  const code = errorCode(e);
  const message = (e as Error)?.message ?? String(e);
  return { code: code === undefined ? 'EIO' : ERRNO[code] ?? code, message };
}

function kindOf(type: number): DataStat['kind'] {
  return type & FILE_TYPE.Directory ? 'directory' : type & FILE_TYPE.File ? 'file' : 'other';
}

/** Answers FileRequests; a request outside the workspace, through a link, or too large is answered with an error. */
export class FileServer<U extends UriLike> {
  private readonly maxReadBytes: number;
  private readonly mnist: U;

  constructor(private readonly o: FileServerOptions<U>) {
    this.maxReadBytes = o.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.mnist = o.extensionUri.with({ path: `${o.extensionUri.path.replace(/\/+$/, '')}/dist/mnist-10k.bin.gz` }) as U;
  }

  async answer(r: FileRequest): Promise<{ answer: FileAnswer; transfer: ArrayBuffer[] }> {
    try {
      const { uri, stat } = await this.place(r.loc);
      switch (r.op) {
        case 'stat':
          return { answer: { type: 'fileAnswer', id: r.id, stat: { kind: kindOf(stat.type), size: stat.size } }, transfer: [] };
        case 'list': {
          const entries = await this.o.fs.readDirectory(uri);
          return { answer: { type: 'fileAnswer', id: r.id, names: entries.map(([name]) => name) }, transfer: [] };
        }
        case 'read': {
          const bytes = await this.read(uri, stat, r.loc);
          return { answer: { type: 'fileAnswer', id: r.id, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
        }
      }
    } catch (e) {
      return { answer: { type: 'fileAnswer', id: r.id, error: answerError(e) }, transfer: [] };
    }
  }

  private async read(uri: U, stat: FileStatLike, loc: string): Promise<Uint8Array> {
    // The size is checked before the read (workspace.fs reads whole) and after it (the file may have grown).
    this.checkSize(stat.size, loc);
    const bytes = await this.o.fs.readFile(uri);
    this.checkSize(bytes.length, loc);
    // Transfer only a buffer that holds these bytes alone; otherwise a copy (never detach what workspace.fs may share).
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  }

  private checkSize(size: number, loc: string): void {
    if (size > this.maxReadBytes) throw coded(l10n.t('{0}: {1}, more than the {2} read whole in the browser', loc, formatBytes(size), formatBytes(this.maxReadBytes)), 'EFBIG');
  }

  /** The checked URI of a location and its stat (following no link on the way down from its workspace folder). */
  private async place(loc: string): Promise<{ uri: U; stat: FileStatLike }> {
    if (loc === MNIST_LOCATION) return { uri: this.mnist, stat: await this.stat(this.mnist) };
    const parsed = this.o.parse(loc);
    const uri = parsed.with({ path: foldPath(parsed.path) }) as U;
    const root = rootOf(uri, this.o.roots());
    if (!root) throw coded(l10n.t('{0}: outside the workspace folders; data must stay inside them', loc), 'EACCES');
    let stat: FileStatLike | undefined;
    for (const level of levelsBelow(root, uri)) {
      stat = await this.stat(level);
      if (stat.type & FILE_TYPE.SymbolicLink) {
        throw coded(l10n.t('{0}: {1} is a link; links are not followed in the browser (where they lead cannot be checked)', loc, level.path), 'EACCES');
      }
    }
    return { uri, stat: stat ?? await this.stat(uri) };
  }

  private async stat(uri: U): Promise<FileStatLike> {
    const st = await this.o.fs.stat(uri);
    return { type: st.type, size: st.size };
  }
}
