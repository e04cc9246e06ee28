import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../src/engine/rng';
import { CsvDatasetReader, parseCsv, type CsvOptions } from '../../src/engine/data/csv-dataset';
import { DataError, loadDataset } from '../../src/data/load';
import type { Dataset } from '../../src/engine/data/dataset';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-csv-'));
function file(name: string, content: string | Uint8Array): string {
  writeFileSync(path.join(dir, name), content);
  return name;
}
const csvSpec = (p: string, label: string | number, samples = 0): ModelSpec => ({
  ...SPIRAL,
  data: { dataset: 'csv', samples, classes: 0, noise: 0, features: 0, validation: 0.2, csv: { path: p, label, normalize: 'none' } },
});
const load = (p: string, label: string | number, samples = 0): Promise<Dataset> => loadDataset(csvSpec(p, label, samples), dir);
const f32 = (a: number[]): number[] => a.map(Math.fround);
const plain = (d: Dataset) => ({ n: d.n, shape: d.shape, classes: d.classes, x: Array.from(d.x), y: Array.from(d.y), labelNames: d.labelNames });

/** The message of the DataError that `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DataError, `not a DataError: ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a DataError');
}

const IRIS = '"sepal length",width,species\r\n5.1,3.5,"setosa"\r\n7.0,3.2,versicolor\r\n"6.3", 3.3 ,"virginica, ""big"""\r\n4.9,3.0,setosa\r\n';

test('csv: header row, CRLF, quoted cells with commas and "" escapes; text labels numbered in sorted order', async () => {
  const d = await load(file('iris.csv', IRIS), 'species');
  assert.deepEqual(plain(d), {
    n: 4, shape: [2], classes: 3, x: f32([5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0]), y: [0, 1, 2, 0],
    labelNames: ['setosa', 'versicolor', 'virginica, "big"'],
  });
  // Sorted, not by first appearance: the same names give the same classes whatever the row order.
  const shuffled = await load(file('iris2.csv', 'a,b,species\n1,2,"virginica, ""big"""\n3,4,setosa\n'), 'species');
  assert.deepEqual(shuffled.labelNames, ['setosa', 'virginica, "big"']);
  assert.deepEqual(Array.from(shuffled.y), [1, 0]);
  // By index the label is the same column: 2, or −1 from the end.
  assert.deepEqual(plain(await load('iris.csv', 2)), plain(d));
  assert.deepEqual(plain(await load('iris.csv', -1)), plain(d));
});

test('csv: no header when the first row is numbers; whole-number labels are the classes themselves', async () => {
  file('plain.csv', '1,0.5,2\n0,1.5,3\n2,2.5,4\n');
  assert.deepEqual(plain(await load('plain.csv', 0)), { n: 3, shape: [2], classes: 3, x: f32([0.5, 2, 1.5, 3, 2.5, 4]), y: [1, 0, 2], labelNames: undefined });
  assert.deepEqual(plain(await load('plain.csv', -1)), { n: 3, shape: [2], classes: 5, x: f32([1, 0.5, 0, 1.5, 2, 2.5]), y: [2, 3, 4], labelNames: undefined });
  // Fractions are names, sorted by value.
  const byValue = await load('plain.csv', 1);
  assert.deepEqual(byValue.labelNames, ['0.5', '1.5', '2.5']);
  assert.deepEqual(Array.from(byValue.y), [0, 1, 2]);
  // −1 / 1 labels: numbers but not class indices, so names, −1 first.
  const svm = parseCsv('0.1,1\n0.2,-1\n', { file: 's.csv', label: -1 });
  assert.deepEqual([svm.labelNames, Array.from(svm.y)], [['-1', '1'], [1, 0]]);
  // A text label column alone does not make a header: the features are numbers in both rows.
  const noHeader = parseCsv('5.1,3.5,setosa\n4.9,3.0,versicolor\n', { file: 'x.csv', label: -1 });
  assert.equal(noHeader.n, 2);
  assert.deepEqual(noHeader.labelNames, ['setosa', 'versicolor']);
  // A header is a non-number over a number in the same column, whichever column it is.
  const header = parseCsv('x,1.5,label\n1,2,0\n', { file: 'x.csv', label: 'label' });
  assert.deepEqual([header.n, Array.from(header.x)], [1, [1, 2]]);
});

test('csv: label column errors', async () => {
  assert.equal(await failure(load('plain.csv', 'species')),
    'plain.csv: the label column is given by name ("species"), but the file has no header row (line 1 is data); give its 0-based index instead (−1 for the last column)');
  assert.equal(await failure(load('plain.csv', 3)), 'plain.csv: label column 3 is out of range: the file has 3 columns (0 to 2, or −1 to −3 from the end)');
  assert.equal(await failure(load('plain.csv', -4)), 'plain.csv: label column -4 is out of range: the file has 3 columns (0 to 2, or −1 to −3 from the end)');
  assert.equal(await failure(load('iris.csv', 'Species')), 'iris.csv: no column named "Species" in the header (line 1); did you mean "species"?');
  assert.equal(await failure(load('iris.csv', 'kind')), 'iris.csv: no column named "kind" in the header (line 1): "sepal length", "width", "species"');
  const many = 'x,label\n' + Array.from({ length: 1001 }, (_, i) => `1,class${i}`).join('\n');
  assert.equal(await failure(load(file('many.csv', many), 'label')),
    'many.csv: line 1002, column "label": more than 1000 different labels: is column "label" really the label column?');
  assert.equal(await failure(load(file('ids.csv', '1,5\n2,123456\n'), -1)),
    'ids.csv: column 2: label 123456 is too large for a class index (0 to 999): is it really the label column?');
  assert.equal(await failure(load(file('nolabel.csv', 'a,b\n1, \n'), 'b')), 'nolabel.csv: line 2, column "b": empty label');
});

test('csv: malformed rows name the file, the line and the column', async () => {
  const cases: [string, string, string | number, string][] = [
    ['ragged.csv', 'a,b,c\n1,2,3\n4,5\n', -1, 'ragged.csv: line 3: 2 cells, expected 3 (column "c" is missing)'],
    ['long.csv', 'a,b,c\n1,2,3\n4,5,6,7\n', -1, 'long.csv: line 3: 4 cells, expected 3'],
    ['second.csv', 'a,b,c\n1,2\n', -1, 'second.csv: line 2: 2 cells, but line 1 has 3'],
    ['nan.csv', 'a,b,label\n1,NaN,0\n', -1, 'nan.csv: line 2, column "b": "NaN" is not a finite number'],
    ['inf.csv', '1,2,0\r\n1,-Infinity,1\r\n', -1, 'inf.csv: line 2, column 2: "-Infinity" is not a finite number'],
    ['big.csv', '1,2,0\n1,3e38,1\n1,4e38,1\n', -1, 'big.csv: line 3, column 2: "4e38" is too large for a 32-bit float'],
    ['word.csv', 'a,b,label\n1,2,0\n1,two,1\n', 'label', 'word.csv: line 3, column "b": "two" is not a number'],
    ['hex.csv', 'a,b,label\n1,0x10,0\n', 'label', 'hex.csv: line 2, column "b": "0x10" is not a number'],
    ['empty-cell.csv', 'a,b,label\n,2,0\n', 'label', 'empty-cell.csv: line 2, column "a": empty cell (features must be numbers)'],
    // Lines count blank lines and line breaks inside quoted cells.
    ['lines.csv', 'a,b,label\n\n1,2,"two\r\nlines"\n\n3,x,y\n', 'label', 'lines.csv: line 6, column "b": "x" is not a number'],
    ['unclosed.csv', 'a,b\n1,2\n3,"4\n', 'a', 'unclosed.csv: line 3, column 2: the quoted cell that starts here is never closed (a missing ")'],
    ['after.csv', 'a,b\n1,"2"x\n', 'a', 'after.csv: line 2, column 2: text after the closing quote of a quoted cell (a quote inside a quoted cell is written "")'],
    ['one-column.csv', 'a\n1\n', 0, 'one-column.csv: line 1: a single column: the file needs feature columns and a label column'],
    ['header-only.csv', 'a,b,label\n', 'label', 'header-only.csv: only a header row (line 1), no data rows'],
    ['blank.csv', '\n  \r\n\n', 0, 'blank.csv: no rows, only blank lines'],
  ];
  for (const [name, content, label, message] of cases) assert.equal(await failure(load(file(name, content), label)), message, name);
  // The same facts as fields.
  try {
    await load('word.csv', 'label');
  } catch (e) {
    assert.ok(e instanceof DataError);
    assert.deepEqual([e.file, e.line, e.column, e.columnName], ['word.csv', 3, 2, 'b']);
  }
});

test('csv: empty files, folders, missing files, binary junk, unsaved models', async () => {
  assert.equal(await failure(load(file('empty.csv', ''), 0)), 'empty.csv: the file is empty');
  // A PNG's first bytes: \x89 P N G \r \n \x1a …: the control byte on line 2 gives it away.
  file('junk.csv', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  assert.equal(await failure(load('junk.csv', 0)), 'junk.csv: line 2: binary data (a byte 0x1a): this is not a CSV text file');
  const rng = new Rng(1);
  file('random.bin', Uint8Array.from({ length: 5000 }, () => rng.int(256)));
  assert.match(await failure(load('random.bin', 0)), /^random\.bin: line \d+: binary data \(a byte 0x[0-9a-f]{2}\): this is not a CSV text file$/);
  mkdirSync(path.join(dir, 'folder.csv'), { recursive: true });
  assert.equal(await failure(load('folder.csv', 0)), 'folder.csv: a folder, not a file');
  assert.equal(await failure(load('nope.csv', 0)), `nope.csv: no such file (looked for ${path.join(dir, 'nope.csv')})`);
  assert.equal(await failure(load('sub/nope.csv', 0)), `sub/nope.csv: no such file (looked for ${path.join(dir, 'sub/nope.csv')})`);
  assert.equal(await failure(loadDataset(csvSpec('iris.csv', -1), null)),
    'iris.csv: a relative path, but the model file is not saved in a folder to be relative to; save it first, or give an absolute path');
  // An absolute path needs no folder.
  assert.equal((await loadDataset(csvSpec(path.join(dir, 'iris.csv'), -1), null)).n, 4);
  assert.equal(await failure(loadDataset(csvSpec('iris.csv', -1), dir, { maxBytes: 100 })), `iris.csv: ${IRIS.length} bytes, more than the 100 bytes TrainLens reads`);
});

test('csv: gzipped files are read (told by their bytes), and samples keeps the first rows', async () => {
  file('iris.csv.gz', gzipSync(IRIS));
  file('iris-gz.csv', gzipSync(IRIS));
  const d = plain(await load('iris.csv', 'species'));
  assert.deepEqual(plain(await load('iris.csv.gz', 'species')), d);
  assert.deepEqual(plain(await load('iris-gz.csv', 'species')), d);
  const first2 = await load('iris.csv', 'species', 2);
  assert.deepEqual([first2.n, Array.from(first2.x), first2.labelNames], [2, f32([5.1, 3.5, 7.0, 3.2]), ['setosa', 'versicolor']]);
  for (const text of ['1,0\n2,1\n3,1\n', 'a,b\n1,0\n2,1\n']) {
    const one = parseCsv(text, { file: 'x.csv', label: -1, maxRows: 1 });
    assert.deepEqual([one.n, Array.from(one.x)], [1, [1]], text);
  }
  // Rows past `samples` are not read, so a broken row there is no error.
  assert.equal((await load(file('tail.csv', 'a,b\n1,0\n2,1\n3,x\n'), 'b', 2)).n, 2);
  file('broken.csv.gz', gzipSync(IRIS).subarray(0, 30));
  assert.match(await failure(load('broken.csv.gz', 'species')), /^broken\.csv\.gz: broken gzip data \(.+\)$/);
  const bomb = gzipSync('1,2\n'.repeat(100_000));
  assert.equal(await failure(loadDataset(csvSpec(file('bomb.csv.gz', bomb), -1), dir, { maxBytes: 10_000 })), 'bomb.csv.gz: unpacks to more than the 9.8 KB TrainLens reads');
});

const BOM = '\ufeffx,"y ""q""",label\n1,2,"a\r\nb"\r\n3,4,"c,d"\r5,6,a\r\n';

/** Cuts text at random places and pushes the pieces. */
function chunked(text: string, o: CsvOptions, rng: Rng): Dataset | string {
  const r = new CsvDatasetReader(o);
  try {
    let at = 0;
    while (at < text.length) {
      const size = 1 + rng.int(rng.uniform() < 0.5 ? 4 : 40);
      r.push(text.slice(at, at + size));
      at += size;
    }
    return r.end();
  } catch (e) {
    return (e as Error).message;
  }
}

test('csv: any split into chunks gives the same result (inside quotes, between CR and LF, inside "")', () => {
  const texts: [string, string | number][] = [
    [IRIS, 'species'],
    [BOM, 'label'],
    [BOM + 'b\n', 'label'],
    ['a,b,label\n\n1,2,"two\r\nlines"\r\n\r\n3,x,y\n', 'label'],
    ['1,2,0\n3,4,1\n5,6', -1],
  ];
  const rng = new Rng(7);
  for (const [text, label] of texts) {
    const o = { file: 't.csv', label };
    let whole: Dataset | string;
    try { whole = parseCsv(text, o); } catch (e) { whole = (e as Error).message; }
    for (let trial = 0; trial < 200; trial++) {
      const got = chunked(text, o, rng);
      if (typeof whole === 'string') assert.equal(got, whole);
      else assert.deepEqual(typeof got === 'string' ? got : plain(got), plain(whole));
    }
  }
  // The byte-order mark is dropped, a lone CR ends a line, and CRLF is one line break.
  const bom = parseCsv(BOM, { file: 't.csv', label: 'label' });
  assert.deepEqual(bom.labelNames, ['a', 'a\r\nb', 'c,d']);
  assert.deepEqual(Array.from(bom.x), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseCsv(BOM + 'b\n', { file: 't.csv', label: 'label' }), { message: 't.csv: line 6: 1 cell, expected 3 (column "y \\"q\\"" is missing)' });
});
