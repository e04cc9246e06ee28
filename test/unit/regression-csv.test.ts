import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsCsv } from '../../src/runs/csv';

test('a regression run\'s CSV has R² and the held-out RMSE where a classification run has accuracies', () => {
  const csv = metricsCsv({
    loss: { count: 3, stride: 1, items: [[0.5, 0.5], [0.25, 0.4], [0.125, 0.3]] },
    epochs: {
      count: 1, stride: 1,
      items: [{ epoch: 1, step: 2, loss: 0.375, regLoss: 0, trainAcc: null, valLoss: 0.4, valAcc: null, trainR2: 0.62, valR2: 0.58, valRmse: 0.6324555, seconds: 0.5 }],
    },
    stats: { count: 0, stride: 1, items: [] }, markers: [], skipped: 0,
  });
  assert.equal(csv, [
    'step,loss,epoch,epoch_loss,train_r2,val_loss,val_r2,val_rmse,seconds',
    '1,0.5,,,,,,,',
    '2,0.25,1,0.375,0.62,0.4,0.58,0.6324555,0.5',
    '3,0.125,,,,,,,',
    '',
  ].join('\n'));
  // Without a held-out set: the training R² alone, empty validation cells.
  const solo = metricsCsv({
    loss: { count: 1, stride: 1, items: [[0.5, 0.5]] },
    epochs: { count: 1, stride: 1, items: [{ epoch: 1, step: 1, loss: 0.5, regLoss: 0, trainAcc: null, valLoss: null, valAcc: null, trainR2: -0.25, valR2: null, valRmse: null, seconds: 1 }] },
    stats: { count: 0, stride: 1, items: [] }, markers: [], skipped: 0,
  });
  assert.equal(solo.split('\n')[1], '1,0.5,1,0.5,-0.25,,,,1');
});
