import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import type { ModelCheck, StepStats } from '../../src/training/protocol';
import { Trainer } from '../../src/engine/trainer';
import { parseModel } from '../../src/model/parse';
import { useExtension, readWorkspaceFile, until, writeModel } from './util';

const LONG_SPIRAL = (extra = ''): string => `# a spiral that trains until stopped
data: { dataset: spiral, samples: 300, classes: 3 }
layers:
  - dense: 50
    activation: relu
  - dense: 3
loss: softmax
init: he          # made for ReLU
optimizer: { type: adam, lr: 0.01 }   # try sgd
train:
  epochs: 1000000
  batch: 32
${extra}`;

describe('The lab: swaps, pause, gradient check, health, several runs', () => {
  const extension = useExtension();

  it('Swap Optimizer mid-run edits the file (comments kept, undoable) and switches the worker\'s rule', async () => {
    const doc = await writeModel('swap-opt.nn.yaml', LONG_SPIRAL());
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('steps', () => run.step > 20);
    const chosen = await vscode.commands.executeCommand<string>('trainlens.swapOptimizer', doc.uri, 'sgd');
    assert.equal(chosen, 'sgd');
    assert.match(doc.getText(), /^optimizer: \{ type: sgd, lr: 0\.01 \} {3}# try sgd$/m);
    assert.match(doc.getText(), /init: he {10}# made for ReLU/);
    await until('the switch marker', () => run.markers.find((m) => m.kind === 'optimizer'));
    assert.equal(run.markers[0].label, 'adam → sgd');
    assert.equal(run.info.optimizer, 'sgd');
    assert.equal(run.status, 'running', 'training went on');
    assert.equal(extension().runs.get(doc.uri.toString()), run, 'the same run, same weights');
    await vscode.commands.executeCommand('undo');
    await until('the undo', () => /type: adam/.test(doc.getText()));
  });

  it('Swap Init restarts the run from new weights and keeps the previous one for the charts', async () => {
    const doc = await writeModel('swap-init.nn.yaml', LONG_SPIRAL());
    const first = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('steps', () => first.loss.steps > 20);
    await vscode.commands.executeCommand('trainlens.swapInit', doc.uri, 'xavier');
    await first.finished;
    assert.equal(first.status, 'stopped');
    const second = extension().runs.get(doc.uri.toString())!;
    assert.notEqual(second, first);
    assert.equal(second.info.init, 'xavier');
    assert.equal(second.previous?.label, 'previous (he)');
    assert.match(doc.getText(), /^init: xavier +# made for ReLU$/m);
    await until('the new run to train', () => second.loss.steps > 5);
  });

  it('pause, step, resume and stop respond at once', async () => {
    const doc = await writeModel('pause.nn.yaml', LONG_SPIRAL());
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('steps', () => run.step > 0);
    await vscode.commands.executeCommand('trainlens.pause', doc.uri);
    await until('paused', () => run.paused, 2000);
    const at = run.step;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(run.step, at, 'nothing trains while paused');
    const titles = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)).map((l) => l.command?.title);
    assert.ok(titles.includes('$(debug-continue) Resume') && titles.includes('$(debug-step-over) Step'), titles.join(' | '));
    await vscode.commands.executeCommand('trainlens.step', doc.uri);
    await until('one step', () => run.step === at + 1, 2000);
    await vscode.commands.executeCommand('trainlens.resume', doc.uri);
    await until('resumed', () => !run.paused && run.step > at + 10, 2000);
    await vscode.commands.executeCommand('trainlens.stop', doc.uri);
    await run.finished;
    assert.equal(run.status, 'stopped');
  });

  it('two model files train at once, each in its own worker, without touching each other', async () => {
    const a = await writeModel('two-a.nn.yaml', LONG_SPIRAL().replace('epochs: 1000000', 'epochs: 40'));
    const b = await writeModel('two-b.nn.yaml', LONG_SPIRAL().replace('epochs: 1000000', 'epochs: 40').replace('dense: 50', 'dense: 30') + '  seed: 7\n');
    const [ra, rb] = await Promise.all([
      vscode.commands.executeCommand<TrainingSession>('trainlens.train', a.uri),
      vscode.commands.executeCommand<TrainingSession>('trainlens.train', b.uri),
    ]);
    assert.notEqual(ra, rb);
    assert.ok(ra.running && rb.running);
    await Promise.all([ra.finished, rb.finished]);
    // Each run's losses are exactly what the engine gives for its own file alone.
    for (const [doc, run] of [[a, ra], [b, rb]] as const) {
      const t = new Trainer(parseModel(doc.getText()).spec!);
      const solo: number[] = [];
      while (!t.done) solo.push(t.trainStep().loss);
      assert.deepEqual(run.loss.values(), solo, doc.uri.path);
      assert.ok(extension().charts.has(doc.uri.toString()), `a panel of its own for ${doc.uri.path}`);
    }
  });

  it('Gradient Check runs in a worker and reports every parameter with cs231n\'s verdicts', async () => {
    const doc = await writeModel('check.nn.yaml', LONG_SPIRAL());
    const result = await vscode.commands.executeCommand<ModelCheck>('trainlens.gradcheck', doc.uri);
    assert.deepEqual(result.params.map((p) => p.name), ['layers[0].W', 'layers[0].b', 'layers[1].W', 'layers[1].b']);
    assert.ok(result.params.every((p) => p.verdict === 'good'));
    assert.ok(result.maxRelError < 1e-7);
  });

  it('layer health shows in a hover on the layer line, with a histogram', async () => {
    const doc = await writeModel('health.nn.yaml', LONG_SPIRAL());
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('statistics', () => run.latestStats);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('dense: 50'));
    const hoverText = async (): Promise<string> => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 4));
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    };
    // Polled: once in a while the first hover after the first statistics came back without them.
    const text = await until('the health hover', async () => {
      const t = await hoverText();
      return /layers\[0\] dense 50 · relu/.test(t) ? t : undefined;
    }, 5000);
    assert.match(text, /μ [-\d.e]+ σ [\d.e-]+ · dead \d+% · ‖∇W‖ [\d.e-]+ · ΔW\/W [\d.e-]+/);
    assert.match(text, /[▁▂▃▄▅▆▇█]{5,}/);
  });

  it('the statistics the panel gets match `trainlens train --json --stats-every` for the same seed', async function () {
    this.timeout(120_000);
    // The init experiment with small init, cut to 200 samples and one epoch to keep the test short.
    const text = (await readWorkspaceFile('init-experiment.nn.yaml'))
      .replace('samples: 1000', 'samples: 200').replace(/^init: xavier.*$/m, 'init: small').replace('epochs: 2', 'epochs: 1');
    const doc = await writeModel('init-small.nn.yaml', text);
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'finished', run.error ?? '');
    const ext = vscode.extensions.getExtension('trainlens.trainlens')!;
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'train', doc.uri.fsPath, '--json', '--stats-every', '1'], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const cli = new Map<number, StepStats>();
    for (const line of stdout.trim().split('\n')) {
      const m = JSON.parse(line) as { type: string } & StepStats;
      if (m.type === 'stats') cli.set(m.step, m);
    }
    assert.ok(run.stats.count >= 1);
    assert.equal(run.stats.items[0].step, 0);
    for (const p of run.stats.items) {
      const c = cli.get(p.step)!;
      assert.ok(c, `the CLI has step ${p.step}`);
      assert.deepEqual(p.layers.map((l) => l.std), c.layers.map((l) => l.std), `std at step ${p.step}`);
      assert.deepEqual(p.layers.map((l) => l.gradNorm), c.layers.map((l) => l.gradNorm), `gradNorm at step ${p.step}`);
    }
    // The weight-init experiment itself: with small init the tanh activations collapse layer by layer.
    const std = run.stats.items[0].layers.slice(0, 10).map((l) => l.std);
    assert.ok(std[9] < std[0] / 1000, std.join(', '));
  });
});
