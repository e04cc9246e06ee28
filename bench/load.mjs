// The extension host under load: four models train at once (each in its worker) while the user
// "types" (a model file re-parsed every 50 ms, as diagnostics do), runs are recorded to disk, and
// the host measures its event-loop delay (perf_hooks.monitorEventLoopDelay), the message rate it
// receives, and how long Stop takes to end each run.
//   node bench/load.mjs [--seconds 10] [--json]      (after `npm run build` and `npm run compile-tests`)
//   node bench/load.mjs --cifar                       the host's memory while a CIFAR-sized data set
//                                                     (50,000 × 3×32×32, five 30 MB batch files) loads
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 10;
const json = args.includes('--json');

const { RunManager } = require('../out/src/training/runs.js');
const { nodeWorkers } = require('../out/src/node/workers.js');
const { RunStore } = require('../out/src/runs/store.js');
const { RunRecorder } = require('../out/src/runs/recorder.js');
const { parseModel } = require('../out/src/model/parse.js');

const workerPath = path.join(root, 'dist', 'worker.js');
if (!fs.existsSync(workerPath)) {
  console.error('bench/load: dist/worker.js is missing; run `npm run build` first');
  process.exit(2);
}
if (args.includes('--cifar')) {
  await cifarMemory();
  process.exit(0);
}

// Four different models, each training "forever" until stopped: the fast spiral (10k+ steps/s,
// the worst case for message volume), an MLP on gaussian data, the init experiment, a small CNN.
const spiral = parseModel(fs.readFileSync(path.join(root, 'examples', 'spiral.nn.yaml'), 'utf8')).spec;
const init = parseModel(fs.readFileSync(path.join(root, 'examples', 'init-experiment.nn.yaml'), 'utf8')).spec;
const forever = (spec) => ({ ...spec, train: { ...spec.train, epochs: 1_000_000 } });
const mlp = {
  ...spiral, data: { dataset: 'gaussian', samples: 2048, features: 784, classes: 10, noise: 0, validation: 0 },
  layers: [{ kind: 'dense', units: 256, activation: { type: 'relu' } }, { kind: 'dense', units: 10, activation: { type: 'linear' } }],
  train: { ...spiral.train, batch: 64 },
};
const cnn = {
  ...spiral, data: { dataset: 'mnist', samples: 2000, validation: 0.1 },
  layers: [
    { kind: 'conv', filters: 8, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
    { kind: 'pool', size: 2, stride: 2, type: 'max' },
    { kind: 'dense', units: 10, activation: { type: 'linear' } },
  ],
  train: { ...spiral.train, batch: 32 },
};
const models = [['spiral', forever(spiral)], ['mlp 784-256-10', forever(mlp)], ['init experiment', forever(init)], ['cnn on mnist', forever(cnn)]];

const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-load-'));
const runs = new RunManager(nodeWorkers(workerPath));
const recorder = new RunRecorder(runs, new RunStore(storeDir));
const messages = new Map();
runs.onEvent((e) => {
  if (e.type === 'progress') messages.set(e.session.runId, (messages.get(e.session.runId) ?? 0) + 1);
});

const typing = fs.readFileSync(path.join(root, 'templates', 'mnist-cnn.nn.yaml'), 'utf8');
const parseTimes = [];
const typer = setInterval(() => {
  const t0 = performance.now();
  parseModel(typing + `\n# ${Math.random()}`);
  parseTimes.push(performance.now() - t0);
}, 50);

const sessions = models.map(([name, spec]) => runs.start(`file:///bench/${name}.nn.yaml`, name, spec, path.join(root, 'examples')));
// Let every worker load its data and start, then measure.
await Promise.all(sessions.map((s) => new Promise((resolve) => {
  const sub = s.onEvent((e) => {
    if (e.type === 'progress') {
      sub.dispose();
      resolve();
    }
  });
})));
messages.clear();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const t0 = performance.now();
const stepsAt0 = sessions.map((s) => s.step);
await new Promise((r) => setTimeout(r, seconds * 1000));
delay.disable();
const elapsed = (performance.now() - t0) / 1000;
clearInterval(typer);

// Stop: from stop() to the run's end: the worker finishes its current step, then evaluates the
// final metrics over the training and validation sets and posts them.
const stops = await Promise.all(sessions.map(async (s) => {
  const a = performance.now();
  s.stop();
  await s.finished;
  // Steps taken after the request: the worker's own counter when stop() was called, against its last step.
  return { status: s.status, ms: performance.now() - a, steps: (s.final?.steps ?? s.step) - (s.stepAtStop ?? s.step) };
}));
recorder.dispose();
fs.rmSync(storeDir, { recursive: true, force: true });

const ms = (ns) => ns / 1e6;
const result = {
  type: 'load', seconds: elapsed, cores: os.cpus().length, node: process.version,
  eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
  typingParseMs: { p50: quantile(parseTimes, 0.5), p99: quantile(parseTimes, 0.99) },
  runs: sessions.map((s, i) => ({
    model: models[i][0], stepsPerSec: (s.step - stepsAt0[i]) / elapsed,
    messagesPerSec: (messages.get(s.runId) ?? 0) / elapsed,
    stopMs: stops[i].ms, stopSteps: stops[i].steps, status: stops[i].status,
    // What the host keeps of the run (bounded however fast it trains), and what a panel opened now would be sent.
    steps: s.loss.steps, keptLosses: s.loss.series.items.length, snapshotKB: JSON.stringify(s.snapshot()).length / 1024,
  })),
};

function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
}

const f = (x, d = 1) => (x === null ? '–' : x.toFixed(d));
console.log(`Extension host under load: 4 runs at once for ${f(elapsed)} s on ${result.cores} cores (Node ${process.version}), typing every 50 ms`);
console.log(`  event-loop delay: p50 ${f(result.eventLoopDelayMs.p50, 2)} ms, p99 ${f(result.eventLoopDelayMs.p99, 2)} ms, max ${f(result.eventLoopDelayMs.max, 2)} ms`);
console.log(`  a keystroke's re-parse (mnist-cnn template): p50 ${f(result.typingParseMs.p50, 2)} ms, p99 ${f(result.typingParseMs.p99, 2)} ms`);
for (const r of result.runs) {
  console.log(`  ${r.model.padEnd(16)} ${f(r.stepsPerSec, 0).padStart(7)} steps/s, ${f(r.messagesPerSec, 1)} messages/s to the host, stop: ${r.stopSteps} step(s) after the request, ended in ${f(r.stopMs, 0)} ms (${r.status})`);
  console.log(`  ${''.padEnd(16)} host keeps ${r.keptLosses} of ${r.steps} losses; a panel opened now gets ${f(r.snapshotKB, 0)} KB`);
}
if (json) console.log(JSON.stringify(result));

/**
 * The extension host's memory while a worker loads 50,000 CIFAR-sized images (150 MB of batch
 * files) and starts training: the host's own heap and buffers (its isolate), and the process's
 * RSS (which includes the worker threads' memory: they live in the same process).
 */
async function cifarMemory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-cifar-'));
  const record = 1 + 3 * 32 * 32;
  for (let b = 1; b <= 5; b++) {
    const bytes = Buffer.alloc(10_000 * record);
    for (let i = 0; i < 10_000; i++) {
      bytes[i * record] = i % 10;
      for (let k = 1; k < record; k += 7) bytes[i * record + k] = (i * 31 + k) & 0xff;
    }
    fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), bytes);
  }
  const spec = {
    data: { dataset: 'cifar10', cifar10: { path: 'batches' }, samples: 50_000, classes: 10, validation: 0.1 },
    layers: [
      { kind: 'conv', filters: 8, size: 3, stride: 1, pad: 1, activation: { type: 'relu' } },
      { kind: 'pool', size: 2, stride: 2, type: 'max' },
      { kind: 'dense', units: 10, activation: { type: 'linear' } },
    ],
    loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'sgd', lr: 0.01 },
    train: { epochs: 1, batch: 32, l2: 0, l1: 0, seed: 1 },
  };
  fs.renameSync(dir, `${dir}-x`);
  const base = `${dir}-x`;
  fs.mkdirSync(path.join(base, 'batches'));
  for (let b = 1; b <= 5; b++) fs.renameSync(path.join(base, `data_batch_${b}.bin`), path.join(base, 'batches', `data_batch_${b}.bin`));
  const mb = (x) => x / 1024 / 1024;
  const start = process.memoryUsage();
  const peak = { heapUsed: start.heapUsed, arrayBuffers: start.arrayBuffers, rss: start.rss };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  const timer = setInterval(sample, 20);
  const runs = new RunManager(workerPath);
  const t0 = performance.now();
  const s = runs.start('file:///bench/cifar.nn.yaml', 'cifar', spec, base);
  let firstProgress = 0;
  await new Promise((resolve) => s.onEvent((e) => {
    if (e.type === 'progress' && !firstProgress) {
      firstProgress = performance.now() - t0;
      resolve();
    }
    if (e.type === 'status') resolve();
  }));
  await new Promise((r) => setTimeout(r, 1000));
  s.stop();
  await s.finished;
  clearInterval(timer);
  sample();
  fs.rmSync(base, { recursive: true, force: true });
  console.log(`CIFAR-sized data (5 × 10,000 records, ${mb(5 * 10_000 * record).toFixed(0)} MB of files) loaded by a worker and trained ${s.step} steps (${s.error ?? s.status}); first step after ${(firstProgress / 1000).toFixed(1)} s`);
  console.log(`  extension host (main isolate): heap ${mb(start.heapUsed).toFixed(1)} → peak ${mb(peak.heapUsed).toFixed(1)} MB, ArrayBuffers ${mb(start.arrayBuffers).toFixed(1)} → peak ${mb(peak.arrayBuffers).toFixed(1)} MB`);
  console.log(`  process RSS (host + worker threads): ${mb(start.rss).toFixed(0)} → peak ${mb(peak.rss).toFixed(0)} MB`);
}
