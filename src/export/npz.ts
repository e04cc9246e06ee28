import { npyBytes, type NamedArray } from './npy';

/**
 * NumPy's .npz: a zip archive of .npy files, one per array, named `<name>.npy` (what numpy.savez
 * writes; numpy.load(path)[name] reads one back). Entries are stored uncompressed, with a fixed
 * 1980-01-01 timestamp so the same arrays always give the same bytes. Plain zip (no zip64): the
 * archive must stay under 4 GiB and 65,535 entries.
 */
export function npzBytes(arrays: readonly NamedArray[]): Uint8Array {
  if (arrays.length > 0xffff) throw new Error(`npz: ${arrays.length} arrays; a zip without zip64 holds at most 65,535`);
  const names = new Set<string>();
  const entries = arrays.map((a) => {
    if (names.has(a.name)) throw new Error(`npz: two arrays named '${a.name}'`);
    names.add(a.name);
    const data = npyBytes(a.data, a.shape);
    return { name: new TextEncoder().encode(`${a.name}.npy`), data, crc: crc32(data) };
  });
  const localSize = entries.reduce((s, e) => s + LOCAL_HEADER + e.name.length + e.data.length, 0);
  const centralSize = entries.reduce((s, e) => s + CENTRAL_HEADER + e.name.length, 0);
  const total = localSize + centralSize + END_RECORD;
  if (total > 0xffffffff) throw new Error(`npz: ${total} bytes; a zip without zip64 holds at most 4 GiB`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true); // local file header
    writeCommon(view, at + 4, e.name.length, e.data.length, e.crc);
    view.setUint16(at + 28, 0, true); // extra field length
    out.set(e.name, at + LOCAL_HEADER);
    out.set(e.data, at + LOCAL_HEADER + e.name.length);
    at += LOCAL_HEADER + e.name.length + e.data.length;
  }
  const centralStart = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true); // central directory header
    view.setUint16(at + 4, VERSION, true); // made by
    writeCommon(view, at + 6, e.name.length, e.data.length, e.crc);
    // extra length, comment length, disk, internal and external attributes: 0
    view.setUint32(at + 42, offsets[i], true);
    out.set(e.name, at + CENTRAL_HEADER);
    at += CENTRAL_HEADER + e.name.length;
  });
  view.setUint32(at, 0x06054b50, true); // end of central directory
  view.setUint16(at + 8, entries.length, true); // entries on this disk
  view.setUint16(at + 10, entries.length, true); // entries in all
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
/** Zip 2.0, as numpy's zipfile writes. */
const VERSION = 20;
/** MS-DOS date of 1980-01-01 (day 1, month 1, year 0), time 00:00. */
const DOS_DATE = (1 << 5) | 1;

/** The fields local and central headers share, from "version needed" to the name length. */
function writeCommon(view: DataView, at: number, nameLength: number, size: number, crc: number): void {
  view.setUint16(at, VERSION, true); // version needed
  view.setUint16(at + 2, 0, true); // flags
  view.setUint16(at + 4, 0, true); // method: stored
  view.setUint16(at + 6, 0, true); // time
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, crc, true);
  view.setUint32(at + 14, size, true); // compressed
  view.setUint32(at + 18, size, true); // uncompressed
  view.setUint16(at + 22, nameLength, true);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip checks each entry. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
