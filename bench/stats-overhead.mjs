// What statistics cost: training throughput with stats every N steps against none, interleaved
// runs, medians. `node bench/stats-overhead.mjs [--every N]` (after `npm run build`).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Trainer } = require('../out/src/engine/trainer.js');

const every = Number(process.argv[process.argv.indexOf('--every') + 1]) || 10;
const spiral = {
  data: { dataset: 'spiral', samples: 300, classes: 3, noise: 0.2, features: 2, validation: 0 },
  layers: [{ kind: 'dense', units: 100, activation: { type: 'relu' } }, { kind: 'dense', units: 3, activation: { type: 'linear' } }],
  loss: 'softmax', init: { type: 'he' }, optimizer: { type: 'sgd', lr: 0.1 },
  train: { epochs: 1_000_000, batch: 'full', l2: 0.001, l1: 0, seed: 1 },
};
const mlp = {
  ...spiral,
  data: { dataset: 'gaussian', samples: 2048, classes: 10, noise: 0, features: 784, validation: 0 },
  layers: [{ kind: 'dense', units: 256, activation: { type: 'relu' } }, { kind: 'dense', units: 256, activation: { type: 'relu' } }, { kind: 'dense', units: 10, activation: { type: 'linear' } }],
  train: { ...spiral.train, batch: 64 },
};
const tanh10 = {
  ...spiral,
  data: { dataset: 'gaussian', samples: 1000, classes: 10, noise: 0, features: 500, validation: 0 },
  layers: [...Array.from({ length: 10 }, () => ({ kind: 'dense', units: 500, activation: { type: 'tanh' } })), { kind: 'dense', units: 10, activation: { type: 'linear' } }],
  init: { type: 'xavier' }, train: { ...spiral.train, batch: 100 },
};

function rate(spec, statsEvery, ms) {
  const t = new Trainer(spec);
  for (let i = 0; i < 5; i++) t.trainStep(statsEvery > 0);
  const start = performance.now();
  let samples = 0;
  let steps = 0;
  while (performance.now() - start < ms) {
    samples += t.trainStep(statsEvery > 0 && steps % statsEvery === 0).batchSize;
    steps++;
  }
  return samples / ((performance.now() - start) / 1000);
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, spec, ms] of [['spiral 2-100-3, full batch', spiral, 300], ['MLP 784-256-256-10, batch 64', mlp, 1000], ['10×500 tanh, batch 100', tanh10, 2000]]) {
  const plain = [];
  const withStats = [];
  for (let r = 0; r < 5; r++) {
    plain.push(rate(spec, 0, ms));
    withStats.push(rate(spec, every, ms));
  }
  const a = median(plain);
  const b = median(withStats);
  console.log(`${name.padEnd(30)} ${Math.round(a).toLocaleString('en-US').padStart(10)} samples/s plain, ${Math.round(b).toLocaleString('en-US').padStart(10)} with stats every ${every}: cost ${((1 - b / a) * 100).toFixed(1)}%`);
}
