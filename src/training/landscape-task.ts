/**
 * The worker's one-shot loss landscape: the training loss along the line from a run's initial to
 * its trained weights, and on a plane through the trained weights (src/engine/landscape). The data
 * is read and split by a Trainer, so the training set and its loss are the run's own.
 */
import * as l10n from '@vscode/l10n';
import { loadDatasetWith } from '../data/loader';
import type { DataFiles } from '../data/data-files';
import { Trainer } from '../engine/trainer';
import { networkArrays } from '../export/arrays';
import { isSurfaceSpec } from '../model/spec';
import { WeightVector } from '../engine/landscape/weights';
import { computeLandscape, type LandscapeHooks } from '../engine/landscape/compute';
import type { LandscapeResult } from '../engine/landscape/types';
import type { Dataset } from '../engine/data/dataset';
import { errorText } from './loop';
import type { LandscapeTask, WorkerToHost } from './protocol';

/** Progress messages at most this often. */
const PROGRESS_MS = 100;

/** What the user must be told as it is: a surface, weights or a trajectory that do not fit. */
export class LandscapeError extends Error {}

/**
 * The landscape of a run given its spec, data (the task's: split in place), final weights and
 * trajectory. Throws LandscapeError for a surface spec or weights/trajectory that do not fit the model.
 */
export function landscapeOnce(m: Pick<LandscapeTask, 'spec' | 'weights' | 'trajectory' | 'options'>, data: Dataset | undefined, hooks: LandscapeHooks = {}): LandscapeResult {
  if (isSurfaceSpec(m.spec)) throw new LandscapeError(l10n.t('A surface has no network weights: its loss landscape is the surface itself.'));
  return landscapeOf(new Trainer(m.spec, 'float32', data, { ownData: true }), m, hooks);
}

/** The landscape around weights of a trainer's model, evaluated on its training set (which a run with its spec trained on). */
export function landscapeOf(t: Trainer, m: Pick<LandscapeTask, 'weights' | 'trajectory' | 'options'>, hooks: LandscapeHooks = {}): LandscapeResult {
  let vector: WeightVector;
  let trained: Float32Array;
  try {
    vector = new WeightVector(t.network, networkArrays(t.network, t.spec.layers));
    trained = vector.gather(m.weights);
  } catch (e) {
    throw new LandscapeError(l10n.t('The weights do not fit the model: {0}', errorText(e)));
  }
  const tr = m.trajectory;
  if (tr.snapshots.length < 2 || tr.steps.length !== tr.snapshots.length) {
    throw new LandscapeError(l10n.t('The run took no steps: its loss landscape needs the weights of at least two steps.'));
  }
  const misfit = tr.snapshots.find((s) => s.length !== vector.length);
  if (misfit) {
    throw new LandscapeError(l10n.t('The run\'s recorded weights do not fit the model ({0} values, the model has {1}): was the file changed since the run?', misfit.length, vector.length));
  }
  return computeLandscape({ trainer: t, vector, trajectory: tr, trained, options: m.options }, hooks);
}

/** Loads the data, computes the landscape with progress, and posts it (or an error naming what failed); never throws. */
export async function runLandscape(m: LandscapeTask, post: (msg: WorkerToHost) => void, files: DataFiles): Promise<void> {
  try {
    const data = isSurfaceSpec(m.spec) ? undefined : await loadDatasetWith(files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit });
    let last = -Infinity;
    const progress = (done: number, total: number): void => {
      const now = performance.now();
      if (now - last < PROGRESS_MS && done < total) return;
      last = now;
      post({ type: 'landscapeProgress', runId: m.runId, done, total });
    };
    post({ type: 'landscape', runId: m.runId, result: landscapeOnce(m, data, { progress }) });
  } catch (e) {
    const message = e instanceof LandscapeError ? e.message : l10n.t('Could not compute the loss landscape: {0}', errorText(e));
    post({ type: 'error', runId: m.runId, message });
  }
}
