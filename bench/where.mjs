// Where the time goes (bench/README.md, "Measured here"): figures `npm run bench` does not give.
//
//   node bench/where.mjs [--relaxed]      (--relaxed starts itself with --experimental-wasm-relaxed-simd)
//
// 1. The ceiling on 1 thread and on 2 at once (two workers, each its own peak loop): whether the
//    two vCPUs are two cores (2×) or one core's two hyperthreads (~1×).
// 2. Memory bandwidth: copying 128 MiB (TypedArray.set) on 1 thread and on 2 at once.
// 3. Dispatch: the round trip of handing a job to another thread through a SharedArrayBuffer, the
//    helper spinning (Atomics.load) or asleep (Atomics.wait / Atomics.notify).
// 4. W1 (batch 64): a training step against the same step's GEMMs alone (the 8 products of
//    784-256-256-10 at their shapes), on 1 and 2 threads: the rest is the non-GEMM part.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, LAYERS, LEARNING_RATE, randomData } from './workloads.mjs';
import { createPeak } from './peak.mjs';

const self = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const relaxed = process.argv.includes('--relaxed');
const build = relaxed ? 'relaxed' : 'simd';

function inWorker(task, count) {
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve, reject) => {
    const w = new Worker(self, { workerData: { ...task, index: i } }); // V8 flags are the process's: the workers have them too
    w.once('message', resolve);
    w.once('error', reject);
  })));
}

async function workerMain() {
  const t = workerData;
  if (t.kind === 'peak') {
    const p = await createPeak(t.build);
    p.measure(300, 300);
    parentPort.postMessage(p.measure(0, 1500).gflops);
  } else if (t.kind === 'copy') {
    const a = new Float32Array(32 << 20).fill(1); // 128 MiB
    const b = new Float32Array(a.length);
    b.set(a);
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) b.set(a);
    parentPort.postMessage((8 * 2 * a.byteLength) / ((performance.now() - t0) / 1000) / 1e9); // read + write GB/s
  } else if (t.kind === 'pong') {
    const ctl = new Int32Array(t.sab);
    for (let i = 1; ; i++) {
      if (t.sleep) Atomics.wait(ctl, 0, 2 * i - 2);
      while (Atomics.load(ctl, 0) !== 2 * i - 1) { /* spin */ }
      if (t.rounds < i) break;
      Atomics.store(ctl, 0, 2 * i);
      if (t.sleep) Atomics.notify(ctl, 0);
      if (i === t.rounds) break;
    }
    parentPort.postMessage(0);
  }
}

/** µs per round trip main → worker → main, both spinning or both sleeping in Atomics.wait. */
async function pingPong(sleep, rounds) {
  const sab = new SharedArrayBuffer(64);
  const ctl = new Int32Array(sab);
  const done = inWorker({ kind: 'pong', sab, sleep, rounds }, 1);
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  for (let i = 1; i <= rounds; i++) {
    Atomics.store(ctl, 0, 2 * i - 1);
    if (sleep) { Atomics.notify(ctl, 0); Atomics.wait(ctl, 0, 2 * i - 1); }
    while (Atomics.load(ctl, 0) !== 2 * i) { /* spin */ }
  }
  const us = ((performance.now() - t0) * 1000) / rounds;
  await done;
  return us;
}

/** Steps W1 and, separately, its 8 products for ~1.5 s each; ms per step. Threads from TRAINLENS_THREADS. */
function breakdown() {
  const n = Number(process.env.TRAINLENS_THREADS ?? 1);
  if (n > 1) require('../out/src/node/kernel-threads.js').startKernelThreads(n);
  const { Trainer } = require('../out/src/engine/trainer.js');
  const { gemmNN, gemmTN, gemmNT } = require('../out/src/engine/gemm.js');
  const { allocate } = require('../out/src/engine/tensor.js');
  const w = WORKLOADS.W1;
  const data = randomData('W1');
  const spec = {
    data: { dataset: 'gaussian', samples: data.n, classes: w.classes, noise: 0, features: data.features, validation: 0 },
    layers: LAYERS.W1, loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'sgd', lr: LEARNING_RATE },
    train: { epochs: 1e9, batch: w.batch, l2: 0, l1: 0, seed: 1 },
  };
  const t = new Trainer(spec, 'float32', data);
  const buf = (size) => allocate('float32', size).fill(0.01);
  const B = 64;
  const x = buf(B * 784); const h1 = buf(B * 256); const h2 = buf(B * 256); const o = buf(B * 10);
  const W1 = buf(784 * 256); const W2 = buf(256 * 256); const W3 = buf(256 * 10);
  const gemms = () => {
    gemmNN(B, 256, 784, x, 0, W1, 0, h1, 0, false); gemmNN(B, 256, 256, h1, 0, W2, 0, h2, 0, false); gemmNN(B, 10, 256, h2, 0, W3, 0, o, 0, false);
    gemmTN(256, 10, B, h2, 0, o, 0, W3, 0, false); gemmNT(B, 256, 10, o, 0, W3, 0, h2, 0, false);
    gemmTN(256, 256, B, h1, 0, h2, 0, W2, 0, false); gemmNT(B, 256, 256, h2, 0, W2, 0, h1, 0, false);
    gemmTN(784, 256, B, x, 0, h1, 0, W1, 0, false);
  };
  const time = (f) => {
    for (let i = 0; i < 200; i++) f();
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      let k = 0;
      while (performance.now() - t0 < 300) { f(); k++; }
      best = Math.min(best, (performance.now() - t0) / k);
    }
    return best;
  };
  const step = time(() => t.trainStep(false));
  const gemm = time(gemms);
  console.log(JSON.stringify({ threads: n, stepMs: step, gemmMs: gemm }));
  process.exit(0);
}

async function main() {
  if (relaxed && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', self, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, TRAINLENS_KERNELS: 'relaxed' } });
    process.exit(r.status ?? 1);
  }
  if (process.argv.includes('--breakdown')) return breakdown();
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const p1 = await inWorker({ kind: 'peak', build }, 1);
  const p2 = await inWorker({ kind: 'peak', build }, 2);
  console.log(`ceiling (${build}): 1 thread ${p1[0].toFixed(1)} GFLOP/s; 2 at once ${p2.map((g) => g.toFixed(1)).join(' + ')} = ${sum(p2).toFixed(1)} (${(sum(p2) / p1[0]).toFixed(2)}×)`);
  const c1 = await inWorker({ kind: 'copy' }, 1);
  const c2 = await inWorker({ kind: 'copy' }, 2);
  console.log(`memory (copy 128 MiB, read + write): 1 thread ${c1[0].toFixed(1)} GB/s; 2 at once ${sum(c2).toFixed(1)} GB/s (${(sum(c2) / c1[0]).toFixed(2)}×)`);
  const spin = await pingPong(false, 200_000);
  const sleep = await pingPong(true, 20_000);
  console.log(`dispatch round trip: ${spin.toFixed(2)} µs spinning, ${sleep.toFixed(1)} µs through Atomics.wait/notify`);
  for (const n of [1, 2]) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--breakdown'], { env: { ...process.env, TRAINLENS_THREADS: String(n) }, encoding: 'utf8' });
    const b = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`W1 step (${build}, ${n} thread${n > 1 ? 's' : ''}): ${(b.stepMs * 1000).toFixed(0)} µs; its 8 GEMMs alone ${(b.gemmMs * 1000).toFixed(0)} µs (${((100 * b.gemmMs) / b.stepMs).toFixed(0)} %); the rest ${((b.stepMs - b.gemmMs) * 1000).toFixed(0)} µs`);
  }
}

if (isMainThread) await main();
else await workerMain();
