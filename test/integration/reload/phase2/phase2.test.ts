import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, until } from '../../util';
import type { RunsNode } from '../../../../src/editor/views/runs-view';
import { expectedFile, type ReloadExpected } from '../expected';

// Session 2 of the reload test: the window session 1 reloaded finds what session 1 left.
describe('Kept runs, session 2: after the reload', () => {
  it('restores the panel that was open, through its serializer, and it redraws the run\'s whole history', async () => {
    const api = await activateExtension();
    const expected = JSON.parse(fs.readFileSync(expectedFile(), 'utf8')) as ReloadExpected;
    const panel = expected.panel!;
    assert.ok(panel, 'session 1 left a panel open');
    // Nothing here opens it: VS Code restores the editor and calls the extension's WebviewPanelSerializer.
    await until('VS Code to restore the panel', () => api.charts.has(panel.source), 60_000);
    assert.equal(api.runs.get(panel.source), undefined, 'no run of that file in this window: the panel draws what it saved');
    // The restored webview draws the run from its saved state: every loss point of the run.
    const drawn = await until('the restored panel to draw the run', () => api.charts.rendered.get(panel.runId), 30_000);
    assert.equal(drawn, panel.points, `the restored panel drew ${drawn} of the run's ${panel.points} loss points`);
    // The kept run on disk is the same run, with the figures the panel showed.
    assert.deepEqual((await api.store.read(panel.runId))?.final, panel.final);
  });

  it('lists every run intact, the unfinished one as interrupted, and overlays kept runs in the panel', async () => {
    const api = await activateExtension();
    const expected = JSON.parse(fs.readFileSync(expectedFile(), 'utf8')) as ReloadExpected;
    for (const e of expected.finished) {
      const r = await api.store.read(e.runId);
      assert.ok(r, `${e.runId} is kept`);
      assert.equal(r.status, 'finished');
      assert.deepEqual(r.final, e.final);
      assert.deepEqual((await api.store.history(e.runId)).loss.items.map((p) => p[0]), e.losses, `${e.runId}: every loss`);
      assert.deepEqual((await api.store.loadWeights(e.runId)).map((w) => w.name), e.weights, `${e.runId}: weights`);
    }
    const cut = (await api.store.read(expected.interrupted.runId))!;
    assert.equal(cut.status, 'interrupted');
    assert.ok((await api.store.history(cut.runId)).loss.count >= expected.interrupted.losses, 'its history up to the last flush');

    // The Runs view: model files, then their runs with status and results.
    const roots = await api.runsTree.getChildren();
    const runs = (await Promise.all(roots.map((n) => api.runsTree.getChildren(n)))).flat();
    const ids = runs.map((n) => (n.kind === 'run' ? n.run.runId : ''));
    for (const e of [...expected.finished.map((f) => f.runId), cut.runId]) assert.ok(ids.includes(e), `${e} listed`);
    const item = api.runsTree.getTreeItem(runs.find((n) => n.kind === 'run' && n.run.runId === cut.runId)!);
    assert.match(String(item.description), /^interrupted/);
    const done = api.runsTree.getTreeItem(runs.find((n) => n.kind === 'run' && n.run.runId === expected.finished[0].runId)!);
    assert.match(String(done.description), /^finished · val [\d.]+ % · loss [\d.]+/);

    // Two kept runs of the comparison, overlaid in the panel: the webview draws both.
    const picked = runs.filter((n): n is Extract<RunsNode, { kind: 'run' }> => n.kind === 'run' && expected.comparison.includes(n.run.runId));
    await vscode.commands.executeCommand('trainlens.runs.show', picked[0], picked);
    await until('the panel to draw both kept runs', () => expected.comparison.every((id) => (api.charts.rendered.get(id) ?? 0) > 10));
  });
});
