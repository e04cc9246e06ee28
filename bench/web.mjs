// The web engine against the desktop one on W1–W3, side by side in one run:
//   node bench/web.mjs [--rounds N] [--ms MS] [--workloads W1,W2,W3] [--json]
// bench/web-engine.mjs is bundled by esbuild twice: an iife run in a Web Worker of Debian's headless
// Chromium (a blank page, not cross-origin isolated: no SharedArrayBuffer, as in vscode.dev and
// code-server), and a CommonJS file run in a Node worker thread (as the desktop extension runs its
// engine). Rows, each on one thread:
//   desktop           Node worker thread, steps back to back (a desktop run reads its queue every 15 ms)
//   desktop, yield    the same with a setImmediate after every step
//   desktop, relaxed  Node with the relaxed-SIMD kernels (a child with --experimental-wasm-relaxed-simd):
//                     the build VS Code's Electron runs by default; Node 20 validates it only behind the flag
//   web               Chromium Web Worker, steps back to back (what a cross-origin isolated page allows)
//   web, yield        the same with a MessageChannel round after every step: what a web run does
//                     without shared memory, so that Stop, Pause and Step land within one step
// and on two threads (kernel helper threads sharing the kernels' memory):
//   desktop, 2 threads           Node, dist's kernel helper entry (src/training/kernel-helper.ts)
//   desktop, relaxed, 2 threads  the same on the relaxed-SIMD kernels
//   web, isolated, 1|2 threads   a Chromium Web Worker in a cross-origin isolated page (served here
//                     with COOP/COEP, as vscode.dev with ?vscode-coi), helpers from the web entry
//                     (src/web/kernel-helper.ts) as Web Workers the engine's worker starts
// Rounds are interleaved (desktop, web, desktop, web, …); medians are reported.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import * as esbuild from 'esbuild';
import { launchBrowser } from '../scripts/vscode/server.mjs';
import { WORKLOADS } from './workloads.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
};
const rounds = Number(arg('--rounds', 3));
const ms = Number(arg('--ms', 1500));
const workloads = arg('--workloads', 'W1,W2,W3').split(',');
const json = process.argv.includes('--json');

async function bundle(dir) {
  const entry = path.join(here, 'web-engine.mjs');
  const src = (f) => JSON.stringify(path.join(here, '..', 'src', f));
  const browserEntry = path.join(dir, 'browser-entry.mjs');
  const nodeEntry = path.join(dir, 'node-entry.mjs');
  // A request with threads > 1 first starts the helpers still missing (Web Workers of the helper
  // script the page sent with {helperScript}) and waits until they are ready.
  fs.writeFileSync(browserEntry, `import { measure, queueYield, useThreads } from ${JSON.stringify(entry)};
const y = queueYield();
let helperUrl;
const startHelper = (init) => { const w = new Worker(helperUrl); w.postMessage(init); return w; };
self.onmessage = async (e) => {
  if (e.data.helperScript) { helperUrl = URL.createObjectURL(new Blob([e.data.helperScript], { type: 'application/javascript' })); self.postMessage({}); return; }
  try { await useThreads(e.data.threads ?? 1, startHelper); self.postMessage(await measure(e.data, y)); } catch (err) { self.postMessage({ error: String(err && err.stack || err) }); }
};\n`);
  // In a worker thread (parentPort) or a forked child (process.send), the same code; helpers as Node worker threads.
  fs.writeFileSync(nodeEntry, `import { parentPort, Worker } from 'node:worker_threads';
import { measure, queueYield, useThreads } from ${JSON.stringify(entry)};
const y = queueYield();
const helperPath = ${JSON.stringify(path.join(dir, 'helper.cjs'))};
const startHelper = (init) => { const w = new Worker(helperPath, { workerData: { ...init, lowerPriority: false } }); w.unref(); return w; };
const send = (m) => (parentPort ? parentPort.postMessage(m) : process.send(m));
(parentPort ?? process).on('message', async (m) => {
  try { await useThreads(m.threads ?? 1, startHelper); send(await measure(m, y)); } catch (err) { send({ error: String(err && err.stack || err) }); }
});\n`);
  const common = { bundle: true, target: 'es2022', logLevel: 'warning', absWorkingDir: path.join(here, '..') };
  await esbuild.build({ ...common, entryPoints: [browserEntry], outfile: path.join(dir, 'web.js'), platform: 'browser', format: 'iife' });
  await esbuild.build({ ...common, entryPoints: [nodeEntry], outfile: path.join(dir, 'node.cjs'), platform: 'node', format: 'cjs' });
  // The helpers' entries, as the extension bundles them (dist/web/kernel-helper.js, dist/kernel-helper.js).
  await esbuild.build({ ...common, entryPoints: [JSON.parse(src('web/kernel-helper.ts'))], outfile: path.join(dir, 'web-helper.js'), platform: 'browser', format: 'iife' });
  await esbuild.build({ ...common, entryPoints: [JSON.parse(src('training/kernel-helper.ts'))], outfile: path.join(dir, 'helper.cjs'), platform: 'node', format: 'cjs' });
  return { web: fs.readFileSync(path.join(dir, 'web.js'), 'utf8'), webHelper: fs.readFileSync(path.join(dir, 'web-helper.js'), 'utf8'), node: path.join(dir, 'node.cjs') };
}

/** The bundle in a Node worker thread; relaxed: in a child process whose V8 validates relaxed SIMD (as VS Code's Electron does by default). */
function nodeRunner(file, relaxed = false) {
  const worker = relaxed
    ? fork(file, { execArgv: ['--experimental-wasm-relaxed-simd'], env: { ...process.env, TRAINLENS_KERNELS: 'relaxed' } })
    : new Worker(file);
  const post = (m) => (relaxed ? worker.send(m) : worker.postMessage(m));
  return {
    run: (req) => new Promise((resolve, reject) => {
      worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      worker.once('error', reject);
      post(req);
    }),
    close: () => (relaxed ? worker.kill() : worker.terminate()),
  };
}

/** An empty page served with COOP/COEP: cross-origin isolated, so its workers get SharedArrayBuffer. */
async function isolatedPage() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.end('<!doctype html><title>bench</title>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** The web bundle in a Chromium Web Worker of a blank page, or (`isolated`) of a cross-origin isolated one with helpers. */
async function webRunner(built, isolated = false) {
  const { browser, page, close } = await launchBrowser();
  const served = isolated ? await isolatedPage() : null;
  await page.goto(served ? served.url : 'about:blank');
  const shared = await page.evaluate(() => globalThis.crossOriginIsolated === true);
  if (shared !== isolated) throw new Error(`the page is ${shared ? '' : 'not '}cross-origin isolated`);
  await page.evaluate(([text, helperScript]) => new Promise((resolve) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/javascript' }));
    globalThis.benchWorker = new Worker(url);
    if (!helperScript) return resolve();
    globalThis.benchWorker.onmessage = () => resolve();
    globalThis.benchWorker.postMessage({ helperScript });
  }), [built.web, isolated ? built.webHelper : null]);
  const version = browser.version();
  return {
    version,
    run: (req) => page.evaluate((r) => new Promise((resolve, reject) => {
      globalThis.benchWorker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
      globalThis.benchWorker.onerror = (e) => reject(new Error(e.message));
      globalThis.benchWorker.postMessage(r);
    }), req),
    close: async () => {
      served?.close();
      await close();
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : Math.round(x).toLocaleString('en-US'));

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-webbench-'));
  const built = await bundle(dir);
  const desktop = nodeRunner(built.node);
  const desktopRelaxed = nodeRunner(built.node, true);
  const web = await webRunner(built);
  const webIsolated = await webRunner(built, true);
  const rows = [
    { name: 'desktop', runner: desktop, yieldEach: false },
    { name: 'desktop, yield', runner: desktop, yieldEach: true },
    { name: 'desktop, relaxed', runner: desktopRelaxed, yieldEach: false },
    { name: 'web', runner: web, yieldEach: false },
    { name: 'web, yield', runner: web, yieldEach: true },
    { name: 'desktop, 2 threads', runner: desktop, yieldEach: false, threads: 2 },
    { name: 'desktop, relaxed, 2 threads', runner: desktopRelaxed, yieldEach: false, threads: 2 },
    { name: 'web, isolated, 1 thread', runner: webIsolated, yieldEach: false, threads: 1 },
    { name: 'web, isolated, 2 threads', runner: webIsolated, yieldEach: false, threads: 2 },
  ];
  const results = {};
  const kernelsOf = {};
  try {
    for (let r = 0; r < rounds; r++) {
      for (const w of workloads) {
        for (const row of rows) {
          const res = await row.runner.run({ workload: w, warmupMs: r === 0 ? 800 : 300, ms, yieldEach: row.yieldEach, threads: row.threads ?? 1 });
          if (res.threads !== (row.threads ?? 1)) throw new Error(`${row.name} ran on ${res.threads} threads`);
          ((results[row.name] ??= {})[w] ??= []).push(res.samplesPerSec);
          kernelsOf[row.name] = res.kernels;
          if (!json) process.stderr.write(`round ${r + 1}/${rounds} ${w} ${row.name}: ${fmt(res.samplesPerSec)} samples/s\n`);
        }
      }
    }
  } finally {
    await desktop.close();
    desktopRelaxed.close();
    await web.close();
    await webIsolated.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const table = rows.map((row) => ({
    row: row.name, kernels: kernelsOf[row.name],
    samplesPerSec: Object.fromEntries(workloads.map((w) => [w, median(results[row.name][w])])),
    spread: Object.fromEntries(workloads.map((w) => [w, [Math.min(...results[row.name][w]), Math.max(...results[row.name][w])]])),
  }));
  const out = { node: process.version, chromium: web.version, rounds, ms, table };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`\nW1–W3 samples/s, medians of ${rounds} interleaved rounds of ${ms} ms (Node ${process.version}, Chromium ${web.version})`);
  console.log(`| row | kernels | ${workloads.map((w) => `${w} ${WORKLOADS[w].title}`).join(' | ')} |`);
  console.log(`|---|---|${workloads.map(() => '---:').join('|')}|`);
  for (const t of table) console.log(`| ${t.row} | ${t.kernels} | ${workloads.map((w) => fmt(t.samplesPerSec[w])).join(' | ')} |`);
  const base = table[0].samplesPerSec;
  for (const t of table.slice(1)) {
    console.log(`${t.row} ÷ desktop: ${workloads.map((w) => `${w} ${(t.samplesPerSec[w] / base[w]).toFixed(2)}×`).join(', ')}`);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
