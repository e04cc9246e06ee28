// A fair anchor: PyTorch and numpy on their fastest correct OpenBLAS kernel. OpenBLAS picks its
// kernel when it loads (from the CPU, or OPENBLAS_CORETYPE), and an older OpenBLAS can fall back to a
// generic kernel on a CPU newer than itself (Debian's 0.3.21 ran 22 GFLOP/s instead of 106 on a
// Sapphire Rapids Xeon). So bench/run.mjs starts one probe process per candidate (bench/impl_python.py
// --probe), measures the 512³ float32 product, checks it against the float64 product, and keeps the
// fastest correct kernel for the real measurement.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Candidates for OPENBLAS_CORETYPE; null = unset (OpenBLAS's own choice). */
export const CORETYPES = [null, 'Haswell', 'Zen', 'SkylakeX', 'Cooperlake', 'SapphireRapids'];
const AVX512 = new Set(['SkylakeX', 'Cooperlake', 'SapphireRapids']);
/** Normwise relative error above which a kernel's product is wrong (float32 at K = 512 is ~3e-7). */
export const MAX_REL_ERR = 1e-4;
/** Another kernel replaces OpenBLAS's own choice only when it is faster by more than this. */
export const MARGIN = 0.03;

function cpuHasAvx512() {
  try {
    return /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return true; // unknown: try them
  }
}

/** One probe process: resolves to its BENCH answer, or { error } when it dies (SIGILL for a kernel the CPU cannot run). */
function probe(cmd, args, env) {
  return new Promise((resolve) => {
    const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err = (err + d).slice(-2000); });
    proc.on('error', (e) => resolve({ error: e.code === 'ENOENT' ? `${cmd} not found` : e.message }));
    proc.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH '));
      if (line) return resolve(JSON.parse(line.slice(6)));
      resolve({ error: signal ? `killed by ${signal}` : `exited with ${code}${err.trim() ? `: ${err.trim().split('\n').slice(-1)[0]}` : ''}` });
    });
  });
}

/**
 * Picks among measured candidates: the correct ones, grouped by the kernel OpenBLAS reports (two
 * names for one kernel differ only by noise); the fastest kernel wins, and within it, or within
 * MARGIN of it, the unset candidate (OpenBLAS's own choice). Pure, for tests.
 */
export function pickCoretype(candidates) {
  const ok = candidates.filter((c) => c.ok);
  if (!ok.length) return null;
  const kernelOf = (c) => c.corename ?? c.coretype ?? 'default';
  const best = new Map();
  for (const c of ok) best.set(kernelOf(c), Math.max(best.get(kernelOf(c)) ?? 0, c.gflops));
  const fastest = Math.max(...best.values());
  const byDefault = ok.find((c) => c.coretype === null);
  if (byDefault && best.get(kernelOf(byDefault)) >= fastest * (1 - MARGIN)) return byDefault;
  const kernel = [...best].find(([, g]) => g === fastest)[0];
  return ok.filter((c) => kernelOf(c) === kernel).reduce((a, b) => (b.gflops > a.gflops ? b : a));
}

/**
 * Runs the probes of one Python implementation ('torch' or 'numpy') with the first Python of
 * `pythons` that has it, `passes` times each. Returns { python, coretype, corename, gflops, candidates } or { absent }.
 */
export async function chooseAnchor(impl, pythons, script, baseEnv, { ms = 400, passes = 1, log = () => {} } = {}) {
  const avx512 = cpuHasAvx512();
  const envFor = (coretype) => {
    const env = { ...baseEnv, BENCH_THREADS: '1' };
    delete env.OPENBLAS_CORETYPE;
    if (coretype) env.OPENBLAS_CORETYPE = coretype;
    return env;
  };
  let python;
  const first = [];
  for (const p of pythons) {
    const r = await probe(p, [script, impl, '--probe', String(ms)], envFor(null));
    if (r.probe) { python = p; first.push(r); break; }
    first.push(r);
  }
  if (!python) return { absent: first.map((r, i) => `${pythons[i]}: ${r.absent ?? r.error}`).join('; ') };
  // Each pass probes every candidate once (interleaved, so a busy moment hits them alike); a
  // candidate keeps its best pass.
  const candidates = CORETYPES.map((coretype) => (coretype && AVX512.has(coretype) && !avx512
    ? { coretype, ok: false, skipped: 'no AVX-512 on this CPU' } : { coretype, ok: false }));
  for (let pass = 0; pass < passes; pass++) {
    for (const c of candidates) {
      if (c.skipped || c.error) continue;
      const r = pass === 0 && c.coretype === null ? first[first.length - 1] : await probe(python, [script, impl, '--probe', String(ms)], envFor(c.coretype));
      if (r.error || r.absent) c.error = r.error ?? r.absent;
      else if (!(c.gflops >= r.gflops)) Object.assign(c, { corename: r.corename ?? null, gflops: r.gflops, relErr: r.relErr, ok: r.relErr < MAX_REL_ERR });
    }
  }
  for (const c of candidates) {
    if (c.error) c.ok = false;
    log(`    ${impl} OPENBLAS_CORETYPE=${c.coretype ?? '(unset)'}: ${c.error ?? c.skipped ?? `${c.corename ?? '?'} kernel, ${c.gflops.toFixed(1)} GFLOP/s, error ${c.relErr.toExponential(1)}${c.ok ? '' : ' WRONG'}`}`);
  }
  const chosen = pickCoretype(candidates);
  return { python, coretype: chosen?.coretype ?? null, corename: chosen?.corename ?? null, gflops: chosen?.gflops ?? null, candidates };
}
