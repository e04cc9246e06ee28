/**
 * Training a network spec to the end as `trainlens train` does (a RunLoop, a progress bar on a TTY),
 * for the commands that look at the trained weights afterwards (landscape, inspect).
 */
import * as path from 'node:path';
import type { loadDataset } from '../data/load';
import { divergenceMessage } from '../engine/divergence';
import type { ModelSpec } from '../model/spec';
import { RunLoop, type LoopMessage } from '../training/loop';
import type { DoneMessage } from '../training/protocol';
import { ProgressBar } from './progress';
import { threadsForLoop } from './threads';

/**
 * Trains to the end, a progress bar on `out` when it is a TTY and `json` is off (labelled with the
 * file's name); the loop and its done message, or why it failed. Nothing is used after a divergence,
 * so the run's "weights kept" does not apply to its message. The kernels run on `o.threads` threads
 * (default: one per core; the results are the same on any number).
 */
export function trainToEnd(
  spec: ModelSpec,
  data: Awaited<ReturnType<typeof loadDataset>>,
  o: { file: string; json: boolean; threads?: number },
  out: NodeJS.WriteStream,
): { loop: RunLoop; done: DoneMessage } | string {
  const bar = !o.json && out.isTTY ? new ProgressBar(out, path.basename(o.file)) : undefined;
  let totalSteps = 0;
  const post = (m: LoopMessage): void => {
    if (m.type === 'started') totalSteps = m.totalSteps;
    if (m.type === 'progress') bar?.update(m.step, totalSteps, m.epoch, spec.train.epochs, m.losses.at(-1), m.epochs.at(-1)?.trainAcc ?? undefined, m.samplesPerSec);
  };
  const loop = new RunLoop(spec, { runId: 'cli', progressIntervalMs: bar ? 100 : Infinity, post, ownData: true }, false, data);
  threadsForLoop(loop, o.threads);
  let end;
  while (!end) end = loop.runSlice(Infinity);
  bar?.finish();
  if (end.type === 'done') return { loop, done: end };
  return end.divergence && end.lr !== undefined ? divergenceMessage(end.divergence, end.lr, false) : end.message;
}
