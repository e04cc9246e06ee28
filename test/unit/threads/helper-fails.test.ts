// In-process helpers (src/node/kernel-threads.ts, as the CLI and the bench use them): a helper
// whose part of a job throws makes the engine throw on thread 0, naming the helper and the job,
// rather than hang or return half a result. The part is made to throw through parallel.ts's own
// gemm: an output matrix that ends at the end of the kernels' memory, so that its left half (part
// 0, thread 0's) fits and its right half (part 1, taken by the helper) runs past the end and traps.
// The same trap shows whether helpers started anew after stopKernelThreads take part in the first
// job (the message names the helper) or leave it all to thread 0 (the trap is thread 0's own).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocFloat32, addr, kernels } from '../../../src/engine/wasm/kernels';
import { gemm, GEMM_MACS_PER_PART } from '../../../src/engine/wasm/parallel';
import { threadsInfo } from '../../../src/engine/wasm/threads';
import { startKernelThreads, stopKernelThreads } from '../../../src/node/kernel-threads';
import { Trainer } from '../../../src/engine/trainer';
import { SPIRAL } from '../fixtures';

after(() => stopKernelThreads());

/** A GEMM whose output's right half (part 1) lies past the end of the memory: its part traps. */
function trappingGemm(): () => void {
  const k = kernels()!;
  const a = allocFloat32(M * K).fill(0.5);
  const b = allocFloat32(K * N).fill(0.25);
  // Row M − 1, column N/2 − 1 (the last element of part 0) is the memory's last float.
  const c = k.buffer.byteLength - 4 * ((M - 1) * N + N / 2);
  return () => gemm(k.exports, M, N, K, addr(a), K, 1, addr(b), N, 1, c, 0);
}

// N ≥ M: the product is split by columns (parallel.ts), part 0 the left half.
const M = 64;
const N = 64;
// Long sums make thread 0's half slow (~50 ms on a free core): the helper, woken at once, takes the
// other half even when the machine is busy (a woken thread may wait milliseconds for a core; with
// ~1 ms halves, thread 0 took both halves in a CI run with another test file beside it).
const K = 1 << 18;

test('a helper whose part traps makes the engine throw, naming the helper and the job; its error does not escape; new helpers then work', async (t) => {
  const k = kernels();
  assert.ok(k?.shared, 'shared-memory kernels');
  assert.ok(M * N * K >= 2 * GEMM_MACS_PER_PART, 'worth two parts');
  const end = k.buffer.byteLength;
  const job = trappingGemm();
  const errors: string[] = [];
  let helperFailed = false;
  for (let attempt = 0; attempt < 5 && !helperFailed; attempt++) {
    assert.equal(startKernelThreads(2).threads, 2, 'a helper is ready');
    try {
      job();
      assert.fail('the gemm returned although part of its output lies past the memory');
    } catch (err) {
      const message = (err as Error).message;
      errors.push(message);
      helperFailed = /^kernel helper thread 1 failed its part of a gemm job/.test(message);
      // Otherwise thread 0 took the part itself (the helper was late) and trapped: also a throw.
      if (!helperFailed) assert.ok(err instanceof WebAssembly.RuntimeError, message);
    }
    stopKernelThreads();
  }
  t.diagnostic(`${errors.length} attempt(s): ${errors.join(' | ')}`);
  assert.ok(helperFailed, `the helper took the bad part in one of 5 attempts: ${errors.join(' | ')}`);
  // Part 0 was computed in full: its last element is K · 0.5 · 0.25.
  assert.equal(new Float32Array(k.buffer, end - 4, 1)[0], K * 0.125);
  assert.equal(threadsInfo().threads, 1, 'the failed helper left');
  // The dead helper's events reach this thread now: its error must not arrive as an uncaught
  // exception (node:test fails the test on one), which would end the CLI after the engine has
  // already thrown the failure.
  await new Promise((r) => setTimeout(r, 500));

  // A fresh helper: training on two threads gives what one thread gives.
  // (240 × 512 × 512 multiply-adds between the hidden layers: spread over both threads.)
  const wide = { kind: 'dense' as const, units: 512, activation: { type: 'relu' as const } };
  const spec = { ...SPIRAL, layers: [wide, wide, SPIRAL.layers[1]], train: { ...SPIRAL.train, batch: 'full' as const } };
  const losses = (threads: number): number[] => {
    assert.equal(startKernelThreads(threads).threads, threads);
    const trainer = new Trainer(spec);
    return Array.from({ length: 5 }, () => trainer.trainStep().loss);
  };
  assert.deepEqual(losses(2), losses(1));
});

test('helpers started after stopKernelThreads take part in the very first job', async (t) => {
  // With the helper asleep and thread 0 busy ~1 ms on part 0, part 1 is the helper's: the trap then
  // names it. A helper that missed the job leaves part 1 to thread 0, which traps itself.
  const job = trappingGemm();
  // A valid job first (the pool's generation moves on), as a CLI run's training does before its stop.
  assert.equal(startKernelThreads(2).threads, 2);
  const k = kernels()!;
  const a = allocFloat32(64 * 4096).fill(1);
  const out = allocFloat32(64 * 64);
  gemm(k.exports, 64, 64, 4096, addr(a), 4096, 1, addr(a), 1, 4096, addr(out), 0);
  assert.equal(out[0], 4096);
  const seen: string[] = [];
  for (let trial = 0; trial < 3; trial++) {
    stopKernelThreads();
    assert.equal(startKernelThreads(2).threads, 2);
    await new Promise((r) => setTimeout(r, 30)); // the helper is asleep in Atomics.wait
    assert.throws(job, (err: Error) => {
      seen.push(err.message);
      return true;
    });
  }
  stopKernelThreads();
  await new Promise((r) => setTimeout(r, 300));
  t.diagnostic(seen.join(' | '));
  assert.ok(seen.some((m) => /^kernel helper thread 1 failed its part/.test(m)),
    `the new helper took no part of the first job after a restart in 3 trials: ${seen.join(' | ')}`);
});
