// The extension host under load: four models train at once (each in its worker) while the user
// "types" (a model file re-parsed every 50 ms, as diagnostics do), runs are recorded to disk, and
// the host measures its event-loop delay (perf_hooks.monitorEventLoopDelay), the message rate it
// receives, and how long Stop takes to end each run.
//   node bench/load.mjs [--seconds 10] [--json]      (after `npm run build` and `npm run compile-tests`)
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
const { RunStore } = require('../out/src/runs/store.js');
const { RunRecorder } = require('../out/src/runs/recorder.js');
const { parseModel } = require('../out/src/model/parse.js');

const workerPath = path.join(root, 'dist', 'worker.js');
if (!fs.existsSync(workerPath)) {
  console.error('bench/load: dist/worker.js is missing; run `npm run build` first');
  process.exit(2);
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
const runs = new RunManager(workerPath);
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
  return { status: s.status, ms: performance.now() - a };
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
    stopMs: stops[i].ms, status: stops[i].status,
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
  console.log(`  ${r.model.padEnd(16)} ${f(r.stepsPerSec, 0).padStart(7)} steps/s, ${f(r.messagesPerSec, 1)} messages/s to the host, stop took ${f(r.stopMs, 0)} ms (${r.status})`);
}
if (json) console.log(JSON.stringify(result));
