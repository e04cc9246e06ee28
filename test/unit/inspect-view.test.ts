import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InspectResult } from '../../src/engine/inspect-types';
import { centredScale, colorOf, extent, heatRgba, imageRgba, saliency } from '../../webview/inspect/scale';
import { isMapShape, mapCellAt, mapLayout, MAX_CELL, MAX_MAPS, MIN_CELL, stripCellAt, stripLayout } from '../../webview/inspect/layout';
import { lossLine, parseIndex, predictionText, sampleTitle, scoreRows, weightsText } from '../../webview/inspect/loss-terms';
import { backwardRows, forwardRows, inputRow, isImageInput } from '../../webview/inspect/rows-data';

const COLORS = { negative: '#0000ff', zero: '#000000', positive: '#ff8000' };
const ROW_COLORS = { values: COLORS, grads: { negative: '#800080', zero: '#000000', positive: '#ff0000' }, hot: '#ff0000', background: '#000000', edge: '#333333' };

/** A result for a 2-4-3 network on one sample; override what a test needs. */
function result(o: Partial<InspectResult> = {}): InspectResult {
  return {
    type: 'inspect', sample: 7, split: 'train', label: 1, predicted: 1, lossName: 'softmax',
    scores: [0.5, 2, -1], probs: [0.17, 0.79, 0.04], loss: -Math.log(0.79), dscores: [0.17, -0.21, 0.04],
    input: [0.3, -0.2], inputShape: [2],
    layers: [
      { name: 'layers[0] dense 4', index: 0, kind: 'dense', shape: [4], out: [1, -2, 0.5, 0], dout: [0.1, 0, -0.3, 0.2] },
      { name: 'layers[0] relu', index: 0, kind: 'activation', shape: [4], out: [1, 0, 0.5, 0], dout: [0.1, 0.2, -0.3, 0.2] },
      { name: 'layers[1] dense 3', index: 1, kind: 'dense', shape: [3], out: [0.5, 2, -1], dout: [0.17, -0.21, 0.04] },
    ],
    dinput: [0.05, -0.4], weights: 'live', step: 340, ...o,
  };
}

test('a centred scale puts 0 at the background and a value and its negation at equal strength, whatever the signs', () => {
  const s = centredScale([0, 0.5, 2], COLORS);
  assert.deepEqual([s.lo, s.hi], [-2, 2], 'ReLU outputs (all ≥ 0) still get a scale centred at 0');
  assert.deepEqual(colorOf(s, 0), [0, 0, 0]);
  assert.deepEqual(colorOf(s, 2), [255, 128, 0]);
  assert.deepEqual(colorOf(s, -2), [0, 0, 255]);
  const up = colorOf(s, 1);
  const down = colorOf(s, -1);
  assert.equal(up[0], down[2], 'half strength either way');
  assert.deepEqual(centredScale([0, 0], COLORS).hi, 1, 'all zeros: a scale of width 2 (no division by 0)');
  assert.deepEqual(extent([3, NaN, -1, Infinity]), { min: -1, max: 3 }, 'non-finite values are left out of the range');
});

test('the saliency map is the largest |∂L/∂x| over the channels, per pixel', () => {
  // 2 channels of 1 × 3.
  assert.deepEqual(saliency([0.1, -0.5, 0, -0.3, 0.2, 0], [2, 1, 3]), [0.3, 0.5, 0]);
  const heat = heatRgba([0, 1], '#000000', '#ff0000');
  assert.deepEqual([...heat], [0, 0, 0, 255, 255, 0, 0, 255], '0 is the background, the largest the hot colour');
});

test('an input image is stretched from its own min (black) to max (white); RGB keeps its channels', () => {
  assert.deepEqual([...imageRgba([-1, 0, 1, 1], [1, 2, 2])], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  // 3 channels of one pixel each: r = 1 (max), g = 0 (min), b = 0.5.
  assert.deepEqual([...imageRgba([1, 0, 0.5], [3, 1, 1])], [255, 0, 128, 255]);
});

test('a strip is one line of cells when they fit, wraps when they do not, and maps the pointer back to a cell', () => {
  const short = stripLayout(10, 600);
  assert.deepEqual([short.cell, short.columns, short.rows], [MAX_CELL, 10, 1], 'a short layer does not sprawl');
  const long = stripLayout(500, 600);
  assert.equal(long.cell, MIN_CELL);
  assert.equal(long.columns, 100);
  assert.equal(long.rows, 5);
  assert.equal(long.height, 5 * MIN_CELL);
  assert.equal(stripCellAt(long, 0, 0), 0);
  assert.equal(stripCellAt(long, 6 * 3 + 1, 6 * 2 + 5), 203);
  assert.equal(stripCellAt(long, 601, 0), null, 'off the cells');
  const ragged = stripLayout(7, 3 * MIN_CELL);
  assert.equal(stripCellAt(ragged, 2 * MIN_CELL, 2 * MIN_CELL), null, 'past the last cell of a short last row');
  assert.deepEqual([stripLayout(0, 300).rows, stripLayout(0, 300).height], [0, 0]);
});

test('feature maps: at most 32 drawn, whole-multiple scaling, and the pointer maps back to channel, row and column', () => {
  const l = mapLayout(64, 14, 14, 400);
  assert.equal(l.shown, MAX_MAPS);
  assert.equal(l.scale, 4, '14 px maps drawn 56 px wide');
  assert.equal(l.columns, Math.floor((400 + 4) / (56 + 4)));
  const at = mapCellAt(l, 60 + 5, 0 + 9);
  assert.deepEqual(at, { channel: 1, row: 2, col: 1, index: (1 * 14 + 2) * 14 + 1 });
  assert.equal(mapCellAt(l, 57, 3), null, 'in the gap between maps');
  assert.equal(isMapShape([16, 14, 14]), true);
  assert.equal(isMapShape([100]), false);
  assert.equal(isMapShape([4, 1, 1]), false, '1 × 1 maps read better as a strip');
});

test('softmax: each class\'s probability, −log p_y at the label alone, the label and the prediction marked', () => {
  const rows = scoreRows(result());
  assert.deepEqual(rows.map((r) => r.prob), [0.17, 0.79, 0.04]);
  assert.deepEqual(rows.map((r) => r.term), [null, -Math.log(0.79), null]);
  assert.deepEqual(rows.map((r) => [r.isLabel, r.isPredicted]), [[false, false], [true, true], [false, false]]);
  assert.deepEqual(rows.map((r) => r.grad), [0.17, -0.21, 0.04]);
  assert.equal(lossLine(result()), 'L = −log p_y = −log 0.7900 = 0.2357');
  assert.equal(scoreRows(result({ labelNames: ['a', 'b', 'c'] }))[2].name, 'c');
});

test('svm: each max(0, s_j − s_y + Δ), the correct class excluded, and the terms add up to the loss', () => {
  const r = result({ lossName: 'svm', label: 0, predicted: 1, probs: undefined, margin: 1, margins: [0, 2.5, 0], loss: 2.5 });
  const rows = scoreRows(r);
  assert.deepEqual(rows.map((x) => x.excluded), [true, false, false]);
  assert.deepEqual(rows.map((x) => x.term), [null, 2.5, 0]);
  assert.equal(lossLine(r), 'L = Σ_{j≠y} max(0, s_j − s_y + Δ) = 2.500 + 0 = 2.500   (Δ = 1.000)');
  assert.equal(predictionText(r), 'predicted class 1 ✗');
});

test('mse: each output\'s prediction, target and error, and (s − y)² / C adding up to the loss', () => {
  const r = result({ lossName: 'mse', label: [1, 0], predicted: null, scores: [1.5, -1], errors: [0.5, -1], probs: undefined, loss: (0.25 + 1) / 2, dscores: [0.5, -1] });
  const rows = scoreRows(r);
  assert.deepEqual(rows.map((x) => [x.name, x.target, x.error, x.term]), [['output 0', 1, 0.5, 0.125], ['output 1', 0, -1, 0.5]]);
  assert.equal(rows.reduce((a, x) => a + (x.term ?? 0), 0), r.loss);
  assert.equal(predictionText(r), 'predicted 1.500, -1.000');
});

test('the header says which sample, and whose weights', () => {
  assert.equal(sampleTitle('val', 12), 'Sample 12 of the validation set');
  assert.equal(weightsText({ live: true }, { weights: 'live', step: 340 }), 'live run at step 340, following it');
  assert.equal(weightsText({ live: false }, { weights: 'initial', step: 0 }), 'initial weights');
  assert.equal(weightsText({ live: false }, { weights: 'kept', step: 9 }), 'kept run, step 9');
  assert.equal(weightsText({ live: false }, { weights: 'final', step: 9 }, 'finished'), 'finished run, step 9');
  assert.equal(weightsText({ live: false }, { weights: 'final', step: 9 }, 'stopped'), 'stopped run, step 9');
  assert.deepEqual(['12', ' 3 ', '-1', '1.5', ''].map(parseIndex), [12, 3, null, null, null]);
});

test('rows: the input, every engine layer forward (activations their own rows), backward from ∂L/∂scores to ∂L/∂x', () => {
  const r = result();
  const fwd = forwardRows(r, ROW_COLORS);
  assert.deepEqual(fwd.map((x) => x.title), ['layers[0] dense 4', 'layers[0] relu', 'layers[1] dense 3']);
  assert.equal(fwd[0].detail, '[4] · min -2 · max 1');
  assert.equal(fwd.every((x) => !x.data.maps), true);
  const back = backwardRows(r, ROW_COLORS);
  assert.deepEqual(back.map((x) => x.title), ['∂L/∂scores (layers[1] dense 3)', '∂L/∂ layers[0] relu', '∂L/∂ layers[0] dense 4', '∂L/∂x']);
  assert.deepEqual(back[0].data.values, r.dscores);
  assert.deepEqual(back[3].data.values, r.dinput);
  // Keys stay while the network does (a newer result repaints in place), and differ forward and back.
  assert.deepEqual(forwardRows(result({ step: 400 }), ROW_COLORS).map((x) => x.key), fwd.map((x) => x.key));
  assert.equal(new Set([...fwd, ...back].map((x) => x.key)).size, fwd.length + back.length);
  assert.equal(isImageInput(r), false);
  assert.equal(inputRow(r, ROW_COLORS).data.maps, false);
});

test('image data: the input as a picture, conv outputs as maps, ∂L/∂x as a saliency map', () => {
  const pixels = Array.from({ length: 16 }, (_, i) => i / 15);
  const r = result({
    input: pixels, inputShape: [1, 4, 4], dinput: pixels.map((v) => v - 0.5),
    layers: [{ name: 'layers[0] conv 2', index: 0, kind: 'conv', shape: [2, 4, 4], out: new Array(32).fill(1), dout: new Array(32).fill(0.1) }],
  });
  assert.equal(isImageInput(r), true);
  const input = inputRow(r, ROW_COLORS);
  assert.equal(input.data.maps, true);
  assert.equal(input.data.rgba?.length, 4 * 16);
  assert.equal(forwardRows(r, ROW_COLORS)[0].data.maps, true);
  assert.match(forwardRows(r, ROW_COLORS)[0].detail, /2 × 4 × 4 .* 2 maps/);
  const sal = backwardRows(r, ROW_COLORS).at(-1)!;
  assert.equal(sal.title, '∂L/∂x as a saliency map');
  assert.deepEqual(sal.data.values, pixels.map((v) => Math.abs(v - 0.5)));
});
