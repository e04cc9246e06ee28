import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runSanity } from '../../src/engine/sanity';
import { lrFind } from '../../src/training/lr-find';
import { parseModel } from '../../src/model/parse';
import type { LrFindState, SanityState } from '../../src/training/protocol';
import { SANITY_SOURCE } from '../../src/editor/views/check-marks';
import { lensTitles, until, useExtension, writeModel } from './util';

const BAD_SPIRAL = `# a spiral whose init is far too large, with a learning rate that is too high
data: { dataset: spiral, samples: 300, classes: 3 }
layers:
  - dense: 50
    activation: relu
  - dense: 3
loss: softmax
init: { type: normal, std: 3 }   # far too large
optimizer: { type: adam, lr: 0.05 }   # high
train:
  epochs: 10
  batch: 32
  l2: 0.001
`;

const lineOf = (doc: vscode.TextDocument, needle: string): number => doc.positionAt(doc.getText().indexOf(needle)).line;
const sanityProblems = (doc: vscode.TextDocument): vscode.Diagnostic[] => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SANITY_SOURCE);

describe('Sanity Check and Find Learning Rate', () => {
  const extension = useExtension();

  it('Sanity Check: the engine\'s verdicts, each failed check a warning on its line, "Sanity: 3/5 passed" over the model; an edit clears them', async () => {
    const doc = await writeModel('checks-sanity.nn.yaml', BAD_SPIRAL);
    const state = await vscode.commands.executeCommand<SanityState>('trainlens.sanity', doc.uri);
    assert.equal(state?.state, 'done');
    const want = runSanity(parseModel(BAD_SPIRAL).spec!);
    assert.deepEqual(state.report!.checks.map((c) => [c.name, c.pass, c.measured]), want.checks.map((c) => [c.name, c.pass, c.measured]), 'the worker\'s figures are the engine\'s');
    assert.deepEqual(want.checks.filter((c) => !c.pass).map((c) => c.name), ['initial-loss', 'update-ratio'], 'this file fails these two');

    const problems = await until('the sanity diagnostics', () => (sanityProblems(doc).length === 2 ? sanityProblems(doc) : undefined));
    const byCheck = new Map(problems.map((d) => [String(d.code), d]));
    assert.equal(byCheck.get('initial-loss')?.range.start.line, lineOf(doc, 'init:'), 'a too-large init: on the init: line');
    assert.equal(byCheck.get('update-ratio')?.range.start.line, lineOf(doc, 'optimizer:'), 'a too-high lr: on the lr: line');
    assert.equal(doc.getText(byCheck.get('update-ratio')!.range), 'lr: 0.05');
    for (const d of problems) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, new RegExp(`^${String(d.code)}: `));
    }
    assert.match(byCheck.get('initial-loss')!.message, /init scale is too large/);

    await until('the Sanity lens', async () => (await lensTitles(doc.uri)).some((t) => /^\$\(warning\) Sanity: 3\/5 passed$/.test(t)));
    await vscode.commands.executeCommand('trainlens.showChecks', doc.uri);
    assert.ok(extension().charts.has(doc.uri.toString()), 'the lens opens the panel');

    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
    await until('the diagnostics to clear', () => sanityProblems(doc).length === 0);
    assert.ok(!(await lensTitles(doc.uri)).some((t) => /Sanity:/.test(t)), 'the lens goes with them');
  });

  it('Find Learning Rate: the engine\'s range test; "Use lr" over lr: (CodeLens and quick fix) writes the suggestion as one undoable edit', async () => {
    const doc = await writeModel('checks-lr.nn.yaml', BAD_SPIRAL);
    const before = doc.getText();
    const state = await vscode.commands.executeCommand<LrFindState>('trainlens.lrFind', doc.uri);
    assert.equal(state?.state, 'done');
    const want = lrFind(parseModel(BAD_SPIRAL).spec!);
    assert.deepEqual(state.result, want, 'the worker\'s test is the engine\'s');
    assert.equal(state.lr, 0.05);
    const lr = Number(want.suggestion!.lr.toPrecision(2));
    const lens = await until('the Use lr lens', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return lenses.find((l) => l.command?.title === `$(lightbulb) Use lr ${lr} (range test)`);
    });
    assert.equal(lens.range.start.line, lineOf(doc, 'lr: 0.05'), 'over the lr: line');
    // The same as a quick fix on the lr: line.
    const line = lineOf(doc, 'lr: 0.05');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(line, 0, line, 0));
    const fix = actions.find((a) => a.title === `Use lr ${lr} (range test)`);
    assert.ok(fix, `a quick fix on the lr: line (got ${actions.map((a) => a.title).join(', ')})`);
    assert.deepEqual(fix.edit!.get(doc.uri).map((e) => e.newText), [String(lr)]);

    // What the panel's "Use this lr" runs: the command on the file, which takes the last suggestion.
    assert.equal(await vscode.commands.executeCommand<boolean>('trainlens.useLr', doc.uri), true);
    assert.equal(doc.getText(), before.replace('lr: 0.05', `lr: ${lr}`), 'only the lr changed, comments kept');
    assert.equal(extension().models.get(doc).spec?.optimizer.lr, lr);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await until('the undo', () => doc.getText() === before);
  });

  it('bad input: a file with problems is refused with its first problem; a missing data file fails with the loader\'s message', async () => {
    const broken = await writeModel('checks-broken.nn.yaml', BAD_SPIRAL.replace('loss: softmax', 'loss: softmx'));
    await until('the parse error', () => vscode.languages.getDiagnostics(broken.uri).length > 0);
    assert.equal(await vscode.commands.executeCommand('trainlens.sanity', broken.uri), undefined);
    const missing = await writeModel('checks-missing.nn.yaml', 'data:\n  csv: nowhere.csv\n  label: y\nlayers:\n  - dense: 2\n');
    const spec = parseModel(missing.getText()).spec!;
    await assert.rejects(extension().checks.lrFind(missing.uri.toString(), spec, null), /range test failed/);
    assert.equal(extension().checks.lrFindState(missing.uri.toString())?.state, 'failed');
  });
});
