/**
 * The web worker's file requests and the host's answers (src/web/data-files-rpc.ts asks,
 * src/web/file-server.ts answers through workspace.fs). Locations are URI strings; the host
 * re-checks each one. A whole file is read at a time (workspace.fs has no ranged read): the
 * worker cuts heads and chunks from it.
 */
import type { DataStat } from '../data/data-files';
import { MNIST_BUNDLE } from '../engine/data/mnist';

/** The bundled MNIST digits, as the worker names them; the host maps it to <extension>/dist/mnist-10k.bin.gz. */
export const MNIST_LOCATION = `trainlens-extension:/dist/${MNIST_BUNDLE}`;

export interface FileRequest {
  type: 'file';
  id: number;
  op: 'stat' | 'list' | 'read';
  /** A URI string (or MNIST_LOCATION). */
  loc: string;
}

export interface FileAnswer {
  type: 'fileAnswer';
  id: number;
  stat?: DataStat;
  names?: string[];
  /** The file's bytes (transferred, not copied). */
  bytes?: Uint8Array;
  /** An errno-style code (ENOENT, EISDIR, ENOTDIR, EACCES, EFBIG, …) and what happened. */
  error?: { code: string; message: string };
}

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

export function isFileRequest(m: unknown): m is FileRequest {
  return isObject(m) && m.type === 'file' && typeof m.id === 'number' && (m.op === 'stat' || m.op === 'list' || m.op === 'read') && typeof m.loc === 'string';
}

export function isFileAnswer(m: unknown): m is FileAnswer {
  return isObject(m) && m.type === 'fileAnswer' && typeof m.id === 'number';
}
