/**
 * The control cases a run must pass whether its Stop goes through shared memory or through a
 * message (the web's path): session.test.ts's and message-control.test.ts's runs share them.
 */
import assert from 'node:assert/strict';
import type { RunManager } from '../../../src/training/runs';
import type { TrainingSession } from '../../../src/training/session';
import { SPIRAL } from '../fixtures';

export async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The spiral, training "forever". */
export const LONG_SPIRAL = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } };

/**
 * The manager must give workers a long stop grace (stopGraceMs): on a loaded machine a slow step
 * plus the answer can take longer than the default 2 s, and a terminated worker reports no steps.
 * Stops fast and slow runs at arbitrary moments and checks that each took at most the step it was
 * in after the request (stepAtStop, the worker's own count). Returns those step counts.
 */
export async function stopWithinOneStep(runs: RunManager): Promise<number[]> {
  // ~100× slower per step: a wide tanh stack on a big batch.
  const slow = {
    ...LONG_SPIRAL,
    layers: [...Array.from({ length: 4 }, () => ({ kind: 'dense' as const, units: 500, activation: { type: 'tanh' as const } })), SPIRAL.layers[1]],
    train: { ...LONG_SPIRAL.train, batch: 240 },
  };
  const latencies: number[] = [];
  for (const [name, spec] of [['fast', LONG_SPIRAL], ['slow', slow]] as const) {
    for (let k = 0; k < 4; k++) {
      const s = runs.start(`${name}${k}`, name, spec);
      await until(() => s.step > 3 + k * 7);
      await new Promise((r) => setTimeout(r, 13 * k)); // a stop at an arbitrary moment within a step
      const reported = s.step;
      s.stop();
      await s.finished;
      assert.equal(s.status, 'stopped');
      assert.ok(s.final, `${name}: the worker answered the stop (it was not terminated by the grace timer)`);
      // The worker's count, not the host's last progress: at least what progress had said.
      assert.ok(s.stepAtStop !== null && s.stepAtStop >= reported && s.stepAtStop > 0, `${name}: the worker's count at the stop (${s.stepAtStop}, progress said ${reported})`);
      const after = s.final!.steps - s.stepAtStop!;
      latencies.push(after);
      assert.ok(after === 0 || after === 1, `${name}: ${after} steps after the stop request`);
      assert.equal(s.loss.steps, s.final!.steps, 'every step taken was reported');
    }
  }
  return latencies;
}

/** Pauses a running run, steps it twice (exactly two steps), and resumes it until it has trained on. */
export async function pauseStepResume(s: TrainingSession): Promise<void> {
  await until(() => s.step > 0);
  s.pause();
  await until(() => s.paused);
  const at = s.step;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(s.step, at, 'no steps while paused');
  s.stepOnce();
  s.stepOnce();
  await until(() => s.step === at + 2);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.step, at + 2, 'exactly two steps');
  assert.equal(s.loss.steps, at + 2);
  s.resume();
  await until(() => s.step > at + 20 && !s.paused);
}
