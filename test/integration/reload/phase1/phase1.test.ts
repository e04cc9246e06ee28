import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, until, workspaceFile, writeModel } from '../../util';
import type { Comparison } from '../../../../src/training/compare';
import type { TrainingSession } from '../../../../src/training/session';
import { expectedFile, type ReloadExpected } from '../expected';

/** The spiral with one hidden ReLU layer of `units`, the given optimizer and train settings. */
function spiralModel(units: number, optimizer: string, train: string): string {
  return [
    'data: { dataset: spiral, samples: 300, classes: 3 }',
    'layers:', `  - dense: ${units}`, '    activation: relu', '  - dense: 3',
    'loss: softmax', `optimizer: ${optimizer}`, `train: ${train}`, '',
  ].join('\n');
}

// Session 1 of the reload test (scripts/vscode/reload-test.mjs): leaves kept runs behind and a
// panel open, then reloads the window (session 2 runs in the reloaded window).
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

    const long = await writeModel('long.nn.yaml', spiralModel(50, '{ type: sgd, lr: 0.1 }', '{ epochs: 1000000, batch: 32, seed: 3 }'));
    const live = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', long.uri);
    await until('the long run to have trained a while', () => live.loss.steps > 200);
    // History reaches the disk within a second.
    await new Promise((r) => setTimeout(r, 1500));
    const kept = (await api.store.read(live.runId))!;
    assert.equal(kept.status, 'running');

    const all = [session, ...c.sessions.map((s) => s!)];
    for (const s of all) assert.equal((await api.store.read(s.runId))?.status, 'finished', `${s.runId} kept as finished`);
    const interruptedLosses = (await api.store.history(live.runId)).loss.count;
    const expected: ReloadExpected = {
      finished: all.map((s) => ({ runId: s.runId, losses: s.loss.values(), final: s.final, weights: (s.finalWeights ?? []).map((w) => w.name) })),
      comparison: c.sessions.map((s) => s!.runId),
      interrupted: { runId: live.runId, losses: interruptedLosses },
    };
    assert.ok(expected.interrupted.losses > 0, 'the running run has history on disk');
    fs.writeFileSync(expectedFile(), JSON.stringify(expected));
    assert.equal(live.running, true, 'still training when this session ends');
  });

  it('leaves a finished run\'s panel open and drawn, then reloads the window', async function () {
    this.timeout(0); // the reload ends this extension host; session 2 reports for both
    const api = await activateExtension();
    // Trained last, so its panel is the one in front when the window reloads (VS Code revives a
    // restored webview when it is shown).
    const doc = await writeModel('restore.nn.yaml', spiralModel(30, '{ type: adam, lr: 0.01 }', '{ epochs: 40, batch: 32, seed: 5 }'));
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    const source = doc.uri.toString();
    const points = run.loss.series.items.length;
    assert.equal(points, 40 * 8, 'every step of 240 samples in batches of 32, 40 epochs');
    await until('the panel to draw every loss point', () => api.charts.rendered.get(run.runId) === points);
    assert.ok(api.charts.isVisible(source), 'the panel is in front');
    // The panel saves its state (the whole history) as the run ends; give it a moment to land.
    await new Promise((r) => setTimeout(r, 1500));
    const expected = JSON.parse(fs.readFileSync(expectedFile(), 'utf8')) as ReloadExpected;
    expected.panel = { source, runId: run.runId, points, final: run.final };
    fs.writeFileSync(expectedFile(), JSON.stringify(expected));
    void vscode.commands.executeCommand('workbench.action.reloadWindow');
    await new Promise(() => {}); // never: the window reloads
  });
});
