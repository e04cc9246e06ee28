/** Worker-thread entry: trains one run (a network or a surface; or gradient-checks a model) and reports to the host. */
import * as l10n from '@vscode/l10n';
import { parentPort } from 'node:worker_threads';
import { RunLoop, errorText, runGradcheck } from './loop';
import { loadDataset } from '../data/load';
import type { Dataset } from '../engine/data/dataset';
import type { HostToWorker, WorkerToHost } from './protocol';
import { isSurfaceSpec, type SurfaceModelSpec } from '../model/spec';
import type { TrainingLoop } from './loop-types';
import { SurfaceLoop } from './surface-loop';
import { exportModel } from '../export/model-export';
import { writeExportFiles } from '../export/write';
import { lowerThreadPriority } from './priority';
import { runCheck } from './check-task';
import { runInspect } from './inspect-task';
import { runLandscape } from './landscape-task';
import { helperInit, setThreads, threadsInfo, MAX_HELPERS, type HelperInit, type ThreadsInfo } from '../engine/wasm/threads';
import { smallModelThreads, worthThreads } from '../engine/wasm/parallel';

if (!parentPort) throw new Error('worker.js must run in a worker thread');
const port = parentPort;
lowerThreadPriority();

/** Milliseconds of training between looks at the message queue (pause, step, swaps). */
const SLICE_MS = 15;

let loop: TrainingLoop | undefined;
let wake: (() => void) | undefined;
const post = (msg: WorkerToHost): void => port.postMessage(msg);

port.on('message', (m: HostToWorker) => {
  // What the worker says (data errors, failures) in the display language the host sends.
  if ((m.type === 'start' || m.type === 'gradcheck' || m.type === 'export' || m.type === 'sanity' || m.type === 'lrFind' || m.type === 'inspect' || m.type === 'landscape') && m.l10n) {
    l10n.config({ contents: m.l10n });
  }
  // Only a run trains a surface: the other tasks need a network (the host does not send them one; say so if it does).
  if ((m.type === 'gradcheck' || m.type === 'export' || m.type === 'sanity' || m.type === 'lrFind' || m.type === 'inspect' || m.type === 'landscape') && isSurfaceSpec(m.spec)) {
    post({ type: 'error', runId: m.runId, message: l10n.t('This is a surface file (f(x, y), not a network): it has no network to check, export, inspect or map the loss of. Train it to race its optimizer on the surface.') });
    port.close();
    return;
  }
  switch (m.type) {
    case 'start':
      void train(m);
      break;
    case 'gradcheck':
      void loadDataset(m.spec, m.baseDir, { memoryLimit: m.memoryLimit })
        // The loaded set is this check's alone: split in place, not copied.
        .then((data) => post(runGradcheck(m.spec, m.runId, data, true)))
        .catch((e: unknown) => post({ type: 'error', runId: m.runId, message: l10n.t('The gradient check failed: {0}', errorText(e)) }))
        .finally(() => port.close());
      break;
    case 'export':
      void loadDataset(m.spec, m.baseDir, { memoryLimit: m.memoryLimit })
        .then((data) => {
          const run = m.run && { ...m.run, weights: m.run.weights.map((w) => ({ name: w.name, shape: w.shape, data: w.values })) };
          const files = exportModel(m.spec, data, { source: m.source, run: run ?? undefined, ownData: true }).files();
          post({ type: 'exported', runId: m.runId, paths: writeExportFiles(m.dir, files) });
        })
        .catch((e: unknown) => post({ type: 'error', runId: m.runId, message: errorText(e) }))
        .finally(() => port.close());
      break;
    case 'sanity':
    case 'lrFind':
      void runCheck(m, post).finally(() => port.close());
      break;
    case 'inspect':
      void runInspect(m, post).finally(() => port.close());
      break;
    case 'landscape':
      void runLandscape(m, post).finally(() => port.close());
      break;
    case 'pause': loop?.pause(); break;
    case 'resume': loop?.resume(); break;
    case 'step': loop?.stepOnce(); break;
    case 'setOptimizer': loop?.setOptimizer(m.spec); break;
    case 'follow': loop?.follow(m.target); break;
    case 'setThreads': useThreads(m.count); break;
  }
  wake?.();
});

type Start = Extract<HostToWorker, { type: 'start' }>;

async function train(m: Start): Promise<void> {
  if (isSurfaceSpec(m.spec)) return trainSurface(m, m.spec);
  const control = new Int32Array(m.control);
  let data: Dataset | undefined;
  try {
    // The data is read here, in the worker: the extension host never holds a data set.
    data = await loadDataset(m.spec, m.baseDir, { memoryLimit: m.memoryLimit });
  } catch (e) {
    post({ type: 'error', runId: m.runId, message: errorText(e) });
    port.close();
    return;
  }
  try {
    threadsRunId = m.runId;
    const run = new RunLoop(m.spec, {
      runId: m.runId, control, post,
      progressIntervalMs: m.progressIntervalMs, statsEvery: m.statsEvery, statsMinMs: m.statsMinMs, boundaryMs: 250, filtersMs: 1000,
      pauseEachEpoch: m.pauseEachEpoch,
      // The loaded set is the run's: split in place, not copied (one copy of the data, not two).
      ownData: true,
    }, m.paused ?? false, data);
    loop = run;
    // The trainer holds the rows it needs (views of the set, or its own copies): let it go here.
    data = undefined;
    const { network, batchSize } = run.trainer;
    if (!worthThreads(network.layers, batchSize)) {
      small = true; // helpers would only wait: one thread, and the header says why
    } else if (m.maxThreads !== undefined && m.maxThreads > 1) {
      offerHelpers(m.runId, m.maxThreads);
    }
    useThreads(m.threads ?? 1);
    await drive(loop, control);
  } catch (e) {
    post({ type: 'error', runId: m.runId, message: l10n.t('Training failed: {0}', errorText(e)) });
  }
  port.close();
}

/** A surface run: nothing to load; paced so that the path can be watched. */
async function trainSurface(m: Start, spec: SurfaceModelSpec): Promise<void> {
  const control = new Int32Array(m.control);
  try {
    loop = new SurfaceLoop(spec, { runId: m.runId, control, post, progressIntervalMs: m.progressIntervalMs, paced: true }, m.paused ?? false);
    await drive(loop, control);
  } catch (e) {
    post({ type: 'error', runId: m.runId, message: l10n.t('Training failed: {0}', errorText(e)) });
  }
  port.close();
}

let threadsRunId: string | undefined;
let reported: ThreadsInfo | undefined;
/** The model's kernel calls are all too small to spread: the run keeps one thread whatever its share. */
let small = false;

/**
 * Sends the host what the helper threads this run may get need (the host starts and watches them),
 * and says from then on how many threads the kernels use.
 */
function offerHelpers(runId: string, maxThreads: number): void {
  const helpers: HelperInit[] = [];
  for (let i = 1; i < Math.min(maxThreads, 1 + MAX_HELPERS); i++) {
    const init = helperInit(i);
    if (!init) break;
    helpers.push(init);
  }
  if (helpers.length) post({ type: 'helpers', runId, helpers });
}

/** Uses up to `count` threads from now on (as many as have helpers ready), and says so. */
function useThreads(count: number): void {
  requestedThreads = count;
  setThreads(small ? 1 : count);
  reportThreads();
}
let requestedThreads = 1;

/** Tells the host when the threads in use change (a helper became ready, a new share). */
function reportThreads(): void {
  const info: ThreadsInfo = small ? smallModelThreads(requestedThreads) : threadsInfo();
  if (reported && reported.threads === info.threads && reported.requested === info.requested) return;
  reported = info;
  if (threadsRunId) post({ type: 'threads', runId: threadsRunId, info });
}

/** Runs a loop in slices to its end, letting pause, step and swap messages in between. */
async function drive(run: TrainingLoop, control: Int32Array): Promise<void> {
  for (;;) {
    if (run.runnable || Atomics.load(control, 0) !== 0) {
      if (run.runSlice(SLICE_MS)) return;
      reportThreads();
      // Let pause, step and swap messages in between slices.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else {
      // Paused, or a paced run's next step not yet due: sleep until a message arrives, the step is
      // due, or now and then, to check the stop flag.
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(100, run.idleMs ?? 100));
      });
      wake = undefined;
    }
  }
}
