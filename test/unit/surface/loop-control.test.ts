import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PausableLoop } from '../../../src/training/loop-control';

/** A loop that counts its posts and takes updates when asked. */
class Counting extends PausableLoop {
  posts = 0;
  override flush(): void {
    this.posts++;
  }
  take(): boolean {
    return this.takeStep();
  }
  get can(): boolean {
    return this.canStep;
  }
  gate(): void {
    this.hold();
  }
}

test('PausableLoop: running lets every update through; paused, one per Step; resuming forgets Steps not taken', () => {
  const p = new Counting(false);
  assert.equal(p.paused, false);
  p.stepOnce(); // no effect while running
  assert.ok(p.can && p.take() && p.take());
  p.pause();
  assert.equal(p.posts, 1, 'pause posts what the run has');
  assert.equal(p.can, false);
  assert.equal(p.take(), false);
  p.stepOnce();
  p.stepOnce();
  assert.equal(p.can, true);
  assert.deepEqual([p.take(), p.take(), p.take()], [true, true, false]);
  p.stepOnce();
  p.resume();
  p.gate();
  assert.equal(p.paused, true);
  assert.equal(p.posts, 1, 'a gate (pauseEachEpoch) pauses without posting');
  assert.equal(p.take(), false, 'a Step pending at resume is not kept for the next pause');
  assert.equal(new Counting(true).take(), false, 'started paused');
});
