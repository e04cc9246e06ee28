import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PauseState } from '../../../src/training/loop-control';

test('PauseState: running lets every update through; paused, one per Step; resuming forgets Steps not taken', () => {
  const p = new PauseState();
  assert.equal(p.paused, false);
  p.stepOnce(); // no effect while running
  assert.ok(p.canStep && p.take() && p.take());
  p.pause();
  assert.equal(p.canStep, false);
  assert.equal(p.take(), false);
  p.stepOnce();
  p.stepOnce();
  assert.equal(p.canStep, true);
  assert.deepEqual([p.take(), p.take(), p.take()], [true, true, false]);
  p.stepOnce();
  p.resume();
  p.pause();
  assert.equal(p.take(), false, 'a Step pending at resume is not kept for the next pause');
  assert.equal(new PauseState(true).take(), false, 'started paused');
});
