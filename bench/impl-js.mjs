// One JavaScript implementation as a child process of bench/run.mjs:
//   [TRAINLENS_THREADS=N] node bench/impl-js.mjs trainlens|tfjs-cpu|tfjs-wasm
// Reads one JSON request a line on stdin ({"workload":"W1","warmupMs":500,"ms":1500}) and answers
// each with a line `BENCH {...}` on stdout (other output is ignored by the runner).
// TRAINLENS_THREADS=N (N > 1) starts the engine's N − 1 helper threads before anything is built
// (out/src/node/kernel-threads.js); the `peak` pseudo-workload runs bench/peak.mjs's ceiling loop.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { WORKLOADS, LAYERS, LEARNING_RATE, randomData, trainSpec } from './workloads.mjs';
import { createPeak } from './peak.mjs';

const require = createRequire(import.meta.url);
const impl = process.argv[2];
const reply = (o) => process.stdout.write(`BENCH ${JSON.stringify(o)}\n`);

/** Steps until `warmupMs` have passed (at least one the first time), then counts steps for `ms`. */
function measure(state, step, warmupMs, ms) {
  let t0 = performance.now();
  let warm = 0;
  while (!state.warmed || (performance.now() - t0 < warmupMs && state.stepMs < warmupMs)) {
    step();
    warm++;
    state.warmed = true;
    if (performance.now() - t0 >= warmupMs) break;
  }
  t0 = performance.now();
  let steps = 0;
  let t = t0;
  do {
    step();
    steps++;
    t = performance.now();
  } while (t - t0 < ms);
  const seconds = (t - t0) / 1000;
  state.stepMs = (t - t0) / steps;
  return { steps, seconds, warmupSteps: warm };
}

// ─── TrainLens: the engine directly ──────────────────────────────────────────
/** Starts the helper threads TRAINLENS_THREADS asks for (none for 1); returns the engine's ThreadsInfo or a stand-in. */
async function startThreads() {
  const n = Number(process.env.TRAINLENS_THREADS ?? 1);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TRAINLENS_THREADS=${process.env.TRAINLENS_THREADS}: expected a whole number ≥ 1`);
  if (n === 1) return { threads: 1, requested: 1, shared: null, variant: null, stop: () => {} };
  let mod;
  try {
    mod = require('../out/src/node/kernel-threads.js');
  } catch (e) {
    if (e?.code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(`TRAINLENS_THREADS=${n}: out/src/node/kernel-threads.js is missing (threaded kernels not built; run \`npm run compile-tests\`)`);
  }
  const info = await mod.startKernelThreads(n);
  return { ...info, stop: () => mod.stopKernelThreads?.() };
}

async function trainlens() {
  const threads = await startThreads();
  const { Trainer } = require('../out/src/engine/trainer.js');
  const { gemmNN } = require('../out/src/engine/gemm.js');
  const { allocate } = require('../out/src/engine/tensor.js');
  const variant = require('../out/src/engine/wasm/kernels.js').kernels()?.variant ?? 'no';
  const t = threads.requested === 1 ? '1 thread'
    : `${threads.threads} of ${threads.requested} threads (${threads.variant ?? '?'}${threads.shared ? ', shared memory' : threads.shared === false ? ', no shared memory' : ''}${threads.reason ? `: ${threads.reason}` : ''})`;
  let peak;
  return {
    version: `${require('../package.json').version}, ${variant} WebAssembly kernels, ${t}`,
    threads: { threads: threads.threads, requested: threads.requested, shared: threads.shared, variant: threads.variant ?? variant, reason: threads.reason },
    stop: threads.stop,
    async peak() {
      // The same build as the engine's kernels: relaxed when this Node validates it and was asked for it.
      peak ??= await createPeak(variant === 'relaxed' ? 'relaxed' : 'simd');
      return peak;
    },
    train(name) {
      const data = randomData(name);
      const t = new Trainer(trainSpec(name, data), 'float32', data);
      return () => { t.trainStep(false); };
    },
    gemm(n) {
      // Buffers from the engine's allocator, as the layers get them (in the kernels' arena).
      const a = allocate('float32', n * n);
      a.set(randomData('W1').x.subarray(0, n * n)); // any normal values
      const b = allocate('float32', n * n);
      b.set(Float32Array.from(a).reverse());
      const c = allocate('float32', n * n);
      return () => gemmNN(n, n, n, a, 0, b, 0, c, 0, false);
    },
  };
}

// ─── tfjs, cpu or wasm backend: the same models with tf ops and optimizer.minimize ─────
async function tfjs(backend) {
  const tf = require('@tensorflow/tfjs');
  if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const he = (shape, fanIn) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', 1));
  const zeros = (shape) => tf.variable(tf.zeros(shape));
  return {
    version: `${tf.version.tfjs} (${tf.getBackend()})`,
    train(name) {
      const w = WORKLOADS[name];
      const data = randomData(name);
      const batches = [];
      for (let s = 0; s + w.batch <= data.n; s += w.batch) {
        const xs = data.x.subarray(s * data.features, (s + w.batch) * data.features);
        const x = name === 'W2' ? tf.tensor4d(xs, [w.batch, 28, 28, 1]) : tf.tensor2d(xs, [w.batch, data.features]);
        batches.push({ x, y: tf.oneHot(tf.tensor1d(data.y.subarray(s, s + w.batch), 'int32'), w.classes) });
      }
      let forward;
      if (name === 'W2') {
        const k1 = he([3, 3, 1, 16], 9); const c1 = zeros([16]);
        const k2 = he([3, 3, 16, 32], 144); const c2 = zeros([32]);
        const wd = he([7 * 7 * 32, 10], 1568); const bd = zeros([10]);
        forward = (x) => {
          let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, k1, 1, 'same'), c1)), 2, 2, 'valid');
          h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, k2, 1, 'same'), c2)), 2, 2, 'valid');
          return tf.add(tf.matMul(tf.reshape(h, [w.batch, 7 * 7 * 32]), wd), bd);
        };
      } else {
        const sizes = [data.features, ...LAYERS[name].map((l) => l.units)];
        const params = sizes.slice(1).map((out, i) => ({ W: he([sizes[i], out], sizes[i]), b: zeros([out]) }));
        forward = (x) => params.reduce((h, p, i) => {
          const z = tf.add(tf.matMul(h, p.W), p.b);
          return i < params.length - 1 ? tf.relu(z) : z;
        }, x);
      }
      const optimizer = tf.train.sgd(LEARNING_RATE);
      let i = 0;
      return () => {
        const { x, y } = batches[i++ % batches.length];
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)), true);
        loss.dataSync();
        loss.dispose();
      };
    },
    gemm(n) {
      const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
      const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
      return () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
    },
  };
}

let api;
try {
  api = impl === 'trainlens' ? await trainlens() : impl === 'tfjs-cpu' ? await tfjs('cpu') : impl === 'tfjs-wasm' ? await tfjs('wasm') : undefined;
  if (!api) throw new Error(`unknown implementation '${impl}'`);
} catch (e) {
  reply({ absent: String(e?.message ?? e).split('\n')[0] });
  process.exit(0);
}
reply({ ready: true, version: api.version, threads: api.threads ?? { threads: 1 } });

const states = new Map();
const steps = new Map();
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  const w = WORKLOADS[req.workload];
  try {
    if (w.kind === 'peak') {
      if (!api.peak) throw new Error('no peak loop for this implementation');
      const p = await api.peak();
      reply(p.measure(req.warmupMs, req.ms));
      continue;
    }
    if (!steps.has(req.workload)) steps.set(req.workload, w.kind === 'gemm' ? api.gemm(w.n) : api.train(req.workload));
    if (!states.has(req.workload)) states.set(req.workload, { warmed: false, stepMs: 0 });
    const r = measure(states.get(req.workload), steps.get(req.workload), req.warmupMs, req.ms);
    if (w.kind === 'gemm') reply({ ...r, gflops: (2 * w.n ** 3 * r.steps) / r.seconds / 1e9 });
    else reply({ ...r, samplesPerSec: (w.batch * r.steps) / r.seconds, gflops: (w.flopsPerSample * w.batch * r.steps) / r.seconds / 1e9 });
  } catch (e) {
    steps.set(req.workload, undefined);
    reply({ unsupported: String(e?.message ?? e).split('\n')[0] });
  }
}
api.stop?.();
process.exit(0);
