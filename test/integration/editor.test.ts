import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainLensApi } from '../../src/extension';
import { OPTIMIZERS } from '../../src/model/spec';
import { suggestions, yamlContext } from '../../src/editor/language/completion';
import { ModelQuickFixProvider } from '../../src/editor/language/quickfix';
import { activateExtension, readWorkspaceFile, until, workspaceFile, writeModel } from './util';

const SPIRAL = `# a spiral
data: { dataset: spiral, samples: 300, classes: 3 }
layers:
  - dense: 100
    activation: relu
  - dense: 3
loss: softmax
init: he
optimizer: { type: adam, lr: 0.01 }
train:
  epochs: 5
`;

/** The position just after the first occurrence of `marker` (or at its start). */
function at(doc: vscode.TextDocument, marker: string, after = false): vscode.Position {
  const i = doc.getText().indexOf(marker);
  assert.ok(i >= 0, `'${marker}' is in the file`);
  return doc.positionAt(after ? i + marker.length : i);
}

async function hoverText(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function completionLabels(doc: vscode.TextDocument, pos: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

const problems = (doc: vscode.TextDocument): vscode.Diagnostic[] => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrainLens');

async function quickFixes(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return actions.filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined);
}

/** Applies the quick fix whose title matches, and waits for the diagnostics to be recomputed. */
async function applyFix(doc: vscode.TextDocument, message: RegExp, title: RegExp): Promise<void> {
  const d = await until(`a diagnostic ${message}`, () => problems(doc).find((p) => message.test(p.message)));
  const fixes = await quickFixes(doc, d);
  const fix = fixes.find((f) => title.test(f.title));
  assert.ok(fix, `a fix ${title} among: ${fixes.map((f) => f.title).join(' | ')}`);
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!));
  await until(`the diagnostic ${message} to go`, () => !problems(doc).some((p) => message.test(p.message)));
}

describe('Editor: hover, completion, quick fixes, templates', () => {
  let api: TrainLensApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hover on a layer line: shapes, parameters and FLOPs per sample', async () => {
    const doc = await writeModel('hover-layer.nn.yaml', SPIRAL);
    const first = await hoverText(doc, at(doc, 'dense: 100'));
    assert.match(first, /dense 100 · relu/);
    assert.match(first, /2 → 100/);
    assert.match(first, /300 parameters/);
    assert.match(first, /400 FLOPs\/sample/, 'FLOPs = 2 × (2·100) multiply-adds');
    assert.match(first, /fully-connected/);
    assert.match(first, /W: 200 · b: 100/);
    const second = await hoverText(doc, at(doc, 'dense: 3'));
    assert.match(second, /100 → 3, 303 parameters, 600 FLOPs\/sample/);
  });

  it('hover on layers: and on the first line: the model totals', async () => {
    const doc = await writeModel('hover-totals.nn.yaml', SPIRAL);
    for (const pos of [at(doc, 'layers'), new vscode.Position(0, 3)]) {
      const text = await hoverText(doc, pos);
      assert.match(text, /603 parameters \(2\.36 KiB in float32\)/);
      assert.match(text, /1k FLOPs per sample forward \(1,000;/);
      assert.match(text, /input 2 \(spiral\)/);
    }
  });

  it('hover on keys and values: what they mean, in cs231n\'s words', async () => {
    const doc = await writeModel('hover-docs.nn.yaml', SPIRAL);
    assert.match(await hoverText(doc, at(doc, 'adam')), /momentum \+ RMSProp/);
    assert.match(await hoverText(doc, at(doc, 'relu')), /max\(0, x\)/);
    assert.match(await hoverText(doc, at(doc, 'he\n')), /√\(2\/fan_in\)/);
    assert.match(await hoverText(doc, at(doc, 'softmax')), /cross-entropy/);
    assert.match(await hoverText(doc, at(doc, 'optimizer')), /update rule/);
    assert.match(await hoverText(doc, at(doc, 'epochs')), /Passes over the training set/);
  });

  it('hover works on a file with errors: the layers that can be read are sized', async () => {
    const doc = await writeModel('hover-broken.nn.yaml', SPIRAL.replace('  - dense: 3\n', '  - dense: 3\n  - desne: 4\n').replace('loss:', 'los:'));
    await until('the errors', () => problems(doc).length >= 2);
    assert.match(await hoverText(doc, at(doc, 'dense: 3')), /100 → 3, 303 parameters/);
    assert.match(await hoverText(doc, at(doc, 'desne')), /cannot be read yet/);
  });

  it('completion after "optimizer: " offers the seven rules, with their notes', async () => {
    const doc = await writeModel('complete-opt.nn.yaml', `${SPIRAL.replace(/optimizer: .*\n/, '')}optimizer: `);
    const labels = await completionLabels(doc, doc.positionAt(doc.getText().length));
    for (const o of OPTIMIZERS) assert.ok(labels.includes(o), `${o} offered (got ${labels.join(', ')})`);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(doc.getText().length));
    const adam = list.items.find((i) => i.label === 'adam');
    const docText = adam?.documentation instanceof vscode.MarkdownString ? adam.documentation.value : String(adam?.documentation);
    assert.match(docText, /bias correction/);
  });

  it('completion offers layer kinds after "- " in layers, and activations after "activation: "', async () => {
    const doc = await writeModel('complete-layers.nn.yaml', SPIRAL.replace('  - dense: 3\n', '  - dense: 3\n  - \n'));
    const labels = await completionLabels(doc, at(doc, '  - \n', false).translate(0, 4));
    for (const k of ['dense', 'conv', 'pool', 'flatten', 'dropout', 'batchnorm', 'maxout', 'activation']) assert.ok(labels.includes(k), `${k} offered`);
    const doc2 = await writeModel('complete-act.nn.yaml', SPIRAL.replace('activation: relu', 'activation: '));
    const acts = await completionLabels(doc2, at(doc2, 'activation: ', true));
    for (const a of ['relu', 'tanh', 'sigmoid', 'leaky_relu', 'elu', 'gelu', 'linear']) assert.ok(acts.includes(a), `${a} offered`);
  });

  it('the completion context is read from indentation and parent keys, even in broken text', () => {
    const cases: [string, string[], string][] = [
      ['optimizer:\n  type: |', ['optimizer'], 'sgd'],
      ['optimizer: { type: adam, | }', ['optimizer'], 'beta1'],
      ['layers:\n  - dense: 100\n    |', ['layers', '-'], 'activation'],
      ['layers:\n  - conv: { filters: 3, |', ['layers', '-', 'conv'], 'stride'],
      ['layers:\n  - { dense: 500, activation: |', ['layers', '-'], 'tanh'],
      ['data:\n  dataset: |\nlayers: [', ['data'], 'mnist'],
      ['data:\n  csv: a.csv\n  |', ['data'], 'normalize'],
      ['train:\n  epochs: 3\n  schedule:\n    type: step\n    |', ['train', 'schedule'], 'every'],
      ['data: {dataset: spiral}\n|\nlayers:\n  - dense: 3', [], 'loss'],
    ];
    for (const [marked, path, offered] of cases) {
      const ctx = yamlContext(marked.replace('|', ''), marked.indexOf('|'));
      assert.ok(ctx, marked);
      assert.deepEqual(ctx.path, path, marked);
      assert.ok(suggestions(ctx).some((s) => s.label === offered), `${offered} offered at ${JSON.stringify(marked)}`);
    }
    assert.equal(yamlContext('loss: x # a comm', 16), undefined, 'nothing in comments');
  });

  it('quick fix: a misspelt key becomes the suggested one and the problem goes', async () => {
    const doc = await writeModel('fix-key.nn.yaml', SPIRAL.replace('optimizer:', 'optimizr:'));
    const d = await until('the diagnostic', () => problems(doc)[0]);
    const [action] = new ModelQuickFixProvider().provideCodeActions(doc, d.range, { diagnostics: [d], only: undefined, triggerKind: vscode.CodeActionTriggerKind.Invoke });
    assert.equal(action.diagnostics?.[0], d, 'the fix names the diagnostic it fixes');
    assert.ok(action.isPreferred, 'the one fix is preferred (Ctrl+. Enter, or "Auto Fix")');
    const edits = action.edit!.get(doc.uri);
    assert.equal(edits.length, 1);
    assert.equal(doc.getText(edits[0].range), 'optimizr', 'the edit spans the misspelt word only');
    await applyFix(doc, /Unknown key 'optimizr'/, /Change 'optimizr' to 'optimizer'/);
    assert.match(doc.getText(), /^optimizer: \{ type: adam, lr: 0\.01 \}$/m);
    await until('no problems', () => problems(doc).length === 0);
  });

  it('quick fix: a conv whose output is not whole gets the pad that fits', async () => {
    const doc = await writeModel('fix-conv.nn.yaml', `data: { dataset: mnist, samples: 100 }
layers:
  - conv: { filters: 4, size: 3, stride: 3 }
    activation: relu
  - dense: 10
`);
    await applyFix(doc, /conv output 9\.33×9\.33 is not whole/, /Set pad to 1 \(output 10×10\)/);
    assert.match(doc.getText(), /conv: \{ filters: 4, size: 3, stride: 3, pad: 1 \}/);
    await until('no problems', () => problems(doc).length === 0);
  });

  it('quick fixes: the class count, mse on labels, a pool that does not tile', async () => {
    const doc = await writeModel('fix-misc.nn.yaml', `data: { dataset: mnist, samples: 100 }
layers:
  - conv: { filters: 4, size: 3, pad: 1 }
  - pool: 2
  - pool: 2
  - pool: 2
loss: mse
`);
    await applyFix(doc, /'mse' compares outputs/, /Use 'softmax'/);
    await applyFix(doc, /pool output 3\.5×3\.5 is not whole/, /pool size to 3, stride 2/);
    await applyFix(doc, /The model ends with 4×3×3 = 36 outputs/, /Add 'dense: 10'/);
    await until('no problems', () => problems(doc).length === 0);
    assert.match(doc.getText(), /- pool: \{ size: 3, stride: 2 \}\n {2}- dense: 10\n/);
  });

  it('quick fix: softmax on numeric targets becomes mse', async () => {
    const doc = await writeModel('fix-regression.nn.yaml', `data: { dataset: sine, samples: 100 }
layers:
  - dense: 20
    activation: tanh
  - dense: 1
loss: softmax
`);
    await applyFix(doc, /'softmax' needs class labels, but 'sine' has numeric targets/, /Use 'mse'/);
    await until('no problems', () => problems(doc).length === 0);
    assert.match(doc.getText(), /^loss: mse$/m);
  });

  it('New Model File with a template argument writes a model with no problems, and its data', async () => {
    const target = workspaceFile('from-template/spiral.nn.yaml');
    const written = await vscode.commands.executeCommand<vscode.Uri>('trainlens.newModel', 'spiral-mlp', target);
    assert.equal(written?.toString(), target.toString());
    const doc = await until('the new file open', () => vscode.window.activeTextEditor?.document.uri.toString() === target.toString() && vscode.window.activeTextEditor.document);
    assert.deepEqual(api.models.get(doc).diagnostics, []);
    assert.ok(api.models.get(doc).spec);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(problems(doc).map((d) => d.message), []);

    const csv = workspaceFile('from-template/flowers-model.nn.yaml');
    await vscode.commands.executeCommand('trainlens.newModel', 'csv-classification', csv);
    assert.match(await readWorkspaceFile('from-template/flowers.csv'), /^sepal_length,sepal_width,petal_length,petal_width,species\n/);
    const csvDoc = await vscode.workspace.openTextDocument(csv);
    api.models.forget(csvDoc);
    assert.deepEqual(api.models.get(csvDoc).diagnostics, [], 'the data path resolves beside the model');
    await vscode.window.showTextDocument(csvDoc);
    assert.match(await hoverText(csvDoc, at(csvDoc, 'dense: 16')), /4 → 16, 80 parameters/, 'the input width comes from the CSV header');
  });

  it('every template parses with no problems in the editor', async () => {
    for (const id of ['spiral-mlp', 'mnist-mlp', 'mnist-cnn', 'init-experiment', 'optimizer-comparison', 'csv-classification', 'regression-sine', 'csv-regression']) {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('trainlens.newModel', id, workspaceFile(`all-templates/${id}.nn.yaml`));
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.deepEqual(api.models.get(doc).diagnostics.map((d) => d.message), [], id);
    }
  });
});
