import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseModel } from '../../src/model/parse';

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
