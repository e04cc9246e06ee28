/** The sanity checks and the learning-rate range test as the worker runs them: load the data, run, report. */
import * as l10n from '@vscode/l10n';
import { loadDatasetWith } from '../data/loader';
import type { DataFiles } from '../data/data-files';
import { runSanity } from '../engine/sanity';
import { LR_FIND_DEFAULTS, lrFind, type LrPoint } from './lr-find';
import { errorText } from './loop';
import type { HostToWorker, WorkerToHost } from './protocol';

type CheckRequest = Extract<HostToWorker, { type: 'sanity' | 'lrFind' }>;

/** Runs one request and posts its result (or an error naming what failed); never throws. */
export async function runCheck(m: CheckRequest, post: (msg: WorkerToHost) => void, files: DataFiles): Promise<void> {
  const t0 = performance.now();
  try {
    const data = await loadDatasetWith(files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit });
    if (m.type === 'sanity') {
      const report = runSanity(m.spec, data);
      post({ type: 'sanity', runId: m.runId, report, ms: performance.now() - t0 });
    } else {
      // The loaded set is this test's alone: reordered in place, not copied.
      const steps = LR_FIND_DEFAULTS.steps;
      const onPoint = (point: LrPoint): void => post({ type: 'lrPoint', runId: m.runId, point, steps });
      const result = lrFind(m.spec, { data, ownData: true, steps, onPoint });
      post({ type: 'lrFind', runId: m.runId, result, ms: performance.now() - t0 });
    }
  } catch (e) {
    const message = m.type === 'sanity'
      ? l10n.t('The sanity checks failed: {0}', errorText(e))
      : l10n.t('The learning-rate range test failed: {0}', errorText(e));
    post({ type: 'error', runId: m.runId, message });
  }
}
