// The workspace the scenarios run in: a copy of examples/ plus the files they write into it.
import fs from 'node:fs';
import path from 'node:path';
import { copyToTempWorkspace } from '../server.mjs';
import { SEEDS_FILE, SEEDS_TEXT } from './seeds.mjs';

/** The two files the scenarios write into the workspace copy, from the examples. */
export const SPIRAL_LONG = 'spiral-long.nn.yaml';

// Never ends within a scenario: with the WebAssembly kernels the spiral trains ~30,000 steps/s
// here, and 100,000 epochs (800,000 steps) could end before the swap lands on a busy machine;
// 1,000,000 (the format's largest) take minutes.
export const SPIRAL_LONG_EPOCHS = 1_000_000;

export const INIT_FILE = 'init-experiment.nn.yaml';

export const COMPARE_FILE = 'optimizer-compare.nn.yaml';

/** An MLP on the built-in MNIST sample: its first layer's weights are drawn as images. */
export const WEIGHTS_FILE = 'digits.nn.yaml';

/** The spiral at lr 100 with l2 0.05: every step multiplies the weights by about −4, so it diverges in a few dozen steps. */
export const DIVERGE_FILE = 'diverge.nn.yaml';

/** A conv net on the MNIST sample with kinks of several kinds for the gradient check (ReLU, max pool, maxout, SVM hinge, L1). */
export const GRADCHECK_FILE = 'kinks.nn.yaml';

/** Regression: the sine example (1-D fit) and the ripple example (2-D heatmap; written into the workspace when examples/ has none). */
export const SINE_FILE = 'sine.nn.yaml';

export const RIPPLE_FILE = 'ripple.nn.yaml';

/** The sine example with a compare: section (three optimizers), written into the workspace. */
export const SINE_COMPARE_FILE = 'sine-compare.nn.yaml';

// The example trains 20 steps (a few seconds); the scenario needs the run still going when it
// swaps the init from the panel, so its copy trains for longer.
export const INIT_EPOCHS = 500;

/** Writes a model file into the workspace from its lines. */
export function writeModel(workspace, file, lines) {
  fs.writeFileSync(path.join(workspace, file), lines.join('\n'));
}

/** The workspace: a copy of the examples, plus the long spiral and the longer init experiment. */
export function prepareWorkspace(examples) {
  const workspace = copyToTempWorkspace(examples, path.basename(examples));
  const spiral = fs.readFileSync(path.join(examples, 'spiral.nn.yaml'), 'utf8');
  // Full batches through 400 units: a few thousand steps a second rather than ~30,000, so the
  // panel and the workbench (on the same 2 cores as the worker) stay responsive while it trains.
  const longSpiral = spiral.replace(/^(\s*epochs:\s*)\d+/m, `$1${SPIRAL_LONG_EPOCHS}`)
    .replace(/^(\s*batch:\s*)\d+/m, '$1full').replace(/^(\s*- dense:\s*)100\b/m, '$1400');
  if (!/epochs: 1000000/.test(longSpiral) || !/batch: full/.test(longSpiral) || !/dense: 400/.test(longSpiral)) {
    throw new Error('examples/spiral.nn.yaml has no "epochs: N", "batch: N" or "- dense: 100" line to change');
  }
  fs.writeFileSync(path.join(workspace, SPIRAL_LONG), longSpiral);
  fs.writeFileSync(path.join(workspace, SEEDS_FILE), SEEDS_TEXT);
  writeModel(workspace, WEIGHTS_FILE, [
    '# An MLP on 3,000 MNIST digits: with some L2, the first layer\'s units become stroke templates',
    'data: { dataset: mnist, samples: 3000, validation: 0.1 }',
    'layers:', '  - dense: 100', '    activation: relu', '  - dense: 10',
    'loss: softmax', 'optimizer: { type: adam, lr: 0.001 }', 'train: { epochs: 10, batch: 64, l2: 0.01, seed: 1 }', '',
  ]);
  writeModel(workspace, DIVERGE_FILE, [
    '# lr·l2 = 5: each step multiplies the weights by about −4',
    'data: { dataset: spiral, samples: 300, classes: 3, validation: 0.2 }',
    'layers:', '  - dense: 100', '    activation: relu', '  - dense: 3',
    'loss: softmax', 'optimizer: { type: sgd, lr: 100 }', 'train: { epochs: 2000, batch: 32, l2: 0.05, seed: 1 }', '',
  ]);
  writeModel(workspace, GRADCHECK_FILE, [
    '# A conv net on the MNIST sample with a kink of every kind: ReLU, max pool, maxout, SVM hinge, L1',
    'data: { dataset: mnist, samples: 200, validation: 0.1 }',
    'layers:', '  - conv: { filters: 4, size: 3, pad: 1 }', '    activation: relu', '  - pool: 2', '  - flatten',
    '  - maxout: { units: 16, pieces: 2 }', '  - dense: 10',
    'loss: svm', 'optimizer: { type: sgd, lr: 0.01 }', 'train: { epochs: 1, batch: 32, l1: 0.001, seed: 1 }', '',
  ]);
  const sine = path.join(examples, SINE_FILE);
  if (fs.existsSync(sine)) fs.writeFileSync(path.join(workspace, SINE_COMPARE_FILE), `${fs.readFileSync(sine, 'utf8').trimEnd()}\ncompare:\n  optimizer: [sgd, momentum, adam]\n`);
  if (!fs.existsSync(path.join(workspace, RIPPLE_FILE))) {
    writeModel(workspace, RIPPLE_FILE, [
      '# y = sin(πx1)·cos(πx2) + noise, fitted by a small tanh MLP (val R² ≈ 0.98 with the CLI)',
      'data: { dataset: ripple, samples: 600, noise: 0.05, validation: 0.2 }',
      'layers:', '  - dense: 64', '    activation: tanh', '  - dense: 64', '    activation: tanh', '  - dense: 1',
      'loss: mse', 'optimizer: { type: adam, lr: 0.01 }', 'train: { epochs: 150, batch: 32, seed: 1 }', '',
    ]);
  }
  const initFile = path.join(workspace, INIT_FILE);
  if (fs.existsSync(initFile)) {
    const text = fs.readFileSync(initFile, 'utf8');
    const longer = text.replace(/^(\s*epochs:\s*)\d+/m, `$1${INIT_EPOCHS}`);
    if (longer === text) throw new Error(`examples/${INIT_FILE} has no "epochs: N" line to lengthen`);
    fs.writeFileSync(initFile, longer);
  }
  return workspace;
}
