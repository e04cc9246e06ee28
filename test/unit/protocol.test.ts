import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWebviewToHost } from '../../src/training/protocol';
import { Ema } from '../../src/training/history';
import { parseColor, withAlpha } from '../../webview/theme';

test('only well-formed webview messages are accepted', () => {
  for (const ok of [{ type: 'ready' }, { type: 'action', action: 'stop' }, { type: 'action', action: 'swapInit' }, { type: 'rendered', runId: 'run-1', points: 12 },
    { type: 'savePng', chart: 'loss', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }, { type: 'clearOverlays' }]) {
    assert.equal(isWebviewToHost(ok), true, JSON.stringify(ok));
  }
  for (const bad of [null, 1, 'ready', [], {}, { type: 'exec', command: 'rm' }, { type: 'ready', path: '/etc/passwd' },
    { type: 'rendered', runId: 1, points: 2 }, { type: 'rendered', runId: 'r', points: -1 }, { type: 'rendered', runId: 'r', points: 1.5 },
    { type: 'rendered', runId: 'r' }, { type: 'stop' }, { type: 'clearOverlays', source: 'file:///x' }, { type: 'action', action: 'exec' }, { type: 'action', action: 'train', path: '/x' },
    { type: 'savePng', chart: 'loss', dataUrl: 'data:text/html;base64,PGgxPg==' }, { type: 'savePng', chart: '../../etc', dataUrl: 'data:image/png;base64,AA==' },
    { type: 'savePng', chart: 'loss', dataUrl: 'data:image/png;base64,' + 'A'.repeat(17 * 1024 * 1024) }]) {
    assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
  }
});

test('EMA smoothing is debiased like TensorBoard: a constant series stays constant', () => {
  const ema = new Ema(0.9);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(ema.push(2) - 2) < 1e-12);
  const e2 = new Ema(0.5);
  assert.equal(e2.push(4), 4);
  // raw EMA after 4 then 0: 0.5·(0.5·4) = 1, divided by the debias factor 1 − 0.5² = 0.75
  assert.ok(Math.abs(e2.push(0) - 1 / 0.75) < 1e-12);
  assert.ok(Number.isNaN(new Ema(0.9).push(NaN)));
});

test('theme colours parse and take an alpha', () => {
  assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('#3794ffcc'), [0x37, 0x94, 0xff]);
  assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
  assert.equal(withAlpha('#000000', 0.25), 'rgba(0, 0, 0, 0.25)');
  assert.equal(withAlpha('var(--x)', 0.25), 'var(--x)');
});
