import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainLensApi } from '../../src/extension';
import type { TrainingSession } from '../../src/training/session';
import type { Comparison } from '../../src/training/compare';
import { metricsCsv } from '../../src/runs/csv';
import { compareDimensions } from '../../src/editor/commands/compare';
import { activateExtension, lensTitles, until, workspaceFile } from './util';

describe('Regression (loss: mse) in VS Code', () => {
  let api: TrainLensApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(() => api.runs.stopAll());

  it('the sine example trains; the panel draws its fit; R² and RMSE stand where accuracy would in the lens, the Runs view and the CSV', async () => {
    const uri = workspaceFile('sine.nn.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'the example has no problems');

    // The hover on the first line gives the model's totals: one output for one numeric target.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /input 1 \(sine\) → output 1 \(1 numeric target\)/);

    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train');
    await session.finished;
    assert.equal(session.status, 'finished', session.error ?? '');
    assert.equal(session.info.regression, true);
    assert.equal(session.info.boundary?.kind, 'regression1d');
    const f = session.final!;
    assert.equal(f.trainAcc, null);
    assert.ok(f.valR2! > 0.9, `val R² ${f.valR2}`);
    await until('the panel to draw every loss point', () => api.charts.rendered.get(session.runId) === session.loss.series.items.length);

    const titles = await lensTitles(uri);
    assert.ok(titles.some((t) => /^finished · loss [\d.]+ · train R² 0\.9\d\d · val R² 0\.9\d\d · val RMSE 0\.\d+/.test(t)), titles.join(' | '));

    // Kept: the Runs view lists it with its held-out R² and RMSE; its CSV has R² columns.
    const kept = await until('the run to be kept as finished', async () => (await api.store.list()).find((r) => r.runId === session.runId && r.final !== null));
    const item = api.runsTree.getTreeItem({ kind: 'run', run: kept });
    assert.match(String(item.description), /^finished · val R² 0\.9\d\d · RMSE 0\.\d+ · loss [\d.]+$/);
    api.store.flush();
    const csv = metricsCsv(await api.store.history(session.runId)).split('\n');
    assert.equal(csv[0], 'step,loss,epoch,epoch_loss,train_r2,val_loss,val_r2,val_rmse,seconds');
    const last = csv.slice(1).filter((l) => l.split(',')[2]).at(-1)!.split(',');
    assert.equal(Number(last[2]), session.info.epochs);
    assert.ok(Number(last[6]) > 0.9, `last epoch's val R² ${last[6]}`);
  });

  it('Compare on a regression model overlays its variants with their R² and RMSE, and offers no softmax-vs-SVM', async () => {
    const uri = workspaceFile('sine.nn.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const c = await vscode.commands.executeCommand<Comparison>('trainlens.compare', uri, { dimension: 'lr', values: [0.01, 0.001] });
    await c.finished;
    await Promise.all(c.sessions.map((s) => s!.finished));
    const overlays = api.charts.overlays.get(uri.toString())!;
    assert.deepEqual(overlays.runs.map((r) => r.status), ['finished', 'finished']);
    for (const r of overlays.runs) {
      assert.equal(r.final!.trainAcc, null);
      assert.ok(r.final!.valR2! > 0.5 && r.final!.valRmse! > 0, `${r.label}: val R² ${r.final!.valR2}, RMSE ${r.final!.valRmse}`);
      assert.ok(r.epochs.items.every((e) => typeof e.valR2 === 'number'), `${r.label}: every epoch has its val R²`);
    }
    await until('the panel to draw both', () => c.sessions.every((s) => (api.charts.rendered.get(s!.runId) ?? 0) > 50));
    assert.deepEqual(compareDimensions(api.models.get(await vscode.workspace.openTextDocument(uri)).spec!), ['optimizer', 'init', 'lr', 'activation']);
    assert.deepEqual(compareDimensions({ ...api.models.get(await vscode.workspace.openTextDocument(uri)).spec!, loss: 'softmax' }), ['optimizer', 'init', 'lr', 'activation', 'loss']);
  });
});
