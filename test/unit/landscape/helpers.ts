import { RunLoop, type LoopMessage } from '../../../src/training/loop';
import type { ModelSpec } from '../../../src/model/spec';
import type { DoneMessage } from '../../../src/training/protocol';
import { SPIRAL } from '../fixtures';

/** Spiral with batchnorm and dropout between its dense layers (eval mode matters for both). */
export const SPIRAL_BN: ModelSpec = {
  ...SPIRAL,
  layers: [
    { kind: 'dense', units: 16, activation: { type: 'linear' } },
    { kind: 'batchnorm', momentum: 0.9, eps: 1e-5 },
    { kind: 'activation', activation: { type: 'relu' } },
    { kind: 'dropout', p: 0.3 },
    { kind: 'dense', units: 3, activation: { type: 'linear' } },
  ],
  train: { ...SPIRAL.train, epochs: 5, l2: 0.01 },
};

/** Trains a spec to the end with a RunLoop; the loop (its trainer holds the final weights) and its done message. */
export function trainToEnd(spec: ModelSpec): { loop: RunLoop; done: DoneMessage } {
  const messages: LoopMessage[] = [];
  const loop = new RunLoop(spec, { runId: 't', progressIntervalMs: Infinity, post: (m) => messages.push(m) });
  let end;
  while (!end) end = loop.runSlice(Infinity);
  if (end.type !== 'done') throw new Error(`training failed: ${end.message}`);
  return { loop, done: end };
}
