import { divergenceMessage } from '../engine/divergence';
import { Trainer } from '../engine/trainer';
import type { Dataset } from '../engine/data/dataset';
import type { ModelSpec } from '../model/spec';
import { datasetArrays, networkArrays, setNetworkArrays } from './arrays';
import type { NamedArray } from './npy';
import { checkExportable, ExportError, exportName, pytorchExport, type ExportFile, type WeightsOrigin } from './pytorch';

export interface ModelExport {
  /** Parameters and batchnorm statistics, TrainLens layout (what --json-weights writes). */
  weights: NamedArray[];
  /** x_train, y_train, x_val, y_val as the Trainer uses them. */
  data: NamedArray[];
  origin: WeightsOrigin;
  /** The PyTorch files (pytorchExport); throws an ExportError for a model PyTorch cannot train as TrainLens does. */
  files(): ExportFile[];
}

/**
 * The export of a Trainer as it stands: its weights now (copied), its training and validation
 * rows, and its current update rule (which differs from the file's after a swap mid-run).
 * `source` is the model file's name or path (for the file names and the script's text).
 */
export function trainerExport(trainer: Trainer, source: string, origin: WeightsOrigin): ModelExport {
  const spec: ModelSpec = { ...trainer.spec, optimizer: trainer.optimizer };
  const weights = networkArrays(trainer.network, spec.layers);
  const data = datasetArrays(trainer.trainSet, trainer.validationSet);
  const base = source.split(/[\\/]/).pop() ?? source;
  return {
    weights, data, origin,
    files: () => pytorchExport({ spec, source: base, name: exportName(source), weights, data, origin }),
  };
}

export interface ModelExportOptions {
  /** 'initial' (default): the weights as initialized; 'trained': after training as the file says. */
  weights?: 'initial' | 'trained';
  /**
   * Instead: the weights of a run (networkArrays of its network, e.g. posted by the worker at its
   * end), after `steps` steps and `epochs` whole epochs.
   */
  run?: { weights: readonly NamedArray[]; steps: number; epochs: number };
  /** The model file's name or path. */
  source: string;
  /** Whether PyTorch files will be made (default true): checks first that the model can be. */
  pytorch?: boolean;
  /** The data is the export's to reorder in place (the caller lets it go): no copy is made. */
  ownData?: boolean;
}

/**
 * Builds the Trainer of a spec over its data (so weights, split and order are exactly a run's),
 * trains it to the end when asked for trained weights (or takes a run's), and collects what the
 * export writes.
 * For a PyTorch export, throws an ExportError for a model PyTorch cannot train as TrainLens does,
 * before any training.
 */
export function exportModel(spec: ModelSpec, data: Dataset, o: ModelExportOptions): ModelExport {
  const trainer = new Trainer(spec, 'float32', data, { ownData: o.ownData });
  if (o.pytorch !== false) checkExportable(spec, trainer.trainSet.shape, trainer.trainSet.n);
  if (o.run) {
    setNetworkArrays(trainer.network, spec.layers, o.run.weights);
    return trainerExport(trainer, o.source, { kind: 'trained', steps: o.run.steps, epochs: o.run.epochs });
  }
  if (o.weights !== 'trained') return trainerExport(trainer, o.source, { kind: 'initial' });
  while (!trainer.done) {
    const r = trainer.trainStep();
    // The same check and words as a run's: the step and the first layer or parameter that went non-finite.
    if (r.divergence) throw new ExportError(divergenceMessage(r.divergence, r.lr, false));
  }
  return trainerExport(trainer, o.source, { kind: 'trained', steps: trainer.step, epochs: trainer.epoch });
}
