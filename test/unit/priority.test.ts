import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunManager } from '../../src/training/runs';
import { TRAINING_NICENESS } from '../../src/training/priority';
import { SPIRAL } from './fixtures';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

/** The niceness of each thread of this process (Linux: field 19 of /proc/self/task/TID/stat). */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: count fields after its closing bracket.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

test('training threads run below the editor: the worker lowers its own thread\'s priority, never the extension host\'s', { skip: process.platform !== 'linux' && 'thread priorities are changed on Linux only' }, async () => {
  const before = os.getPriority();
  const runs = new RunManager(nodeWorkers(workerPath), { progressIntervalMs: 20 });
  const s = runs.start('p', 'p', { ...SPIRAL, train: { ...SPIRAL.train, epochs: 1_000_000 } });
  await new Promise<void>((resolve) => s.onEvent((e) => { if (e.type === 'progress') resolve(); }));
  const nice = threadNiceness();
  s.stop();
  await s.finished;
  assert.equal(os.getPriority(), before, 'the process (its main thread) keeps its priority');
  assert.equal(nice.get(process.pid), before);
  const lowered = [...nice.entries()].filter(([, n]) => n === TRAINING_NICENESS);
  assert.equal(lowered.length, 1, `one thread at niceness ${TRAINING_NICENESS}: ${JSON.stringify([...nice])}`);
  assert.ok([...nice.values()].filter((n) => n !== before && n !== TRAINING_NICENESS).length === 0, 'no other thread changed');
});
