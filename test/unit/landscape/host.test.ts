import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { hasLandscape, LandscapeHost, landscapeProblem, landscapeWorkers, type LandscapeJob, type LandscapeRun, type RunForLandscape, type StartLandscape } from '../../../src/panel/landscape-host';
import type { HostToWebview, LandscapeState, LandscapeTask } from '../../../src/training/protocol';
import type { LandscapeResult } from '../../../src/engine/landscape/types';
import { evaluationCount } from '../../../src/engine/landscape/compute';
import { SPIRAL } from '../fixtures';
import { trainToEnd } from './helpers';
import { nodeWorkers } from '../../../src/node/workers';

/** A worker the test answers by hand: each start is recorded with its progress callback and its promise's ends. */
interface FakeJob {
  task: LandscapeTask;
  progress: (done: number, total: number) => void;
  resolve: (r: LandscapeResult) => void;
  reject: (e: Error) => void;
  cancelled: Error | null;
}

function fakeWorkers(): { start: StartLandscape; jobs: FakeJob[] } {
  const jobs: FakeJob[] = [];
  const start: StartLandscape = (task, progress) => {
    let job!: FakeJob;
    const answer = new Promise<LandscapeResult>((resolve, reject) => {
      job = { task, progress, resolve, reject, cancelled: null };
    });
    jobs.push(job);
    const handle: LandscapeJob = {
      answer,
      cancel: (reason) => {
        job.cancelled = reason;
        job.reject(reason);
      },
    };
    return handle;
  };
  return { start, jobs };
}

function posted(): { post: (source: string, m: HostToWebview) => void; states: Array<{ source: string; state: LandscapeState; reveal: boolean }> } {
  const states: Array<{ source: string; state: LandscapeState; reveal: boolean }> = [];
  return {
    states,
    post: (source, m) => {
      assert.equal(m.type, 'landscape');
      if (m.type === 'landscape') states.push({ source, state: m.state, reveal: m.reveal });
    },
  };
}

const RUN: LandscapeRun = {
  runId: 'run-7', spec: SPIRAL, baseDir: null, weights: [],
  trajectory: { steps: [0, 10], snapshots: [new Float32Array(3), new Float32Array(3)] },
};
const OPTIONS = { resolution: 5, plane: 'random' as const, seed: 1 };

function resultOf(evaluations: number): LandscapeResult {
  return {
    line: { alphas: [-0.5, 0, 1, 1.5], losses: [2, 1.1, 0.3, 0.9] },
    surface: { plane: 'random', resolution: 2, aMin: -1, aMax: 1, bMin: -1, bMax: 1, values: [1, 2, 3, 4], levels: [1.5], path: [[0.2, 0.1], [0, 0]], pathSteps: [0, 10], explained: null },
    initialLoss: 1.1, trainedLoss: 0.3, evaluations, samples: 300, seconds: 0.5,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('host: running (revealed at once, with the work to do) → progress → done with the result', async () => {
  const { start, jobs } = fakeWorkers();
  const { post, states } = posted();
  const host = new LandscapeHost(start, post);
  const seen: Array<[number, number]> = [];
  const pending = host.compute('file:///a.nn.yaml', RUN, OPTIONS, (d, t) => seen.push([d, t]));
  assert.equal(states.length, 1);
  assert.deepEqual(
    { ...states[0].state, reveal: states[0].reveal },
    { runId: 'run-7', state: 'running', done: 0, total: evaluationCount(5), options: OPTIONS, result: null, error: null, reveal: true },
  );
  assert.equal(host.isRunning('file:///a.nn.yaml'), true);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0].task.type, 'landscape');
  assert.equal(jobs[0].task.trajectory, RUN.trajectory, 'the run\'s trajectory goes to the worker');
  assert.deepEqual(jobs[0].task.options, OPTIONS);
  jobs[0].progress(10, 36);
  assert.deepEqual(seen, [[10, 36]]);
  assert.equal(states.at(-1)!.state.done, 10);
  assert.equal(states.at(-1)!.state.total, 36);
  assert.equal(states.at(-1)!.reveal, false);
  jobs[0].resolve(resultOf(36));
  const s = await pending;
  assert.equal(s.state, 'done');
  assert.equal(s.result!.initialLoss, 1.1);
  assert.equal(s.done, 36);
  assert.deepEqual(states.at(-1)!.state, s);
  assert.equal(host.current('file:///a.nn.yaml'), s);
  host.resend('file:///a.nn.yaml');
  assert.deepEqual(states.at(-1)!, { source: 'file:///a.nn.yaml', state: s, reveal: false }, 'a reloaded panel gets the state again');
});

test('host: the worker\'s error fails the state with its reason', async () => {
  const { start, jobs } = fakeWorkers();
  const { post, states } = posted();
  const host = new LandscapeHost(start, post);
  const pending = host.compute('s', RUN, OPTIONS);
  jobs[0].reject(new Error('The weights do not fit the model: layers[0].W'));
  const s = await pending;
  assert.equal(s.state, 'failed');
  assert.equal(s.error, 'The weights do not fit the model: layers[0].W');
  assert.equal(states.at(-1)!.state.state, 'failed');
  assert.equal(host.isRunning('s'), false);
});

test('host: cancel ends the worker, the tab says so, and a late answer changes nothing', async () => {
  const { start, jobs } = fakeWorkers();
  const { post, states } = posted();
  const host = new LandscapeHost(start, post);
  const pending = host.compute('s', RUN, OPTIONS);
  jobs[0].progress(3, 36);
  assert.equal(host.cancel('s'), true);
  assert.ok(jobs[0].cancelled, 'the worker is ended');
  const s = await pending;
  assert.equal(s.state, 'failed');
  assert.match(s.error ?? '', /^Cancelled/);
  assert.equal(states.at(-1)!.state, s);
  const count = states.length;
  jobs[0].progress(4, 36);
  await tick();
  assert.equal(states.length, count, 'no progress after the cancel');
  assert.equal(host.cancel('s'), false, 'nothing to cancel any more');
  assert.equal(host.cancel('other'), false);
});

test('host: a newer request ends the older one; only the newer one\'s answer is shown', async () => {
  const { start, jobs } = fakeWorkers();
  const { post, states } = posted();
  const host = new LandscapeHost(start, post);
  const first = host.compute('s', RUN, OPTIONS);
  const second = host.compute('s', RUN, { ...OPTIONS, plane: 'pca' });
  assert.ok(jobs[0].cancelled, 'the older worker is ended');
  const old = await first;
  assert.equal(old.state, 'failed');
  jobs[1].resolve(resultOf(36));
  const s = await second;
  assert.equal(s.state, 'done');
  assert.equal(s.options.plane, 'pca');
  assert.equal(host.current('s'), s);
  assert.ok(states.every((x) => x.state.options.plane === 'pca' || x.state.state === 'running'), 'the older request posts nothing after it was replaced');
});

test('host: dispose ends what runs and posts nothing more (the panels go away too)', async () => {
  const { start, jobs } = fakeWorkers();
  const { post, states } = posted();
  const host = new LandscapeHost(start, post);
  const pending = host.compute('s', RUN, OPTIONS);
  const count = states.length;
  host.dispose();
  assert.ok(jobs[0].cancelled, 'the worker is ended');
  await pending;
  assert.equal(states.length, count);
  assert.equal(host.current('s'), undefined);
});

test('landscapeProblem: no run, a surface, a running, failed or stopped-without-weights run, a run without a trajectory; none for an ended run with one', () => {
  const ok: RunForLandscape = { spec: SPIRAL, status: 'finished', finalWeights: [], trajectory: RUN.trajectory };
  assert.match(landscapeProblem(undefined, 'a.nn.yaml') ?? '', /a\.nn\.yaml has no run yet: train the model first/);
  const surface = { ...SPIRAL, surface: { preset: 'rosenbrock', start: [0, 0] } } as unknown as RunForLandscape['spec'];
  assert.match(landscapeProblem({ ...ok, spec: surface }, 'b.nn.yaml') ?? '', /needs a network; b\.nn\.yaml is a surface/);
  assert.match(landscapeProblem({ ...ok, status: 'running' }, 'a') ?? '', /still training/);
  assert.match(landscapeProblem({ ...ok, status: 'failed' }, 'a') ?? '', /did not end/);
  assert.match(landscapeProblem({ ...ok, finalWeights: null }, 'a') ?? '', /without its final weights/);
  assert.match(landscapeProblem({ ...ok, trajectory: null }, 'a') ?? '', /kept no trajectory of weights \(it ran before TrainLens recorded them/);
  assert.match(landscapeProblem({ ...ok, trajectory: { steps: [0], snapshots: [new Float32Array(3)] } }, 'a') ?? '', /kept no trajectory/);
  assert.equal(landscapeProblem(ok, 'a'), null);
  assert.equal(landscapeProblem({ ...ok, status: 'stopped' }, 'a'), null, 'a stopped run with its weights has a landscape');
  assert.equal(hasLandscape(ok), true);
  assert.equal(hasLandscape(undefined), false);
  assert.equal(hasLandscape({ ...ok, trajectory: null }), false);
  assert.equal(hasLandscape({ ...ok, status: 'running' }), false);
});

// The real worker (compiled beside this test): its α = 0 and α = 1 are the run's own losses.
const workerPath = path.resolve(__dirname, '../../../src/training/worker.js');

test('host with the real worker: done, with the line\'s ends equal to the run\'s initial and final losses; cancel ends it', async () => {
  const spec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 3 } };
  const { done } = trainToEnd(spec);
  const run: LandscapeRun = { runId: 'r', spec, baseDir: null, weights: done.weights, trajectory: done.trajectory! };
  const progress: number[] = [];
  const host = new LandscapeHost(landscapeWorkers(nodeWorkers(workerPath)), () => undefined);
  const s = await host.compute('s', run, { resolution: 5, plane: 'random', seed: 1 }, (d) => progress.push(d));
  assert.equal(s.state, 'done', s.error ?? '');
  const r = s.result!;
  assert.equal(r.line.losses[r.line.alphas.indexOf(0)], done.final.initialLoss);
  assert.equal(r.line.losses[r.line.alphas.indexOf(1)], done.final.loss);
  assert.equal(r.surface.values.length, 25);
  assert.equal(r.evaluations, evaluationCount(5));
  assert.ok(progress.length > 0 && progress.every((d, i) => i === 0 || d >= progress[i - 1]), `progress rises: ${progress.join(',')}`);

  const big = host.compute('s', run, { resolution: 101, plane: 'random', seed: 1 });
  assert.equal(host.cancel('s'), true);
  const c = await big;
  assert.equal(c.state, 'failed');
  assert.match(c.error ?? '', /^Cancelled/);
});
