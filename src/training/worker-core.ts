/**
 * The worker's engine side, whatever thread it runs in: trains one run (a network or a surface; or
 * gradient-checks, exports, inspects a model) and reports to the host through a WorkerPort. No
 * `node:` import of its own: the entries (worker.ts for Node) pass the port and the environment in.
 * (An export's files go back to the host, which writes them.)
 */
import * as l10n from '@vscode/l10n';
import { RunLoop, errorText, runGradcheck } from './loop';
import { loadDatasetWith } from '../data/loader';
import type { Dataset } from '../engine/data/dataset';
import { CONTROL_STEP, CONTROL_STOP, CONTROL_WORDS, type HostToWorker, type StartMessage, type WorkerToHost } from './protocol';
import { isSurfaceSpec, type SurfaceModelSpec } from '../model/spec';
import type { TrainingLoop } from './loop-types';
import { SurfaceLoop } from './surface-loop';
import { exportModel } from '../export/model-export';
import { runCheck } from './check-task';
import { runInspect } from './inspect-task';
import { runLandscape } from './landscape-task';
import { helperInit, setThreads, threadsInfo, threadsInUse, MAX_HELPERS, type HelperInit, type ThreadsInfo } from '../engine/wasm/threads';
import { smallModelThreads, worthThreads } from '../engine/wasm/parallel';
import type { WorkerEnv, WorkerPort } from '../platform/worker-types';

/** Starts answering the host's messages on `port` (one task per worker; the port closes at its end). */
export function startWorker(port: WorkerPort, env: WorkerEnv): void {
  env.lowerPriority();
  const core = new WorkerCore(port, env);
  port.onMessage((m) => core.receive(m));
}

class WorkerCore {
  private loop: TrainingLoop | undefined;
  private wake: (() => void) | undefined;
  /** The run's control words: the host's SharedArrayBuffer, or a local array its 'stop' message writes. */
  private control: Int32Array | undefined;
  private runId: string | undefined;
  private threadsRunId: string | undefined;
  /** The threads in use and asked for at the last report (-1: none yet). */
  private reported = { threads: -1, requested: -1 };
  /** The model's kernel calls are all too small to spread: the run keeps one thread whatever its share. */
  private small = false;
  private requestedThreads = 1;
  private readonly post = (msg: WorkerToHost): void => this.port.post(msg);

  constructor(private readonly port: WorkerPort, private readonly env: WorkerEnv) {}

  receive(m: HostToWorker): void {
    const port = this.port;
    const post = this.post;
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
        void this.train(m);
        break;
      case 'gradcheck':
        void loadDatasetWith(this.env.files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit })
          // The loaded set is this check's alone: split in place, not copied.
          .then((data) => post(runGradcheck(m.spec, m.runId, data, true)))
          .catch((e: unknown) => post({ type: 'error', runId: m.runId, message: l10n.t('The gradient check failed: {0}', errorText(e)) }))
          .finally(() => port.close());
        break;
      case 'export':
        void loadDatasetWith(this.env.files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit })
          .then((data) => {
            const run = m.run && { ...m.run, weights: m.run.weights.map((w) => ({ name: w.name, shape: w.shape, data: w.values })) };
            const files = exportModel(m.spec, data, { source: m.source, run: run ?? undefined, ownData: true }).files();
            post({ type: 'exported', runId: m.runId, files });
          })
          .catch((e: unknown) => post({ type: 'error', runId: m.runId, message: errorText(e) }))
          .finally(() => port.close());
        break;
      case 'sanity':
      case 'lrFind':
        void runCheck(m, post, this.env.files).finally(() => port.close());
        break;
      case 'inspect':
        void runInspect(m, post, this.env.files).finally(() => port.close());
        break;
      case 'landscape':
        void runLandscape(m, post, this.env.files).finally(() => port.close());
        break;
      case 'stop': this.stop(); break;
      case 'pause': this.loop?.pause(); break;
      case 'resume': this.loop?.resume(); break;
      case 'step': this.loop?.stepOnce(); break;
      case 'setOptimizer': this.loop?.setOptimizer(m.spec); break;
      case 'follow': this.loop?.follow(m.target); break;
      case 'setThreads': this.useThreads(m.count); break;
    }
    this.wake?.();
  }

  /**
   * The host's Stop without shared memory: the loop sees the word before its next step. Answers
   * with the steps taken so far (the worker reads messages between steps, so the count is exact).
   */
  private stop(): void {
    const control = this.control;
    if (!control || !this.runId || Atomics.load(control, 0) === CONTROL_STOP) return;
    Atomics.store(control, 0, CONTROL_STOP);
    this.post({ type: 'stopping', runId: this.runId, step: Atomics.load(control, CONTROL_STEP) });
  }

  private async train(m: StartMessage): Promise<void> {
    const shared = m.control !== null;
    const control = new Int32Array(m.control ?? new ArrayBuffer(4 * CONTROL_WORDS));
    this.control = control;
    this.runId = m.runId;
    if (isSurfaceSpec(m.spec)) return this.trainSurface(m, m.spec, control, shared);
    const post = this.post;
    let data: Dataset | undefined;
    try {
      // The data is read here, in the worker: the extension host never holds a data set.
      data = await loadDatasetWith(this.env.files, m.spec, m.baseDir, { memoryLimit: m.memoryLimit });
    } catch (e) {
      post({ type: 'error', runId: m.runId, message: errorText(e) });
      this.port.close();
      return;
    }
    try {
      this.threadsRunId = m.runId;
      const run = new RunLoop(m.spec, {
        runId: m.runId, control, post,
        progressIntervalMs: m.progressIntervalMs, statsEvery: m.statsEvery, statsMinMs: m.statsMinMs, boundaryMs: 250, filtersMs: 1000,
        pauseEachEpoch: m.pauseEachEpoch,
        // The loaded set is the run's: split in place, not copied (one copy of the data, not two).
        ownData: true,
      }, m.paused ?? false, data);
      this.loop = run;
      // The trainer holds the rows it needs (views of the set, or its own copies): let it go here.
      data = undefined;
      const { network, batchSize } = run.trainer;
      if (!worthThreads(network.layers, batchSize)) {
        this.small = true; // helpers would only wait: one thread, and the header says why
      } else if (m.maxThreads !== undefined && m.maxThreads > 1) {
        this.offerHelpers(m.runId, m.maxThreads);
      }
      this.useThreads(m.threads ?? 1);
      await this.drive(run, control, shared);
    } catch (e) {
      post({ type: 'error', runId: m.runId, message: l10n.t('Training failed: {0}', errorText(e)) });
    }
    this.port.close();
  }

  /** A surface run: nothing to load; paced so that the path can be watched. */
  private async trainSurface(m: StartMessage, spec: SurfaceModelSpec, control: Int32Array, shared: boolean): Promise<void> {
    try {
      this.loop = new SurfaceLoop(spec, { runId: m.runId, control, post: this.post, progressIntervalMs: m.progressIntervalMs, paced: true }, m.paused ?? false);
      await this.drive(this.loop, control, shared);
    } catch (e) {
      this.post({ type: 'error', runId: m.runId, message: l10n.t('Training failed: {0}', errorText(e)) });
    }
    this.port.close();
  }

  /**
   * Sends the host what the helper threads this run may get need (the host starts and watches them),
   * and says from then on how many threads the kernels use.
   */
  private offerHelpers(runId: string, maxThreads: number): void {
    const helpers: HelperInit[] = [];
    for (let i = 1; i < Math.min(maxThreads, 1 + MAX_HELPERS); i++) {
      const init = helperInit(i);
      if (!init) break;
      helpers.push(init);
    }
    if (helpers.length) this.post({ type: 'helpers', runId, helpers });
  }

  /** Uses up to `count` threads from now on (as many as have helpers ready), and says so. */
  private useThreads(count: number): void {
    this.requestedThreads = count;
    setThreads(this.small ? 1 : count);
    this.reportThreads();
  }

  /** Tells the host when the threads in use change (a helper became ready, a new share). */
  private reportThreads(): void {
    // Called after every slice (every step without a shared Stop flag): compare two numbers, build the report only when they change.
    const threads = this.small ? 1 : threadsInUse();
    if (this.reported.threads === threads && this.reported.requested === this.requestedThreads) return;
    this.reported = { threads, requested: this.requestedThreads };
    const info: ThreadsInfo = this.small ? smallModelThreads(this.requestedThreads) : threadsInfo(this.requestedThreads);
    if (this.threadsRunId) this.post({ type: 'threads', runId: this.threadsRunId, info });
  }

  /**
   * Runs a loop in slices to its end, letting pause, step and swap messages in between. Without a
   * shared control the slices are the environment's unshared length (0: one step), so a Stop
   * message too lands within one step.
   */
  private async drive(run: TrainingLoop, control: Int32Array, shared: boolean): Promise<void> {
    const sliceMs = this.env.sliceMs(shared);
    for (;;) {
      if (run.runnable || Atomics.load(control, 0) !== 0) {
        if (run.runSlice(sliceMs)) return;
        this.reportThreads();
        // Let pause, step, swap (and, unshared, stop) messages in between slices.
        await this.env.yieldNow();
      } else {
        // Paused, or a paced run's next step not yet due: sleep until a message arrives, the step is
        // due, or now and then, to check the stop flag.
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, Math.min(100, run.idleMs ?? 100));
        });
        this.wake = undefined;
      }
    }
  }
}
