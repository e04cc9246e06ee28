import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import type { LandscapeState } from '../../src/training/protocol';
import { filterNormalizedDirection, principalDirections, projectOnPlane } from '../../src/engine/landscape/directions';
import { WeightVector } from '../../src/engine/landscape/weights';
import { networkArrays } from '../../src/export/arrays';
import { Trainer } from '../../src/engine/trainer';
import { Rng } from '../../src/engine/rng';
import { parseModel } from '../../src/model/parse';
import { useExtension, workspaceFile, writeModel } from './util';

/** examples/spiral.nn.yaml as it is in the workspace (a copy of examples/), trained here under another name. */
async function spiralCopy(name: string): Promise<vscode.TextDocument> {
  const text = (await vscode.workspace.fs.readFile(workspaceFile('spiral.nn.yaml'))).toString();
  return writeModel(name, text);
}

describe('Show Loss Landscape', () => {
  const extension = useExtension();

  it('after a run of the spiral: the line\'s α = 0 and α = 1 are the run\'s initial and final losses exactly, the plane has resolution² values, the path runs from the initial weights\' projection to the centre', async function () {
    this.timeout(300_000);
    const doc = await spiralCopy('landscape-spiral.nn.yaml');
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'finished', run.error ?? '');
    const final = run.final!;
    assert.equal(typeof final.initialLoss, 'number', 'the run reports its initial loss');
    const trajectory = run.trajectory!;
    assert.ok(trajectory && trajectory.snapshots.length >= 2, 'the session keeps the run\'s trajectory');

    const state = await vscode.commands.executeCommand<LandscapeState>('trainlens.landscape', doc.uri, { plane: 'random', resolution: 9, seed: 1 });
    assert.equal(typeof state, 'object');
    assert.equal(state.state, 'done', state.error ?? '');
    assert.equal(state.runId, run.runId);
    assert.ok(extension().charts.has(doc.uri.toString()), 'the panel opens');
    const r = state.result!;
    const { alphas, losses } = r.line;
    assert.equal(losses[alphas.indexOf(0)], final.initialLoss, 'α = 0: the run\'s initial loss');
    assert.equal(losses[alphas.indexOf(1)], final.loss, 'α = 1: the run\'s final loss');
    assert.equal(r.initialLoss, final.initialLoss);
    assert.equal(r.trainedLoss, final.loss);
    const n = r.surface.resolution;
    assert.equal(n, 9);
    assert.equal(r.surface.values.length, n * n);
    assert.ok(r.surface.values.every((v) => Number.isFinite(v)));
    const path = r.surface.path;
    assert.equal(path.length, trajectory.snapshots.length);
    assert.deepEqual(r.surface.pathSteps, trajectory.steps);
    assert.deepEqual(path[path.length - 1], [0, 0], 'the path ends at the centre: the trained weights');
    assert.ok(Math.hypot(...path[0]) > 0, 'and starts away from it');
    const plane = planeOf(doc, run);
    assert.deepEqual(path[0], projectOnPlane([trajectory.snapshots[0]], plane.trained, ...plane.random)[0], 'it starts at the initial weights\' projection on the seed\'s directions');

    // PCA: the directions are the trajectory's; the initial weights projected on them are the path's start.
    const pca = await vscode.commands.executeCommand<LandscapeState>('trainlens.landscape', doc.uri, { plane: 'pca', resolution: 5, seed: 1 });
    assert.equal(pca.state, 'done', pca.error ?? '');
    const s = pca.result!.surface;
    assert.equal(s.values.length, 25);
    assert.ok(s.explained && s.explained[0] >= s.explained[1] && s.explained[0] + s.explained[1] <= 1 + 1e-9, `explained ${s.explained}`);
    assert.deepEqual(s.path[s.path.length - 1], [0, 0]);
    assert.equal(pca.result!.line.losses[pca.result!.line.alphas.indexOf(1)], final.loss);
    assert.deepEqual(s.path[0], projectOnPlane([trajectory.snapshots[0]], plane.trained, ...plane.pca)[0], 'PCA: the path starts at the initial weights\' projection');
  });

  it('on a file with no run, and on a surface file, it says why and computes nothing', async () => {
    const doc = await spiralCopy('landscape-none.nn.yaml');
    const said = await vscode.commands.executeCommand<string>('trainlens.landscape', doc.uri, { plane: 'random', resolution: 5, seed: 1 });
    assert.equal(typeof said, 'string');
    assert.match(said, /landscape-none\.nn\.yaml has no run yet: train the model first/);
    const surface = await writeModel('landscape-bowl.nn.yaml', 'surface: rosenbrock\nstart: [-1, 1]\noptimizer: { type: sgd, lr: 0.001 }\ntrain: { steps: 10 }\n');
    const none = await vscode.commands.executeCommand('trainlens.landscape', surface.uri, { plane: 'random', resolution: 5, seed: 1 });
    assert.equal(none, undefined, 'a surface is refused before anything starts');
  });
});

/** The trained weights as one vector, and the plane's directions for seed 1 (random: filter-normalized; pca: the trajectory's), computed here in the test's own engine. */
function planeOf(doc: vscode.TextDocument, run: TrainingSession): { trained: Float32Array; random: [Float32Array, Float32Array]; pca: [Float32Array, Float32Array] } {
  const spec = parseModel(doc.getText()).spec!;
  const t = new Trainer(spec);
  const vector = new WeightVector(t.network, networkArrays(t.network, spec.layers));
  const trained = vector.gather(run.finalWeights!);
  const rng = new Rng(1);
  const d1 = filterNormalizedDirection(trained, vector.filters(), rng);
  const d2 = filterNormalizedDirection(trained, vector.filters(), rng);
  const pc = principalDirections(run.trajectory!.snapshots, 1);
  return { trained, random: [d1, d2], pca: [pc.d1, pc.d2] };
}
