import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseModel } from '../../src/model/parse';

const root = path.resolve(__dirname, '../../..');
const valid = ['examples', 'templates'].flatMap((dir) =>
  readdirSync(path.join(root, dir)).filter((f) => /\.nn\.(ya?ml|json)$/.test(f)).map((f) => readFileSync(path.join(root, dir, f), 'utf8')));

/** An edit of a text: insert, delete or replace a span, with characters YAML cares about. */
const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.array(fc.constantFrom(' ', '\n', '\t', ':', '-', '{', '}', '[', ']', ',', '"', "'", '#', '&', '*', '!', '|', '>', '0', '7', '.', 'e', 'x', 'dense', 'conv', 'relu', 'null', 'dataset', 'layers', '\r\n'), { maxLength: 6 }).map((parts) => parts.join('')),
});

test('random edits of valid model files: the validator never throws, every range lies inside the text', () => {
  fc.assert(fc.property(fc.nat({ max: valid.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (which, edits) => {
    let text = valid[which];
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
    }
    const r = parseModel(text);
    for (const d of r.diagnostics) {
      assert.ok(d.start >= 0 && d.start <= d.end && d.end <= text.length, `range ${d.start}–${d.end} in ${text.length} chars`);
      assert.ok(d.message.length > 0 && !d.message.includes('undefined') && !/\bat .*\(.*:\d+:\d+\)/.test(d.message), d.message);
    }
    if (r.spec) assert.ok(!r.diagnostics.some((d) => d.severity === 'error'), 'a spec only without errors');
  }), { numRuns: 3000, seed: 42 });
});
