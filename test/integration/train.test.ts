import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainLensApi } from '../../src/extension';
import type { TrainingSession } from '../../src/training/session';
import { activateExtension, lensTitles, mean, until, workspaceFile, writeModel } from './util';

describe('TrainLens in VS Code', () => {
  let api: TrainLensApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(() => api.runs.stopAll());

  it('trains the spiral example from the Train command: the worker trains and the panel draws', async () => {
    const uri = workspaceFile('spiral.nn.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'the example has no problems');

    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train');
    assert.ok(session, 'Train returned the run');
    assert.equal(api.runs.latest, session);
    await session.finished;
    assert.equal(session.status, 'finished', session.error ?? '');
    assert.equal(session.loss.steps, session.info.totalSteps);
    assert.ok(mean(session.loss.values().slice(-20)) < mean(session.loss.values().slice(0, 20)) / 3, 'the loss fell');
    assert.ok(session.final!.trainAcc! >= 0.95, `train accuracy ${session.final!.trainAcc}`);

    // The webview reports back what it drew: every step's loss.
    await until('the panel to draw every loss point', () => api.charts.rendered.get(session.runId) === session.loss.series.items.length);
    assert.ok(api.charts.isVisible(uri.toString()), 'the panel is open');

    const titles = await lensTitles(uri);
    assert.ok(titles.includes('$(play) Train'), titles.join(' | '));
    assert.ok(titles.some((t) => /^finished · loss [\d.]+ · train [\d.]+%/.test(t)), titles.join(' | '));
  });

  it('shows Stop while training, stops at once, and refills a reopened panel mid-run', async () => {
    const base = (await vscode.workspace.fs.readFile(workspaceFile('spiral.nn.yaml'))).toString();
    const doc = await writeModel('long.nn.yaml', base.replace(/epochs: \d+/, 'epochs: 1000000'));
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('progress', () => session.loss.steps > 0);
    assert.ok((await lensTitles(doc.uri)).includes('$(debug-stop) Stop'));

    // Close the panel mid-run and open it again: it is refilled from the host's history.
    await until('the first drawing', () => (api.charts.rendered.get(session.runId) ?? 0) > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the panel to close', () => !api.charts.isVisible(doc.uri.toString()));
    api.charts.rendered.delete(session.runId);
    await vscode.commands.executeCommand('trainlens.showPanel', doc.uri);
    const refilled = await until('the reopened panel to draw', () => api.charts.rendered.get(session.runId));
    assert.ok(refilled > 0);

    await vscode.commands.executeCommand('trainlens.stop', doc.uri);
    await session.finished;
    assert.equal(session.status, 'stopped');
    assert.ok(session.step < session.info.totalSteps);
    assert.ok((await lensTitles(doc.uri)).includes('$(play) Train'));
  });

  it('puts a diagnostic on the broken line and refuses to train that file', async () => {
    const doc = await writeModel('broken.nn.yaml', 'data:\n  dataset: spiral\nlayers:\n  - dense: 3\noptimiser: adam\n');
    const diagnostics = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostics[0].range.start.line, 4);
    assert.equal(diagnostics[0].range.start.character, 0);
    assert.equal(diagnostics[0].range.end.character, 'optimiser'.length);
    assert.match(diagnostics[0].message, /Did you mean 'optimizer'/);

    const before = api.runs.latest;
    const result = await Promise.race([
      vscode.commands.executeCommand('trainlens.train', doc.uri),
      new Promise((r) => setTimeout(() => r('still waiting on the error message'), 2000)),
    ]);
    assert.notEqual(result instanceof Object && 'runId' in result, true, 'no run started');
    assert.equal(api.runs.get(doc.uri.toString()), undefined);
    assert.equal(api.runs.latest, before);

    // Fixing the typo clears the diagnostic as the user types.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, diagnostics[0].range, 'optimizer');
    await vscode.workspace.applyEdit(edit);
    await until('the diagnostic to clear', () => vscode.languages.getDiagnostics(doc.uri).length === 0);
  });
});
