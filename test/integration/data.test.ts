import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import { useExtension, until, workspaceFile, writeModel } from './util';

const CSV_MODEL = `data:
  csv: data/points.csv
  label: kind
  normalize: standard
layers:
  - dense: 16
    activation: relu
  - dense: 2
optimizer: adam
train: { epochs: 30, batch: 16 }
`;

function pointsCsv(rows: number, broken?: number): string {
  const lines = ['x,y,kind'];
  for (let i = 0; i < rows; i++) {
    const a = (i * 7919) % 100 / 10;
    const b = (i * 104729) % 100 / 10;
    lines.push(i === broken ? `${a},oops,${a > b ? 'above' : 'below'}` : `${a},${b},${a > b ? 'above' : 'below'}`);
  }
  return lines.join('\n') + '\n';
}

describe('Data files: diagnostics follow the disk, the worker reads them', () => {
  useExtension();

  it('a missing data file is a diagnostic on its path, cleared when the file appears', async () => {
    const doc = await writeModel('csv-model.nn.yaml', CSV_MODEL);
    const missing = await until('the missing-file diagnostic', () => vscode.languages.getDiagnostics(doc.uri).find((d) => /No such file: 'data\/points.csv'/.test(d.message)));
    assert.equal(missing.range.start.line, 1);
    assert.equal(doc.getText(missing.range), 'data/points.csv');
    await vscode.workspace.fs.writeFile(workspaceFile('data/points.csv'), Buffer.from(pointsCsv(200)));
    await until('the diagnostic to clear', () => vscode.languages.getDiagnostics(doc.uri).length === 0, 10_000);
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'finished', run.error ?? '');
    assert.equal(run.info.trainSize + run.info.validationSize, 200);
    assert.ok(run.final!.trainAcc! > 0.9, `accuracy ${run.final!.trainAcc}`);
    // Two numeric columns: a plane, drawn with the classes' own names.
    assert.deepEqual(run.info.boundary?.labelNames, ['above', 'below']);
  });

  it('a malformed row stops the run with the file, the line and the column', async () => {
    await vscode.workspace.fs.writeFile(workspaceFile('data/broken.csv'), Buffer.from(pointsCsv(50, 12)));
    const doc = await writeModel('csv-broken.nn.yaml', CSV_MODEL.replace('data/points.csv', 'data/broken.csv'));
    await until('no diagnostics', () => vscode.languages.getDiagnostics(doc.uri).length === 0);
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /data\/broken\.csv: line 14, column "y": "oops" is not a number/);
  });

  it('the bundled MNIST digits train in the worker', async function () {
    this.timeout(60_000);
    const doc = await writeModel('digits.nn.yaml', 'data: { dataset: mnist, samples: 2000 }\nlayers:\n  - dense: 64\n    activation: relu\n  - dense: 10\noptimizer: adam\ntrain: { epochs: 2, batch: 64 }\n');
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await run.finished;
    assert.equal(run.status, 'finished', run.error ?? '');
    assert.deepEqual(run.info.layers.map((l) => l.outShape), [[64], [10]]);
    assert.ok(run.final!.valAcc! > 0.7, `validation accuracy ${run.final!.valAcc}`);
  });
});
