import { KERNELS_RELAXED, KERNELS_RELAXED_SHARED, KERNELS_SIMD, KERNELS_SIMD_SHARED } from './binary.generated';

/**
 * The WebAssembly kernels (assembly/kernels.ts) and the memory they work in.
 *
 * Every float32 buffer of a network — weights, gradients, optimizer state, activations, scratch —
 * is a view into one WebAssembly.Memory, handed out by the arena below, so a kernel receives byte
 * addresses and copies nothing. The memory is reserved once at its full size and never grown
 * (growing would detach every view); the reservation is virtual, pages cost memory only when
 * written. When the arena is full a buffer is an ordinary Float32Array, and every kernel call
 * checks that its operands live in the arena (`inArena`), so such buffers take the TypeScript
 * path: slower, never wrong.
 *
 * Which build runs: the relaxed-SIMD one (fused multiply-add) when WebAssembly.validate accepts it,
 * else baseline SIMD, else none (TypeScript only). TRAINLENS_KERNELS=relaxed|simd|ts forces one
 * (tests use it to cover each path); a forced build the engine cannot run is an error.
 *
 * Where shared memory is available (SharedArrayBuffer and Atomics; in a browser only when
 * crossOriginIsolated), the memory is shared and the build is the same code compiled for it, so
 * helper threads can run kernels in it too (threads.ts); elsewhere an ordinary memory, one thread.
 * TRAINLENS_SHARED_MEMORY=0 forces the ordinary one.
 */

export type KernelVariant = 'relaxed' | 'simd';

/** The exports of assembly/kernels.ts; pointers are byte addresses in the memory. */
export interface KernelExports {
  setScratch(ptr: number): void;
  heapBase(): number;
  SCRATCH_BYTES: WebAssembly.Global;
  gemm(m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, ldc: number, accumulate: number): void;
  addBiasRows(out: number, bias: number, rows: number, cols: number): void;
  fillPlanes(out: number, bias: number, planes: number, size: number): void;
  sumRows(db: number, dout: number, rows: number, cols: number, accumulate: number): void;
  sum(p: number, len: number): number;
  sumPlanes(p: number, planes: number, len: number, out: number): void;
  activationForward(fn: number, x: number, out: number, len: number, alpha: number): void;
  activationBackward(fn: number, x: number, out: number, dout: number, dx: number, len: number, alpha: number): void;
  softmaxLoss(scores: number, y: number, n: number, c: number, dscores: number): number;
  svmLoss(scores: number, y: number, n: number, c: number, dscores: number, delta: number): number;
  lastCorrect(): number;
  sgd(w: number, dw: number, len: number, lr: number): void;
  momentum(w: number, dw: number, v: number, len: number, lr: number, mu: number, nesterov: number): void;
  scaledUpdate(w: number, dw: number, cache: number, len: number, lr: number, rate: number, eps: number): void;
  adam(w: number, dw: number, m: number, v: number, len: number, lr: number, rate1: number, rate2: number, eps: number, mc: number, vc: number, keep: number): void;
  im2col(x: number, cols: number, c: number, h: number, w: number, k: number, stride: number, pad: number, outH: number, outW: number, ld: number): void;
  col2im(dcols: number, dx: number, c: number, h: number, w: number, k: number, stride: number, pad: number, outH: number, outW: number, ld: number): void;
  swapBlocks(dst: number, src: number, a: number, b: number, len: number, bias: number, i0: number, i1: number): void;
  maxPoolForward(x: number, out: number, arg: number, p0: number, p1: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): void;
  maxPoolBackward(dout: number, arg: number, dx: number, p0: number, p1: number, h: number, w: number, outH: number, outW: number): void;
  avgPoolForward(x: number, out: number, planes: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): void;
  avgPoolBackward(dout: number, dx: number, planes: number, h: number, w: number, k: number, stride: number, outH: number, outW: number): void;
  gatherRows(dst: number, src: number, idx: number, n: number, f: number): void;
  biasActivation(pre: number, out: number, bias: number, rows: number, cols: number, fn: number, alpha: number): void;
  activationBackwardBias(fn: number, pre: number, out: number, dout: number, dpre: number, db: number, rows: number, cols: number, alpha: number): void;
  moments(p: number, len: number, out: number): void;
  firstNonFinite(p: number, len: number): number;
  maxAbs(p: number, len: number): number;
  sumSqDiff(a: number, b: number, len: number): number;
  regularize(w: number, g: number, len: number, l2: number, l1: number, addGrad: number, out: number): void;
  histogram(p: number, len: number, lo: number, scale: number, bins: number, counts: number): void;
}

/** Activation codes of assembly/kernels.ts. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4, elu: 5 } as const;

/** 1 GiB of address space; pages are committed only when a buffer is written. */
const RESERVED_PAGES = 16384;
const PAGE = 65536;
const ALIGN = 64;
/** int32 result slots (histogram counts); larger histograms take the TypeScript path. */
export const RESULT_INTS = 1024;
const RESULT_BYTES = 64 + RESULT_INTS * 4;

interface Block { start: number; size: number }

/**
 * First-fit allocator over [base, end) with coalescing. Buffers are allocated when a network is
 * built or meets a larger batch, never during a step, so O(blocks) per call is fine.
 */
export class Arena {
  private readonly free: Block[];
  /** Buffers handed out so far (the allocation-free step is checked against this count). */
  allocations = 0;
  private used = 0;
  private peak = 0;

  constructor(readonly base: number, readonly end: number) {
    this.free = [{ start: base, size: end - base }];
  }

  /** Byte address of a block of at least `bytes`, or -1 when nothing fits. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i];
      if (f.size < size) continue;
      const start = f.start;
      if (f.size === size) this.free.splice(i, 1);
      else { f.start += size; f.size -= size; }
      this.allocations++;
      this.used += size;
      this.peak = Math.max(this.peak, this.used);
      return start;
    }
    return -1;
  }

  release(start: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    this.used -= size;
    let i = 0;
    while (i < this.free.length && this.free[i].start < start) i++;
    this.free.splice(i, 0, { start, size });
    // Merge with the next block, then with the previous one.
    if (i + 1 < this.free.length && start + size === this.free[i + 1].start) {
      this.free[i].size += this.free[i + 1].size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].start + this.free[i - 1].size === start) {
      this.free[i - 1].size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }

  get bytesInUse(): number {
    return this.used;
  }

  get peakBytes(): number {
    return this.peak;
  }
}

export interface Kernels {
  readonly variant: KernelVariant;
  /** Whether the memory is shared (a SharedArrayBuffer helper threads can work in). */
  readonly shared: boolean;
  /** The compiled build, for helper threads to instantiate over the same memory. */
  readonly module: WebAssembly.Module;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** memory.buffer (never detached: the memory does not grow). */
  readonly buffer: ArrayBuffer;
  readonly arena: Arena;
  /** A small fixed block for kernels' results: 8 float64 slots, then 1024 int32 slots. */
  readonly results: { readonly f64: Float64Array; readonly i32: Int32Array; readonly at: number };
}

let loaded: Kernels | null | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

function requested(): KernelVariant | 'ts' | 'auto' {
  const v = typeof process !== 'undefined' ? process.env.TRAINLENS_KERNELS : undefined;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'relaxed' || v === 'simd' || v === 'ts') return v;
  throw new Error(`TRAINLENS_KERNELS=${v}: expected relaxed, simd, ts or auto`);
}

/** Why this JavaScript environment cannot share a memory between threads, or null when it can. */
export function sharedMemoryUnavailable(): string | null {
  const env = typeof process !== 'undefined' ? process.env.TRAINLENS_SHARED_MEMORY : undefined;
  if (env === '0') return 'TRAINLENS_SHARED_MEMORY=0';
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 'no SharedArrayBuffer here (a page without cross-origin isolation)';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return 'not cross-origin isolated';
  return null;
}

const BUILDS: Record<KernelVariant, { plain: string; shared: string }> = {
  relaxed: { plain: KERNELS_RELAXED, shared: KERNELS_RELAXED_SHARED },
  simd: { plain: KERNELS_SIMD, shared: KERNELS_SIMD_SHARED },
};

/**
 * Instantiates one build in a fresh memory (shared when `shared`, by default where available), or
 * returns undefined when this engine cannot run it.
 */
export function instantiate(variant: KernelVariant, shared = sharedMemoryUnavailable() === null): Kernels | undefined {
  const bytes = decode(shared ? BUILDS[variant].shared : BUILDS[variant].plain);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return undefined;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: RESERVED_PAGES, maximum: RESERVED_PAGES, shared });
  } catch {
    return undefined; // no address space for the reservation: TypeScript path
  }
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const base = Math.ceil(exports.heapBase() / PAGE) * PAGE;
  const scratch = base;
  exports.setScratch(scratch);
  const arenaStart = Math.ceil((scratch + (exports.SCRATCH_BYTES.value as number)) / PAGE) * PAGE;
  const arena = new Arena(arenaStart, RESERVED_PAGES * PAGE);
  const at = arena.alloc(RESULT_BYTES);
  const results = { at, f64: new Float64Array(memory.buffer, at, 8), i32: new Int32Array(memory.buffer, at + 64, RESULT_INTS) };
  return { variant, shared, module, exports, memory, buffer: memory.buffer as ArrayBuffer, arena, results };
}

/** The kernels this process uses (loaded on first call), or null for the TypeScript path. */
export function kernels(): Kernels | null {
  if (loaded !== undefined) return loaded;
  const want = requested();
  if (want === 'ts') return (loaded = null);
  if (want !== 'auto') {
    const k = instantiate(want);
    if (!k) throw new Error(`TRAINLENS_KERNELS=${want}: this JavaScript engine cannot run the ${want} build`);
    return (loaded = k);
  }
  // A shared memory the engine cannot reserve (address space) falls back to an ordinary one.
  return (loaded = instantiate('relaxed') ?? instantiate('simd') ?? instantiate('relaxed', false) ?? instantiate('simd', false) ?? null);
}

/** Frees an arena block when the view over it is garbage collected. */
const release = typeof FinalizationRegistry !== 'undefined'
  ? new FinalizationRegistry<{ k: Kernels; start: number; bytes: number }>(({ k, start, bytes }) => k.arena.release(start, bytes))
  : undefined;

function arenaBlock(bytes: number): { k: Kernels; start: number } | undefined {
  const k = kernels();
  if (!k || !release) return undefined;
  const start = k.arena.alloc(bytes);
  if (start < 0) return undefined;
  // A reused block holds an earlier buffer's values; new buffers start at zero like new Float32Array.
  new Uint8Array(k.buffer, start, bytes).fill(0);
  return { k, start };
}

/** A zeroed 4-byte-element view of `length` in the arena, freed when collected; or a heap array. */
function arenaView<T extends Float32Array | Int32Array>(type: { new (length: number): T; new (buffer: ArrayBuffer, offset: number, length: number): T }, length: number): T {
  const bytes = Math.max(1, length) * 4;
  const b = arenaBlock(bytes);
  if (!b) return new type(length);
  const view = new type(b.k.buffer, b.start, length);
  release!.register(view, { k: b.k, start: b.start, bytes });
  return view;
}

/** A zeroed float32 buffer in the arena (or on the JS heap when the arena is full or absent). */
export function allocFloat32(length: number): Float32Array {
  return arenaView(Float32Array, length);
}

/** A zeroed int32 buffer in the arena (labels, arg-max indices), or on the JS heap. */
export function allocInt32(length: number): Int32Array {
  return arenaView(Int32Array, length);
}

/** Whether a kernel may take this array: float32/int32 and inside the kernels' memory. */
export function inArena(k: Kernels, a: ArrayBufferView): boolean {
  return a.buffer === k.buffer && (a instanceof Float32Array || a instanceof Int32Array);
}

/** Byte address of element `offset` of an arena array. */
export function addr(a: ArrayBufferView, offset = 0): number {
  return a.byteOffset + offset * 4;
}

/**
 * The kernels' exports when every given array lives in the arena, else undefined (take the
 * TypeScript path). Fixed optional parameters rather than a rest array: a step allocates nothing.
 */
export function kernelsFor(
  a: ArrayBufferView, b?: ArrayBufferView, c?: ArrayBufferView, d?: ArrayBufferView, e?: ArrayBufferView, f?: ArrayBufferView,
): KernelExports | undefined {
  const k = kernels();
  if (!k || !inArena(k, a)) return undefined;
  if ((b && !inArena(k, b)) || (c && !inArena(k, c)) || (d && !inArena(k, d)) || (e && !inArena(k, e)) || (f && !inArena(k, f))) return undefined;
  return k.exports;
}
