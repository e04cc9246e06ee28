import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { RunLoop, runTraining, type LoopMessage } from '../../src/training/loop';
import type { DoneMessage } from '../../src/training/protocol';

const root = path.resolve(__dirname, '../../..');
const spec = (epochs: number) => {
  const s = parseModel(readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8')).spec!;
  return { ...s, train: { ...s.train, epochs } };
};

test('pauseEachEpoch: the run pauses after every epoch but the last, posting that epoch, and trains exactly as without the gate', () => {
  const messages: LoopMessage[] = [];
  const loop = new RunLoop(spec(4), { runId: 'g', progressIntervalMs: 1e9, post: (m) => messages.push(m), pauseEachEpoch: true });
  const pausedAt: number[] = [];
  let end: ReturnType<RunLoop['runSlice']>;
  for (let guard = 0; !(end = loop.runSlice(Infinity)) && guard < 10; guard++) {
    assert.equal(loop.paused, true);
    const last = messages.at(-1)!;
    assert.ok(last.type === 'progress' && last.paused);
    pausedAt.push(loop.trainer.epoch);
    // The epoch just ended is in the message that announced the pause.
    assert.equal(last.type === 'progress' ? last.epochs.at(-1)?.epoch : -1, loop.trainer.epoch);
    loop.resume();
  }
  assert.deepEqual(pausedAt, [1, 2, 3]);
  assert.equal(end!.type, 'done');
  const free = runTraining(spec(4), { runId: 'f', progressIntervalMs: 1e9, post: () => undefined });
  assert.deepEqual((end as DoneMessage).final.valLoss, (free as DoneMessage).final.valLoss);
  assert.deepEqual((end as DoneMessage).weights.map((w) => [...w.values]), (free as DoneMessage).weights.map((w) => [...w.values]));
});

test('without pauseEachEpoch a run never pauses on its own', () => {
  const loop = new RunLoop(spec(3), { runId: 'n', progressIntervalMs: 1e9, post: () => undefined });
  const end = loop.runSlice(Infinity);
  assert.equal(end?.type, 'done');
  assert.equal(loop.paused, false);
});
