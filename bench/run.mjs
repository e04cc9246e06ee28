// `npm run bench`: TrainLens on 1 and 2 threads against tfjs (cpu and wasm backends), PyTorch on 1
// and 2 threads and numpy (OpenBLAS, one thread) on the workloads W1–W4 of
// ../../shared/notes/performance.md, plus the one-core ceiling of each WebAssembly build
// (bench/peak.mjs) and the derived figures of issue 17 (bench/report.mjs). Before measuring, the
// Python implementations' OpenBLAS kernel is chosen (bench/anchor.mjs).
//
//   node bench/run.mjs [--json] [--quick] [--workloads W1,W3]
//
// Every implementation runs in its own child process (bench/impl-js.mjs, bench/impl_python.py) and
// is asked for one timed window at a time, so the runs are interleaved: each round goes through every
// workload and, within it, every implementation (in a rotating order), each a warm-up then a timed
// window. Medians over the rounds, with min–max, and the ratios of the medians taken in this run.
// Progress goes to stderr; the table to stdout; with --json the last stdout line is the JSON result.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS } from './workloads.mjs';
import { chooseAnchor } from './anchor.mjs';
import { formatReport } from './format.mjs';
import { OURS, efficiency, scaling, issueTargets, pytorchLimit, cpuKind } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const wIndex = args.indexOf('--workloads');
const asked = wIndex >= 0 ? (args[wIndex + 1] ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : ['W1', 'W2', 'W3', 'W4'];
const workloads = ['peak', ...asked.flatMap((w) => (w === 'W4' ? ['W4-512', 'W4-1024'] : [w])).filter((w) => w !== 'PEAK')];
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
const TRAIN_AND_GEMM = ['W1', 'W2', 'W3', 'W4-512', 'W4-1024'];
const GEMM_ONLY = ['W4-512', 'W4-1024'];
const IMPLS = [
  // What this Node picks by itself: on Node 20 the baseline SIMD build (its V8 runs relaxed SIMD only
  // behind a flag). The 1-thread children also measure their build's ceiling (`peak`).
  { id: 'trainlens', label: 'TrainLens', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'trainlens'], only: ['peak', ...TRAIN_AND_GEMM] },
  {
    id: 'trainlens-2t', label: 'TrainLens, 2 threads', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'trainlens'],
    env: { TRAINLENS_THREADS: '2' }, only: TRAIN_AND_GEMM,
  },
  // The relaxed-SIMD build (fused multiply-add), which newer V8 — Node 22+, VS Code's Electron —
  // validates by default; here it needs the flag, which only the bench passes.
  {
    id: 'trainlens-relaxed', label: 'TrainLens, relaxed SIMD', cmd: process.execPath,
    args: ['--experimental-wasm-relaxed-simd', join(here, 'impl-js.mjs'), 'trainlens'], env: { TRAINLENS_KERNELS: 'relaxed' }, only: ['peak', ...TRAIN_AND_GEMM],
  },
  {
    id: 'trainlens-relaxed-2t', label: 'TrainLens, relaxed SIMD, 2 threads', cmd: process.execPath,
    args: ['--experimental-wasm-relaxed-simd', join(here, 'impl-js.mjs'), 'trainlens'], env: { TRAINLENS_KERNELS: 'relaxed', TRAINLENS_THREADS: '2' }, only: TRAIN_AND_GEMM,
  },
  { id: 'pytorch', label: 'PyTorch, 1 thread', cmd: pythons, args: [join(here, 'impl_python.py'), 'torch'], anchor: 'torch', only: TRAIN_AND_GEMM },
  {
    id: 'pytorch-2t', label: 'PyTorch, 2 threads', cmd: pythons, args: [join(here, 'impl_python.py'), 'torch'], anchor: 'torch',
    env: { BENCH_THREADS: '2' }, only: TRAIN_AND_GEMM,
  },
  { id: 'numpy', label: 'numpy, 1 thread', cmd: pythons, args: [join(here, 'impl_python.py'), 'numpy'], anchor: 'numpy', only: GEMM_ONLY },
  { id: 'tfjs-wasm', label: 'tfjs-wasm', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'tfjs-wasm'], only: TRAIN_AND_GEMM },
  { id: 'tfjs-cpu', label: 'tfjs-cpu', cmd: process.execPath, args: [join(here, 'impl-js.mjs'), 'tfjs-cpu'], only: TRAIN_AND_GEMM },
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
// The anchor: the OpenBLAS kernel PyTorch and numpy run (OPENBLAS_CORETYPE, fastest correct).
const anchor = {};
for (const kind of ['torch', 'numpy']) {
  const users = IMPLS.filter((i) => i.anchor === kind && i.only.some((w) => workloads.includes(w)));
  if (!users.length) continue;
  log(`  choosing the OpenBLAS kernel for ${kind} (OPENBLAS_CORETYPE candidates, 512³ float32 against float64):`);
  const a = await chooseAnchor(kind, pythons, join(here, 'impl_python.py'), threadEnv, { ms: quick ? 150 : 400, passes: quick ? 1 : 2, log });
  anchor[kind === 'torch' ? 'pytorch' : 'numpy'] = a;
  if (a.absent) continue;
  log(`    → ${a.coretype ? `OPENBLAS_CORETYPE=${a.coretype}` : 'OPENBLAS_CORETYPE unset'} (${a.corename ?? '?'} kernel)`);
  for (const impl of users) {
    impl.cmd = [a.python];
    impl.env = { ...impl.env, ...(a.coretype ? { OPENBLAS_CORETYPE: a.coretype } : {}) };
  }
}
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
    impl.threads = typeof hello.threads === 'number' ? { threads: hello.threads } : hello.threads;
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
      else cell.values.push(WORKLOADS[w].kind === 'train' ? r.samplesPerSec : r.gflops);
      if (r.form) (cell.forms ??= []).push(r.forms);
    }
  }
  log(`  round ${round + 1}/${ROUNDS} done at ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
for (const child of children.values()) child.proc.stdin.end();

// ─── results ─────────────────────────────────────────────────────────────────
const OUR_IDS = Object.keys(OURS);
const rows = [];
const ratios = {};
const peak = {};
for (const id of ['trainlens', 'trainlens-relaxed']) {
  const cell = cells.peak?.[id];
  if (!cell?.values.length) continue;
  const build = IMPLS.find((i) => i.id === id).threads?.variant ?? OURS[id].build;
  const forms = {};
  for (const f of cell.forms ?? []) for (const [k, v] of Object.entries(f)) (forms[k] ??= []).push(v);
  peak[build] = {
    gflops: median(cell.values), spread: [Math.min(...cell.values), Math.max(...cell.values)], rounds: cell.values.length, impl: id,
    forms: Object.fromEntries(Object.entries(forms).map(([k, v]) => [k, median(v)])),
  };
}
for (const w of workloads.filter((x) => x !== 'peak')) {
  const spec = WORKLOADS[w];
  for (const [id, cell] of Object.entries(cells[w])) {
    const impl = IMPLS.find((i) => i.id === id);
    const row = { workload: w, impl: id, threads: impl.threads?.threads ?? 1 };
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
  for (const id of OUR_IDS) {
    const mine = rows.find((r) => r.workload === w && r.impl === id);
    for (const r of rows) {
      if (r.workload !== w || OUR_IDS.includes(r.impl) || !mine?.gflops || !r.gflops) continue;
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
const targets = TARGETS.filter((t) => workloads.includes(t.workload)).flatMap((t) => ['trainlens', 'trainlens-relaxed'].map((id) => {
  const pair = t.pair.replace(/^trainlens\//, `${id}/`);
  const ratio = ratios[t.workload]?.[pair] ?? null;
  return { target: t.what, workload: t.workload, pair, min: t.min, ratio, met: ratio === null ? null : ratio >= t.min };
}));
let cpuinfo = '';
try { cpuinfo = readFileSync('/proc/cpuinfo', 'utf8'); } catch {}
const kind = cpuKind(cpuinfo);
const eff = efficiency(rows, peak);
const scale = scaling(rows);
const issue = issueTargets(rows, { eff, scale, ratios, zen4: kind.zen4 });
const limit = pytorchLimit(rows, peak, kind.zen4);
targets.push(...issue.filter((t) => workloads.includes(t.workload)));

const seconds = (performance.now() - started) / 1000;
console.log(formatReport({
  rounds: ROUNDS, warmupMs: WARMUP_MS, windowMs: WINDOW_MS, impls: IMPLS, rows, ratios, targets, peak, eff, scale, anchor, limit, kind, notes, seconds,
}));
if (json) {
  const cpu = cpus();
  console.log(JSON.stringify({
    type: 'bench', machine: { cpu: cpu[0]?.model, cores: cpu.length, node: process.version, family: kind.family, model: kind.model, avx512: kind.avx512, zen4: kind.zen4 },
    quick, rounds: ROUNDS, seconds,
    versions: Object.fromEntries(IMPLS.map((i) => [i.id, i.version ?? null])),
    absent: Object.fromEntries(IMPLS.filter((i) => i.absent).map((i) => [i.id, i.absent])),
    rows, ratios, targets, peak, efficiency: eff, scaling: scale, anchor, pytorchLimit: limit,
  }));
}
