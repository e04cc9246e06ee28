import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SYMBOLIC_LINK, checkExportNames, writeExportFolder, type ExportFolderFs } from '../../../src/editor/commands/export-write';
import { writeExportFiles } from '../../../src/export/write';
import type { ExportFile } from '../../../src/export/pytorch';

/** workspace.fs's behaviour over node:fs, for paths: stat follows a link and sets the link bit (vscode.FileType). */
function nodeFolderFs(calls: string[]): ExportFolderFs<string> {
  return {
    createDirectory: async (dir) => { calls.push(`mkdir ${path.basename(dir)}`); fs.mkdirSync(dir, { recursive: true }); },
    stat: async (file) => {
      const link = fs.lstatSync(file).isSymbolicLink();
      const target = fs.statSync(file, { throwIfNoEntry: false });
      const type = target === undefined ? 0 : target.isDirectory() ? 2 : 1;
      return { type: type | (link ? SYMBOLIC_LINK : 0) };
    },
    delete: async (file) => { calls.push(`delete ${path.basename(file)}`); fs.unlinkSync(file); },
    writeFile: async (file, contents) => { calls.push(`write ${path.basename(file)}`); fs.writeFileSync(file, contents); },
  };
}

/** Runs f in a new temporary folder, removed afterwards. */
async function inTempDir(f: (root: string) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-export-write-'));
  try {
    await f(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const FILES: ExportFile[] = [
  { name: 'm.py', contents: 'print("héllo")\n' },
  { name: 'm.weights.npz', contents: new Uint8Array([0x50, 0x4b, 0, 255, 7]) },
];

test('writes each file into the folder (created with its parents), strings as UTF-8, and returns them in order', () => inTempDir(async (root) => {
  const folder = path.join(root, 'a', 'b');
  const calls: string[] = [];
  const written = await writeExportFolder(nodeFolderFs(calls), path.join, folder, FILES);
  assert.deepEqual(written, [path.join(folder, 'm.py'), path.join(folder, 'm.weights.npz')]);
  assert.deepEqual(calls, ['mkdir b', 'write m.py', 'write m.weights.npz']);
  assert.deepEqual(fs.readFileSync(path.join(folder, 'm.py')), Buffer.from('print("héllo")\n', 'utf8'));
  assert.deepEqual([...fs.readFileSync(path.join(folder, 'm.weights.npz'))], [0x50, 0x4b, 0, 255, 7]);
}));

test('the same bytes as the CLI writer (src/export/write.ts), and nothing else in the folder is touched', () => inTempDir(async (root) => {
  const ours = path.join(root, 'ours');
  const cli = path.join(root, 'cli');
  fs.mkdirSync(ours);
  fs.writeFileSync(path.join(ours, 'other.txt'), 'keep');
  fs.writeFileSync(path.join(ours, 'm.py'), 'an older script, longer than the new one '.repeat(10));
  await writeExportFolder(nodeFolderFs([]), path.join, ours, FILES);
  writeExportFiles(cli, FILES);
  for (const f of FILES) assert.deepEqual(fs.readFileSync(path.join(ours, f.name)), fs.readFileSync(path.join(cli, f.name)), f.name);
  assert.deepEqual(fs.readdirSync(ours).sort(), ['m.py', 'm.weights.npz', 'other.txt']);
  assert.equal(fs.readFileSync(path.join(ours, 'other.txt'), 'utf8'), 'keep');
}));

test('a symbolic link of an export name is replaced by the file, not followed (dangling links too)', () => inTempDir(async (root) => {
  const folder = path.join(root, 'out');
  const outside = path.join(root, 'outside.py');
  fs.mkdirSync(folder);
  fs.writeFileSync(outside, 'outside');
  fs.symlinkSync(outside, path.join(folder, 'm.py'));
  fs.symlinkSync(path.join(root, 'missing.npz'), path.join(folder, 'm.weights.npz'));
  const calls: string[] = [];
  await writeExportFolder(nodeFolderFs(calls), path.join, folder, FILES);
  assert.deepEqual(calls, ['mkdir out', 'delete m.py', 'write m.py', 'delete m.weights.npz', 'write m.weights.npz']);
  assert.equal(fs.readFileSync(outside, 'utf8'), 'outside', 'the link\'s target is unchanged');
  assert.equal(fs.existsSync(path.join(root, 'missing.npz')), false, 'nothing written where the dangling link pointed');
  for (const f of FILES) assert.equal(fs.lstatSync(path.join(folder, f.name)).isFile(), true, `${f.name} is a plain file now`);
  assert.equal(fs.readFileSync(path.join(folder, 'm.py'), 'utf8'), 'print("héllo")\n');
}));

test('names with a folder, empty, . or .. are refused before anything is written (as the CLI writer refuses them)', async () => {
  for (const name of ['', '.', '..', 'a/b.py', '../m.py', 'a\\b.py', '/m.py']) {
    const files = [FILES[0], { name, contents: 'x' }];
    assert.throws(() => checkExportNames(files), { message: `export: '${name}' is not a plain file name` }, JSON.stringify(name));
    const calls: string[] = [];
    await assert.rejects(writeExportFolder(nodeFolderFs(calls), path.join, '/nonexistent/never', files), /is not a plain file name/);
    assert.deepEqual(calls, [], `nothing done for ${JSON.stringify(name)}`);
    if (!name.includes('\\')) assert.throws(() => writeExportFiles('/nonexistent/never', files), /is not a plain file name/);
  }
  assert.doesNotThrow(() => checkExportNames([{ name: 'm.data.npz', contents: '' }, { name: '..m', contents: '' }]));
});
