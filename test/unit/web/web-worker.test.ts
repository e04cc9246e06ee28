/** The Web Worker entry (src/web/worker.ts): bundled as a classic script with no Node module, and run over a fake `self` whose files the host serves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { build } from 'esbuild';
import { messageYield, startWebWorker, type WorkerScope } from '../../../src/web/worker';
import { isFileRequest } from '../../../src/platform/file-rpc';
import type { DoneMessage, HostToWorker, StartMessage, WorkerToHost } from '../../../src/training/protocol';
import type { ModelSpec } from '../../../src/model/spec';
import { SPIRAL } from '../fixtures';
import { MemoryFs, TestUri } from './file-rpc-fakes';
import { FileServer } from '../../../src/web/file-server';

const repo = path.resolve(__dirname, '../../../..');

test('the web worker entry bundles (esbuild, iife, browser) to a classic script that requires nothing', async () => {
  const out = await build({ entryPoints: [path.join(repo, 'src/web/worker.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const code = out.outputFiles[0].text;
  assert.ok(code.length > 100_000, `${code.length} characters`);
  assert.doesNotMatch(code, /require\(["']node:/);
  assert.doesNotMatch(code, /\brequire\(["'](fs|path|zlib|worker_threads|os|stream)["']\)/);
  assert.doesNotMatch(code, /\bsetImmediate\(|\bBuffer\.(from|alloc)/);
  assert.match(code, /^"use strict";\s*\(\(\) => \{/, 'an IIFE');
});

test('messageYield resolves its waiters in order, through one channel', async () => {
  const yieldNow = messageYield();
  const order: number[] = [];
  await Promise.all([1, 2, 3].map((k) => yieldNow().then(() => order.push(k))));
  assert.deepEqual(order, [1, 2, 3]);
});

/** A dedicated worker's scope over a MessageChannel; the host end answers file requests with a FileServer and keeps the rest. */
function fakeSelf(fs: MemoryFs, root: TestUri): { scope: WorkerScope; send(m: HostToWorker): void; posts: WorkerToHost[]; closed: Promise<void>; crash(type: 'error' | 'unhandledrejection', e: unknown): void; end(): void } {
  const { port1: inWorker, port2: host } = new MessageChannel();
  const posts: WorkerToHost[] = [];
  const listeners: Record<string, (ev: never) => void> = {};
  let close!: () => void;
  const closed = new Promise<void>((r) => (close = r));
  const server = new FileServer({ fs, roots: () => [root], extensionUri: TestUri.parse('vscode-remote://host/ext'), parse: TestUri.parse });
  host.onmessage = async (ev: MessageEvent) => {
    if (isFileRequest(ev.data)) {
      const { answer, transfer } = await server.answer(ev.data);
      host.postMessage(answer, transfer);
    } else posts.push(ev.data as WorkerToHost);
  };
  const scope: WorkerScope = {
    onmessage: null,
    postMessage: (m) => inWorker.postMessage(m),
    close: () => close(),
    addEventListener: (type: string, f: (ev: never) => void) => (listeners[type] = f),
  };
  inWorker.onmessage = (ev: MessageEvent) => scope.onmessage?.({ data: ev.data });
  return {
    scope, posts, closed,
    send: (m) => host.postMessage(m),
    crash: (type, e) => (listeners[type] as (ev: unknown) => void)(type === 'error' ? { message: 'Uncaught Error: boom', error: e } : { reason: e }),
    end: () => { inWorker.close(); host.close(); },
  };
}

test('the web worker entry trains a CSV model whose data it asks of the host, and reports crashes as error messages', async () => {
  const root = TestUri.parse('vscode-remote://host/w');
  const fs = new MemoryFs();
  const rows = Array.from({ length: 60 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${i % 3}`).join('\n');
  fs.add(root.with({ path: '/w/d/iris.csv' }), new TextEncoder().encode(`a,b,label\n${rows}\n`));
  const w = fakeSelf(fs, root);
  try {
    startWebWorker(w.scope);
    const spec: ModelSpec = { ...SPIRAL, data: { ...SPIRAL.data, dataset: 'csv', csv: { path: 'd/iris.csv', label: 'label', normalize: 'none' }, samples: 0 }, train: { ...SPIRAL.train, epochs: 2 } };
    const start: StartMessage = { type: 'start', runId: 'web-1', spec, control: null, baseDir: root.toString(), progressIntervalMs: 20, statsEvery: 0, statsMinMs: 0 };
    w.send(start);
    await w.closed;
    while (!w.posts.some((m) => m.type === 'done' || m.type === 'error')) await new Promise((r) => setTimeout(r, 5));
    const end = w.posts.find((m) => m.type === 'done' || m.type === 'error') as DoneMessage;
    assert.equal(end.type, 'done', JSON.stringify(end).slice(0, 300));
    assert.equal(end.status, 'finished');
    assert.ok(end.final.steps > 0);
    w.crash('error', new Error('boom'));
    w.crash('unhandledrejection', 'lost');
    while (w.posts.filter((m) => m.type === 'error').length < 2) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(w.posts.filter((m) => m.type === 'error'), [
      { type: 'error', runId: 'web-1', message: 'The training worker crashed: boom' },
      { type: 'error', runId: 'web-1', message: 'The training worker crashed: lost' },
    ]);
  } finally {
    w.end();
  }
});
