/**
 * Surface files in a real VS Code: Train keeps the path the CLI prints, the CodeLens offers what a
 * surface has, Swap Optimizer and Compare work as on a network, a kept run comes back with its path
 * and frame, and commands that need a network say so.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import type { Comparison } from '../../src/training/compare';
import { RunStore } from '../../src/runs/store';
import { runDescription, type RunsNode } from '../../src/editor/views/runs-view';
import { lensTitles, until, useExtension, writeModel } from './util';

const RAVINE = (steps: number, optimizer = 'sgd'): string => `# a ravine for the optimizers
surface: ravine
start: [-4, 1]
optimizer: { type: ${optimizer}, lr: 0.019 }
train: { steps: ${steps}, noise: 0, seed: 1 }
`;

interface CliLine { type: string; step?: number; position?: [number, number]; value?: number; steps?: number }

/** `trainlens train FILE --json`, line by line. */
function cliTrain(file: string): CliLine[] {
  const ext = vscode.extensions.getExtension('trainlens.trainlens');
  assert.ok(ext);
  const out = execFileSync(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'train', file, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return out.trim().split('\n').map((l) => JSON.parse(l) as CliLine);
}

describe('surface files', function () {
  this.timeout(120_000);
  const api = useExtension();

  it('Train keeps the path: steps + 1 points from the start, ending where `trainlens train --json` ends', async () => {
    const doc = await writeModel('it-ravine.nn.yaml', RAVINE(150));
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    assert.ok(session, 'a run started');
    await session.finished;
    const snap = session.snapshot();
    assert.equal(snap.status, 'finished', snap.error ?? '');
    assert.ok(snap.info.surface, 'the run has its contour frame');
    assert.deepEqual(snap.info.surface.start, [-4, 1]);
    const points = snap.path ?? [];
    assert.equal(points.length, 151);
    assert.deepEqual(points.map((p) => p.step), Array.from({ length: 151 }, (_, k) => k));
    assert.deepEqual([points[0].x, points[0].y], [-4, 1]);
    const lines = cliTrain(doc.uri.fsPath);
    const done = lines.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal(done.steps, 150);
    const last = points[150];
    assert.deepEqual([last.x, last.y], done.position);
    assert.equal(last.f, done.value);
    assert.equal(snap.final?.loss, done.value);
    // Every step line is a point of the path.
    const steps = lines.filter((l) => l.type === 'step');
    assert.equal(steps.length, 151);
    for (const l of steps) assert.deepEqual([points[l.step!].x, points[l.step!].y, points[l.step!].f], [...l.position!, l.value]);
  });

  it('the CodeLens offers Train, Compare… and Swap optimizer, nothing that needs a network; Stop and Pause while it trains', async () => {
    const doc = await writeModel('it-lens.nn.yaml', RAVINE(3000));
    const idle = await lensTitles(doc.uri);
    assert.ok(idle.some((t) => t.endsWith('Train')), idle.join(' | '));
    assert.ok(idle.some((t) => t.endsWith('Compare…')));
    assert.ok(idle.includes('optimizer: sgd · Swap…'), idle.join(' | '));
    for (const absent of ['Gradient check', 'Sanity check', 'Find lr', 'Tune…', 'init:']) {
      assert.ok(!idle.some((t) => t.includes(absent)), `no ${absent}: ${idle.join(' | ')}`);
    }
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    const busy = await until('the Stop lens', async () => {
      const titles = await lensTitles(doc.uri);
      return titles.some((t) => t.endsWith('Stop')) ? titles : undefined;
    });
    assert.ok(busy.some((t) => t.endsWith('Pause')), busy.join(' | '));
    session.stop();
    await session.finished;
  });

  it('Swap optimizer while it trains: the file is edited, the rule changes from the next step, the switch is marked', async () => {
    const doc = await writeModel('it-swap.nn.yaml', RAVINE(600));
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('a few steps', () => session.step > 5);
    assert.ok(session.running, 'still training when the swap comes');
    await vscode.commands.executeCommand('trainlens.swapOptimizer', doc.uri, 'momentum');
    await session.finished;
    assert.match(doc.getText(), /type: momentum/);
    assert.equal(session.info.optimizer, 'momentum');
    const marker = session.markers.find((m) => m.kind === 'optimizer');
    assert.ok(marker, 'an optimizer marker');
    assert.ok(marker.step > 0 && marker.step < 600, `marked at step ${marker.step}`);
    assert.equal(session.snapshot().path?.length, 601);
  });

  it('Compare over optimizers: one variant per rule, each with its own path from the same start, overlaid on the surface', async () => {
    const doc = await writeModel('it-compare.nn.yaml', RAVINE(150));
    const c = await vscode.commands.executeCommand<Comparison>('trainlens.compare', doc.uri, { dimension: 'optimizer', values: ['sgd', 'momentum', 'adam'] });
    assert.ok(c);
    await c.finished;
    await Promise.all(c.sessions.map((s) => s?.finished));
    const paths = c.sessions.map((s) => s!.snapshot().path ?? []);
    assert.deepEqual(paths.map((p) => p.length), [151, 151, 151]);
    for (const p of paths) assert.deepEqual([p[0].x, p[0].y], [-4, 1]);
    assert.equal(new Set(paths.map((p) => `${p[150].x},${p[150].y}`)).size, 3, 'three rules, three end points');
    const overlays = await until('the overlays of all three', () => {
      const set = api().charts.overlays.get(doc.uri.toString());
      return set && set.runs.length === 3 && set.runs.every((r) => r.status === 'finished') ? set : undefined;
    });
    assert.ok(overlays.surface, 'the frame they are drawn on');
    assert.deepEqual(overlays.runs.map((r) => r.label), ['sgd', 'momentum', 'adam']);
    assert.deepEqual(overlays.runs.map((r) => r.path), paths);
  });

  it('a kept surface run keeps its path and frame: the Runs view describes it, Show in Panel brings them back, a reload reads them', async () => {
    const doc = await writeModel('it-kept.nn.yaml', RAVINE(150, 'adam'));
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await session.finished;
    const snap = session.snapshot();
    const stored = await until('the kept run', async () => {
      const r = await api().store.read(session.runId);
      return r && r.status === 'finished' ? r : undefined;
    });
    assert.match(runDescription(stored), /^finished · adam · f = [-0-9.e]+ · 150 steps$/);
    await vscode.commands.executeCommand('trainlens.runs.show', { kind: 'run', run: stored } satisfies RunsNode);
    const shown = api().charts.overlays.get(doc.uri.toString());
    assert.ok(shown);
    assert.deepEqual(shown.surface, snap.info.surface);
    assert.deepEqual(shown.runs[0].path, snap.path);
    await api().store.flushed();
    const reloaded = new RunStore(api().store.files);
    assert.deepEqual((await reloaded.history(session.runId)).path, snap.path);
    assert.deepEqual((await reloaded.read(session.runId))?.info?.surface, snap.info.surface);
  });

  it('commands that need a network say so, naming the file', async () => {
    const doc = await writeModel('it-refuse.nn.yaml', RAVINE(10));
    for (const command of ['trainlens.gradcheck', 'trainlens.sanity', 'trainlens.inspect', 'trainlens.swapInit']) {
      // The extension's own record of the notices it showed: a test's vscode.window is not the
      // extension's when it runs from the packaged .vsix (test:vsix), so it cannot be watched.
      const before = api().surfaceNotices.length;
      await vscode.commands.executeCommand(command, doc.uri);
      const seen = api().surfaceNotices.slice(before);
      assert.equal(seen.length, 1, `${command}: ${seen.join(' | ')}`);
      assert.match(seen[0], /needs a network; it-refuse\.nn\.yaml is a surface/);
    }
    assert.equal(api().runs.get(doc.uri.toString()), undefined, 'nothing ran');
  });
});
