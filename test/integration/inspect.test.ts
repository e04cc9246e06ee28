import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../src/training/session';
import type { InspectState } from '../../src/training/protocol';
import { Trainer } from '../../src/engine/trainer';
import { inspectSample } from '../../src/engine/inspect';
import { parseModel } from '../../src/model/parse';
import { lensTitles, until, useExtension, writeModel } from './util';

const SPIRAL = (epochs: number): string => `# a spiral to inspect
data: { dataset: spiral, samples: 300, classes: 3, validation: 0.2 }
layers:
  - dense: 20
    activation: relu
  - dense: 3
loss: softmax
optimizer: { type: adam, lr: 0.01 }
train:
  epochs: ${epochs}
  batch: 32
`;

const XOR = `# 2-2-2 on xor: small enough to draw as a circuit
data: { dataset: xor, samples: 200 }
layers:
  - dense: 2
    activation: tanh
  - dense: 2
loss: softmax
train: { epochs: 3, batch: 20 }
`;

const CIRCUIT = `# the backprop lesson's circuit
circuit: "(x + y) * z"
inputs: { x: -2, y: 5, z: -4 }
`;

describe('Inspect Sample and circuits', () => {
  const extension = useExtension();
  const state = (doc: vscode.TextDocument): InspectState | undefined => extension().inspector.current(doc.uri.toString());

  it('Inspect Sample… with no run: the initial weights, computed in a worker exactly as the engine does, shown in the panel', async () => {
    const doc = await writeModel('inspect-initial.nn.yaml', SPIRAL(2));
    await vscode.commands.executeCommand('trainlens.inspect', doc.uri, 'val', 3);
    const done = await until('the result', () => (state(doc)?.state === 'done' ? state(doc) : undefined));
    assert.ok(extension().charts.has(doc.uri.toString()), 'the panel opens');
    const r = done.result!;
    assert.equal(r.sample, 3);
    assert.equal(r.split, 'val');
    assert.equal(r.weights, 'initial');
    assert.equal(done.live, false);
    const spec = parseModel(doc.getText()).spec!;
    const trainer = new Trainer(spec);
    const want = inspectSample(spec, trainer.network, trainer.validationSet, { split: 'val', sample: 3 }, { origin: 'initial', step: 0 });
    assert.deepEqual(r.scores, want.scores, 'the worker\'s numbers are the engine\'s');
    assert.equal(r.loss, want.loss);
    assert.deepEqual(r.dinput, want.dinput);
    assert.equal(r.layers.length, want.layers.length);
  });

  it('a sample out of range fails with the set\'s size; the run goes on', async () => {
    const doc = await writeModel('inspect-range.nn.yaml', SPIRAL(1000));
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('the run to know its sizes', () => run.info.validationSize > 0);
    const s = await vscode.commands.executeCommand<InspectState>('trainlens.inspect', doc.uri, 'val', 60);
    assert.equal(s.state, 'failed');
    assert.match(s.error ?? '', /out of range: the validation set has 60 samples \(0–59\)/);
    assert.equal(run.status, 'running');
    run.stop();
    await run.finished;
  });

  it('while a run trains the sample is followed live; when it stops, the final weights are inspected once more', async () => {
    // Trains until stopped: a run that ended before a second live result would leave nothing to follow.
    const doc = await writeModel('inspect-live.nn.yaml', SPIRAL(1_000_000));
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', doc.uri);
    await until('steps', () => run.step > 5);
    const s = await vscode.commands.executeCommand<InspectState>('trainlens.inspect', doc.uri, 'train', 7);
    assert.equal(s.live, true);
    const first = await until('a live result', () => (state(doc)?.result?.weights === 'live' ? state(doc)!.result! : undefined));
    const later = await until('a later live result', () => {
      const r = state(doc)?.result;
      return r && r.weights === 'live' && r.step > first.step ? r : undefined;
    });
    assert.ok(later.step > first.step);
    assert.equal(later.sample, 7);
    run.stop();
    await run.finished;
    const final = await until('the final weights', () => (state(doc)?.result?.weights === 'final' && state(doc)?.state === 'done' ? state(doc)!.result! : undefined));
    assert.equal(final.step, run.step, 'inspected at the step the run ended on');
    assert.equal(state(doc)?.live, false);
  });

  it('Show as Circuit on 2-2-2 xor: the network as gates whose values are the inspected ones', async () => {
    const doc = await writeModel('inspect-xor.nn.yaml', XOR);
    await vscode.commands.executeCommand('trainlens.showAsCircuit', doc.uri);
    const done = await until('the result', () => (state(doc)?.state === 'done' ? state(doc) : undefined));
    const c = done.result!.circuit;
    assert.ok(c, 'a circuit for a network of 12 weights');
    assert.equal(c.source, 'network');
    assert.equal(c.value, done.result!.loss, 'the circuit ends in the sample\'s loss');
    assert.equal(c.nodes.filter((n) => n.op === 'wsum').length, 4, 'one weighted sum per neuron');
  });

  it('a circuit file: CodeLens with f and its gradients, Train shows the circuit, and a typo is a diagnostic on its character', async () => {
    const doc = await writeModel('inspect-circuit.nn.yaml', CIRCUIT);
    const titles = await until('the circuit lenses', async () => {
      const t = await lensTitles(doc.uri);
      return t.some((x) => x.startsWith('f = ')) ? t : undefined;
    });
    assert.ok(titles.includes('f = −12 · ∂f/∂x = −4 · ∂f/∂y = −4 · ∂f/∂z = 3'), titles.join(' | '));
    assert.ok(titles.some((t) => /Show Circuit/.test(t)));
    assert.ok(!titles.some((t) => /Train/.test(t)), 'no training lenses over a circuit');
    assert.equal(await vscode.commands.executeCommand('trainlens.train', doc.uri), undefined, 'nothing trains');
    await until('the circuit panel', () => extension().circuits.has(doc.uri));
    assert.ok(!extension().charts.has(doc.uri.toString()), 'no chart panel for a circuit');
    const plus = doc.getText().indexOf('+');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(plus));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /forward 3, gradient ∂f\/∂n1 = −4/, 'hovering + gives its value and gradient');
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('* z');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 1)), '*)'));
    const problems = await until('the diagnostic', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      return d.length > 0 ? d : undefined;
    });
    assert.equal(doc.offsetAt(problems[0].range.start), at + 1, 'at the stray parenthesis');
  });
});
