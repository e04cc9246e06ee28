// The cores divided between the runs that train at once (src/training/thread-budget.ts), and a
// run's side of it (RunThreads in src/training/session-threads.ts): who is told what, and when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadBudget, type ThreadClient } from '../../../src/training/thread-budget';
import { RunThreads } from '../../../src/training/session-threads';

/** A run that records every share it is told. */
class Client implements ThreadClient {
  told: number[] = [];
  setThreads(count: number): void {
    this.told.push(count);
  }
}

/** What an even division with the remainder to the earliest runs gives, written out by hand. */
function expected(total: number, runs: number): number[] {
  const shares = Array.from({ length: runs }, () => 0);
  for (let t = 0; t < total; t++) shares[t % runs]++;
  return shares.map((s) => Math.max(1, s));
}

test('1–5 runs on 1–4 threads: shares differ by at most one, the earlier runs take the remainder, each at least 1, summing to max(total, runs)', () => {
  for (let total = 1; total <= 4; total++) {
    for (let runs = 1; runs <= 5; runs++) {
      const budget = new ThreadBudget(total);
      const clients = Array.from({ length: runs }, () => new Client());
      const joined = clients.map((c) => budget.join(c));
      const shares = clients.map((_, i) => budget.shareOf(i));
      const label = `${runs} runs on ${total}`;
      assert.deepEqual(shares, expected(total, runs), label);
      assert.equal(shares.reduce((a, b) => a + b, 0), Math.max(total, runs), `${label}: sum`);
      assert.ok(shares.every((s) => s >= 1), `${label}: at least one each`);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `${label}: even`);
      for (let i = 1; i < runs; i++) assert.ok(shares[i - 1] >= shares[i], `${label}: earlier runs take the remainder`);
      // The last run's join returns its share in the final division; every client's last word is its share.
      assert.equal(joined[runs - 1], shares[runs - 1], `${label}: join returns the share`);
      clients.forEach((c, i) => assert.equal(c.told.at(-1) ?? joined[i], shares[i], `${label}: run ${i} was told its share`));
    }
  }
});

test('join tells the other runs whose share changed and returns the newcomer\'s without telling it', () => {
  const budget = new ThreadBudget(4);
  const a = new Client();
  const b = new Client();
  const c = new Client();
  assert.equal(budget.join(a), 4);
  assert.deepEqual(a.told, [], 'a run is not told the share join returned');
  assert.equal(budget.join(b), 2);
  assert.deepEqual(a.told, [2]);
  assert.deepEqual(b.told, []);
  assert.equal(budget.join(c), 1);
  assert.deepEqual(a.told, [2], 'a keeps 2: not told again');
  assert.deepEqual(b.told, [1], 'b learns its smaller share');
  assert.equal(budget.join(a), 2, 'joining twice does not add the run twice');
  assert.deepEqual([a.told, b.told, c.told], [[2], [1], []], 'nobody is told when nothing changed');
  assert.deepEqual([budget.shareOf(0), budget.shareOf(1), budget.shareOf(2)], [2, 1, 1]);
});

test('leave gives the run\'s threads to the others; leaving twice or never joined changes nothing', () => {
  const budget = new ThreadBudget(3);
  const [a, b, c] = [new Client(), new Client(), new Client()];
  budget.join(a);
  budget.join(b);
  budget.join(c);
  a.told = []; b.told = []; c.told = [];
  budget.leave(a);
  assert.deepEqual(b.told, [2], 'b is now first and takes the remainder');
  assert.deepEqual(c.told, [], 'c keeps 1: not told');
  assert.deepEqual(a.told, [], 'the run that left is not told');
  budget.leave(a);
  budget.leave(new Client());
  assert.deepEqual([b.told, c.told], [[2], []], 'nothing changed');
  budget.leave(b);
  assert.deepEqual(c.told, [3], 'the last run gets every thread');
  budget.leave(c);
  assert.equal(budget.shareOf(0), 3, 'with no run, a newcomer would get the total');
});

test('setTotal re-divides (at least 1 thread, whole threads) and tells the runs whose share changed', () => {
  const budget = new ThreadBudget(2);
  const [a, b] = [new Client(), new Client()];
  budget.join(a);
  budget.join(b);
  a.told = []; b.told = [];
  budget.setTotal(4);
  assert.equal(budget.threads, 4);
  assert.deepEqual([a.told, b.told], [[2], [2]]);
  budget.setTotal(3.7);
  assert.equal(budget.threads, 3, 'whole threads');
  assert.deepEqual([a.told, b.told], [[2], [2, 1]], 'a keeps 2');
  budget.setTotal(3);
  assert.deepEqual([a.told, b.told], [[2], [2, 1]], 'the same total: nobody told');
  budget.setTotal(0);
  assert.equal(budget.threads, 1, 'at least one thread');
  assert.deepEqual([a.told, b.told], [[2, 1], [2, 1]], 'each run keeps one thread even when the total is one');
  assert.equal(new ThreadBudget(-3).threads, 1);
  assert.equal(new ThreadBudget(2.9).threads, 2);
});

test('a capped run (a model too small to spread) keeps its cap and the others share what it leaves', () => {
  const budget = new ThreadBudget(4);
  const [a, b, c] = [new Client(), new Client(), new Client()];
  [a, b, c].forEach((x) => budget.join(x));
  assert.deepEqual([0, 1, 2].map((i) => budget.shareOf(i)), [2, 1, 1]);
  a.told = []; b.told = []; c.told = [];
  budget.cap(a, 1);
  assert.deepEqual([0, 1, 2].map((i) => budget.shareOf(i)), [1, 2, 1], 'b is the first uncapped run: it takes the remainder');
  assert.deepEqual([a.told, b.told, c.told], [[1], [2], []]);
  budget.cap(a, 1);
  assert.deepEqual([a.told, b.told, c.told], [[1], [2], []], 'the same cap again: nothing changes');
  budget.cap(new Client(), 1);
  assert.deepEqual([0, 1, 2].map((i) => budget.shareOf(i)), [1, 2, 1], 'a run that never joined is not capped');
  budget.leave(c);
  assert.deepEqual([budget.shareOf(0), budget.shareOf(1)], [1, 3], 'b takes all a leaves');
  assert.deepEqual(b.told, [2, 3]);
  budget.leave(a);
  budget.join(a);
  assert.deepEqual([budget.shareOf(0), budget.shareOf(1)], [2, 2], 'a cap ends when its run leaves');

  const wide = new ThreadBudget(4);
  const [d, e] = [new Client(), new Client()];
  wide.join(d);
  wide.join(e);
  wide.cap(d, 3);
  assert.deepEqual([wide.shareOf(0), wide.shareOf(1)], [2, 2], 'a cap above the even share changes nothing');
  wide.cap(d, 1);
  assert.deepEqual([wide.shareOf(0), wide.shareOf(1)], [1, 3]);
  wide.cap(e, 1);
  assert.deepEqual([wide.shareOf(0), wide.shareOf(1)], [1, 1], 'every run capped: threads stay unused rather than oversubscribe');
});

test('a run (RunThreads) passes a share to its worker only when it changes, and not after it ended', () => {
  const budget = new ThreadBudget(4);
  const toWorker: number[][] = [[], []];
  const failed: string[] = [];
  const runs = [0, 1].map((i) => new RunThreads({ budget, helpers: { start: () => assert.fail('no helper is started before the worker offers any') } }, (n) => toWorker[i].push(n), (r) => failed.push(r)));
  assert.equal(runs[0].join(), 4);
  assert.equal(runs[0].max, 4);
  assert.equal(runs[1].join(), 2);
  assert.deepEqual(toWorker, [[2], []], 'the first run is told 2; the second got its 2 from join');
  budget.setTotal(4); // same division: nobody is told
  assert.deepEqual(toWorker, [[2], []]);
  budget.setTotal(3);
  assert.deepEqual(toWorker, [[2], [1]], 'only the run whose share changed');
  assert.deepEqual(runs.map((r) => r.share), [2, 1]);
  runs[0].end();
  assert.deepEqual(toWorker, [[2], [1, 3]], 'the run left: the other takes all three');
  budget.setTotal(1);
  assert.deepEqual(toWorker[0], [2], 'an ended run is not told');
  assert.equal(runs[0].workers.length, 0, 'no helper is started before the worker offers any');
  runs[1].end();
  assert.deepEqual(failed, []);
});
