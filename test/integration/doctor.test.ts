import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import { APPLY_FIX_COMMAND, DOCTOR_SOURCE } from '../../src/editor/language/doctor-actions';
import { until, useExtension, writeModel } from './util';

const HIGH_LR = `# the spiral with a learning rate far too high for adam
data: { dataset: spiral, samples: 300, classes: 3, noise: 0.2, validation: 0.2 }
layers:
  - dense: 100
    activation: relu
  - dense: 3
loss: softmax
init: he
optimizer: { type: adam, lr: 1 }   # far too high
train:
  epochs: 30
  batch: 32
  l2: 0.001
  seed: 1
`;

const doctorProblems = (doc: vscode.TextDocument): vscode.Diagnostic[] => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DOCTOR_SOURCE);
const lrProblem = (doc: vscode.TextDocument): vscode.Diagnostic | undefined => doctorProblems(doc).find((d) => d.code === 'lr-too-high');

describe('Training doctor', () => {
  const extension = useExtension();

  it('a run with lr 1: lr-too-high as a warning on the lr: line; its quick fix divides the lr by 10, undoably; the panel\'s command makes the same edit', async () => {
    const doc = await writeModel('doctor-lr.nn.yaml', HIGH_LR);
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'finished', run.error ?? '');
    assert.ok(run.findings.some((f) => f.code === 'lr-too-high'), JSON.stringify(run.findings.map((f) => f.code)));

    const d = await until('the lr-too-high diagnostic', () => lrProblem(doc));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(doc.getText(d.range), 'lr: 1', 'on the lr: pair of the optimizer');
    assert.match(d.message, /^lr-too-high: The smoothed loss shot up to [\d.]+ at step \d+/);
    // Every finding of the run is a diagnostic; the dead ReLU layer's on its layer's line.
    assert.equal(doctorProblems(doc).length, run.findings.length);
    const dead = doctorProblems(doc).find((x) => x.code === 'dead-relu');
    if (dead) assert.equal(dead.range.start.line, doc.positionAt(doc.getText().indexOf('- dense: 100') + 2).line);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.title === 'Divide the learning rate by 10 (1 → 0.1)');
    assert.ok(fix?.edit, titles.join(' | '));
    assert.ok(fix.isPreferred);
    assert.ok(titles.includes('Divide the learning rate by 3 (1 → 0.333)'), titles.join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), HIGH_LR.replace('lr: 1 }', 'lr: 0.1 }'), 'only the lr changed, the comment kept');
    // The model is no longer the one the run trained: its findings no longer hold.
    await until('the doctor\'s diagnostics to clear', () => doctorProblems(doc).length === 0);

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), HIGH_LR, 'undone');
    await until('the diagnostics back with the run\'s model', () => lrProblem(doc));

    // The Findings tab's button: the first fix of the finding, the same edit.
    assert.equal(await vscode.commands.executeCommand<boolean>(APPLY_FIX_COMMAND, doc.uri, run.runId, 'lr-too-high', null), true);
    assert.equal(doc.getText(), HIGH_LR.replace('lr: 1 }', 'lr: 0.1 }'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), HIGH_LR);
    // A stale run id changes nothing.
    assert.equal(await vscode.commands.executeCommand<boolean>(APPLY_FIX_COMMAND, doc.uri, 'run-gone', 'lr-too-high', null), false);
    assert.equal(doc.getText(), HIGH_LR);
  });

  it('a new run of the file clears the old findings until its own come', async () => {
    const doc = await writeModel('doctor-rerun.nn.yaml', HIGH_LR);
    const first = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await first.finished;
    await until('the first run\'s diagnostics', () => lrProblem(doc));
    // Looked at as the new run is created (the doctor's listener runs first: it subscribed at activation).
    let atCreation: vscode.Diagnostic | undefined | null = null;
    const sub = extension().runs.onEvent((e) => {
      if (e.type === 'created' && e.session.info.source === doc.uri.toString()) atCreation = lrProblem(doc);
    });
    const second = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    sub.dispose();
    assert.notEqual(second.runId, first.runId);
    assert.equal(atCreation, undefined, 'cleared when the new run is created');
    await second.finished;
    await until('the second run\'s diagnostics', () => lrProblem(doc));
  });
});
