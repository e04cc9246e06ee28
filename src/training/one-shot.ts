import type { HostToWorker, WorkerToHost } from './protocol';
import type { WorkerLike } from '../platform/types';

/** A worker started for one request (a gradient check, an export, sanity checks, a range test). */
export interface OneShot {
  /** The worker's answer: the first message `accept` takes. */
  readonly answer: Promise<WorkerToHost>;
  readonly worker: WorkerLike;
  /** Ends it now: the worker is terminated and `answer` rejects with `reason`. */
  cancel(reason: Error): void;
}

export interface OneShotOptions {
  /** Whether a message is the answer. */
  accept: (m: WorkerToHost) => boolean;
  /** Every other message before the answer (progress); an `error` message rejects instead. */
  onMessage?: (m: WorkerToHost) => void;
  /** The rejection when the worker crashes, or exits before answering. */
  crashed: (e: Error) => Error;
  exited: (code: number) => Error;
  /** After it settled, whichever way, before `answer` settles. */
  onSettled?: () => void;
}

/**
 * Starts a worker on one request: `answer` resolves with the answer, or rejects with the worker's
 * `error` message, its crash, an exit before answering, or cancel(); the worker is terminated
 * once, whichever comes first.
 */
export function oneShotWorker(start: () => WorkerLike, request: HostToWorker, o: OneShotOptions): OneShot {
  const worker = start();
  let settled = false;
  let cancel: (reason: Error) => void = () => undefined;
  const answer = new Promise<WorkerToHost>((resolve, reject) => {
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      worker.terminate();
      o.onSettled?.();
      f();
    };
    cancel = (reason) => settle(() => reject(reason));
    worker.onMessage((m) => {
      if (o.accept(m)) settle(() => resolve(m));
      else if (m.type === 'error') settle(() => reject(new Error(m.message)));
      else if (!settled) o.onMessage?.(m);
    });
    worker.onError((message) => settle(() => reject(o.crashed(new Error(message)))));
    worker.onExit((code) => settle(() => reject(o.exited(code))));
    worker.post(request);
  });
  return { answer, worker, cancel: (reason) => cancel(reason) };
}
