import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena, allocFloat32, allocInt32, instantiate, kernels, kernelsFor } from '../../src/engine/wasm/kernels';

/**
 * The first-fit allocator behind the kernels' memory, on its own (addresses only: an Arena never
 * touches memory), and allocFloat32/allocInt32 over the process's arena: zeroed, 64-byte aligned,
 * disjoint, and ordinary arrays once the arena is full.
 */

const BASE = 4096;

test('Arena: blocks are 64-byte multiples handed out first-fit from the base', () => {
  const a = new Arena(BASE, BASE + 64 * 1000);
  assert.equal(a.alloc(1), BASE);
  assert.equal(a.alloc(64), BASE + 64);
  assert.equal(a.alloc(65), BASE + 128); // rounds up to 128
  assert.equal(a.alloc(0), BASE + 256); // even an empty buffer takes one block
  assert.equal(a.alloc(4), BASE + 320);
  assert.equal(a.allocations, 5);
  assert.equal(a.bytesInUse, 64 * 6);
  for (let i = 0; i < 50; i++) assert.equal(a.alloc(1 + ((i * 37) % 200)) % 64, 0, 'aligned to 64 bytes');
});

test('Arena: a freed hole is reused by the first request it fits, larger requests go past it', () => {
  const a = new Arena(BASE, BASE + 64 * 100);
  const x = a.alloc(256);
  const y = a.alloc(128);
  const z = a.alloc(64);
  a.release(y, 128);
  assert.equal(a.alloc(192), z + 64, 'too big for the 128-byte hole');
  assert.equal(a.alloc(64), y, 'first fit: the hole');
  assert.equal(a.alloc(64), y + 64, 'the rest of the hole');
  assert.equal(a.alloc(64), z + 256, 'the hole is full');
  assert.equal(x, BASE);
});

test('Arena: exhaustion gives -1, and freeing makes room again', () => {
  const a = new Arena(BASE, BASE + 640);
  assert.equal(a.alloc(641), -1, 'larger than the whole arena');
  const blocks = Array.from({ length: 10 }, () => a.alloc(50));
  assert.deepEqual(blocks, Array.from({ length: 10 }, (_, i) => BASE + 64 * i));
  assert.equal(a.alloc(1), -1);
  assert.equal(a.bytesInUse, 640);
  a.release(blocks[4], 50);
  assert.equal(a.alloc(65), -1, 'one free block of 64');
  assert.equal(a.alloc(64), blocks[4]);
  assert.equal(a.peakBytes, 640);
});

test('Arena: released neighbours coalesce (with the next block, the previous one, or both)', () => {
  const a = new Arena(BASE, BASE + 64 * 8);
  const b = Array.from({ length: 8 }, () => a.alloc(64));
  assert.equal(a.alloc(64), -1);
  // Free 1 and 3, then 2 between them: one block of three.
  a.release(b[1], 64);
  a.release(b[3], 64);
  assert.equal(a.alloc(128), -1, 'two separate 64-byte holes');
  a.release(b[2], 64);
  assert.equal(a.alloc(192), b[1], 'merged on both sides');
  // Free 5, then 6: 6 joins the block before it. Free 5–6 and 7 (joins 5–6), then 4, which joins
  // the block after it.
  a.release(b[5], 64);
  a.release(b[6], 64);
  assert.equal(a.alloc(128), b[5]);
  a.release(b[5], 128);
  a.release(b[7], 64);
  a.release(b[4], 64);
  assert.equal(a.alloc(256), b[4], '4 + 5 + 6 + 7');
  // Everything back: the whole arena is one block again.
  a.release(b[1], 192);
  a.release(b[0], 64);
  a.release(b[4], 256);
  assert.equal(a.bytesInUse, 0);
  assert.equal(a.alloc(64 * 8), BASE);
});

const k = kernels();

if (!k) {
  // TRAINLENS_KERNELS=ts: the same calls give ordinary zeroed arrays.
  test('without kernels allocFloat32/allocInt32 give ordinary zeroed arrays', () => {
    const a = allocFloat32(7);
    const y = allocInt32(7);
    assert.ok(a instanceof Float32Array && a.length === 7 && a.every((v) => v === 0));
    assert.ok(y instanceof Int32Array && y.length === 7 && y.every((v) => v === 0));
    assert.equal(kernelsFor(a), undefined);
  });
} else {
  test('allocFloat32/allocInt32: zeroed views into the kernels\' memory, 64-byte aligned and disjoint', () => {
    const arrays = [allocFloat32(0), allocFloat32(1), allocInt32(3), allocFloat32(17), allocInt32(64), allocFloat32(1000)];
    for (const a of arrays) {
      assert.equal(a.buffer, k.buffer);
      assert.equal(a.byteOffset % 64, 0);
      assert.ok(a.byteOffset >= k.arena.base && a.byteOffset + a.byteLength <= k.arena.end);
      assert.ok(Array.prototype.every.call(a, (v: number) => v === 0), 'zeroed');
      assert.ok(kernelsFor(a));
    }
    assert.equal(arrays[0].length, 0);
    arrays.forEach((a, i) => a.fill(i + 1));
    arrays.forEach((a, i) => assert.ok(Array.prototype.every.call(a, (v: number) => v === i + 1), 'no two arrays share memory'));
  });

  test('allocFloat32/allocInt32 zero a reused block', () => {
    // Take a block that only the next allocation can reuse (no earlier hole is this large), dirty
    // it, hand it back as the finalizer would, and allocate the same size again.
    for (const alloc of [allocFloat32, allocInt32]) {
      const length = 3 * 65536 + 5;
      const bytes = length * 4;
      const start = k.arena.alloc(bytes);
      assert.ok(start >= 0);
      new Uint8Array(k.buffer, start, bytes).fill(0xa5);
      k.arena.release(start, bytes);
      const a = alloc(length);
      assert.equal(a.byteOffset, start, 'the block was reused');
      assert.ok(Array.prototype.every.call(a, (v: number) => v === 0), 'zeroed');
    }
  });

  test('a full arena gives ordinary arrays, which the kernels refuse; freeing restores arena arrays', () => {
    // Take every free block (bookkeeping only: the memory is not touched), largest requests first.
    const taken: [number, number][] = [];
    for (let size = k.arena.end - k.arena.base; size >= 1; size = Math.floor(size / 2)) {
      for (let start = k.arena.alloc(size); start >= 0; start = k.arena.alloc(size)) taken.push([start, size]);
    }
    try {
      assert.equal(k.arena.alloc(1), -1);
      const a = allocFloat32(10);
      const y = allocInt32(10);
      assert.notEqual(a.buffer, k.buffer);
      assert.notEqual(y.buffer, k.buffer);
      assert.ok(a.length === 10 && a.every((v) => v === 0));
      assert.ok(y.length === 10 && y.every((v) => v === 0));
      assert.equal(kernelsFor(a), undefined);
      assert.equal(kernelsFor(y), undefined);
    } finally {
      for (const [start, size] of taken) k.arena.release(start, size);
    }
    const b = allocFloat32(10);
    assert.equal(b.buffer, k.buffer);
    assert.ok(kernelsFor(b));
  });

  test('instantiate gives a separate memory: its arrays are not the process\'s arena arrays', () => {
    const other = instantiate('simd');
    assert.ok(other, 'the baseline SIMD build runs on Node 20');
    assert.notEqual(other.buffer, k.buffer);
    assert.notEqual(other.memory, k.memory);
    const start = other.arena.alloc(16);
    assert.ok(start >= other.arena.base);
    const foreign = new Float32Array(other.buffer, start, 4);
    assert.equal(kernelsFor(foreign), undefined);
    assert.equal(kernelsFor(allocFloat32(4), foreign), undefined);
  });
}
