import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { DataError, loadDataset } from '../../src/data/load';
import type { DataSpec, ModelSpec } from '../../src/model/spec';
import { idxFile, SPIRAL } from './fixtures';

// The data loader's messages are in the display language: the worker configures @vscode/l10n with
// the bundle the host sends it. Without a bundle (the CLI, the other tests) they stay in English.

const root = path.resolve(__dirname, '../../..');
const bundleKo = JSON.parse(readFileSync(path.join(root, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

const IMAGES = idxFile(0x803, [3, 2, 3], Array.from({ length: 18 }, (_, k) => k * 10));
const LABELS = idxFile(0x801, [3], [4, 0, 7]);

const csv = (p: string): Partial<DataSpec> => ({ dataset: 'csv', csv: { path: p, label: 'label', normalize: 'none' }, samples: 0, classes: 0, features: 0 });
const CASES: { data: Partial<DataSpec>; line?: number }[] = [
  // A ragged row, a cell short.
  { data: csv('ragged.csv'), line: 3 },
  // A cell that is not a number: the column fragment too.
  { data: csv('words.csv'), line: 3 },
  // IDX images cut short: the pixels of the last image missing.
  { data: { dataset: 'idx', idx: { images: 'images.idx', labels: 'labels.idx' }, samples: 0 } },
];

async function messages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of CASES) {
    const spec: ModelSpec = { ...SPIRAL, data: { ...SPIRAL.data, validation: 0.2, ...c.data } as DataSpec };
    await assert.rejects(loadDataset(spec, dir), (e: unknown) => {
      assert.ok(e instanceof DataError, `a DataError, not ${String(e)}`);
      assert.equal(e.line, c.line);
      out.push(e.message);
      return true;
    });
  }
  return out;
}

test('data errors come in Korean once @vscode/l10n has the Korean bundle, and in English again without it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-data-l10n-'));
  try {
    writeFileSync(path.join(dir, 'ragged.csv'), 'a,b,label\n1,2,x\n3,4\n');
    writeFileSync(path.join(dir, 'words.csv'), 'a,b,label\n1,2,x\n3,abc,y\n');
    writeFileSync(path.join(dir, 'images.idx'), IMAGES.subarray(0, IMAGES.length - 4));
    writeFileSync(path.join(dir, 'labels.idx'), LABELS);

    let korean: string[];
    l10n.config({ contents: bundleKo });
    try {
      korean = await messages(dir);
    } finally {
      l10n.config({ contents: {} });
    }
    assert.deepEqual(korean, [
      'ragged.csv: 3번째 줄: 셀 2개이지만 3개여야 합니다(열 "label"이(가) 빠졌습니다)',
      'words.csv: 3번째 줄, 열 "b": "abc"은(는) 숫자가 아닙니다',
      'images.idx: 파일이 잘렸습니다. 헤더에는 이미지가 3개(34바이트)라고 되어 있지만 파일은 30바이트라서 온전한 이미지는 2개뿐입니다',
    ]);

    assert.deepEqual(await messages(dir), [
      'ragged.csv: line 3: 2 cells, expected 3 (column "label" is missing)',
      'words.csv: line 3, column "b": "abc" is not a number',
      'images.idx: truncated: the header promises 3 images (34 bytes), the file has 30 bytes: only 2 of them complete',
    ]);
  } finally {
    l10n.config({ contents: {} });
    rmSync(dir, { recursive: true, force: true });
  }
});
