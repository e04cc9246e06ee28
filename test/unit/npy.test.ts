import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { npyBytes, type NamedArray } from '../../src/export/npy';
import { crc32, npzBytes } from '../../src/export/npz';
import { float32Text, weightsJson } from '../../src/export/weights-json';
import { runPython } from './python';

/** Arrays with awkward values and shapes: 0-d, 1-d of one, empty, 4-d, int32 extremes, non-finite floats. */
const ARRAYS: NamedArray[] = [
  { name: 'scalar', shape: [], data: new Float32Array([Math.PI]) },
  { name: 'one', shape: [1], data: new Float32Array([-0]) },
  { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
  { name: 'special', shape: [2, 3], data: new Float32Array([NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, -1.5]) },
  { name: 'image', shape: [2, 3, 4, 5], data: Float32Array.from({ length: 120 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4)) },
  { name: 'labels', shape: [5], data: new Int32Array([0, -1, 2147483647, -2147483648, 42]) },
  { name: 'layers[0].W', shape: [3, 2], data: new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) },
];

/** The bit patterns of an array's values, as the Python side prints them. */
const bits = (a: NamedArray): number[] => Array.from(new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length));

// Prints, per file or entry: name, dtype, shape, fortran_order and the values' bit patterns.
const READER = `
import json, sys, zipfile
import numpy as np
out = []
for arg in sys.argv[1:]:
    if arg.endswith(".npz"):
        with np.load(arg) as z:
            names = list(z.keys())
            arrays = [(n, z[n]) for n in names]
        zipfile.ZipFile(arg).testzip()
    else:
        with open(arg, "rb") as f:
            version = np.lib.format.read_magic(f)
            assert version == (1, 0), version
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            assert not fortran
            assert f.tell() % 64 == 0, f.tell()
        arrays = [(arg.rsplit("/", 1)[-1][:-4], np.load(arg))]
    for name, a in arrays:
        out.append({"name": name, "dtype": a.dtype.str, "shape": list(a.shape), "c": bool(a.flags.c_contiguous),
                    "bits": a.reshape(-1).view(np.uint32).tolist()})
print(json.dumps(out))
`;

test('.npy files: numpy reads back the exact values, shapes and dtypes (version 1.0, 64-byte aligned)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-npy-'));
  const files = ARRAYS.map((a, i) => {
    const file = path.join(dir, `a${i}.npy`);
    writeFileSync(file, npyBytes(a.data, a.shape));
    return file;
  });
  writeFileSync(path.join(dir, 'read.py'), READER);
  const read = JSON.parse(await runPython([path.join(dir, 'read.py'), ...files])) as Array<{ dtype: string; shape: number[]; c: boolean; bits: number[] }>;
  ARRAYS.forEach((a, i) => {
    assert.equal(read[i].dtype, a.data instanceof Float32Array ? '<f4' : '<i4', a.name);
    assert.deepEqual(read[i].shape, a.shape, a.name);
    assert.ok(read[i].c, a.name);
    assert.deepEqual(read[i].bits, bits(a), a.name);
  });
});

test('.npy header: magic, version 1.0, the dict numpy writes, padded with spaces to 64 bytes and ended by a newline', () => {
  const bytes = npyBytes(new Float32Array(6), [2, 3]);
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLength) % 64, 0);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  assert.equal(bytes.length, 10 + headerLength + 24);
  assert.match(new TextDecoder().decode(npyBytes(new Int32Array(4), [4]).subarray(10, 128)), /^\{'descr': '<i4', 'fortran_order': False, 'shape': \(4,\), \}/);
  assert.throws(() => npyBytes(new Float32Array(5), [2, 3]), /holds 6 values, the array has 5/);
});

test('.npz archives: numpy.load reads every entry by name, exact, and zipfile finds no bad CRC', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-npz-'));
  const file = path.join(dir, 'all.npz');
  writeFileSync(file, npzBytes(ARRAYS));
  writeFileSync(path.join(dir, 'read.py'), READER);
  const read = JSON.parse(await runPython([path.join(dir, 'read.py'), file])) as Array<{ name: string; shape: number[]; bits: number[] }>;
  assert.deepEqual(read.map((r) => r.name), ARRAYS.map((a) => a.name));
  ARRAYS.forEach((a, i) => {
    assert.deepEqual(read[i].shape, a.shape, a.name);
    assert.deepEqual(read[i].bits, bits(a), a.name);
  });
  // The same arrays give the same bytes (no timestamps).
  assert.deepEqual(npzBytes(ARRAYS), npzBytes(ARRAYS));
  assert.throws(() => npzBytes([ARRAYS[0], ARRAYS[0]]), /two arrays named 'scalar'/);
});

test('crc32 is the zip checksum', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('weights as JSON: name → shape and values, each value the shortest text of its float32', () => {
  const w: NamedArray[] = [
    { name: 'layers[0].W', shape: [2, 2], data: new Float32Array([0.1, -2.5, 1e-8, 3.4028234663852886e38]) },
    { name: 'layers[0].b', shape: [2], data: new Float32Array([0, -0]) },
  ];
  const parsed = JSON.parse(weightsJson(w)) as Record<string, { shape: number[]; values: number[] }>;
  assert.deepEqual(Object.keys(parsed), ['layers[0].W', 'layers[0].b']);
  assert.deepEqual(parsed['layers[0].W'].shape, [2, 2]);
  assert.deepEqual(Float32Array.from(parsed['layers[0].W'].values), w[0].data);
  assert.equal(float32Text(Math.fround(0.1)), '0.1');
  assert.equal(float32Text(Math.fround(1 / 3)), '0.33333334');
  assert.ok(Object.is(parsed['layers[0].b'].values[1], -0));
  // Every float32 of a sample reads back exactly.
  for (let i = 0; i < 10_000; i++) {
    const v = Math.fround((Math.random() - 0.5) * 10 ** (Math.random() * 40 - 20));
    assert.equal(Math.fround(Number(float32Text(v))), v);
  }
});
