/** Worker-thread entry: trains one run and reports to the host through the protocol. */
import { parentPort } from 'node:worker_threads';
import { runTraining, errorText } from './loop';
import type { HostToWorker, WorkerToHost } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

port.once('message', (m: HostToWorker) => {
  const post = (msg: WorkerToHost): void => port.postMessage(msg);
  try {
    runTraining(m.spec, {
      runId: m.runId,
      control: new Int32Array(m.control),
      progressIntervalMs: m.progressIntervalMs,
      statsEvery: m.statsEvery,
      post,
    });
  } catch (e) {
    post({ type: 'error', runId: m.runId, message: `Training failed: ${errorText(e)}` });
  }
  port.close();
});
