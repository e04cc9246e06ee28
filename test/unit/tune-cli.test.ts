import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { RunManager } from '../../src/training/runs';
import { Tune, type TuneEvent } from '../../src/training/tune';
import { nodeWorkers } from '../../src/node/workers';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-tune-'));

// The spiral with plain SGD: an lr range reaching 1e3 makes some trials diverge within 3 epochs.
const SPIRAL = readFileSync(path.join(root, 'examples/spiral.nn.yaml'), 'utf8').replace(/optimizer: .*\n/, 'optimizer: { type: sgd, lr: 0.1 }\n');
const TUNE = `${SPIRAL}tune:
  trials: 6
  epochs: 3
  lr: { log: [1.0e-2, 1.0e3] }
  l2: { log: [1.0e-5, 1.0] }
`;
const file = path.join(dir, 'spiral-tune.nn.yaml');
writeFileSync(file, TUNE);

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** A line of tune --json, with the fields the tests read. */
interface Line {
  type: string; index: number; round: number; params: { lr: number; l2: number }; valAcc: number; valLoss: number; valAccStd?: number;
  status: string; epochs: number; reason: string; rounds: number; seconds: number; concurrency: number;
  savings: { budgetEpochs: number; trainedEpochs: number; savedEpochs: number; savedByDivergence: number };
}
const lines = (stdout: string): Line[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);

test('tune --json: one trial line per trial in index order, then best: the highest valAcc of the done trials', () => {
  const r = run('tune', file, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const trials = out.filter((l) => l.type === 'trial');
  assert.deepEqual(trials.map((t) => t.index), [0, 1, 2, 3, 4, 5]);
  assert.equal(out.at(-1)!.type, 'best');
  for (const t of trials) {
    assert.ok(['done', 'diverged', 'stopped'].includes(t.status), t.status);
    assert.deepEqual(Object.keys(t.params).sort(), ['l2', 'lr']);
    assert.ok(t.params.lr >= 1e-2 && t.params.lr <= 1e3 && t.params.l2 >= 1e-5 && t.params.l2 <= 1);
    if (t.status === 'done') {
      assert.equal(t.epochs, 3);
      assert.ok(t.valAcc >= 0 && t.valAcc <= 1 && Number.isFinite(t.valLoss));
    } else {
      assert.ok(t.epochs < 3 && typeof t.reason === 'string');
    }
  }
  const done = trials.filter((t) => t.status === 'done');
  assert.ok(done.length > 0);
  const top = Math.max(...done.map((t) => t.valAcc as number));
  const best = out.at(-1)!;
  assert.equal(best.valAcc, top);
  assert.equal(best.index, done.find((t) => t.valAcc === top)!.index);
  assert.deepEqual(best.params, done.find((t) => t.valAcc === top)!.params);
  // A trial with an absurd lr diverges: its loss went non-finite; the savings count its unused epochs.
  const diverged = trials.filter((t) => t.status === 'diverged');
  assert.ok(diverged.length > 0, 'a trial diverged');
  for (const t of diverged) {
    assert.ok(t.params.lr > 10, `diverged at lr ${t.params.lr}`);
    assert.match(t.reason, /loss not finite at step \d+/);
  }
  const s = best.savings;
  assert.equal(s.budgetEpochs, 18);
  assert.equal(s.trainedEpochs, trials.reduce((n, t) => n + t.epochs, 0));
  assert.equal(s.savedByDivergence, diverged.reduce((n, t) => n + 3 - t.epochs, 0));
  assert.equal(s.savedEpochs, s.budgetEpochs - s.trainedEpochs);
});

test('tune is reproducible: the same command twice gives the same trials, figures and best', () => {
  const strip = (stdout: string): unknown[] => lines(stdout).map((l) => (l.type === 'best' ? { ...l, seconds: 0, concurrency: 0 } : l));
  const a = run('tune', file, '--json', '--trials', '8');
  const b = run('tune', file, '--json', '--trials', '8');
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(strip(a.stdout), strip(b.stdout));
  // --trials 8 draws the same first 6 trials as the file's 6.
  const six = lines(run('tune', file, '--json').stdout).filter((l) => l.type === 'trial');
  assert.deepEqual(lines(a.stdout).slice(0, 6).map((l) => l.params), six.map((l) => l.params));
});

test('tune --seeds 2: each trial is the mean over two seeds, with its standard deviation', () => {
  const r = run('tune', file, '--json', '--trials', '3', '--seeds', '2');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const done = out.filter((l) => l.type === 'trial' && l.status === 'done');
  assert.ok(done.length > 0);
  for (const t of done) assert.ok(typeof t.valAccStd === 'number' && t.valAccStd >= 0);
  assert.equal(out.at(-1)!.savings.budgetEpochs, 3 * 2 * 3);
});

test('tune as text: the table sorted by val accuracy, the best, and the savings', () => {
  const r = run('tune', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /6 trials × 1 seed, 3 epochs each/);
  assert.match(r.stdout, /^trial\s+status\s+epochs\s+val acc\s+val loss\s+lr\s+l2$/m);
  assert.match(r.stdout, /^best: trial \d+ · val acc \d+\.\d% · lr .* · l2 /m);
  assert.match(r.stdout, /early stopping \(median rule.*\): \d+ of 18 epochs not trained/);
  const accs = [...r.stdout.matchAll(/^\d+\s+\w+\s+\d+\s+([\d.]+)%/gm)].map((m) => Number(m[1]));
  assert.equal(accs.length, 6);
  assert.deepEqual(accs, [...accs].sort((x, y) => y - x));
});

test('tune without a tune: section says what to add; bad flags are usage errors', () => {
  const plain = path.join(dir, 'plain.nn.yaml');
  writeFileSync(plain, SPIRAL);
  const r = run('tune', plain);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no 'tune:' section.*Add one, e\.g\.\ntune:\n {2}trials: 20/s);
  assert.equal(run('tune', file, '--trials', '0').code, 2);
  assert.equal(run('tune', file, '--epochs', '3').code, 2);
  const held = path.join(dir, 'no-val.nn.yaml');
  writeFileSync(held, TUNE.replace('validation: 0.2', 'validation: 0'));
  assert.match(run('tune', held).stderr, /validation: 0/);
});

test('Tune on the run manager: started, one epoch event per epoch trained, ended; round 2 narrows and goes on numbering', async () => {
  const spec = parseModel(TUNE.replace('trials: 6', 'trials: 4')).spec!;
  const runs = new RunManager(nodeWorkers(path.join(root, 'dist/worker.js')), { statsEvery: 0 });
  const tune = new Tune(runs, { source: file, title: 'spiral-tune.nn.yaml', spec, baseDir: dir, concurrency: 2 });
  const events: TuneEvent[] = [];
  tune.onEvent((e) => events.push(e));
  await tune.start().finished;
  assert.equal(tune.state, 'finished');
  for (const t of tune.trials) {
    const mine = events.filter((e) => e.type === 'trial' && e.trial.index === t.index).map((e) => (e as { phase: string }).phase);
    assert.equal(mine[0], 'started');
    assert.equal(mine.at(-1), 'ended');
    assert.equal(mine.filter((p) => p === 'epoch').length, t.curve!.length);
    assert.equal(t.runIds!.length, 1);
    if (t.status === 'done') assert.equal(t.curve!.at(-1), t.valAcc);
  }
  const narrowed = tune.narrowed()!;
  const best = tune.best()!;
  const lr = narrowed.ranges.lr as { min: number; max: number };
  assert.ok(lr.min <= (best.params.lr as number) && (best.params.lr as number) <= lr.max && lr.max / lr.min <= 10 + 1e-9);
  const round2 = new Tune(runs, { source: file, title: 't', spec, baseDir: dir, tune: { ...narrowed, trials: 2 }, round: 2, firstIndex: tune.nextIndex, concurrency: 2 });
  await round2.start().finished;
  assert.deepEqual(round2.trials.map((t) => [t.index, t.round]), [[4, 2], [5, 2]]);
  for (const t of round2.trials) assert.ok((t.params.lr as number) >= lr.min && (t.params.lr as number) <= lr.max);
});

test('tune --rounds 2: round 2 draws inside the ranges narrowed around round 1\'s best, numbered on', () => {
  const r = run('tune', file, '--json', '--rounds', '2');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const trials = out.filter((l) => l.type === 'trial');
  assert.deepEqual(trials.map((t) => [t.index, t.round]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => [i, i < 6 ? 1 : 2]));
  const first = trials.filter((t) => t.round === 1 && t.status === 'done');
  const top = first.reduce((a, b) => (b.valAcc > a.valAcc ? b : a));
  // ±0.5 decade around the best lr, clipped to [1e-2, 1e3].
  const lo = Math.max(1e-2, top.params.lr / 10 ** 0.5);
  const hi = Math.min(1e3, top.params.lr * 10 ** 0.5);
  for (const t of trials.filter((x) => x.round === 2)) assert.ok(t.params.lr >= lo * (1 - 1e-12) && t.params.lr <= hi * (1 + 1e-12), `${t.params.lr} in [${lo}, ${hi}]`);
  const best = out.at(-1)!;
  const done = trials.filter((t) => t.status === 'done');
  assert.equal(best.valAcc, Math.max(...done.map((t) => t.valAcc)));
  assert.equal(best.rounds, 2);
  assert.equal(best.savings.budgetEpochs, 36);
});

test('a trial\'s figures are those of trainlens train with its values and epochs (done and stopped alike)', () => {
  const trials = lines(run('tune', path.join(root, 'examples/spiral-tune.nn.yaml'), '--json', '--trials', '8').stdout).filter((l) => l.type === 'trial');
  const example = readFileSync(path.join(root, 'examples/spiral-tune.nn.yaml'), 'utf8').replace(/^tune:[\s\S]*$/m, '');
  const checked = new Set<string>();
  for (const t of trials.filter((x) => x.status === 'done' || x.status === 'stopped')) {
    if (checked.has(t.status)) continue;
    checked.add(t.status);
    const f = path.join(dir, `trial-${t.index}.nn.yaml`);
    writeFileSync(f, example.replace(/lr: 0\.01 \}/, `lr: ${t.params.lr} }`).replace(/l2: 0\.001\n/, `l2: ${t.params.l2}\n`));
    const done = lines(run('train', f, '--json', '--epochs', String(t.epochs)).stdout).at(-1) as unknown as { valAcc: number; valLoss: number };
    assert.equal(done.valAcc, t.valAcc, `trial ${t.index}`);
    assert.equal(done.valLoss, t.valLoss, `trial ${t.index}`);
  }
  assert.deepEqual([...checked].sort(), ['done', 'stopped']);
});

test('regression over seeds: valR2 is the mean of the seeds\' runs (trainlens train --seed s, same data), with their std', () => {
  const sine = readFileSync(path.join(root, 'examples/sine.nn.yaml'), 'utf8').replace('data:\n', 'data:\n  seed: 1\n');
  const f = path.join(dir, 'sine-tune.nn.yaml');
  writeFileSync(f, `${sine}tune:\n  trials: 3\n  epochs: 3\n  seeds: 2\n  lr: { log: [1.0e-3, 1.0e-1] }\n  hidden: { int: [8, 48] }\n`);
  const out = lines(run('tune', f, '--json').stdout) as unknown as Array<Line & { valR2: number | null; valR2Std: number }>;
  const trials = out.filter((l) => l.type === 'trial');
  assert.equal(trials.length, 3);
  for (const t of trials) assert.equal(t.valAcc, null);
  const done = trials.filter((t) => t.status === 'done');
  assert.ok(done.length > 0);
  assert.equal(out.at(-1)!.valR2, Math.max(...done.map((t) => t.valR2!)));
  const t = done[0];
  const p = t.params as unknown as { lr: number; hidden: number };
  const g = path.join(dir, 'sine-trial.nn.yaml');
  writeFileSync(g, sine.replace(/lr: 0\.01 \}/, `lr: ${p.lr} }`).replace(/dense: 32\n/g, `dense: ${p.hidden}\n`));
  const r2 = [1, 2].map((seed) => (lines(run('train', g, '--json', '--epochs', '3', '--seed', String(seed)).stdout).at(-1) as unknown as { valR2: number }).valR2);
  assert.ok(Math.abs(t.valR2! - (r2[0] + r2[1]) / 2) < 1e-15, `${t.valR2} vs ${r2}`);
  assert.ok(Math.abs(t.valR2Std - Math.abs(r2[0] - r2[1]) / Math.SQRT2) < 1e-12);
  assert.notEqual(r2[0], r2[1]);
});

test('Tune.cancel: running trials stop (reason "cancelled"), the rest stay pending, and finished settles', async () => {
  const spec = parseModel(TUNE.replace('trials: 6', 'trials: 10').replace('epochs: 3', 'epochs: 200')).spec!;
  const runs = new RunManager(nodeWorkers(path.join(root, 'dist/worker.js')), { statsEvery: 0 });
  const tune = new Tune(runs, { source: file, title: 't', spec, baseDir: dir, concurrency: 2 });
  tune.onEvent((e) => {
    if (e.type === 'trial' && e.phase === 'epoch') tune.cancel();
  });
  await tune.start().finished;
  assert.equal(tune.state, 'cancelled');
  const statuses = tune.trials.map((t) => t.status);
  assert.ok(!statuses.includes('running'), statuses.join());
  assert.ok(statuses.filter((s) => s === 'pending').length >= 10 - 2 * 2, statuses.join());
  const cancelled = tune.trials.filter((t) => t.reason === 'cancelled');
  assert.ok(cancelled.length > 0);
  for (const t of cancelled) assert.ok(t.status === 'stopped' && t.epochs < 200);
  assert.ok(runs.runningVariants().length === 0);
});
