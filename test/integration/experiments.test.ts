import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { lensTitles, until, useExtension, workspaceFile, writeModel } from './util';
import { Trainer } from '../../src/engine/trainer';
import { parseModel } from '../../src/model/parse';
import { compareVariants, withSeeds } from '../../src/model/variants';
import type { Comparison } from '../../src/training/compare';
import type { TrainingSession } from '../../src/training/session';
import { requireTrust } from '../../src/editor/commands/trust';

describe('Experiments: compare, kept runs, export', () => {
  const extension = useExtension();

  it('Compare… (the file\'s compare: section) trains six optimizers from identical weights, overlaid in the panel, and keeps them', async () => {
    const uri = workspaceFile('optimizer-compare.nn.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.ok((await lensTitles(uri)).includes('$(split-horizontal) Compare…'));
    const spec = parseModel(doc.getText()).spec!;
    const short = { dimension: 'optimizer' as const, values: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] };
    // Shorter than the file's 150 epochs: same variants, same seed.
    const edited = doc.getText().replace('epochs: 150', 'epochs: 20');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), edited);
    await vscode.workspace.applyEdit(edit);
    await until('the edited spec', () => extension().models.get(doc).spec?.train.epochs === 20);

    const c = await vscode.commands.executeCommand<Comparison>('trainlens.compare', uri, short);
    assert.equal(c.concurrency, 2);
    await c.finished;
    await Promise.all(c.sessions.map((s) => s!.finished));
    assert.deepEqual(c.sessions.map((s) => s!.status), Array(6).fill('finished'));
    // Each variant trained exactly its spec from the shared seed: the engine gives the same losses.
    const variants = compareVariants({ ...spec, train: { ...spec.train, epochs: 20 } }, 'optimizer', short.values);
    c.sessions.forEach((s, i) => {
      const t = new Trainer(variants[i].spec);
      assert.deepEqual(s!.loss.values().slice(0, 5), [0, 1, 2, 3, 4].map(() => t.trainStep().loss), `${variants[i].label}: first losses`);
    });
    const overlays = extension().charts.overlays.get(uri.toString())!;
    assert.deepEqual(overlays.runs.map((r) => r.label), short.values);
    await until('the panel to draw all six', () => c.sessions.every((s) => (extension().charts.rendered.get(s!.runId) ?? 0) > 50));
    // Kept: six runs of this file in the Runs view.
    const kept = (await extension().store.list()).filter((r) => c.sessions.some((s) => s!.runId === r.runId));
    assert.equal(kept.length, 6);
    assert.ok(kept.every((r) => r.status === 'finished' && r.final !== null));
  });

  it('Compare… over the file\'s seeds: 3 trains each variant three times (one data split), kept, drawn as mean and band', async () => {
    const text = [
      'data: { dataset: spiral, samples: 300, classes: 3, noise: 0.2, validation: 0.2 }',
      'layers:', '  - dense: 50', '    activation: relu', '  - dense: 3',
      'loss: softmax', 'optimizer: { type: sgd, lr: 0.05 }', 'train: { epochs: 10, batch: 32, l2: 0.001, seed: 4 }',
      'compare: { optimizer: [sgd, adam], seeds: 3 }', '',
    ].join('\n');
    const doc = await writeModel('seeds-compare.nn.yaml', text);
    const spec = parseModel(text).spec!;
    assert.equal(spec.compare?.seeds, 3);
    // The file's seeds: no QuickPick when a choice names the dimension and values.
    const c = await vscode.commands.executeCommand<Comparison>('trainlens.compare', doc.uri, { dimension: 'optimizer', values: ['sgd', 'adam'] });
    await c.finished;
    await Promise.all(c.sessions.map((s) => s!.finished));
    const plan = withSeeds(compareVariants(spec, 'optimizer', ['sgd', 'adam']), 3);
    assert.equal(c.seeds, 3);
    assert.deepEqual(c.sessions.map((s) => [s!.status, s!.info.variant!.group, s!.info.variant!.seed]), [
      ['finished', 'sgd', 4], ['finished', 'sgd', 5], ['finished', 'sgd', 6], ['finished', 'adam', 4], ['finished', 'adam', 5], ['finished', 'adam', 6],
    ]);
    c.sessions.forEach((s, i) => {
      assert.deepEqual(s!.info.validationSize, 60);
      const t = new Trainer(plan[i].spec);
      assert.deepEqual(s!.loss.values().slice(0, 5), [0, 1, 2, 3, 4].map(() => t.trainStep().loss), `${plan[i].label}: first losses`);
    });
    const overlays = extension().charts.overlays.get(doc.uri.toString())!;
    assert.equal(overlays.seeds, 3);
    assert.deepEqual(overlays.runs.map((r) => `${r.group}/${r.seed}`), ['sgd/4', 'sgd/5', 'sgd/6', 'adam/4', 'adam/5', 'adam/6']);
    await until('the panel to draw all six', () => c.sessions.every((s) => (extension().charts.rendered.get(s!.runId) ?? 0) > 50));
    const kept = (await extension().store.list()).filter((r) => c.sessions.some((s) => s!.runId === r.runId));
    assert.equal(kept.length, 6);
    assert.ok(kept.every((r) => r.status === 'finished' && r.final !== null && r.spec.data.seed === 4));
  });

  it('Run again with the same seed gives the same losses; Export as PyTorch writes the script, weights and data', async () => {
    const uri = workspaceFile('spiral.nn.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const first = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', uri);
    await first.finished;
    const stored = (await extension().store.read(first.runId))!;
    await vscode.commands.executeCommand('trainlens.runs.rerun', { kind: 'run', run: stored });
    const again = extension().runs.get(uri.toString())!;
    assert.notEqual(again.runId, first.runId);
    await again.finished;
    assert.deepEqual(again.loss.values(), first.loss.values());

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-export-'));
    const dir = path.join(root, 'export');
    // A link of an export's name in the folder is replaced by the file, not followed out of it.
    const outside = path.join(root, 'outside.py');
    fs.mkdirSync(dir);
    fs.writeFileSync(outside, 'outside');
    fs.symlinkSync(outside, path.join(dir, 'spiral.py'));
    const paths = await vscode.commands.executeCommand<string[]>('trainlens.exportPyTorch', uri, { folder: vscode.Uri.file(dir), weights: 'trained' });
    assert.deepEqual(paths.map((p) => path.basename(p)).sort(), ['spiral.data.npz', 'spiral.py', 'spiral.weights.npz']);
    assert.deepEqual(paths.map((p) => path.dirname(p)), [dir, dir, dir]);
    assert.match(fs.readFileSync(path.join(dir, 'spiral.py'), 'utf8'), /nn\.Sequential/);
    assert.equal(fs.lstatSync(path.join(dir, 'spiral.py')).isSymbolicLink(), false, 'the link is replaced');
    assert.equal(fs.readFileSync(outside, 'utf8'), 'outside', 'its target is untouched');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('in an untrusted workspace the trust gate refuses (and says why); the manifest declares limited support', () => {
    assert.equal(requireTrust('Training', false), false);
    assert.equal(requireTrust('Training', true), true);
    const manifest = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension('trainlens.trainlens')!.extensionPath, 'package.json'), 'utf8'));
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
