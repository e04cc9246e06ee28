import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWebviewToHost } from '../../src/training/protocol';
import { Ema } from '../../src/training/history';
import { linearTick } from '../../webview/format';
import { fromHsl, MIN_HUE_GAP, parseColor, separateHues, toHsl, withAlpha } from '../../webview/theme';

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

test('chart colours too close in hue are turned to the widest empty arc; distinct ones are left as the theme has them', () => {
  // VS Code's Light Modern and Dark Modern: orange and yellow are 6° and 13° apart.
  for (const palette of [['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'], ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700']]) {
    const out = separateHues(palette);
    assert.deepEqual(out.slice(0, 5), palette.slice(0, 5), 'the first five are apart already');
    const hsl = out.map((c) => toHsl(c)!);
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < i; j++) {
        const d = Math.abs(hsl[i][0] - hsl[j][0]);
        assert.ok(Math.min(d, 360 - d) >= MIN_HUE_GAP, `${out[i]} vs ${out[j]}`);
      }
    }
    // The one moved keeps its saturation and lightness (to rounding).
    const before = toHsl(palette[5])!;
    assert.ok(Math.abs(hsl[5][1] - before[1]) < 0.02 && Math.abs(hsl[5][2] - before[2]) < 0.01, `${palette[5]} → ${out[5]}`);
  }
  assert.deepEqual(separateHues(['#3794ff', '#f14c4c', '#888888', '#808080']), ['#3794ff', '#f14c4c', '#888888', '#808080'], 'greys have no hue to clash');
  assert.deepEqual(toHsl('#ff0000'), [0, 1, 0.5]);
  assert.equal(fromHsl(120, 1, 0.5), '#00ff00');
  assert.equal(fromHsl(...toHsl('#d18616')!), '#d18616');
  assert.equal(toHsl('nonsense'), undefined);
});

test('linear tick labels carry the digits that tell neighbours apart, and no more', () => {
  assert.deepEqual([1e37, 1.2e37, 1.4e37].map((v) => linearTick(v, 2e36)), ['1.0e37', '1.2e37', '1.4e37']);
  assert.deepEqual([0, 0.2, 0.4, 1.6].map((v) => linearTick(v, 0.2)), ['0', '0.2', '0.4', '1.6']);
  assert.deepEqual([0.25, 0.5].map((v) => linearTick(v, 0.05)), ['0.25', '0.50']);
  assert.deepEqual([1000, 1500, 2000].map((v) => linearTick(v, 500)), ['1,000', '1,500', '2,000']);
  assert.deepEqual([2e-4, 4e-4].map((v) => linearTick(v, 2e-4)), ['2e-4', '4e-4']);
  assert.equal(linearTick(3, 0), '3');
  assert.equal(linearTick(NaN, 1), 'NaN');
});
