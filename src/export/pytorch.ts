import type { DataSpec, ModelSpec } from '../model/spec';
import { inferShapes } from '../model/shapes';
import type { NamedArray } from './npy';
import { npzBytes } from './npz';
import { modelSection } from './pytorch-model';
import { lossSection, optimizerSection, regularizationSection, scheduleSection } from './pytorch-train';
import { PYTHON_DATA, PYTHON_MAIN, PYTHON_RNG } from './pytorch-text';
import { pyNumber, pyString, pyText } from './python';

/**
 * "Export as PyTorch": a model file as a Python script plus its arrays, so that training goes on
 * in PyTorch (a GPU, torch.distributed) from exactly where TrainLens stands:
 *   <name>.py           the network as an nn.Sequential, the loss with TrainLens's regularization,
 *                       the optimizer and schedule, a loader giving TrainLens's batch order, the loop
 *   <name>.weights.npz  TrainLens's weights (initial or trained), in TrainLens's layouts and names
 *   <name>.data.npz     the rows the Trainer trains and validates on (after split and normalization)
 * On the CPU the script prints, step by step, the losses TrainLens computes, to float32 rounding.
 * Pure functions: no file system here (src/export/write.ts writes the files).
 */

/** A model that cannot be exported as it is; the message says why, for the user. */
export class ExportError extends Error {
  override name = 'ExportError';
}

export interface ExportFile {
  /** A file name, no folders: every file lands directly in the chosen folder. */
  name: string;
  contents: string | Uint8Array;
}

/** Where the exported weights come from. */
export type WeightsOrigin = { kind: 'initial' } | { kind: 'trained'; steps: number; epochs: number };

export interface PyTorchExport {
  spec: ModelSpec;
  /** The model file's name, for the script's text, e.g. "spiral.nn.yaml". */
  source: string;
  /** Base name of the files (exportName). */
  name: string;
  /** Parameters and batchnorm statistics (networkArrays). */
  weights: readonly NamedArray[];
  /** x_train, y_train, x_val, y_val (datasetArrays). */
  data: readonly NamedArray[];
  origin: WeightsOrigin;
}

/** The base name of the exported files: the model file's name without `.nn.yaml` / `.nn.json`. */
export function exportName(modelFile: string): string {
  const base = modelFile.split(/[\\/]/).pop() ?? modelFile;
  const name = base.replace(/\.nn\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '');
  return name.length > 0 && name !== '.' && name !== '..' ? name : 'model';
}

/** The batch size the Trainer uses for n training rows. */
export function batchSizeFor(spec: ModelSpec, n: number): number {
  return spec.train.batch === 'full' ? n : Math.min(spec.train.batch, n);
}

/**
 * Throws an ExportError when PyTorch cannot train the model as TrainLens does:
 * - `mse` needs regression targets (sine, ripple, csv `target:`), not class labels (the parser
 *   reports it too);
 * - batchnorm over a single value per channel (a batch of one sample on flat features, which the
 *   last batch of an epoch can be): TrainLens normalizes it to β, PyTorch refuses to train on it.
 */
export function checkExportable(spec: ModelSpec, sampleShape: readonly number[], trainRows: number): void {
  if (spec.loss === 'mse' && spec.data.targets === undefined) {
    throw new ExportError(`loss 'mse' needs regression targets, but the data has class labels; use 'softmax' or 'svm'.`);
  }
  if (trainRows === 0) throw new ExportError('the data leaves no training rows.');
  const batch = batchSizeFor(spec, trainRows);
  const last = trainRows % batch;
  const smallest = last === 0 ? batch : last;
  const { shapes } = inferShapes(sampleShape, spec.layers);
  for (const [i, layer] of spec.layers.entries()) {
    const inShape = i === 0 ? sampleShape : shapes[i - 1];
    // Values per channel in a batch: samples, times H·W for an image.
    if (layer.kind === 'batchnorm' && smallest * (inShape.length === 3 ? inShape[1] * inShape[2] : 1) === 1) {
      throw new ExportError(
        `layer ${i + 1} (batchnorm) would see a batch of 1 sample (${trainRows} training rows in batches of ${batch}), `
        + `which PyTorch's BatchNorm cannot train on; change 'batch' or 'samples' so that no batch has a single sample.`,
      );
    }
  }
}

/** The data section's description of where the rows came from. */
function describeData(d: DataSpec, seed: number): string {
  let what: string;
  switch (d.dataset) {
    case 'spiral': case 'blobs':
      what = `${d.dataset} (${d.samples} samples, ${d.classes} classes, noise ${d.noise})`; break;
    case 'circles': case 'moons': case 'xor':
      what = `${d.dataset} (${d.samples} samples, noise ${d.noise})`; break;
    case 'sine':
      what = `sine (${d.samples} samples, x ~ U[-3, 3], target sin(x) + noise ${d.noise})`; break;
    case 'ripple':
      what = `ripple (${d.samples} samples, x ~ U[-1, 1]^2, target sin(pi x1) cos(pi x2) + noise ${d.noise})`; break;
    case 'gaussian':
      what = `gaussian (${d.samples} samples of ${d.features} N(0,1) features, ${d.classes} random labels)`; break;
    case 'mnist':
      what = `mnist (the first ${d.samples} of TrainLens's 10,000 digits, pixels / 255)`; break;
    case 'csv':
      what = `csv ${d.csv!.path} (${d.csv!.target ? `target ${d.csv!.target.join(', ')}` : `label ${d.csv!.label}`}; features normalized '${d.csv!.normalize}' with the training rows' statistics)`; break;
    case 'idx':
      what = `idx ${d.idx!.images}, ${d.idx!.labels} (pixels / 255)`; break;
    case 'cifar10':
      what = `cifar10 ${d.cifar10!.path} (pixels / 255)`; break;
  }
  return `${what}, split with validation ${d.validation} and data seed ${d.seed ?? seed}`;
}

function originText(o: WeightsOrigin, seed: number): string {
  return o.kind === 'initial'
    ? `the initial weights TrainLens draws with seed ${seed}`
    : `the weights TrainLens trained for ${o.epochs} epochs (${o.steps} steps, seed ${seed}); training here starts\nagain from them, with a fresh optimizer and the schedule from its start`;
}

/** The Python script. */
export function pytorchScript(x: PyTorchExport): string {
  const { spec, name } = x;
  const t = spec.train;
  const xTrain = x.data.find((a) => a.name === 'x_train');
  if (!xTrain) throw new Error('pytorchScript: the data has no x_train');
  const sample = xTrain.shape.slice(1);
  const source = pyText(x.source);
  const model = modelSection(spec, sample, source, name);
  const file = pyText(name);
  const header = `#!/usr/bin/env python3
"""${source}, exported from TrainLens to PyTorch.

The same network as an nn.Sequential, starting from ${originText(x.origin, t.seed)}
(${file}.weights.npz), the same training and validation rows in the same batch order (${file}.data.npz),
the same loss and regularization, optimizer and learning-rate schedule. On the CPU the losses it
prints are TrainLens's, to float32 rounding.

    python3 ${file}.py                 # step lines for the first 10 steps, then one line per epoch
    python3 ${file}.py --device cuda --save ${file}.pt
    python3 ${file}.py --init torch     # fresh weights from PyTorch's init matching the scheme (torch_init)
    python3 ${file}.py --help

Needs only PyTorch and NumPy. On a GPU, pass --device cuda. For torch.distributed, wrap the model
in DistributedDataParallel after .to(device), and give each process a DistributedSampler over the
training rows (DataLoader(train_set, batch_size=..., sampler=...)) instead of TrainLensBatches;
keep data_loss and regularization (of model.module).
"""
import argparse
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, ${pyString(`${name}.weights.npz`)})
DATA = os.path.join(HERE, ${pyString(`${name}.data.npz`)})

# The model file's training settings.
EPOCHS = ${t.epochs}
BATCH = ${t.batch === 'full' ? 'None  # batch: full, the whole training set at each step' : t.batch}
SEED = ${t.seed}
LR = ${pyNumber(spec.optimizer.lr)}
L2 = ${pyNumber(t.l2)}
L1 = ${pyNumber(t.l1)}
REGRESSION = ${spec.loss === 'mse' ? 'True  # loss: mse; y holds float targets (rows, targets), scored by R² and RMSE' : 'False  # y holds class indices, scored by accuracy'}
`;
  const data = PYTHON_DATA.replace('{DATA}', `# ${file}.data.npz holds ${pyText(describeData(spec.data, t.seed))}.`);
  const main = PYTHON_MAIN.replace('{DROPOUT_ARG}', model.hasDropout
    ? `\n    parser.add_argument("--engine-dropout", action="store_true", help="TrainLens's dropout masks (slow; to check the export), not nn.Dropout's")`
    : '').replace('{ENGINE_DROPOUT}', model.hasDropout ? 'args.engine_dropout' : 'False');
  return [
    header,
    PYTHON_RNG,
    data,
    `# ── the network ───────────────────────────────────────────────────────────────\n\n\n${model.text}`,
    `# ── loss, optimizer, schedule ─────────────────────────────────────────────────\n\n\n${lossSection(spec)}`,
    regularizationSection(t),
    optimizerSection(spec.optimizer, t.schedule),
    scheduleSection(t.schedule),
    main,
  ].join('\n\n');
}

/** The files of the export: the script, the weights and the data. */
export function pytorchExport(x: PyTorchExport): ExportFile[] {
  const xTrain = x.data.find((a) => a.name === 'x_train');
  if (!xTrain) throw new Error('pytorchExport: the data has no x_train');
  checkExportable(x.spec, xTrain.shape.slice(1), xTrain.shape[0]);
  return [
    { name: `${x.name}.py`, contents: pytorchScript(x) },
    { name: `${x.name}.weights.npz`, contents: npzBytes(x.weights) },
    { name: `${x.name}.data.npz`, contents: npzBytes(x.data) },
  ];
}
