import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webStoreFiles } from '../../../src/web/store-files';
import { nodeStoreFiles } from '../../../src/node/store-files';
import type { StoreFiles } from '../../../src/platform/types';
import { FakeWorkspaceFs, fakeRoot } from './fake-workspace-fs';

const ROOT = '/user/globalStorage/trainlens/runs';
const decode = (b: Uint8Array | undefined): string | undefined => b && new TextDecoder().decode(b);

test('webStoreFiles: what is absent reads as undefined, [] and 0, and removing it does nothing', async () => {
  const files = webStoreFiles(fakeRoot(ROOT), new FakeWorkspaceFs());
  assert.equal(await files.read('run-a/run.json'), undefined);
  assert.deepEqual(await files.list(''), []);
  assert.deepEqual(await files.list('run-a'), []);
  assert.equal(await files.size('run-a'), 0);
  await files.remove('run-a');
});

test('webStoreFiles: an atomic write goes to a temp file that is renamed over the file; nothing else is left', async () => {
  const wfs = new FakeWorkspaceFs();
  const files = webStoreFiles(fakeRoot(ROOT), wfs);
  await files.mkdir('run-a');
  await files.writeAtomic('run-a/run.json', '{"a":"ü"}');
  await files.writeAtomic('run-a/run.json', '{"a":"✓"}');
  await files.writeAtomic('run-a/weights.bin', Uint8Array.from([1, 2, 250]));
  assert.equal(decode(await files.read('run-a/run.json')), '{"a":"✓"}');
  assert.deepEqual([...(await files.read('run-a/weights.bin'))!], [1, 2, 250]);
  assert.ok(wfs.written.length === 3 && wfs.written.every((p) => p.startsWith(`${ROOT}/run-a/`) && p.endsWith('.tmp')), wfs.written.join(', '));
  assert.notEqual(wfs.written[0], wfs.written[1], 'a new temp name each time');
  assert.deepEqual((await files.list('run-a')).sort(), ['run.json', 'weights.bin']);
  assert.deepEqual([...wfs.entries.keys()].filter((k) => k.startsWith(ROOT)).sort(), [ROOT, `${ROOT}/run-a`, `${ROOT}/run-a/run.json`, `${ROOT}/run-a/weights.bin`]);
});

test('webStoreFiles: append creates the file, then rewrites it whole with the text added (atomically)', async () => {
  const wfs = new FakeWorkspaceFs();
  const files = webStoreFiles(fakeRoot(ROOT), wfs);
  await files.mkdir('r');
  await files.append('r/metrics.jsonl', 'one ü\n');
  await files.append('r/metrics.jsonl', 'two ✓\n');
  assert.equal(decode(await files.read('r/metrics.jsonl')), 'one ü\ntwo ✓\n');
  assert.ok(wfs.written.every((p) => p.endsWith('.tmp')), 'never written in place');
  assert.equal(await files.size('r/metrics.jsonl'), new TextEncoder().encode('one ü\ntwo ✓\n').byteLength);
});

test('webStoreFiles: a folder\'s size is its files\' summed (nested too); remove takes a folder with what it holds', async () => {
  const files = webStoreFiles(fakeRoot(ROOT), new FakeWorkspaceFs());
  await files.mkdir('a/b');
  await files.writeAtomic('a/x', new Uint8Array(10));
  await files.writeAtomic('a/b/y', new Uint8Array(7));
  assert.equal(await files.size('a'), 17);
  assert.equal(await files.size(''), 17);
  await files.remove('a');
  assert.deepEqual(await files.list(''), []);
  assert.equal(await files.size(''), 0);
});

test('webStoreFiles: errors other than a missing file are not hidden', async () => {
  const files = webStoreFiles(fakeRoot(ROOT), new FakeWorkspaceFs());
  await files.mkdir('a');
  await assert.rejects(files.read('a'), (e: Error & { code?: string }) => e.code === 'FileIsADirectory');
  await files.writeAtomic('f', 'x');
  await assert.rejects(files.list('f'), (e: Error & { code?: string }) => e.code === 'FileNotADirectory');
});

test('webStoreFiles keeps to its root and works for any scheme and a root ending in /', async () => {
  const wfs = new FakeWorkspaceFs();
  await webStoreFiles(fakeRoot('/ws/.trainlens/runs/', 'vscode-vfs'), wfs).writeAtomic('x', 'y');
  await webStoreFiles(fakeRoot('/elsewhere'), wfs).writeAtomic('x', 'z');
  assert.equal(decode(wfs.entries.get('/ws/.trainlens/runs/x')), 'y');
  assert.equal(decode(wfs.entries.get('/elsewhere/x')), 'z');
});

/** One script of calls; what it reads back. */
async function script(files: StoreFiles): Promise<unknown[]> {
  const seen: unknown[] = [];
  await files.mkdir('run-1');
  await files.mkdir('run-1'); // again: no error
  await files.writeAtomic('run-1/run.json', JSON.stringify({ a: 1 }, null, 1));
  await files.append('run-1/metrics.jsonl', '{"t":"marker"}\n');
  await files.append('run-1/metrics.jsonl', '{"t":"epoch"}\n');
  await files.writeAtomic('run-1/weights.bin', new Uint8Array(Float32Array.from([1.5, -2]).buffer));
  await files.mkdir('run-2');
  await files.writeAtomic('run-2/run.json', 'ünïcode');
  seen.push((await files.list('')).sort(), (await files.list('run-1')).sort());
  seen.push(decode(await files.read('run-1/run.json')), decode(await files.read('run-1/metrics.jsonl')), [...(await files.read('run-1/weights.bin'))!]);
  seen.push(await files.size('run-1'), await files.size('run-2/run.json'), await files.size(''), await files.size('nothing'));
  await files.remove('run-2');
  await files.remove('run-2');
  seen.push(await files.list(''), await files.read('run-2/run.json'), await files.list('run-2'));
  return seen;
}

test('webStoreFiles over workspace.fs and nodeStoreFiles on disk give the same results', async () => {
  const disk = await script(nodeStoreFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-store-files-'))));
  const web = await script(webStoreFiles(fakeRoot(ROOT), new FakeWorkspaceFs()));
  assert.deepEqual(web, disk);
  assert.deepEqual(disk[0], ['run-1', 'run-2']);
  assert.equal(disk[5], 8 + '{"t":"marker"}\n{"t":"epoch"}\n'.length + JSON.stringify({ a: 1 }, null, 1).length, 'a folder\'s size: its files\' bytes');
  assert.equal(disk[6], new TextEncoder().encode('ünïcode').byteLength);
});
