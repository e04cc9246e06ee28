import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { lensTitles, until, useExtension, writeModel } from './util';
import { parseModel } from '../../src/model/parse';
import type { Tune } from '../../src/training/tune';
import { applyTrial, sampleTrial, usedParams } from '../../src/training/tune-sample';
import { bestTrial } from '../../src/training/tune-rule';
import { canonical } from '../../src/editor/commands/tune-apply';
import type { TuneChoice } from '../../src/editor/commands/tune';

const MODEL = `# a small spiral to tune
data: { dataset: spiral, samples: 300, classes: 3, noise: 0.2, validation: 0.2 }
layers:
  - dense: 50        # hidden
    activation: relu
  - dense: 3
loss: softmax
optimizer: { type: adam, lr: 0.01 }
train:
  epochs: 100
  batch: 32
  l2: 0.001          # on the weights
  seed: 1
`;
const SECTION = 'tune:\n  trials: 6\n  epochs: 2\n  lr: { log: [1.0e-4, 1] }\n  l2: { log: [1.0e-5, 1.0e-1] }\n';

describe('Tune…', () => {
  const extension = useExtension();

  it('runs the file\'s tune: section as kept runs, and Apply best writes the best trial as one undoable edit', async () => {
    const doc = await writeModel('tune-it.nn.yaml', MODEL + SECTION);
    const uri = doc.uri;
    await until('the spec with its tune: section', () => extension().models.get(doc).spec?.tune);
    assert.ok((await lensTitles(uri)).includes('$(settings) Tune…'));
    const spec = parseModel(doc.getText()).spec!;

    const tune = await vscode.commands.executeCommand<Tune>('trainlens.tune', uri);
    await tune.finished;
    await Promise.all(tune.trials.flatMap((_, i) => tune.sessions(i).map((s) => s?.finished)));
    assert.equal(tune.state, 'finished');
    assert.equal(tune.trials.length, 6);
    tune.trials.forEach((t, i) => {
      // Each trial trained the values drawn from the file's seed and its index, for its 2 epochs at most.
      assert.deepEqual(t.params, usedParams(spec, sampleTrial(spec.tune!, spec.train.seed, i)));
      assert.ok(['done', 'stopped', 'diverged'].includes(t.status), t.status);
      const s = tune.sessions(i)[0]!;
      if (t.status === 'done') {
        assert.equal(t.epochs, 2);
        // The table's figure is the run's own last epoch.
        assert.equal(t.valAcc, s.epochs.items.at(-1)!.valAcc);
        assert.equal(t.valLoss, s.epochs.items.at(-1)!.valLoss);
      }
    });
    // Kept as runs, like Compare's variants.
    const kept = (await extension().store.list()).filter((r) => tune.trials.some((t) => t.runIds?.includes(r.runId)));
    assert.equal(kept.length, 6);
    assert.ok(kept.every((r) => r.info?.variant?.dimension === 'tune' && r.info.variant.comparison === tune.id));
    // The Runs view names each by its trial.
    for (const r of kept) {
      const trial = tune.trials.find((t) => t.runIds?.includes(r.runId))!;
      assert.match(String(extension().runsTree.getTreeItem({ kind: 'run', run: r }).label), new RegExp(`^trial ${trial.index} · `));
    }

    const best = bestTrial(tune.trials)!;
    assert.ok(best);
    const before = doc.getText();
    await vscode.window.showTextDocument(doc);
    assert.equal(await vscode.commands.executeCommand<boolean>('trainlens.tuneApplyBest', uri), true);
    const after = parseModel(doc.getText()).spec!;
    assert.equal(after.optimizer.lr, best.params.lr);
    assert.equal(after.train.l2, best.params.l2);
    // The file now trains exactly the best trial's model (its own epochs and tune: section kept).
    assert.equal(canonical(after), canonical(applyTrial(spec, best.params)));
    assert.ok(doc.getText().includes('# on the weights') && doc.getText().includes('# hidden'));
    // One edit: one undo restores the file.
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
  });

  it('on a file without tune: writes the picked section (undoable) and Stop cancels the search', async () => {
    const doc = await writeModel('tune-pick.nn.yaml', MODEL);
    await until('the spec', () => extension().models.get(doc).spec);
    const spec = parseModel(doc.getText()).spec!;
    const choice: TuneChoice = {
      tune: { trials: 40, epochs: 50, seeds: 2, ranges: { lr: { kind: 'log', min: 1e-4, max: 1e-1 }, l2: { kind: 'log', min: 1e-5, max: 1e-1 } } },
      write: true,
    };
    const tune = await vscode.commands.executeCommand<Tune>('trainlens.tune', doc.uri, choice);
    assert.deepEqual(parseModel(doc.getText()).spec!.tune, choice.tune);
    assert.equal(canonical({ ...parseModel(doc.getText()).spec!, tune: undefined }), canonical(spec));
    assert.equal(tune.search.seeds, 2);
    await until('a trial to start', () => tune.trials.some((t) => t.status === 'running'));
    assert.equal(await vscode.commands.executeCommand<boolean>('trainlens.tuneStop', doc.uri), true);
    await tune.finished;
    assert.equal(tune.state, 'cancelled');
    assert.ok(tune.trials.some((t) => t.status === 'pending'), 'trials not started stay pending');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), MODEL);
  });
});
