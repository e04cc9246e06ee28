// The allocation-free step with helper threads attached (issue 17): 10,000 steps on two threads,
// every GEMM of the step spread over both, allocate no arena buffer and no ArrayBuffer memory, and
// leave the heap (after a full GC) flat, as test/unit/alloc-free.test.ts checks on one thread.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Trainer } from '../../../src/engine/trainer';
import { Rng } from '../../../src/engine/rng';
import { kernels } from '../../../src/engine/wasm/kernels';
import { threadPool, threadsInfo } from '../../../src/engine/wasm/threads';
import { startKernelThreads, stopKernelThreads } from '../../../src/node/kernel-threads';
import type { Dataset } from '../../../src/engine/data/dataset';
import type { ModelSpec } from '../../../src/model/spec';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
after(() => stopKernelThreads());

const FEATURES = 64;
const UNITS = 256;
const BATCH = 64;

// 64 × 256 × 64 multiply-adds forward (and again for the weights' gradient): 4 parts' worth, so the
// two threads share each such GEMM; the 10-way output layer stays on one thread.
const SPEC: ModelSpec = {
  data: { dataset: 'gaussian', samples: 256, classes: 10, noise: 0, features: FEATURES, validation: 0 },
  layers: [{ kind: 'dense', units: UNITS, activation: { type: 'relu' } }, { kind: 'dense', units: 10, activation: { type: 'linear' } }],
  loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  train: { epochs: 1_000_000, batch: BATCH, l2: 0.001, l1: 0, seed: 7 },
};

function data(): Dataset {
  const rng = new Rng(9);
  const n = 256;
  const x = new Float32Array(n * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), n, shape: [FEATURES], features: FEATURES, classes: 10 };
}

interface Footprint { arenaAllocations: number; arrayBuffers: number; heap: number }

function footprint(): Footprint {
  gc();
  gc();
  return { arenaAllocations: kernels()?.arena.allocations ?? 0, arrayBuffers: process.memoryUsage().arrayBuffers, heap: getHeapStatistics().used_heap_size };
}

// 64 images of 2×12×12 through 8 filters: im2col (165,888 floats), the block swap and the plane
// sums (73,728), the ReLU and the max pool (73,728) and the 1.3 M-multiply-add GEMMs all exceed
// two parts' worth, so every threaded kernel of a conv step is in the loop.
const CONV: ModelSpec = {
  data: { dataset: 'gaussian', samples: 128, classes: 10, noise: 0, features: 288, validation: 0 },
  layers: [
    { kind: 'conv', filters: 8, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ],
  loss: 'svm', init: { type: 'he' }, optimizer: { type: 'momentum', lr: 0.01, momentum: 0.9 },
  train: { epochs: 1_000_000, batch: 64, l2: 0.001, l1: 0, seed: 8 },
};

function images(): Dataset {
  const rng = new Rng(10);
  const n = 128;
  const x = new Float32Array(n * 288);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), n, shape: [2, 12, 12], features: 288, classes: 10 };
}

interface Measured { marks: Footprint[]; jobsPerStep: number }

/** Footprints around `windows` windows of `steps` steps on two threads, after a warm-up; jobs counted. */
function measure(spec: ModelSpec, set: Dataset, steps: number, windows: number): Measured {
  const info = startKernelThreads(2);
  assert.equal(info.threads, 2, JSON.stringify(info));
  // Jobs counted with a number, not a record: the count allocates nothing.
  const pool = threadPool()!;
  const run = Object.getPrototypeOf(pool).run as (parts: number) => void;
  let jobs = 0;
  pool.run = (parts: number): void => { jobs++; run.call(pool, parts); };
  const trainer = new Trainer(spec, 'float32', set);
  // Warm-up: the first steps allocate (buffers, optimizer state, the statistics recorder) and the
  // JIT compiles over the first thousands.
  for (let i = 0; i < 3000; i++) trainer.trainStep(i % 10 === 0);
  const marks = [footprint()];
  const jobsBefore = jobs;
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < steps; i++) trainer.trainStep(i % 10 === 0);
    marks.push(footprint());
  }
  assert.equal(threadsInfo().threads, 2, 'still two threads');
  assert.ok(Number.isFinite(trainer.trainStep().loss));
  return { marks, jobsPerStep: (jobs - jobsBefore) / (windows * steps) };
}

const CASES: Array<[string, ModelSpec, Dataset, number, number, number]> = [
  // name, spec, data, steps a window, windows, least jobs a step
  ['dense 64-256-10, batch 64', SPEC, data(), 10_000, 2, 2],
  ['conv + ReLU + max pool on 2×12×12, batch 64', CONV, images(), 5_000, 2, 8],
];

for (const [name, spec, set, steps, windows, leastJobs] of CASES) {
  test(`${name}: ${(steps * windows).toLocaleString('en')} steps on 2 threads allocate no buffer and leave the heap flat`, (t) => {
    const { marks, jobsPerStep } = measure(spec, set, steps, windows);
    const first = marks[0];
    const last = marks[marks.length - 1];
    const growth = marks.slice(1).map((m, i) => m.heap - marks[i].heap);
    t.diagnostic(`jobs per step ${jobsPerStep}; arena allocations ${first.arenaAllocations} → ${last.arenaAllocations}, ArrayBuffer bytes ${first.arrayBuffers} → ${last.arrayBuffers}, ` +
      `heap after GC per ${steps.toLocaleString('en')} steps: ${growth.map((g) => `${g >= 0 ? '+' : ''}${(g / 1024).toFixed(0)} KiB`).join(', ')}`);
    assert.ok(jobsPerStep >= leastJobs, `the kernels were spread at every step: ${jobsPerStep} jobs per step`);
    assert.equal(last.arenaAllocations, first.arenaAllocations, 'no arena buffer was allocated during the steps');
    assert.equal(last.arrayBuffers, first.arrayBuffers, 'no ArrayBuffer memory was allocated during the steps');
    // A leak of one small object per step is ≥ 160 KB in every window of 10,000 steps, one per job
    // (≥ 2 a step) as much in 5,000; GC and JIT noise is not in all windows (see alloc-free.test.ts).
    const least = Math.min(...growth);
    assert.ok(least < 96 * 1024, `the heap grew in every window of ${steps} steps: ${growth.join(', ')} bytes`);
    assert.ok(last.heap - first.heap < 1024 * 1024, `the heap grew by ${last.heap - first.heap} bytes over ${windows * steps} steps`);
  });
}
