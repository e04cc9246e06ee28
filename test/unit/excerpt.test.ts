import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { capQuotedInput, excerpt, EXCERPT_CHARS, pathExcerpt, quoted } from '../../src/engine/excerpt';
import { pathChecker } from '../../src/node/files';
import { Rng } from '../../src/engine/rng';
import { parseCsv } from '../../src/engine/data/csv-dataset';
import { DataError } from '../../src/engine/data/errors';
import { parseModel } from '../../src/model/parse';
import { lineColumn } from '../../src/model/diagnostics';

/**
 * An error message quotes at most a short excerpt of the input that caused it: a file of random
 * bytes, a 10 KB line or binary junk gives messages of a line each, still naming line and column.
 */

/** The longest message these inputs may produce: the longest wording of ours, plus one excerpt. */
const MESSAGE_CHARS = 200;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function randomBytes(seed: number, n: number): Buffer {
  const rng = new Rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rng.uniform() * 256)));
}

/** Every quoted stretch in a message ("…" or '…') is at most an excerpt long. */
function assertShort(message: string, what: string): void {
  assert.ok(message.length <= MESSAGE_CHARS, `${what}: ${message.length} characters: ${message.slice(0, 300)}`);
  assert.doesNotMatch(message, CONTROL, `${what}: a raw control character`);
  assert.ok(!message.includes('\n'), `${what}: one line`);
  for (const m of message.matchAll(/"([^"]*)"|'([^']*)'/g)) {
    const inner = m[1] ?? m[2];
    assert.ok([...inner].length <= EXCERPT_CHARS + 1, `${what}: a quote of ${[...inner].length} characters: ${inner}`);
  }
}

test('excerpt: short text as is; long text cut to 40 characters and …; control and invisible characters escaped', () => {
  assert.equal(excerpt('relu'), 'relu');
  assert.equal(excerpt('x'.repeat(40)), 'x'.repeat(40));
  assert.equal(excerpt('x'.repeat(41)), `${'x'.repeat(40)}…`);
  assert.equal(excerpt('a\tb\nc\u0000d\u202ee'), 'a\\tb\\nc\\u0000d\\u202ee');
  // An escape is never cut in half, and counts as the characters it prints.
  assert.equal(excerpt(`${'x'.repeat(38)}\u0001yz`), `${'x'.repeat(38)}…`);
  // A character outside the BMP is one character, never half a surrogate pair.
  assert.equal(excerpt('😀'.repeat(50)), `${'😀'.repeat(40)}…`);
  assert.equal(quoted('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(excerpt('x'.repeat(100), 10), `${'x'.repeat(10)}…`);
});

test('capQuotedInput: each JSON-quoted stretch of a parser message cut to an excerpt, the rest kept', () => {
  const junk = 'q\u0002'.repeat(2000);
  const msg = `Unexpected scalar token in YAML stream: ${JSON.stringify(junk)}`;
  const capped = capQuotedInput(msg);
  assert.ok(capped.startsWith('Unexpected scalar token in YAML stream: "q\\u0002q'), capped);
  assert.ok(capped.endsWith('…"'), capped);
  assert.ok(capped.length < 100, capped);
  assert.equal(capQuotedInput('Unexpected map-value-ind token in YAML stream: ":"'), 'Unexpected map-value-ind token in YAML stream: ":"');
  // An unclosed quote (a message cut short) is capped too.
  assert.ok(capQuotedInput(`Bad: "${'z'.repeat(500)}`).length < 60);
});

test('random bytes as a model file: every diagnostic is one short line on a position inside the file', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const text = randomBytes(seed, 20_000).toString('utf8');
    const { diagnostics } = parseModel(text);
    assert.ok(diagnostics.some((d) => d.severity === 'error'), `seed ${seed}: no error`);
    for (const d of diagnostics) {
      assertShort(d.message, `seed ${seed}`);
      assert.ok(d.start >= 0 && d.start <= text.length && d.end <= text.length, `seed ${seed}: range ${d.start}–${d.end}`);
    }
  }
});

test('a 10 KB line: the message quotes an excerpt and names the line and column', () => {
  const long = 'x'.repeat(10_000);
  const cases: Array<[string, string, number, number, RegExp]> = [
    ['a 10 KB key', `data: { dataset: spiral, ${long}: 1 }\nlayers:\n  - dense: 3\n`, 1, 26, /^Unknown key 'x{40}…' in 'data' \(spiral\)\.$/],
    ['a 10 KB block key', `data: { dataset: spiral }\nlayers:\n  - dense: 3\n${long}: 1\n`, 4, 1, /^The : indicator must be at most 1024 chars/],
    ['a 10 KB layer kind', `data: { dataset: spiral }\nlayers:\n  - { ${long}: 3 }\n`, 3, 5, /^Unknown layer kind 'x{40}…'\./],
    ['a 10 KB value', `data: { dataset: spiral }\nlayers:\n  - dense: 3\n    activation: ${long}\n`, 4, 17, /^Unknown activation 'x{40}…'\./],
    ['a 10 KB number', `data: { dataset: spiral, samples: ${long} }\nlayers:\n  - dense: 3\n`, 1, 35, /^'samples' must be a whole number, not 'x{40}…'\./],
    ['a 10 KB unclosed quote', `data: { dataset: spiral }\nloss: "${long}\nlayers:\n  - dense: 3\n`, 5, 1, /^Missing closing "quote"$/],
    ['a 10 KB line of junk tokens', `data: { dataset: spiral }\nlayers: [${'} '.repeat(5000)}\n`, 2, 10, /^Flow sequence in block collection must be sufficiently indented/],
  ];
  for (const [what, text, line, column, message] of cases) {
    const { diagnostics } = parseModel(text);
    assert.ok(diagnostics.length > 0, what);
    for (const d of diagnostics) assertShort(d.message, what);
    const first = diagnostics.find((d) => message.test(d.message));
    assert.ok(first, `${what}: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.deepEqual(lineColumn(text, first.start), { line, column }, what);
  }
});

test('binary junk (NUL bytes, a gzip header, UTF-16) as a model file: short one-line messages', () => {
  const junk = [
    Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), randomBytes(7, 5000)]),
    Buffer.alloc(8000, 0),
    Buffer.from(`\ufeffdata: { dataset: spiral }\nlayers:\n  - dense: 3\n`, 'utf16le'),
    Buffer.from(`data: { dataset: spiral }\nlayers:\n  - dense: 3\n${'\u0007\u001b[31m'.repeat(3000)}\n`),
  ];
  junk.forEach((bytes, i) => {
    const { diagnostics } = parseModel(bytes.toString('utf8'));
    assert.ok(diagnostics.some((d) => d.severity === 'error'), `junk ${i}`);
    for (const d of diagnostics) assertShort(d.message, `junk ${i}`);
  });
});

test('CSV data: a 10 KB cell, a binary cell and a 10 KB column name are quoted as excerpts; file, line and column kept', () => {
  const long = 'y'.repeat(10_000);
  // Bytes 0x80–0xff read as Latin-1 (C1 controls among them): what the reader lets through as text.
  const bin = Buffer.from(randomBytes(3, 3000).map((b) => 0x80 | b)).toString('latin1');
  const cases: Array<[string, string, string | number, RegExp]> = [
    ['a 10 KB cell', `a,b,label\n1,2,0\n3,${long},1\n`, 'label', /^d\.csv: line 3, column "b": "y{40}…" is not a number$/],
    ['a binary cell', `a,b,label\n1,2,0\n3,${bin},1\n`, 'label', /^d\.csv: line 3, column "b": ".{1,40}…" is not a number$/],
    ['a 10 KB label name', `a,b,label\n1,2,0\n`, long, /^d\.csv: no column named "y{40}…" in the header \(line 1\): "a", "b", "label"$/],
    ['a 10 KB column name', `a,${long},label\n1,x,0\n`, 'label', /^d\.csv: line 2, column "y{40}…": "x" is not a number$/],
  ];
  for (const [what, text, label, message] of cases) {
    assert.throws(() => parseCsv(text, { file: 'd.csv', label }), (e: unknown) => {
      assert.ok(e instanceof DataError, what);
      assert.match(e.message, message, what);
      assertShort(e.message.replace(/^d\.csv: /, ''), what);
      return true;
    });
  }
});

test('trainlens check on a file of random bytes: every line is file:line:col: severity: and short', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-excerpt-'));
  const file = path.join(dir, 'junk.nn.yaml');
  writeFileSync(file, randomBytes(20261202, 20_000));
  const cli = path.resolve(__dirname, '../../../dist/cli.js');
  const r = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1);
  assert.ok(r.stdout.length < lines.length * (file.length + MESSAGE_CHARS + 30), `${r.stdout.length} bytes for ${lines.length} lines`);
  for (const l of lines) {
    const m = /^(.*):(\d+):(\d+): (error|warning): (.*)$/.exec(l);
    assert.ok(m && m[1] === file, l.slice(0, 300));
    assertShort(m[5], l.slice(0, 100));
  }
});

test('a data path is quoted from its end: the file\'s name stays, a 10 KB path does not', () => {
  assert.equal(pathExcerpt('data/iris.csv'), 'data/iris.csv');
  assert.equal(pathExcerpt(`${'d/'.repeat(30)}iris.csv`), `…${`${'d/'.repeat(30)}iris.csv`.slice(-40)}`);
  assert.equal(pathExcerpt('a\nb.csv'), 'a\\nb.csv');
  const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-excerpt-'));
  const check = pathChecker(path.join(dir, 'm.nn.yaml'), [dir]);
  const long = `${'p'.repeat(10_000)}.csv`;
  const missing = check(long, 'file')!;
  assert.match(missing, /^No such file: '…p{76}\.csv' \(looked for …p{116}\.csv\)\.$/);
  assert.ok(check(`/${long}`, 'file')!.length < 160);
  assert.ok(check(`../${long}`, 'file')!.length < 160);
  // Through the CLI, the diagnostic stays on its line and column.
  const file = path.join(dir, 'long-path.nn.yaml');
  writeFileSync(file, `data: { csv: ${long}, label: y }\nlayers:\n  - dense: 3\n`);
  const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli.js'), 'check', file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:14: error: No such file: '…p{76}\\.csv' \\(looked for …p{116}\\.csv\\)\\.\n$`));
});
