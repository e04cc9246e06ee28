import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryPointRow, type EpochMetrics, type MistakesFrame, type Mistake, type PanelProgress, type RunSnapshot } from '../../src/training/protocol';
import { RunStore } from '../../webview/store';
import { cellStrength, confusionEpochs, confusionFigures, filterMistakes } from '../../webview/mistakes/confusion-data';
import { pointAt, pointPixel } from '../../webview/mistakes/pick';
import { decodeBase64, sampleRgba, tileScale } from '../../webview/mistakes/images';
import { mistakeCaption } from '../../webview/mistakes/gallery';
import { readableOn } from '../../webview/mistakes/confusion';

test('confusion: row-normalized fractions, totals, the diagonal and the accuracy', () => {
  const f = confusionFigures([[8, 2, 0], [1, 9, 0], [0, 0, 0]]);
  assert.deepEqual(f.rowTotals, [10, 10, 0]);
  assert.deepEqual(f.fractions, [[0.8, 0.2, 0], [0.1, 0.9, 0], [0, 0, 0]], 'a class without samples stays 0');
  assert.equal(f.total, 20);
  assert.equal(f.correct, 17);
  assert.equal(f.accuracy, 0.85);
  assert.equal(confusionFigures([]).accuracy, null);
  assert.deepEqual(confusionFigures([[1, NaN], [2]]).counts, [[1, 0], [2, 0]], 'ragged or non-finite cells count 0');
});

test('the slider\'s stops are the epochs with a matrix, oldest first', () => {
  const e = (epoch: number, confusion?: number[][] | null): EpochMetrics => ({ epoch, step: epoch * 10, loss: 1, regLoss: 0, trainAcc: null, valLoss: null, valAcc: 0.5, confusion, seconds: epoch });
  const list = confusionEpochs([e(1), e(2, null), e(3, [[1]]), e(4, [[2]])]);
  assert.deepEqual(list.map((x) => [x.epoch, x.step]), [[3, 30], [4, 40]]);
});

test('a matrix cell filters the mistakes to its pair, keeping each one\'s place (its image)', () => {
  const items: Mistake[] = [
    { index: 4, label: 0, predicted: 1, confidence: 0.9 },
    { index: 9, label: 2, predicted: 1, confidence: 0.8 },
    { index: 1, label: 0, predicted: 1, confidence: 0.6 },
  ];
  assert.deepEqual(filterMistakes(items, { label: 0, predicted: 1 }).map((x) => [x.item.index, x.at]), [[4, 0], [1, 2]]);
  assert.equal(filterMistakes(items, null).length, 3);
  assert.equal(cellStrength(0), 0);
  assert.ok(cellStrength(0.01) >= 0.12, 'one mistake among many is still seen');
  assert.equal(cellStrength(1), 1);
  assert.equal(mistakeCaption(2, 0, 0.934, ['cat', 'dog', 'ship']), 'ship → cat (0.934)');
  assert.equal(mistakeCaption(2, 0, 0.5), '2 → 0 (0.5)');
});

test('a click within 6 px of a point picks the nearest, and its training sample is the one the loop drew there', () => {
  const g = { left: 44, top: 6, side: 200, xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const points = [0, 0, 0.05, 0, -1, 1];
  assert.deepEqual(pointPixel(g, points, 0), [144, 106]);
  assert.deepEqual(pointPixel(g, points, 2), [44, 6], 'x at its minimum on the left, y at its maximum at the top');
  assert.equal(pointAt(g, points, 3, 145, 106), 0);
  assert.equal(pointAt(g, points, 3, 148, 106), 1, 'the nearer of two close points');
  assert.equal(pointAt(g, points, 3, 144, 113), null, '7 px away: nothing');
  assert.equal(pointAt(g, points, 2, 44, 6), null, 'only the points drawn count');
  // 240 training samples drawn as 120 points: point k is sample 2k.
  assert.equal(boundaryPointRow(7, 240, 120), 14);
});

test('sample images decode to RGBA, grey repeated into r, g, b; a tile is a whole multiple of the image', () => {
  const bytes = decodeBase64(Buffer.from([0, 128, 255, 10, 20, 30]).toString('base64'));
  const grey = { width: 3, height: 1, channels: 1 as const };
  assert.deepEqual([...sampleRgba(grey, bytes, 0)!], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  assert.deepEqual([...sampleRgba(grey, bytes, 1)!].slice(0, 4), [10, 10, 10, 255]);
  assert.equal(sampleRgba(grey, bytes, 2), null, 'past the bytes sent');
  const rgb = { width: 1, height: 1, channels: 3 as const };
  assert.deepEqual([...sampleRgba(rgb, bytes, 1)!], [10, 20, 30, 255]);
  assert.equal(tileScale(28), 2);
  assert.equal(tileScale(32), 2);
  assert.equal(tileScale(8), 4);
});

test('a cell\'s count is written in whichever of the theme\'s colours reads better on its fill', () => {
  assert.equal(readableOn('#1060ff', '#ffffff', '#000000'), '#ffffff');
  assert.equal(readableOn('#f0f0f0', '#ffffff', '#1e1e1e'), '#1e1e1e');
});

test('the panel\'s store keeps each epoch\'s confusion matrix and the newest mistakes, from the snapshot and from progress', () => {
  const epoch = (n: number, confusion: number[][]): EpochMetrics => ({ epoch: n, step: n * 8, loss: 1, regLoss: 0, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, confusion, seconds: n });
  const frame = (n: number, total: number): MistakesFrame => ({ epoch: n, step: n * 8, total, validationSize: 4, items: [{ index: 2, label: 0, predicted: 1, confidence: 0.7 }], images: null });
  const snap: RunSnapshot = {
    info: { runId: 'r', source: 's', title: 't', parameters: 0, trainSize: 8, validationSize: 4, batchSize: 1, stepsPerEpoch: 8, totalSteps: 16, layers: [], boundary: null, epochs: 2, optimizer: 'sgd', init: 'he' },
    status: 'running', paused: false, loss: { count: 0, stride: 1, items: [] }, lastLoss: null, epochs: { count: 1, stride: 1, items: [epoch(1, [[1, 1], [0, 2]])] },
    stats: { count: 0, stride: 1, items: [] }, latestStats: null, markers: [], boundary: null, filters: null,
    step: 8, samplesPerSec: 0, final: null, error: null, previous: null, gradcheck: null, mistakes: frame(1, 1), gallery: null,
  };
  const store = new RunStore();
  store.load(snap);
  assert.equal(store.run?.mistakes?.epoch, 1);
  assert.deepEqual(confusionEpochs(store.epochItems).map((e) => e.epoch), [1]);
  const progress: PanelProgress = {
    type: 'progress', runId: 'r', loss: { from: 0, count: 0, items: [] }, epochs: { from: 1, count: 2, items: [epoch(2, [[2, 0], [0, 2]])] },
    stats: { from: 0, count: 0, items: [] }, latestStats: null, lastLoss: null, markers: [], boundary: null, filters: null, mistakes: frame(2, 0), step: 16, paused: false, samplesPerSec: 0,
  };
  assert.equal(store.addProgress(progress), true);
  assert.equal(store.run?.mistakes?.epoch, 2, 'the newest epoch\'s mistakes replace the older');
  assert.deepEqual(confusionEpochs(store.epochItems).map((e) => [e.epoch, confusionFigures(e.confusion).accuracy]), [[1, 0.75], [2, 1]]);
  // A message without mistakes (no epoch ended) keeps them.
  assert.equal(store.addProgress({ ...progress, epochs: { from: 2, count: 2, items: [] }, mistakes: undefined }), true);
  assert.equal(store.run?.mistakes?.epoch, 2);
});
