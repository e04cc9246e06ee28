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
import { GEMM_MACS_PER_PART } from '../../../src/engine/wasm/parallel';
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

const STEPS = 10_000;
const WINDOWS = 2;

test(`${STEPS.toLocaleString('en')} steps on 2 threads allocate no buffer and leave the heap flat`, (t) => {
  assert.ok(BATCH * UNITS * FEATURES >= 2 * GEMM_MACS_PER_PART, 'the first layer\'s GEMM is worth two parts');
  const info = startKernelThreads(2);
  assert.equal(info.threads, 2, JSON.stringify(info));
  // Jobs counted with a number, not a record: the count allocates nothing.
  const pool = threadPool()!;
  const run = pool.run.bind(pool);
  let jobs = 0;
  pool.run = (parts: number): void => { jobs++; run(parts); };
  const trainer = new Trainer(SPEC, 'float32', data());
  // Warm-up: the first steps allocate (buffers, optimizer state, the statistics recorder) and the
  // JIT compiles over the first thousands.
  for (let i = 0; i < 3000; i++) trainer.trainStep(i % 10 === 0);
  const marks = [footprint()];
  const jobsBefore = jobs;
  for (let w = 0; w < WINDOWS; w++) {
    for (let i = 0; i < STEPS; i++) trainer.trainStep(i % 10 === 0);
    marks.push(footprint());
  }
  const jobsPerStep = (jobs - jobsBefore) / (WINDOWS * STEPS);
  assert.equal(threadsInfo().threads, 2, 'still two threads');
  assert.ok(Number.isFinite(trainer.trainStep().loss));
  const first = marks[0];
  const last = marks[marks.length - 1];
  const growth = marks.slice(1).map((m, i) => m.heap - marks[i].heap);
  t.diagnostic(`jobs per step ${jobsPerStep}; arena allocations ${first.arenaAllocations} → ${last.arenaAllocations}, ArrayBuffer bytes ${first.arrayBuffers} → ${last.arrayBuffers}, ` +
    `heap after GC per ${STEPS.toLocaleString('en')} steps: ${growth.map((g) => `${g >= 0 ? '+' : ''}${(g / 1024).toFixed(0)} KiB`).join(', ')}`);
  // Forward and weight-gradient GEMMs of the first layer at least, every step.
  assert.ok(jobsPerStep >= 2, `the GEMMs were spread at every step: ${jobsPerStep} jobs per step`);
  assert.equal(last.arenaAllocations, first.arenaAllocations, 'no arena buffer was allocated during the steps');
  assert.equal(last.arrayBuffers, first.arrayBuffers, 'no ArrayBuffer memory was allocated during the steps');
  // A leak of one small object per step (or per job) is ≥ 160 KB in every window of 10,000 steps;
  // GC and JIT noise is not in all of them (see alloc-free.test.ts).
  const least = Math.min(...growth);
  assert.ok(least < 96 * 1024, `the heap grew in every window of ${STEPS} steps: ${growth.join(', ')} bytes`);
  assert.ok(last.heap - first.heap < 1024 * 1024, `the heap grew by ${last.heap - first.heap} bytes over ${WINDOWS * STEPS} steps`);
});
