import { kernels, sharedMemoryUnavailable, type KernelExports, type Kernels, type KernelVariant } from './kernels';
import { runPart } from './ops';

/**
 * The kernels on several threads: the thread that owns the kernels (thread 0, the training worker)
 * and helper threads that instantiate the same build over the same shared memory.
 *
 * A job is one kernel call cut into parts (ops.ts says how each kernel is cut: by output rows or
 * columns, samples, planes; never along a sum). Thread 0 writes the job into a control block in the
 * shared memory and bumps its generation; every invited thread, thread 0 included, claims parts
 * one at a time with a compare-and-swap until none is left, so a helper that is descheduled costs
 * only the part it holds. Each part is computed by one thread in the same order as the whole call
 * would compute it, so the results are bit-identical for any number of threads.
 *
 * Helpers spin briefly after a job, then sleep in Atomics.wait; thread 0 spins, then sleeps, until
 * every part is done. A helper that throws marks the job failed and thread 0 throws. Spawning a
 * helper is the platform's business (src/node/kernel-threads.ts, the run session): this module
 * hands out what a helper needs (HelperInit) and runs the helper's loop (runHelper).
 */

/** Most helpers a kernels instance can have. */
export const MAX_HELPERS = 15;

// The control block: int32 words, then float64 job arguments.
const GEN = 0; // job generation, bumped to start a job
const NEXT = 1; // (generation & 0xffff) << 16 | next unclaimed part
const DONE = 2; // parts finished
const PARTS = 3; // parts of the current job
const FAIL = 4; // 0, or 1 + the index of a helper whose part threw
const EXIT = 5; // 1: helpers return
const INVITED = 6; // helpers 1..INVITED take part in the current job
const READY = 7; // helpers that have instantiated the kernels and wait for jobs
const HELPER_PARTS = 8; // parts the helpers have computed so far (for tests and the bench)
const SCRATCH = 16; // + i: helper i's GEMM scratch address (i = 1..MAX_HELPERS)
const ARGS_BYTE = 128; // float64 arguments from here
export const ARG_SLOTS = 24 + MAX_HELPERS + 1; // arguments, then one result slot per part (ops.ts RESULT_SLOT)
const CONTROL_BYTES = ARGS_BYTE + ARG_SLOTS * 8;

/** Microseconds a waiting thread spins before it sleeps in Atomics.wait. */
const SPIN_US = 60;

/** What a helper thread needs: the build, the memory, its control block and its GEMM scratch. */
export interface HelperInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: number;
  readonly index: number;
}

/** How many threads the kernels use, and why not more. */
export interface ThreadsInfo {
  /** Threads that take part in a job now (1 + helpers ready, at most `requested`). */
  threads: number;
  /** Threads asked for (the setting, or the share of the cores this run was given). */
  requested: number;
  /** Whether the memory is shared; without it the kernels run on one thread. */
  shared: boolean;
  /** The kernels' build, or null on the TypeScript path. */
  variant: KernelVariant | null;
  /** Why fewer threads than requested run, when that is so: a code (for translated text)… */
  why?: ThreadsShortfall;
  /** …and the same in English, with the detail (the CLI and the bench print it). */
  reason?: string;
}

/**
 * Why a run uses fewer threads than it asked for: no shared memory here (single-threaded build), no
 * WebAssembly kernels, helpers still starting, or a model whose kernel calls are all too small.
 */
export type ThreadsShortfall = 'no-shared-memory' | 'no-kernels' | 'helpers-starting' | 'small-model';

class Pool {
  readonly ctl: Int32Array;
  readonly args: Float64Array;
  readonly scratch: number[] = [];
  requested = 1;
  /** Jobs spread over threads so far. */
  jobs = 0;
  private gen = 0;

  /** A helper ended without leaving (killed): it no longer counts as ready. */
  lost(): void {
    Atomics.sub(this.ctl, READY, 1);
  }

  constructor(readonly k: Kernels, readonly control: number) {
    this.ctl = new Int32Array(k.buffer, control, ARGS_BYTE / 4);
    this.args = new Float64Array(k.buffer, control + ARGS_BYTE, ARG_SLOTS);
  }

  get ready(): number {
    return Atomics.load(this.ctl, READY);
  }

  /** Threads a job may use now. */
  get threads(): number {
    return Math.max(1, Math.min(this.requested, 1 + this.ready));
  }

  /** Runs `parts` parts of the job in `args` on this thread and the invited helpers. */
  run(parts: number): void {
    const ctl = this.ctl;
    const invited = Math.min(this.threads - 1, parts - 1);
    // From the block's generation, not a count of this thread's own: releaseHelpers bumps it too.
    this.gen = (Atomics.load(ctl, GEN) + 1) & 0x7fffffff;
    Atomics.store(ctl, PARTS, parts);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAIL, 0);
    Atomics.store(ctl, INVITED, invited);
    Atomics.store(ctl, NEXT, (this.gen & 0xffff) << 16);
    Atomics.store(ctl, GEN, this.gen);
    if (invited > 0) Atomics.notify(ctl, GEN);
    this.jobs++;
    claimParts(this.k.exports, ctl, this.args, this.gen, parts, false);
    waitDone(ctl, parts);
    const failed = Atomics.load(ctl, FAIL);
    if (failed) throw new Error(`kernel helper thread ${failed - 1} failed its part of a ${describeJob(this.args)} (see its error)`);
  }
}

/** Claims parts of job `gen` until none is left; each is run with runPart and counted in DONE. */
function claimParts(e: KernelExports, ctl: Int32Array, args: Float64Array, gen: number, parts: number, helper: boolean): void {
  const tag = (gen & 0xffff) << 16;
  for (;;) {
    const next = Atomics.load(ctl, NEXT);
    if ((next & 0xffff0000) !== tag) return; // another job's ticket: this one is over
    const part = next & 0xffff;
    if (part >= parts) return;
    if (Atomics.compareExchange(ctl, NEXT, next, next + 1) !== next) continue;
    runPart(e, args, part, parts);
    if (helper) Atomics.add(ctl, HELPER_PARTS, 1);
    if (Atomics.add(ctl, DONE, 1) + 1 === parts) Atomics.notify(ctl, DONE);
  }
}

/** Spins for SPIN_US, then sleeps, until DONE reaches `parts`. */
function waitDone(ctl: Int32Array, parts: number): void {
  let done = Atomics.load(ctl, DONE);
  if (done >= parts) return;
  const until = performance.now() + SPIN_US / 1000;
  while (done < parts && performance.now() < until) {
    for (let i = 0; i < 64 && done < parts; i++) done = Atomics.load(ctl, DONE);
  }
  while (done < parts) {
    Atomics.wait(ctl, DONE, done, 1000);
    done = Atomics.load(ctl, DONE);
  }
}

const OP_NAMES = ['', 'gemm', 'im2col', 'col2im', 'activation', 'activation backward', 'bias + activation', 'max pool', 'max pool backward', 'average pool', 'average pool backward'];
function describeJob(args: Float64Array): string {
  return `${OP_NAMES[args[0]] ?? `kernel ${args[0]}`} job`;
}

let pool: Pool | null | undefined;

/** This thread's pool, created on first use; null without kernels or shared memory. */
export function threadPool(): Pool | null {
  if (pool !== undefined) return pool;
  const k = kernels();
  if (!k || !k.shared) return (pool = null);
  const control = k.arena.alloc(CONTROL_BYTES);
  if (control < 0) return (pool = null);
  new Uint8Array(k.buffer, control, CONTROL_BYTES).fill(0);
  return (pool = new Pool(k, control));
}

/** The pool when a job of `parts` parts should be spread over threads now, else undefined. */
export function poolFor(parts: number): Pool | undefined {
  if (parts < 2 || !pool) return undefined;
  return pool.threads > 1 ? pool : undefined;
}

/** Threads the kernels may use (the setting, or this run's share of the cores): at least 1. */
export function setThreads(n: number): ThreadsInfo {
  const p = n > 1 ? threadPool() : pool;
  if (p) p.requested = Math.max(1, Math.min(1 + MAX_HELPERS, Math.floor(n)));
  return threadsInfo(n);
}

/**
 * A helper of this thread's kernels ended without saying so (it was killed, not released and not
 * failed): it no longer counts as ready, so jobs stop inviting it. Its part, if it held one, is
 * lost: call this only between jobs (the thread that started it sees its exit only then).
 */
export function helperLost(): void {
  pool?.lost();
}

/** Jobs this thread has spread over threads, and the parts helpers computed (all helpers, so far). */
export function threadWork(): { jobs: number; helperParts: number } {
  return { jobs: pool?.jobs ?? 0, helperParts: pool ? Atomics.load(pool.ctl, HELPER_PARTS) : 0 };
}

/** Threads a job may use now (1 without a pool): threadsInfo's `threads`, without building the report. */
export function threadsInUse(): number {
  return pool ? pool.threads : 1;
}

/** Threads in use now, and why not more. */
export function threadsInfo(requested = pool?.requested ?? 1): ThreadsInfo {
  const k = kernels();
  const threads = threadsInUse();
  const info: ThreadsInfo = { threads, requested, shared: Boolean(k?.shared), variant: k?.variant ?? null };
  if (threads < requested) {
    if (!k) Object.assign(info, { why: 'no-kernels', reason: 'no WebAssembly kernels (TypeScript path)' });
    else if (!k.shared) Object.assign(info, { why: 'no-shared-memory', reason: `single-threaded build: ${sharedMemoryUnavailable() ?? 'shared memory unavailable'}` });
    else Object.assign(info, { why: 'helpers-starting', reason: `${threads - 1} of ${requested - 1} helper threads ready` });
  }
  return info;
}

/**
 * What helper `index` (1-based) needs to join this thread's kernels: allocates its GEMM scratch
 * in the arena the first time. Undefined without a shared memory.
 */
export function helperInit(index: number): HelperInit | undefined {
  const p = threadPool();
  if (!p || index < 1 || index > MAX_HELPERS) return undefined;
  if (!Atomics.load(p.ctl, SCRATCH + index)) {
    const at = p.k.arena.alloc(p.k.exports.SCRATCH_BYTES.value as number);
    if (at < 0) return undefined;
    Atomics.store(p.ctl, SCRATCH + index, at);
  }
  return { module: p.k.module, memory: p.k.memory, control: p.control, index };
}

/**
 * Tells the helpers to return from runHelper (they finish their part first) and waits, at most
 * `ms`, until they have; new helpers may join afterwards.
 */
export function releaseHelpers(ms = 2000): void {
  if (!pool) return;
  const ctl = pool.ctl;
  pool.requested = 1;
  Atomics.store(ctl, EXIT, 1);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);
  const until = performance.now() + ms;
  for (let ready = Atomics.load(ctl, READY); ready > 0 && performance.now() < until; ready = Atomics.load(ctl, READY)) {
    Atomics.wait(ctl, READY, ready, 10);
  }
  Atomics.store(ctl, EXIT, 0);
}

/**
 * A helper thread's life: instantiates the build over the shared memory, says it is ready, then
 * takes parts of every job it is invited to until released. A part that throws marks the job
 * failed (thread 0 throws) and the error is rethrown here, ending the helper.
 */
export function runHelper(init: HelperInit): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const e = instance.exports as unknown as KernelExports;
  const buffer = init.memory.buffer;
  const ctl = new Int32Array(buffer, init.control, ARGS_BYTE / 4);
  const args = new Float64Array(buffer, init.control + ARGS_BYTE, ARG_SLOTS);
  e.setScratch(Atomics.load(ctl, SCRATCH + init.index));
  Atomics.add(ctl, READY, 1);
  let seen = Atomics.load(ctl, GEN);
  for (;;) {
    seen = waitJob(ctl, seen);
    if (Atomics.load(ctl, EXIT)) break;
    if (init.index > Atomics.load(ctl, INVITED)) continue;
    try {
      claimParts(e, ctl, args, seen, Atomics.load(ctl, PARTS), true);
    } catch (err) {
      Atomics.store(ctl, FAIL, init.index + 1);
      Atomics.store(ctl, DONE, Atomics.load(ctl, PARTS)); // thread 0 stops waiting and throws
      Atomics.notify(ctl, DONE);
      leave(ctl);
      throw err;
    }
  }
  leave(ctl);
}

function leave(ctl: Int32Array): void {
  Atomics.sub(ctl, READY, 1);
  Atomics.notify(ctl, READY);
}

/** Spins for SPIN_US, then sleeps, until the generation moves past `seen`; returns the new one. */
function waitJob(ctl: Int32Array, seen: number): number {
  let gen = Atomics.load(ctl, GEN);
  const until = performance.now() + SPIN_US / 1000;
  while (gen === seen && performance.now() < until) {
    for (let i = 0; i < 64 && gen === seen; i++) gen = Atomics.load(ctl, GEN);
  }
  while (gen === seen) {
    Atomics.wait(ctl, GEN, seen);
    gen = Atomics.load(ctl, GEN);
  }
  return gen;
}
