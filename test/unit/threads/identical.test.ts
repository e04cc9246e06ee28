// Bit-identical for any thread count (issue 17): the same model, seed and data trained on one
// thread and on two (this thread's kernels plus an in-process helper, src/node/kernel-threads.ts)
// give the same loss at every step and the same final weights, bit for bit. Each model is sized so
// that its kernel calls are spread (GEMM_MACS_PER_PART, FLOATS_PER_PART in parallel.ts), with odd
// unit and plane counts so the parts' boundaries fall inside register tiles and SIMD lanes; the test
// counts the jobs each kind of call dispatched to prove it. The parent also runs this file in a
// child process on the relaxed-SIMD build.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Rng } from '../../../src/engine/rng';
import { Trainer } from '../../../src/engine/trainer';
import type { Dataset } from '../../../src/engine/data/dataset';
import { kernels } from '../../../src/engine/wasm/kernels';
import { threadPool, threadsInfo } from '../../../src/engine/wasm/threads';
import { startKernelThreads, stopKernelThreads } from '../../../src/node/kernel-threads';
import type { ActivationName, LayerSpec, ModelSpec } from '../../../src/model/spec';

const CHILD = process.env.TRAINLENS_IDENTICAL_CHILD === '1';
const MODE = process.env.TRAINLENS_KERNELS || 'auto';

after(() => stopKernelThreads());

function dataset(seed: number, n: number, shape: number[], classes: number): Dataset {
  const rng = new Rng(seed);
  const features = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + (x[i * features] > 0 ? 1 : 0)) % classes);
  return { x, y, n, shape, features, classes };
}

function spec(layers: LayerSpec[], batch: number, seed: number, optimizer: ModelSpec['optimizer'] = { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 }): ModelSpec {
  return {
    data: { dataset: 'gaussian', samples: 0, classes: 10, noise: 0, features: 0, validation: 0 },
    layers, loss: 'softmax', init: { type: 'he' }, optimizer,
    train: { epochs: 1_000, batch, l2: 0.0005, l1: 0, seed },
  };
}

interface Case {
  name: string;
  spec: ModelSpec;
  data: Dataset;
  steps: number;
  /** The parallel.ts calls that must have been spread over the threads. */
  spread: string[];
}

const dense = (units: number, type: ActivationName): LayerSpec =>
  ({ kind: 'dense', units, activation: { type } });

const CASES: Case[] = [
  {
    name: 'dense MLP 784-256-256-10, batch 64 (the GEMMs split by columns and rows)',
    spec: spec([dense(256, 'relu'), dense(256, 'relu'), dense(10, 'linear')], 64, 3),
    data: dataset(11, 192, [784], 10),
    steps: 8,
    spread: ['gemm'],
  },
  {
    // 256 × 300 = 76,800 floats per activation: two parts, cut inside a row and inside an 8-column
    // tile (300 = 37.5 × 8, 262 and 270 likewise odd).
    name: 'sigmoid, tanh, elu and a leaky ReLU layer of odd widths, batch 256 (the fused and elementwise activations split)',
    spec: spec([dense(300, 'sigmoid'), dense(262, 'tanh'), dense(270, 'elu'), dense(258, 'linear'),
      { kind: 'activation', activation: { type: 'leaky_relu' } }, dense(10, 'linear')], 256, 4, { type: 'momentum', lr: 0.01, momentum: 0.9 }),
    data: dataset(12, 512, [100], 10),
    steps: 6,
    spread: ['gemm', 'biasActivation', 'activationForward', 'activationBackward'],
  },
  {
    // 9 and 13 channels (odd planes), 20×20 images: im2col/col2im of 64 samples, max pool of
    // 576 planes of 400, average pool of 832 planes of 100 all exceed two parts' worth.
    name: 'conv 3×3 + ReLU, max pool, conv + ReLU, average pool, dense; 3×20×20 images, batch 64',
    spec: spec([
      { kind: 'conv', filters: 9, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      { kind: 'conv', filters: 13, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'avg' },
      dense(10, 'linear'),
    ], 64, 5),
    data: dataset(13, 128, [3, 20, 20], 10),
    steps: 5,
    spread: ['gemm', 'samplesIm2col', 'swapBlocks', 'sumPlanes', 'maxPoolForward', 'maxPoolBackward', 'avgPool'],
  },
  {
    name: 'batchnorm after a conv and after a dense layer, batch 128',
    spec: spec([
      { kind: 'conv', filters: 7, size: 3, stride: 1, pad: 1, activation: { type: 'linear' } },
      { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'activation', activation: { type: 'relu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      dense(200, 'linear'),
      { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
      { kind: 'activation', activation: { type: 'tanh' } },
      dense(10, 'linear'),
    ], 128, 6),
    data: dataset(14, 256, [2, 16, 16], 10),
    steps: 5,
    spread: ['gemm', 'samplesIm2col', 'swapBlocks', 'sumPlanes', 'maxPoolForward', 'activationForward'],
  },
  {
    // 8 × 9 × 1,024 = 73,728 column floats a sample: the im2col matrix holds 56 samples, so a batch
    // of 64 goes in two chunks (56 and 8), the weight gradient accumulated over both.
    name: 'conv on 8×32×32 images in two im2col chunks a batch (accumulated weight gradients), batch 64',
    spec: spec([
      { kind: 'conv', filters: 6, size: 3, stride: 1, pad: 1, activation: { type: 'elu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      dense(10, 'linear'),
    ], 64, 8, { type: 'nesterov', lr: 0.01, momentum: 0.9 }),
    data: dataset(16, 64, [8, 32, 32], 10),
    steps: 3,
    spread: ['gemm', 'samplesIm2col', 'swapBlocks', 'sumPlanes', 'maxPoolForward', 'maxPoolBackward', 'activationForward', 'activationBackward'],
  },
  // The update rules, the optimizer's max |dw| and the batch gather (parallel-update.ts), on a
  // 784-256-10 MLP: 200,704 weights in the first layer, a batch of 128 rows of 784.
  ...([
    ['sgd', { type: 'sgd', lr: 0.05 }, 'sgd'],
    ['momentum', { type: 'momentum', lr: 0.01, momentum: 0.9 }, 'momentum'],
    ['adagrad', { type: 'adagrad', lr: 0.01, eps: 1e-8 }, 'scaledUpdate'],
    ['rmsprop', { type: 'rmsprop', lr: 0.001, decay: 0.99, eps: 1e-8 }, 'scaledUpdate'],
    ['adamw', { type: 'adamw', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }, 'adam'],
  ] as const).map(([name, optimizer, kernel]): Case => ({
    name: `${name} updates, max |dw| and the batch gather of a 784-256-10 MLP, batch 128`,
    spec: spec([dense(256, 'relu'), dense(10, 'linear')], 128, 10, optimizer as ModelSpec['optimizer']),
    data: dataset(18, 256, [784], 10),
    steps: 4,
    spread: ['gemm', kernel, 'maxAbs', 'gatherRows'],
  })),
  {
    name: 'dropout and maxout after a dense layer of 300, batch 128',
    spec: spec([dense(300, 'relu'), { kind: 'dropout', p: 0.3 }, { kind: 'maxout', units: 67, pieces: 3 }, dense(10, 'linear')], 128, 9),
    data: dataset(17, 256, [200], 10),
    steps: 6,
    spread: ['gemm'],
  },
];

/** Jobs dispatched to the threads, by the parallel.ts function that dispatched them. */
const jobs = new Map<string, number>();
let counting = false;

/** Counts the pool's jobs by caller (read from the call stack: no job or control-block state is read). */
function countJobs(): void {
  const pool = threadPool();
  assert.ok(pool, 'a shared-memory pool');
  const run = pool.run.bind(pool);
  pool.run = (parts: number): void => {
    if (counting) {
      const caller = /at (?:Object\.)?(\w+) \([^)]*parallel(?:-update)?\.js/.exec(new Error().stack ?? '')?.[1] ?? '?';
      jobs.set(caller, (jobs.get(caller) ?? 0) + 1);
    }
    run(parts);
  };
}

interface Trace { losses: number[]; weights: Float32Array[]; evaluation: { loss: number; accuracy: number } }

function train(c: Case): Trace {
  const t = new Trainer(c.spec, 'float32', c.data);
  const losses: number[] = [];
  for (let i = 0; i < c.steps; i++) losses.push(t.trainStep().loss);
  // Evaluation mode too (dropout off, batchnorm's running statistics), over the whole set.
  const { loss, accuracy } = t.evaluate(c.data);
  return { losses, weights: t.network.params.map((p) => Float32Array.from(p.value)), evaluation: { loss, accuracy } };
}

/** The first index where two float32 arrays differ in bits, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

test(`the ${MODE} kernels run on a shared memory and start a helper thread`, () => {
  const k = kernels();
  assert.ok(k, 'kernels loaded');
  assert.equal(k.shared, true, 'shared memory');
  if (MODE !== 'auto') assert.equal(k.variant, MODE);
  const one = startKernelThreads(1);
  assert.equal(one.threads, 1);
  const two = startKernelThreads(2);
  assert.deepEqual({ threads: two.threads, requested: two.requested, shared: two.shared }, { threads: 2, requested: 2, shared: true }, JSON.stringify(two));
  assert.equal(two.reason, undefined);
  countJobs();
  startKernelThreads(1);
  assert.equal(threadsInfo().threads, 1, 'back to one thread, the helper kept');
});

for (const c of CASES) {
  test(`${c.name}: 1 and 2 threads give the same loss at every step and the same weights`, (t) => {
    startKernelThreads(1);
    jobs.clear();
    counting = true;
    const one = train(c);
    assert.deepEqual([...jobs], [], 'one thread dispatches no job');
    assert.equal(startKernelThreads(2).threads, 2);
    const two = train(c);
    counting = false;
    startKernelThreads(1);
    t.diagnostic(`${MODE}: jobs on 2 threads in ${c.steps} steps: ${[...jobs].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const op of c.spread) assert.ok((jobs.get(op) ?? 0) >= c.steps, `${op} was spread over the threads at every step (${jobs.get(op) ?? 0} jobs)`);
    assert.ok(one.losses.every(Number.isFinite) && one.losses[0] !== one.losses.at(-1), `a run that trains: ${one.losses.join(', ')}`);
    one.losses.forEach((l, i) => assert.ok(Object.is(l, two.losses[i]), `step ${i + 1}: ${l} on 1 thread, ${two.losses[i]} on 2`));
    assert.ok(Object.is(one.evaluation.loss, two.evaluation.loss) && Object.is(one.evaluation.accuracy, two.evaluation.accuracy),
      `evaluation: ${JSON.stringify(one.evaluation)} on 1 thread, ${JSON.stringify(two.evaluation)} on 2`);
    assert.equal(one.weights.length, two.weights.length);
    one.weights.forEach((w, i) => {
      const at = firstDifference(w, two.weights[i]);
      assert.equal(at, -1, `parameter ${i} (${w.length} values) differs at ${at}: ${w[at]} vs ${two.weights[i][at]}`);
    });
  });
}

test('a helper kept idle across runs and a changed thread count mid-run still give the same bits', () => {
  const c = CASES[0];
  startKernelThreads(1);
  const one = train(c);
  // Alternate 2, 1, 2 … threads step by step in one trainer.
  const tr = new Trainer(c.spec, 'float32', c.data);
  const losses: number[] = [];
  for (let i = 0; i < c.steps; i++) {
    startKernelThreads(i % 2 === 0 ? 2 : 1);
    losses.push(tr.trainStep().loss);
  }
  startKernelThreads(1);
  assert.deepEqual(losses, one.losses);
  tr.network.params.forEach((p, i) => assert.equal(firstDifference(Float32Array.from(p.value), one.weights[i]), -1, `parameter ${i}`));
});

if (!CHILD) {
  test('the relaxed-SIMD build: the same comparison passes in a child process', async (t) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TRAINLENS_KERNELS: 'relaxed', TRAINLENS_IDENTICAL_CHILD: '1' };
    delete env.NODE_TEST_CONTEXT; // else the child's runner reports to ours in its wire format
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--experimental-wasm-relaxed-simd', '--test', __filename], { env, timeout: 240_000 });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      child.on('close', (exit) => resolve({ code: exit, output: out }));
    });
    const pass = /^# pass (\d+)/m.exec(output)?.[1];
    t.diagnostic(`relaxed child: ${pass ?? '?'} passed`);
    assert.equal(code, 0, output.slice(-4000));
    assert.equal(Number(pass), CASES.length + 2, output.slice(-2000));
  });
}
