// Where shared memory is unavailable (TRAINLENS_SHARED_MEMORY=0 stands in for a browser without
// cross-origin isolation), the single-threaded build runs: asking for two threads gives one, with
// the reason, and the same numbers as the shared build on two threads.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Trainer } from '../../../src/engine/trainer';
import { kernels } from '../../../src/engine/wasm/kernels';
import { threadsInfo } from '../../../src/engine/wasm/threads';
import { startKernelThreads, stopKernelThreads } from '../../../src/node/kernel-threads';
import { wideGaussianMlp } from '../fixtures';

const CHILD = process.env.TRAINLENS_FALLBACK_CHILD === '1';
after(() => stopKernelThreads());

const SPEC = wideGaussianMlp('tanh', 21);

/** Hex bits of the losses of 6 steps (exact, and JSON-safe). */
function lossBits(): string[] {
  const t = new Trainer(SPEC);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  return Array.from({ length: 6 }, () => {
    f[0] = t.trainStep().loss;
    return `${u[1].toString(16)}:${u[0].toString(16)}`;
  });
}

if (CHILD) {
  test('child: no shared memory, one thread, and the losses', () => {
    const info = startKernelThreads(2);
    process.stdout.write(`\nRESULT ${JSON.stringify({ info, shared: kernels()?.shared, losses: lossBits() })}\n`);
  });
} else {
  test('without shared memory two threads are asked for, one runs with the reason, and the losses are the shared build\'s on two threads', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TRAINLENS_SHARED_MEMORY: '0', TRAINLENS_FALLBACK_CHILD: '1' };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--test', __filename], { env, encoding: 'utf8', timeout: 120_000 });
    const line = /^(?:# )?RESULT (.*)$/m.exec(r.stdout)?.[1];
    assert.ok(line, `the child reported: ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`);
    const child = JSON.parse(line) as { info: ReturnType<typeof threadsInfo>; shared: boolean; losses: string[] };
    assert.equal(child.shared, false, 'an ordinary memory');
    assert.equal(child.info.threads, 1);
    assert.equal(child.info.requested, 2);
    assert.equal(child.info.shared, false);
    assert.equal(child.info.reason, 'single-threaded build: TRAINLENS_SHARED_MEMORY=0');
    assert.equal(r.status, 0, r.stdout.slice(-2000));

    assert.equal(startKernelThreads(2).threads, 2, 'here: shared memory, two threads');
    assert.equal(threadsInfo().variant, child.info.variant, 'the same build, shared or not');
    assert.deepEqual(lossBits(), child.losses);
  });
}
