import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModel } from '../../../src/model/parse';
import { isSurfaceSpec } from '../../../src/model/spec';
import { ProgressBar } from '../../../src/cli/progress';
import { barFields, trainSurfaceCommand } from '../../../src/cli/surface';
import { enginePath } from './loop-oracle';

/** A terminal `columns` wide that keeps what is written to it. */
function tty(columns = 200): NodeJS.WriteStream & { text: string[] } {
  const text: string[] = [];
  return { isTTY: true, columns, text, write: (s: string) => text.push(s) > 0 } as unknown as NodeJS.WriteStream & { text: string[] };
}

test('progress bar: the label, bar and percentage, then the fields given, empty ones left out, cut to the terminal', () => {
  const out = tty();
  const bar = new ProgressBar(out, 'f.nn.yaml');
  bar.draw(120, 300, ['step 120/300', '', 'f = 0.01234']);
  assert.equal(out.text[0], `\rf.nn.yaml ${'█'.repeat(10)}${'░'.repeat(14)}  40%  step 120/300  f = 0.01234`);
  const narrow = tty(20);
  new ProgressBar(narrow, 'f.nn.yaml').draw(1, 2, ['step 1/2']);
  assert.equal(narrow.text[0].length, 1 + 19);
  // The network's line is drawn by the same bar.
  const net = tty();
  new ProgressBar(net, 'n').update(5, 10, 1, 2, 0.5, 0.9, 1234);
  assert.equal(net.text[0], `\rn ${'█'.repeat(12)}${'░'.repeat(12)}  50%  epoch 1/2  loss 0.5000  acc 90.0%  1,234 samples/s`);
});

test('train on a surface file at a TTY: the bar reads step k/n, f and ‖∇f‖ of the run\'s newest point, no epochs or samples', () => {
  const spec = parseModel('surface: rosenbrock\nstart: [-1.5, 2]\noptimizer: { type: adam, lr: 0.02 }\ntrain: { steps: 300, noise: 0, seed: 1 }\n').spec;
  assert.ok(spec && isSurfaceSpec(spec));
  const out = tty();
  const err = tty();
  assert.equal(trainSurfaceCommand({ file: 'race.nn.yaml', json: false }, spec, out, err), 0);
  const bars = out.text.filter((s) => s.startsWith('\rrace.nn.yaml █') || s.startsWith('\rrace.nn.yaml ░'));
  assert.ok(bars.length > 0, out.text.join(''));
  assert.ok(bars.every((s) => !/epoch|samples\/s/.test(s)), bars.join('\n'));
  const last = enginePath(spec).at(-1)!;
  assert.equal(last.step, 300);
  const fields = barFields(300, 300, last);
  assert.deepEqual(fields, ['step 300/300', `f = ${Number(last.f.toPrecision(4))}`, `‖∇f‖ = ${Number(last.grad.toPrecision(4))}`]);
  assert.ok(bars.at(-1)!.trimEnd().endsWith(`100%  ${fields.join('  ')}`), bars.at(-1));
});
