/*
 * gzip unpacked with DecompressionStream (browsers, and Node ≥ 18 in the tests), failing as
 * node:zlib does so the loader words its messages alike: past `maxBytes` an error coded
 * ERR_BUFFER_TOO_LARGE; broken data Z_DATA_ERROR; data that ends too soon Z_BUF_ERROR.
 */
import { codedError as coded, concat, errorCode } from '../data/files';
import * as l10n from '@vscode/l10n';

/** A DecompressionStream failure with a zlib code (Node's DecompressionStream has them already; a browser's has none). */
function zlibError(e: unknown, inputDone: boolean): unknown {
  if (errorCode(e)?.startsWith('Z_')) return e;
  // All the input was taken and the stream still wanted more: it was cut short.
  if (inputDone) return coded(l10n.t('unexpected end of file'), 'Z_BUF_ERROR');
  return coded((e as Error)?.message ?? String(e), 'Z_DATA_ERROR');
}

/**
 * gzip data unpacked as it is consumed, in pieces of at most `pieceBytes`. Errors of `src` itself
 * (a file that cannot be read) come through as they are; breaking off stops the unpacking and
 * the reading of `src`.
 */
export async function* gunzipStream(src: AsyncIterable<Uint8Array>, pieceBytes = Infinity): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let inputDone = false;
  let srcFailed: { error: unknown } | undefined;
  let stopped = false;
  const feed = (async () => {
    const it = src[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await it.next();
      } catch (e) {
        // The source failed (a file that cannot be read): the reader gets that error, not a zlib one.
        srcFailed = { error: e };
        await writer.abort(e).catch(() => {});
        return;
      }
      if (next.done) break;
      try {
        if (stopped) throw new Error('stopped');
        await writer.write(next.value as Uint8Array<ArrayBuffer>);
      } catch {
        // The stream failed (the reader says why) or the consumer broke off: stop reading the source.
        await it.return?.()?.catch(() => {});
        return;
      }
    }
    inputDone = true;
    await writer.close().catch(() => {});
  })();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        if (srcFailed) throw srcFailed.error;
        throw zlibError(e, inputDone);
      }
      if (r.done) break;
      for (let at = 0; at < r.value.length; at += pieceBytes) yield r.value.subarray(at, at + pieceBytes);
    }
  } finally {
    stopped = true;
    await reader.cancel().catch(() => {});
    await feed;
  }
}

/** gzip data unpacked whole; an error coded ERR_BUFFER_TOO_LARGE once past `maxBytes`. */
export async function gunzipWhole(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of gunzipStream(once(bytes))) {
    length += part.length;
    if (length > maxBytes) throw coded(`Cannot create a Buffer larger than ${maxBytes} bytes`, 'ERR_BUFFER_TOO_LARGE');
    parts.push(part);
  }
  return concat(parts, length);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
