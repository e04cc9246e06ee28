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
// Rounds are interleaved (desktop, web, desktop, web, …); medians are reported.
import fs from 'node:fs';
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
  const browserEntry = path.join(dir, 'browser-entry.mjs');
  const nodeEntry = path.join(dir, 'node-entry.mjs');
  fs.writeFileSync(browserEntry, `import { measure, queueYield } from ${JSON.stringify(entry)};
const y = queueYield();
self.onmessage = async (e) => {
  try { self.postMessage(await measure(e.data, y)); } catch (err) { self.postMessage({ error: String(err && err.stack || err) }); }
};\n`);
  // In a worker thread (parentPort) or a forked child (process.send), the same code.
  fs.writeFileSync(nodeEntry, `import { parentPort } from 'node:worker_threads';
import { measure, queueYield } from ${JSON.stringify(entry)};
const y = queueYield();
const send = (m) => (parentPort ? parentPort.postMessage(m) : process.send(m));
(parentPort ?? process).on('message', async (m) => {
  try { send(await measure(m, y)); } catch (err) { send({ error: String(err && err.stack || err) }); }
});\n`);
  const common = { bundle: true, target: 'es2022', logLevel: 'warning', absWorkingDir: path.join(here, '..') };
  await esbuild.build({ ...common, entryPoints: [browserEntry], outfile: path.join(dir, 'web.js'), platform: 'browser', format: 'iife' });
  await esbuild.build({ ...common, entryPoints: [nodeEntry], outfile: path.join(dir, 'node.cjs'), platform: 'node', format: 'cjs' });
  return { web: fs.readFileSync(path.join(dir, 'web.js'), 'utf8'), node: path.join(dir, 'node.cjs') };
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

async function webRunner(script) {
  const { browser, page, close } = await launchBrowser();
  await page.goto('about:blank');
  await page.evaluate((text) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/javascript' }));
    globalThis.benchWorker = new Worker(url);
  }, script);
  const version = browser.version();
  return {
    version,
    run: (req) => page.evaluate((r) => new Promise((resolve, reject) => {
      globalThis.benchWorker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
      globalThis.benchWorker.onerror = (e) => reject(new Error(e.message));
      globalThis.benchWorker.postMessage(r);
    }), req),
    close,
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
  const web = await webRunner(built.web);
  const rows = [
    { name: 'desktop', runner: desktop, yieldEach: false },
    { name: 'desktop, yield', runner: desktop, yieldEach: true },
    { name: 'desktop, relaxed', runner: desktopRelaxed, yieldEach: false },
    { name: 'web', runner: web, yieldEach: false },
    { name: 'web, yield', runner: web, yieldEach: true },
  ];
  const results = {};
  const kernelsOf = {};
  try {
    for (let r = 0; r < rounds; r++) {
      for (const w of workloads) {
        for (const row of rows) {
          const res = await row.runner.run({ workload: w, warmupMs: r === 0 ? 800 : 300, ms, yieldEach: row.yieldEach });
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
  console.log(`\nW1–W3 samples/s, one thread, medians of ${rounds} interleaved rounds of ${ms} ms (Node ${process.version}, Chromium ${web.version})`);
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
