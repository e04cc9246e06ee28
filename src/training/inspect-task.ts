/**
 * The worker's one-shot inspect: one sample forward and backward with given weights (a finished or
 * kept run's) or as initialized from the seed. The data is read and split by a Trainer, so the
 * sample indices, the split and the normalization are the ones training uses.
 */
import * as l10n from '@vscode/l10n';
import { loadDatasetWith } from '../data/loader';
import type { DataFiles } from '../data/data-files';
import { Trainer } from '../engine/trainer';
import { inspectSample, sampleRangeMessage } from '../engine/inspect';
import { setNetworkArrays } from '../export/arrays';
import type { Dataset } from '../engine/data/dataset';
import { errorText } from './loop';
import type { HostToWorker, InspectMessage, WorkerToHost } from './protocol';

export type InspectRequest = Extract<HostToWorker, { type: 'inspect' }>;

/** A sample outside its split, or weights that do not fit: the message says it all. */
class InspectError extends Error {}

/**
 * The answer to a request on data already loaded (the data becomes the task's: split in place).
 * Throws with a message for the user: the sample out of range (naming the split and its size),
 * weights that do not fit the model, or whatever building the model met.
 */
export function inspectOnce(m: InspectRequest, data: Dataset): InspectMessage {
  const t = new Trainer(m.spec, 'float32', data, { ownData: true });
  const set = m.target.split === 'train' ? t.trainSet : t.validationSet;
  const k = m.target.sample;
  if (!Number.isInteger(k) || k < 0 || k >= set.n) throw new InspectError(sampleRangeMessage(m.target, set.n));
  if (m.weights) {
    try {
      setNetworkArrays(t.network, m.spec.layers, m.weights.map((w) => ({ name: w.name, shape: w.shape, data: w.values })));
    } catch (e) {
      throw new InspectError(l10n.t('The weights do not fit the model: {0}', errorText(e)));
    }
  }
  return { type: 'inspect', runId: m.runId, result: inspectSample(m.spec, t.network, set, m.target, { origin: m.origin, step: m.step }) };
}

/** Loads the data, inspects, and posts the InspectMessage (or an error naming what failed); never throws. */
export async function runInspect(m: InspectRequest, post: (msg: WorkerToHost) => void, files: DataFiles): Promise<void> {
  try {
    const data = await loadDatasetWith(files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit });
    post(inspectOnce(m, data));
  } catch (e) {
    const message = e instanceof InspectError ? e.message : l10n.t('Could not inspect the sample: {0}', errorText(e));
    post({ type: 'error', runId: m.runId, message });
  }
}
