import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDataset, readCsvFile } from '../../src/data/load';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const ROWS = 600_000;
const FEATURES = 8;

/** Row i: features i·0.001 + k (k = 0…7) and label i mod 3; ~85 bytes a row, ~50 MB in all. */
const row = (i: number): string => {
  const cells: string[] = [];
  for (let k = 0; k < FEATURES; k++) cells.push((i * 0.001 + k).toFixed(6));
  return `${cells.join(',')},c${i % 3}\n`;
};

test('csv: a ~50 MB file is streamed in chunks, never read whole', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'big.csv');
  const out = createWriteStream(file);
  out.write(`${Array.from({ length: FEATURES }, (_, k) => `f${k}`).join(',')},label\n`);
  let batch = '';
  for (let i = 0; i < ROWS; i++) {
    batch += row(i);
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  const size = statSync(file).size;
  assert.ok(size > 45e6 && size < 60e6, `${size} bytes`);

  const r = await readCsvFile(file, 'big.csv', { label: 'label' });
  // 64 KiB reads: hundreds of chunks, each pushed to the incremental reader as it came.
  assert.ok(r.chunks >= Math.floor(size / 65_536), `${r.chunks} chunks`);
  assert.equal(r.bytes, size);
  const d = r.data;
  assert.deepEqual([d.n, d.features, d.classes, d.labelNames], [ROWS, FEATURES, 3, ['c0', 'c1', 'c2']]);
  for (const i of [0, 1, 65_537, ROWS - 1]) {
    for (let k = 0; k < FEATURES; k++) assert.equal(d.x[i * FEATURES + k], Math.fround(Number((i * 0.001 + k).toFixed(6))), `row ${i}`);
    assert.equal(d.y[i], i % 3);
  }

  // With samples, reading stops after the first rows: a few chunks, not the file.
  const head = await readCsvFile(file, 'big.csv', { label: 'label', maxRows: 1000 });
  assert.equal(head.data.n, 1000);
  assert.ok(head.bytes < 1 << 20, `${head.bytes} bytes read`);
  // The same through loadDataset.
  const spec: ModelSpec = { ...SPIRAL, data: { dataset: 'csv', samples: 1000, classes: 0, noise: 0, features: 0, validation: 0.2, csv: { path: 'big.csv', label: 'label', normalize: 'standard' } } };
  assert.deepEqual(Array.from((await loadDataset(spec, dir)).x), Array.from(head.data.x));
});
