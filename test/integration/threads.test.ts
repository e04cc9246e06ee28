import * as assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import type { ThreadsInfo } from '../../src/engine/wasm/threads';
import { until, useExtension, writeModel } from './util';

// The trainlens.threads setting in a real extension host: a run's kernels take their share of the
// cores (RunInfo.threads, reported by the worker as its helper threads become ready), a change of the
// setting reaches runs already training, and runs training at once divide the threads.

/** An MLP whose products (64×512×512 multiply-adds) are large enough to be spread over threads; trains until stopped. */
const MODEL = `data:
  dataset: spiral
  samples: 600
  classes: 3
  validation: 0.2
layers:
  - dense: 512
    activation: relu
  - dense: 512
    activation: relu
  - dense: 3
loss: softmax
optimizer: { type: adam, lr: 0.001 }
train:
  epochs: 1000000
  batch: 64
  seed: 2
`;

const cores = Math.min(16, availableParallelism());

async function setThreads(n: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('trainlens').update('threads', n, vscode.ConfigurationTarget.Global);
}

async function train(name: string): Promise<TrainingSession> {
  const doc = await writeModel(name, MODEL);
  const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
  assert.ok(session, 'Train returned the run');
  return session;
}

/** Waits until the run reports `threads` threads in use out of `requested`; its ThreadsInfo. */
function threadsOf(session: TrainingSession, threads: number, requested = threads): Promise<ThreadsInfo> {
  return until(`${session.info.title} on ${threads} of ${requested} threads (now ${JSON.stringify(session.info.threads)})`, () => {
    assert.equal(session.status, 'running', session.error ?? '');
    const t = session.info.threads;
    return t && t.threads === threads && t.requested === requested ? t : undefined;
  }, 60_000);
}

describe('Threads', () => {
  const api = useExtension();

  afterEach(async () => {
    await setThreads(undefined);
  });

  it('by default a run uses one thread per core; its status events carry the threads', async () => {
    assert.equal(vscode.workspace.getConfiguration('trainlens').get('threads'), 0, 'the default is 0: one per core');
    const session = await train('threads-default.nn.yaml');
    let statusWithThreads = 0;
    const sub = api().runs.onEvent((e) => {
      if (e.type === 'status' && e.session === session && e.session.info.threads) statusWithThreads++;
    });
    try {
      const t = await threadsOf(session, cores);
      assert.equal(t.shared, true, t.reason ?? 'shared memory in the extension host');
      assert.equal(t.reason, undefined);
      assert.ok(t.variant === 'simd' || t.variant === 'relaxed', String(t.variant));
      assert.ok(statusWithThreads > 0, 'a status event announced the threads');
      const steps = session.step;
      await until('training to go on with helpers attached', () => session.step > steps + 10);
    } finally {
      sub.dispose();
    }
    api().runs.stopAll();
    await session.finished;
    assert.equal(session.status, 'stopped', session.error ?? '');
  });

  it('trainlens.threads = 1 keeps a run on one thread; a change reaches a run while it trains', async () => {
    await setThreads(1);
    const one = await train('threads-one.nn.yaml');
    const t = await threadsOf(one, 1);
    assert.equal(t.shared, true);
    api().runs.stopAll();
    await one.finished;

    // Set to 2 (any machine): the run may be given 2 threads, whatever the cores.
    await setThreads(2);
    const run = await train('threads-live.nn.yaml');
    await threadsOf(run, 2);
    // A change of the setting reaches the run while it trains: down to 1, then back up.
    await setThreads(1);
    await threadsOf(run, 1);
    await setThreads(2);
    await threadsOf(run, 2);
    api().runs.stopAll();
    await run.finished;
    assert.equal(run.status, 'stopped', run.error ?? '');
  });

  it('two runs training at once divide the threads, and the one left takes them all back', async () => {
    await setThreads(2);
    const a = await train('threads-a.nn.yaml');
    await threadsOf(a, 2);
    const b = await train('threads-b.nn.yaml');
    // ThreadBudget: 2 threads for 2 runs, one each.
    await threadsOf(b, 1);
    await threadsOf(a, 1);
    assert.ok(api().runs.stop(b.info.source), 'the second run stops');
    await b.finished;
    await threadsOf(a, 2);
    api().runs.stopAll();
    await a.finished;
    assert.equal(a.status, 'stopped', a.error ?? '');
  });
});
