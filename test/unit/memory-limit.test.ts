import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';
import { ARENA_DATA_BYTES, estimateMemory } from '../../src/model/memory';
import { dataShape, summarizeLayers } from '../../src/model/summary';
import { RunManager } from '../../src/training/runs';
import { nodeWorkers } from '../../src/node/workers';

const workerPath = path.resolve(__dirname, '../../../dist/worker.js');

const spiral = readFileSync(path.resolve(__dirname, '../../../examples/spiral.nn.yaml'), 'utf8');

test('the memory limit is an option: a model above it is refused with a diagnostic on layers:, below it trains', () => {
  assert.ok(parseModel(spiral).spec, 'within the default 2 GiB');
  const tiny = parseModel(spiral, { memoryLimit: 64 * 1024 });
  assert.equal(tiny.spec, undefined);
  const d = tiny.diagnostics.find((x) => x.severity === 'error');
  assert.ok(d, 'an error');
  assert.match(d.message, /needs about [\d.]+ \w+ to train .* TrainLens trains models up to 64 KiB\./);
  assert.equal(spiral.slice(d.start, d.end), 'layers');
  assert.ok(parseModel(spiral, { memoryLimit: 64 * 1024 * 1024 }).spec, 'within 64 MiB');
});

test('the estimate counts the samples once (the split reorders them in place) plus the arena\'s copy of at most 256 MB', () => {
  const spec = parseModel(spiral).spec!;
  const summary = summarizeLayers(dataShape(spec.data), spec.layers);
  const small = estimateMemory(spec, summary)!;
  assert.equal(small.data, spec.data.samples * 2 * 4 * 2, 'a small set: itself and its arena copy');
  const big = { ...spec, data: { ...spec.data, samples: 50_000_000 } };
  const b = estimateMemory(big, summarizeLayers(dataShape(big.data), big.layers))!;
  assert.equal(b.data, 50_000_000 * 2 * 4 + ARENA_DATA_BYTES, 'a large set: itself, and the arena copy is capped');
  assert.equal(b.total, b.parameters + b.activations + b.data);
});

test('the memory limit setting reaches the worker: a data file whose samples pass it fails its run with the limit named', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-memlimit-'));
  const rows = Array.from({ length: 2000 }, (_, i) => `${Array.from({ length: 8 }, (_, j) => (i * j) % 7).join(',')},${i % 3}`);
  writeFileSync(path.join(dir, 'big.csv'), rows.join('\n') + '\n');
  const spec = parseModel([
    'data: { csv: big.csv, label: 8, validation: 0.2 }', 'layers:', '  - dense: 4', '    activation: relu', '  - dense: 3', 'train: { epochs: 1 }', '',
  ].join('\n'), { checkPath: () => undefined }).spec!;
  assert.ok(spec, 'the file parses');
  const limited = new RunManager(nodeWorkers(workerPath), { memoryLimit: () => 16 * 1024 });
  const s = limited.start('a', 'a', spec, dir);
  await s.finished;
  assert.equal(s.status, 'failed');
  assert.match(s.error ?? '', /^big\.csv: .*more than the memory limit of 16 KB/);
  // The same file under the default limit trains.
  const ok = new RunManager(nodeWorkers(workerPath)).start('b', 'b', spec, dir);
  await ok.finished;
  assert.equal(ok.status, 'finished', ok.error ?? '');
});

test('a worker says what goes wrong in the display language the host sends it; without one, in English', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-l10n-'));
  writeFileSync(path.join(dir, 'ragged.csv'), 'a,b,label\n1,2,0\n3,1\n');
  const spec = parseModel(['data: { csv: ragged.csv, label: label }', 'layers:', '  - dense: 2', 'train: { epochs: 1 }', ''].join('\n'), { checkPath: () => undefined }).spec!;
  assert.ok(spec, 'the file parses');
  const korean = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const hangul = /[\uac00-\ud7a3]/;
  const ko = new RunManager(nodeWorkers(workerPath), { l10n: () => korean }).start('ko', 'ko', spec, dir);
  const en = new RunManager(nodeWorkers(workerPath)).start('en', 'en', spec, dir);
  await Promise.all([ko.finished, en.finished]);
  assert.equal(ko.status, 'failed');
  assert.equal(en.status, 'failed');
  assert.match(en.error ?? '', /^ragged\.csv: line 3\b/);
  assert.doesNotMatch(en.error ?? '', hangul);
  assert.match(ko.error ?? '', /^ragged\.csv\b/);
  assert.match(ko.error ?? '', hangul, `in Korean: ${ko.error}`);
  assert.match(ko.error ?? '', /\b3\b/, 'the line is still named');
});
