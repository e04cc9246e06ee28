import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainLensApi } from '../../../src/extension';
import type { RunsEvent } from '../../../src/training/runs';
import { lensTitles, until, workspaceFile, writeModel } from '../util';

// Runs in restricted mode (scripts/vscode/run-tests.mjs --untrusted): the extension declares limited
// support (package.json capabilities.untrustedWorkspaces), so it activates and checks model files,
// but training, comparisons, gradient checks and exports — which read data files and run training
// code in a worker — ask for trust instead (src/editor/trust.ts).

const SPIRAL = `data: { dataset: spiral, samples: 300, classes: 3 }
layers:
  - dense: 100
    activation: relu
  - dense: 3
loss: softmax
optimizer: { type: adam, lr: 0.01 }
train: { epochs: 1000000, batch: 32 }
`;

const CSV_MODEL = (csv: string): string => `data:
  csv: ${csv}
  label: kind
layers:
  - dense: 16
    activation: relu
  - dense: 2
optimizer: adam
train: { epochs: 1000000, batch: 16 }
`;

const problems = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'TrainLens');

async function hoverText(doc: vscode.TextDocument, marker: string): Promise<string> {
  const i = doc.getText().indexOf(marker);
  assert.ok(i >= 0, `'${marker}' is in the file`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(i));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('An untrusted workspace: model files are checked, nothing trains or reads data', () => {
  let api: TrainLensApi;
  /** What the extension asked the user through showWarningMessage: the message and its buttons. */
  const warnings: Array<{ message: string; items: unknown[] }> = [];
  /** Every run, comparison variant and gradient check the extension's RunManager created. */
  const events: RunsEvent[] = [];
  const window = vscode.window as unknown as { showWarningMessage: (message: string, ...items: unknown[]) => Thenable<unknown> };
  const showWarningMessage = window.showWarningMessage;

  before(async () => {
    const ext = vscode.extensions.getExtension<TrainLensApi>('trainlens.trainlens');
    assert.ok(ext, 'the extension is installed');
    // The extension host's `vscode` object is one per extension, shared by the extension and this
    // module (both lie in its folder): what the extension shows, the test sees.
    window.showWarningMessage = (message: string, ...items: unknown[]) => {
      warnings.push({ message, items });
      return showWarningMessage.call(vscode.window, message, ...items);
    };
    // The workspace contains *.nn.yaml files (a copy of examples/): it activates on its own.
    await until('the extension to activate in the untrusted workspace', () => ext.isActive, 60_000);
    api = await ext.activate();
    api.runs.onEvent((e) => events.push(e));
  });

  after(async () => {
    window.showWarningMessage = showWarningMessage;
    api?.runs.stopAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs in restricted mode, where the extension declares limited support and is active', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is not trusted (run with --untrusted)');
    const ext = vscode.extensions.getExtension<TrainLensApi>('trainlens.trainlens')!;
    assert.equal(ext.packageJSON.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.ok(ext.isActive);
    assert.ok(api.runs && api.models, 'activate() returned its API');
  });

  it('a model file with an error gets its diagnostic on the broken line, cleared when fixed', async () => {
    const doc = await writeModel('broken.nn.yaml', 'data:\n  dataset: spiral\nlayers:\n  - dense: 3\noptimiser: adam\n');
    const [d] = await until('diagnostics', () => {
      const found = problems(doc.uri);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, 4);
    assert.equal(d.range.start.character, 0);
    assert.equal(d.range.end.character, 'optimiser'.length);
    assert.match(d.message, /Did you mean 'optimizer'/);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, d.range, 'optimizer');
    await vscode.workspace.applyEdit(edit);
    await until('the diagnostic to clear', () => problems(doc.uri).length === 0);
  });

  it('hovers and CodeLens still work', async () => {
    const doc = await writeModel('hover.nn.yaml', SPIRAL);
    const hover = await until('a hover on the layer', async () => {
      const text = await hoverText(doc, 'dense: 100');
      return /dense 100 · relu/.test(text) ? text : undefined;
    });
    assert.match(hover, /2 → 100/);
    assert.match(hover, /300 parameters/);
    assert.match(await hoverText(doc, 'adam'), /adam/i);
    const titles = await until('the CodeLens', async () => {
      const t = await lensTitles(doc.uri);
      return t.length > 0 ? t : undefined;
    });
    for (const title of ['$(play) Train', '$(split-horizontal) Compare…', '$(beaker) Gradient check']) {
      assert.ok(titles.includes(title), `${title} among ${titles.join(' | ')}`);
    }
    assert.ok(titles.some((t) => /optimizer: adam/.test(t)), titles.join(' | '));
  });

  it('a data path that leaves the workspace is still a diagnostic (relative, absolute, and through a link)', async () => {
    // A real file outside the workspace, reached three ways.
    const outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-outside-'));
    const outside = path.join(outsideDir, 'secret.csv');
    fs.writeFileSync(outside, 'x,y,kind\n1,2,a\n3,4,b\n');
    try {
      const relative = path.relative(workspaceFile('').fsPath, outside).split(path.sep).join('/');
      assert.ok(relative.startsWith('../'), relative);
      const cases: Array<[string, string, RegExp]> = [
        ['escape-relative.nn.yaml', relative, /leaves the workspace; data must stay inside it/],
        ['escape-absolute.nn.yaml', outside, /must be a path relative to the model file, not an absolute one/],
      ];
      fs.mkdirSync(workspaceFile('data').fsPath, { recursive: true });
      fs.symlinkSync(outside, workspaceFile('data/link.csv').fsPath);
      cases.push(['escape-link.nn.yaml', 'data/link.csv', /is a link that leads out of the workspace/]);
      for (const [name, written, message] of cases) {
        const doc = await writeModel(name, CSV_MODEL(written));
        const d = await until(`the diagnostic of ${name}`, () => problems(doc.uri).find((p) => message.test(p.message)));
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error, name);
        assert.equal(d.range.start.line, 1, `${name}: on the csv line`);
        assert.equal(doc.getText(d.range), written, `${name}: on the path`);
      }
    } finally {
      fs.rmSync(outsideDir, { recursive: true, force: true });
      fs.rmSync(workspaceFile('data/link.csv').fsPath, { force: true });
    }
  });

  it('Train, Compare, Gradient check, Export, Sanity Check and Find Learning Rate ask for trust and start nothing: no run, no worker, no data read', async () => {
    // A valid model on a data file inside the workspace, and the spiral: both could train if trusted.
    await vscode.workspace.fs.writeFile(workspaceFile('data/points.csv'), Buffer.from('x,y,kind\n1,2,a\n3,4,b\n5,1,a\n0,3,b\n'));
    const csv = await writeModel('points.nn.yaml', CSV_MODEL('data/points.csv'));
    const spiral = await writeModel('spiral-untrusted.nn.yaml', SPIRAL);
    for (const doc of [csv, spiral]) {
      await until(`${path.basename(doc.uri.path)} to have no problems`, () => problems(doc.uri).length === 0, 10_000);
    }
    // The hover reads no data file here: the input width a CSV's header gives (2 features) is not known.
    const layerHover = await until('a hover on the CSV model\'s first layer', async () => {
      const text = await hoverText(csv, 'dense: 16');
      return /dense/.test(text) ? text : undefined;
    });
    assert.doesNotMatch(layerHover, /\b2 → 16\b/, 'no width read from points.csv');
    const exportDir = workspaceFile('export-untrusted');
    const before = { events: events.length, warnings: warnings.length };
    const commands: Array<[string, string, unknown[]]> = [];
    for (const doc of [csv, spiral]) {
      commands.push(
        ['trainlens.train', 'Training', [doc.uri]],
        ['trainlens.compare', 'Compare', [doc.uri, { dimension: 'lr', values: [0.01, 0.001] }]],
        ['trainlens.gradcheck', 'The gradient check', [doc.uri]],
        ['trainlens.exportPyTorch', 'Export as PyTorch', [doc.uri, { folder: exportDir, weights: 'initial' }]],
        ['trainlens.sanity', 'The sanity checks', [doc.uri]],
        ['trainlens.lrFind', 'The learning-rate range test', [doc.uri]],
      );
    }
    // Invoked from the editor (no argument) as well: the CodeLens and the editor title's Run button.
    await vscode.window.showTextDocument(spiral);
    commands.push(['trainlens.train', 'Training', []]);
    for (const [i, [command, what, args]] of commands.entries()) {
      const result = await vscode.commands.executeCommand(command, ...args);
      assert.equal(result, undefined, `${command} returned nothing`);
      const asked = await until(`${command} to ask for trust`, () => warnings[before.warnings + i]);
      assert.equal(asked.message, `TrainLens: ${what} reads data files and runs training code, so it needs a trusted workspace. Model files are still checked as you type.`);
      assert.deepEqual(asked.items, ['Manage Workspace Trust'], 'the warning offers to manage trust');
    }
    assert.equal(warnings.length, before.warnings + commands.length, 'one question per command');
    // Nothing started: the RunManager created no run, variant or gradient check (each a worker
    // that would read the data), and the export wrote nothing.
    await new Promise((r) => setTimeout(r, 500)); // a late start would show in this time
    assert.deepEqual(events.slice(before.events).map((e) => e.type), []);
    assert.equal(api.runs.latest, undefined);
    for (const doc of [csv, spiral]) assert.equal(api.runs.get(doc.uri.toString()), undefined);
    assert.equal(api.runs.anyRunning, false);
    assert.deepEqual(api.runs.runningVariants(), []);
    assert.equal(api.runs.lastCheck(csv.uri.toString()), undefined);
    for (const doc of [csv, spiral]) {
      assert.equal(api.checks.sanityState(doc.uri.toString()), undefined, 'no sanity check ran');
      assert.equal(api.checks.lrFindState(doc.uri.toString()), undefined, 'no range test ran');
    }
    assert.equal(fs.existsSync(exportDir.fsPath), false, 'no export folder');
    // The panel is not opened either: it would show a run that does not exist.
    assert.equal(api.charts.isVisible(spiral.uri.toString()), false);
  });
});
