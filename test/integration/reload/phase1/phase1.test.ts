import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, until, workspaceFile, writeModel } from '../../util';
import type { Comparison } from '../../../../src/training/compare';
import type { TrainingSession } from '../../../../src/training/session';
import { expectedFile, type ReloadExpected } from '../expected';

// Session 1 of the reload test (scripts/vscode/reload-test.mjs): leaves kept runs behind.
describe('Kept runs, session 1: train, compare, and leave one run training', () => {
  it('keeps every run in the workspace as it trains', async () => {
    const api = await activateExtension();
    const spiral = workspaceFile('spiral.nn.yaml');
    const run = await vscode.commands.executeCommand<{ finished: Promise<unknown>; runId: string }>('trainlens.train', spiral);
    await run.finished;
    const session = api.runs.get(spiral.toString())!;
    assert.equal(session.status, 'finished');

    const c = await vscode.commands.executeCommand<Comparison>('trainlens.compare', spiral, { dimension: 'lr', values: [0.01, 0.001] });
    await c.finished;
    await Promise.all(c.sessions.map((s) => s!.finished));

    const long = await writeModel('long.nn.yaml', [
      'data: { dataset: spiral, samples: 300, classes: 3 }',
      'layers:', '  - dense: 50', '    activation: relu', '  - dense: 3',
      'loss: softmax', 'optimizer: { type: sgd, lr: 0.1 }', 'train: { epochs: 1000000, batch: 32, seed: 3 }', '',
    ].join('\n'));
    const live = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', long.uri);
    await until('the long run to have trained a while', () => live.loss.steps > 200);
    // History reaches the disk within a second.
    await new Promise((r) => setTimeout(r, 1500));
    const kept = api.store.read(live.runId)!;
    assert.equal(kept.status, 'running');

    const all = [session, ...c.sessions.map((s) => s!)];
    for (const s of all) assert.equal(api.store.read(s.runId)?.status, 'finished', `${s.runId} kept as finished`);
    const expected: ReloadExpected = {
      finished: all.map((s) => ({ runId: s.runId, losses: s.loss.values(), final: s.final, weights: (s.finalWeights ?? []).map((w) => w.name) })),
      comparison: c.sessions.map((s) => s!.runId),
      interrupted: { runId: live.runId, losses: api.store.history(live.runId).loss.count },
    };
    assert.ok(expected.interrupted.losses > 0, 'the running run has history on disk');
    fs.writeFileSync(expectedFile(), JSON.stringify(expected));
    assert.equal(live.running, true, 'still training when this session ends');
  });
});
