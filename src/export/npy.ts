/**
 * NumPy's .npy format, version 1.0 (numpy/lib/format.py), for float32 and int32 arrays:
 *   "\x93NUMPY" 0x01 0x00, header length (uint16, little-endian), then the header — a Python dict
 *   literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and
 *   ended by '\n' so that the data starts at a multiple of 64 bytes — then the values, C order,
 *   little-endian. numpy.load and torch.from_numpy read it with nothing else installed.
 */

/** A named array in row-major (C) order, as it is written: one .npy file, or one entry of an .npz. */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREAMBLE = MAGIC.length + 2 + 2; // magic, version, header length
const ALIGN = 64;
/** Version 1.0 stores the header length in 16 bits. */
const MAX_HEADER = 0xffff;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The dtype string of an array: '<f4' (float32) or '<i4' (int32). */
export function npyDescr(data: Float32Array | Int32Array): '<f4' | '<i4' {
  return data instanceof Float32Array ? '<f4' : '<i4';
}

/** The header dict as Python writes it: a 1-tuple keeps its comma, a scalar's shape is (). */
function headerDict(descr: string, shape: readonly number[]): string {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
}

/** The bytes of a .npy file holding `data` with `shape` (whose product must be data.length). */
export function npyBytes(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`npy: shape (${shape.join(', ')}) must be whole numbers ≥ 0`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape (${shape.join(', ')}) holds ${count} values, the array has ${data.length}`);
  const dict = headerDict(npyDescr(data), shape);
  // Spaces, then '\n', up to the next multiple of 64 bytes from the start of the file.
  const headerLength = Math.ceil((PREAMBLE + dict.length + 1) / ALIGN) * ALIGN - PREAMBLE;
  if (headerLength > MAX_HEADER) throw new Error(`npy: a header of ${headerLength} bytes does not fit version 1.0`);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const out = new Uint8Array(PREAMBLE + headerLength + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1; // version 1.0
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >>> 8;
  for (let i = 0; i < header.length; i++) out[PREAMBLE + i] = header.charCodeAt(i); // ASCII only
  const offset = PREAMBLE + headerLength;
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
  } else {
    const view = new DataView(out.buffer, offset);
    if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    else for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i], true);
  }
  return out;
}
