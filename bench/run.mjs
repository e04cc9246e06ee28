// `npm run bench`: TrainLens against tfjs (cpu and wasm backends), PyTorch on one thread and numpy
// (OpenBLAS, one thread) on the workloads W1–W4 of ../../shared/notes/performance.md.
//
//   node bench/run.mjs [--json] [--quick] [--workloads W1,W3]
//
// Every implementation runs in its own child process (bench/impl-js.mjs, bench/impl_python.py) and
// is asked for one timed window at a time, so the runs are interleaved: each round goes through every
// workload and, within it, every implementation (in a rotating order), each a warm-up then a timed
// window. Medians over the rounds, with min–max, and the ratios of the medians taken in this run.
// Progress goes to stderr; the table to stdout; with --json the last stdout line is the JSON result.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const wIndex = args.indexOf('--workloads');
const asked = wIndex >= 0 ? (args[wIndex + 1] ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : ['W1', 'W2', 'W3', 'W4'];
const workloads = asked.flatMap((w) => (w === 'W4' ? ['W4-512', 'W4-1024'] : [w]));
for (const w of workloads) {
  if (!WORKLOADS[w]) {
    console.error(`bench: unknown workload '${w}' (choose from W1, W2, W3, W4, W4-512, W4-1024)`);
    process.exit(2);
  }
}
const ROUNDS = quick ? 3 : 5;
const WARMUP_MS = quick ? 200 : 500;
const WINDOW_MS = quick ? 500 : 1500;
/** A cell (workload × implementation) whose steps are slow stops after this many seconds of rounds. */
const CELL_BUDGET_S = quick ? 12 : 40;

if (!existsSync(join(here, '../out/src/engine/trainer.js'))) {
  console.error('bench: out/src/engine/trainer.js is missing; run `npm run compile-tests` first (or `npm run bench`).');
  process.exit(2);
}

// The first Python that has the module wins: $PYTHON, then python3 on PATH, then Debian's /usr/bin/python3.
const pythons = [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))];
const threadEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const IMPLS = [
  // What this Node picks by itself: on Node 20 the baseline SIMD build (its V8 runs relaxed SIMD only
  // behind a flag).
  { id: 'trainlens', label: 'TrainLens', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'trainlens'] },
  // The relaxed-SIMD build (fused multiply-add), which newer V8 — Node 22+, VS Code's Electron —
  // validates by default; here it needs the flag, which only the bench passes.
  {
    id: 'trainlens-relaxed', label: 'TrainLens, relaxed SIMD', cmd: process.execPath,
    args: ['--experimental-wasm-relaxed-simd', join(here, 'impl-js.mjs'), 'trainlens'], env: { TRAINLENS_KERNELS: 'relaxed' },
  },
  { id: 'pytorch', label: 'PyTorch, 1 thread', cmd: pythons, args: [join(here, 'impl_python.py'), 'torch'] },
  { id: 'numpy', label: 'numpy, 1 thread', cmd: pythons, args: [join(here, 'impl_python.py'), 'numpy'], only: ['W4-512', 'W4-1024'] },
  { id: 'tfjs-wasm', label: 'tfjs-wasm', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'tfjs-wasm'] },
  { id: 'tfjs-cpu', label: 'tfjs-cpu', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'tfjs-cpu'] },
];
const log = (s) => process.stderr.write(`${s}\n`);

/** A child process answering `BENCH {...}` lines, one per request. */
function startChild(impl) {
  return new Promise((resolve) => {
    const proc = spawn(impl.cmd, impl.args, { env: { ...threadEnv, ...impl.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const waiting = [];
    let stderr = '';
    let dead;
    const fail = (why) => {
      dead ??= why;
      while (waiting.length) waiting.shift()({ absent: dead });
    };
    proc.on('error', (e) => fail(e.code === 'ENOENT' ? `${impl.cmd} not found` : e.message));
    proc.on('exit', (code) => fail(`exited with ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-1)[0]}` : ''}`));
    proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    proc.stdin.on('error', () => {});
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (!line.startsWith('BENCH ')) return;
      const msg = JSON.parse(line.slice(6));
      waiting.shift()?.(msg);
    });
    const child = {
      proc,
      ask(req) {
        if (dead) return Promise.resolve({ absent: dead });
        return new Promise((res) => { waiting.push(res); proc.stdin.write(`${JSON.stringify(req)}\n`); });
      },
    };
    waiting.push((hello) => resolve({ child, hello }));
  });
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const started = performance.now();
log(`bench: ${ROUNDS} rounds × (warm-up ${WARMUP_MS} ms + window ${WINDOW_MS} ms) per implementation; workloads ${workloads.join(', ')}`);
const children = new Map();
const notes = [];
for (const impl of IMPLS) {
  if (impl.only && !impl.only.some((w) => workloads.includes(w))) continue;
  let child;
  let hello;
  const absent = [];
  for (const cmd of Array.isArray(impl.cmd) ? impl.cmd : [impl.cmd]) {
    ({ child, hello } = await startChild({ ...impl, cmd }));
    if (hello.ready) break;
    absent.push(Array.isArray(impl.cmd) ? `${cmd}: ${hello.absent}` : hello.absent);
  }
  if (hello.ready) {
    impl.version = hello.version;
    children.set(impl.id, child);
    log(`  ${impl.id}: ${hello.version}`);
  } else {
    impl.absent = absent.join('; ') || 'did not start';
    const msg = `${impl.label} is absent (${impl.absent}); its rows are skipped.` +
      (Array.isArray(impl.cmd) ? ' Install it with `apt-get install -y python3-torch python3-numpy` (Debian) to compare.' : '');
    notes.push(msg);
    log(`  ${msg}`);
  }
}

// cells[workload][impl] = { values: [], seconds, unsupported? }
const cells = {};
for (const w of workloads) {
  cells[w] = {};
  for (const impl of IMPLS) if (children.has(impl.id) && (!impl.only || impl.only.includes(w))) cells[w][impl.id] = { values: [], spent: 0 };
}
for (let round = 0; round < ROUNDS; round++) {
  for (const w of workloads) {
    const ids = Object.keys(cells[w]);
    const order = ids.map((_, i) => ids[(i + round) % ids.length]);
    for (const id of order) {
      const cell = cells[w][id];
      if (cell.unsupported || cell.absent || cell.spent > CELL_BUDGET_S) continue;
      const t0 = performance.now();
      const r = await children.get(id).ask({ workload: w, warmupMs: WARMUP_MS, ms: WINDOW_MS });
      cell.spent += (performance.now() - t0) / 1000;
      if (r.unsupported) cell.unsupported = r.unsupported;
      else if (r.absent) cell.absent = r.absent;
      else cell.values.push(WORKLOADS[w].kind === 'gemm' ? r.gflops : r.samplesPerSec);
    }
  }
  log(`  round ${round + 1}/${ROUNDS} done at ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
for (const child of children.values()) child.proc.stdin.end();

// ─── results ─────────────────────────────────────────────────────────────────
const OURS = ['trainlens', 'trainlens-relaxed'];
const rows = [];
const ratios = {};
for (const w of workloads) {
  const spec = WORKLOADS[w];
  for (const [id, cell] of Object.entries(cells[w])) {
    const row = { workload: w, impl: id };
    if (cell.values.length) {
      const med = median(cell.values);
      const spread = [Math.min(...cell.values), Math.max(...cell.values)];
      if (spec.kind === 'gemm') Object.assign(row, { samplesPerSec: null, gflops: med, spread });
      else Object.assign(row, { samplesPerSec: med, gflops: (med * spec.flopsPerSample) / 1e9, spread });
      row.rounds = cell.values.length;
    } else {
      Object.assign(row, { samplesPerSec: null, gflops: null, spread: null, unsupported: cell.unsupported ?? cell.absent ?? 'no result' });
    }
    rows.push(row);
  }
  for (const id of OURS) {
    const mine = rows.find((r) => r.workload === w && r.impl === id);
    for (const r of rows) {
      if (r.workload !== w || OURS.includes(r.impl) || !mine?.gflops || !r.gflops) continue;
      (ratios[w] ??= {})[`${id}/${r.impl}`] = mine.gflops / r.gflops;
    }
  }
}

const TARGETS = [
  { workload: 'W4-1024', pair: 'trainlens/numpy', min: 0.45, what: 'GEMM 1024³ ≥ 0.45× OpenBLAS (numpy, 1 thread)' },
  { workload: 'W1', pair: 'trainlens/pytorch', min: 0.5, what: 'W1 ≥ 0.5× PyTorch (1 thread)' },
  { workload: 'W1', pair: 'trainlens/tfjs-wasm', min: 10, what: 'W1 ≥ 10× tfjs-wasm' },
  { workload: 'W2', pair: 'trainlens/pytorch', min: 0.5, what: 'W2 ≥ 0.5× PyTorch (1 thread)' },
  { workload: 'W3', pair: 'trainlens/pytorch', min: 1.0, what: 'W3 ≥ 1.0× PyTorch (1 thread)' },
];
const targets = TARGETS.filter((t) => workloads.includes(t.workload)).flatMap((t) => OURS.map((id) => {
  const pair = t.pair.replace(/^trainlens\//, `${id}/`);
  const ratio = ratios[t.workload]?.[pair] ?? null;
  return { target: t.what, workload: t.workload, pair, min: t.min, ratio, met: ratio === null ? null : ratio >= t.min };
}));

const fmt = (x, digits = 0) => (x === null || x === undefined ? '–' : x >= 100 || digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
const fmtG = (x) => (x === null || x === undefined ? '–' : x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtR = (x) => (x === null || x === undefined ? '–' : x >= 10 ? `${x.toFixed(1)}×` : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toFixed(3)}×`);
const cpu = cpus();
const seconds = (performance.now() - started) / 1000;
const out = [];
out.push(`TrainLens benchmark — ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
out.push(`${ROUNDS} interleaved rounds, warm-up ${WARMUP_MS} ms + window ${WINDOW_MS} ms each; median (min–max); ratio = TrainLens ÷ that row, same run.`);
for (const impl of IMPLS) if (impl.version) out.push(`  ${impl.id}: ${impl.version}`);
out.push('');
const header = ['workload', 'implementation', 'samples/s', 'GFLOP/s', 'spread (min–max)', 'rounds', 'TrainLens ÷', 'relaxed ÷'];
const table = rows.map((r) => {
  const gemm = WORKLOADS[r.workload].kind === 'gemm';
  const spread = r.spread ? `${gemm ? fmtG(r.spread[0]) : fmt(r.spread[0])}–${gemm ? fmtG(r.spread[1]) : fmt(r.spread[1])}` : '';
  return [r.workload, r.impl, r.unsupported ? `unsupported: ${r.unsupported}` : gemm ? '' : fmt(r.samplesPerSec), fmtG(r.gflops), spread, String(r.rounds ?? ''),
    ...OURS.map((id) => (OURS.includes(r.impl) ? '' : fmtR(ratios[r.workload]?.[`${id}/${r.impl}`])))];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.filter((t) => !t[2].startsWith('unsupported')).map((t) => t[i].length)));
const line = (cols) => (cols[2].startsWith('unsupported') ? cols.slice(0, 3) : cols).map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.startsWith('unsupported') ? c : c.padStart(widths[i]))).join('  ').trimEnd();
out.push(line(header));
out.push(widths.map((w) => '─'.repeat(w)).join('  '));
let last = '';
for (const t of table) {
  if (last && t[0] !== last) out.push('');
  last = t[0];
  out.push(line(t));
}
if (targets.length) {
  out.push('');
  out.push('Targets (../shared/notes/performance.md):');
  for (const t of targets) out.push(`  ${t.met === null ? '?' : t.met ? '✓' : '✗'} ${t.target.padEnd(46)} ${t.pair.split('/')[0].padEnd(17)} ${fmtR(t.ratio)}`);
}
for (const n of notes) out.push(`Note: ${n}`);
out.push(`Whole run: ${seconds.toFixed(0)} s.`);
console.log(out.join('\n'));
if (json) {
  console.log(JSON.stringify({
    type: 'bench', machine: { cpu: cpu[0]?.model, cores: cpu.length, node: process.version }, quick, rounds: ROUNDS, seconds,
    versions: Object.fromEntries(IMPLS.map((i) => [i.id, i.version ?? null])),
    absent: Object.fromEntries(IMPLS.filter((i) => i.absent).map((i) => [i.id, i.absent])),
    rows, ratios, targets,
  }));
}
