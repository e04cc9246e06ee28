/** What a data location is: a file, a folder, or something else (a device, a socket). */
export interface DataStat {
  kind: 'file' | 'directory' | 'other';
  /** In bytes (a file's length). */
  size: number;
}

/**
 * The file access the data loader needs, one implementation per host (Node: fs and zlib; the web:
 * workspace.fs through the host). Locations are opaque strings made by `resolve`, `join` and
 * `mnist`. Failures are thrown raw: file errors carry an errno-style `code` (ENOENT, ENOTDIR,
 * EISDIR, EACCES, EPERM, …), gunzip errors a zlib one (Z_…, or ERR_BUFFER_TOO_LARGE past
 * `maxBytes`); the loader turns them into DataErrors naming the file as written.
 */
export interface DataFiles {
  /** A path as written in the model file, against the model's folder (null: not saved); throws a DataError when it cannot be placed. */
  resolve(written: string, baseDir: string | null): string;
  /** The location of `name` inside the folder at `dir`. */
  join(dir: string, name: string): string;
  /** The bundled MNIST digits' location (the default when the options give none). */
  readonly mnist: string;
  stat(loc: string): Promise<DataStat>;
  /** The names in a folder. */
  list(loc: string): Promise<string[]>;
  /** The first `n` bytes of a file (fewer when it is shorter). */
  head(loc: string, n: number): Promise<Uint8Array>;
  /** A whole file, as it is (not unpacked). */
  read(loc: string): Promise<Uint8Array>;
  /**
   * Reads a file into the start of `into`, at most `length` bytes: how many were read, or -1 when
   * the file holds more than `length`.
   */
  readInto(loc: string, into: Uint8Array, length: number): Promise<number>;
  /** A file in pieces of (about) `chunkBytes`, read as they are consumed; breaking off stops the reading. */
  chunks(loc: string, chunkBytes: number): AsyncIterable<Uint8Array>;
  /** gzip data unpacked whole; an error past `maxBytes` unpacked. */
  gunzip(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
  /** gzip data unpacked as it comes, in pieces of (about) `chunkBytes` (default: the host's). */
  gunzipChunks(src: AsyncIterable<Uint8Array>, chunkBytes?: number): AsyncIterable<Uint8Array>;
}
