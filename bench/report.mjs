// The figures bench/run.mjs derives from its medians for issue 17: each build's ceiling, the GEMM's
// efficiency against it, 2-thread scaling, TrainLens against PyTorch on 1 and 2 threads, and the
// targets with ✓/✗. Pure functions of the rows (tested in test/unit/threads/bench-report.test.ts).

/** Our implementations: build (which wasm kernels) and thread count; the 1-thread row of the same build. */
export const OURS = {
  trainlens: { build: 'simd', threads: 1, base: 'trainlens' },
  'trainlens-2t': { build: 'simd', threads: 2, base: 'trainlens' },
  'trainlens-relaxed': { build: 'relaxed', threads: 1, base: 'trainlens-relaxed' },
  'trainlens-relaxed-2t': { build: 'relaxed', threads: 2, base: 'trainlens-relaxed' },
};
export const SCALED = ['W4-1024', 'W4-512', 'W1', 'W2', 'W3'];
/** "W3 does not regress": 2 threads at least this fraction of 1 thread (3 % is the rounds' usual noise). */
export const NO_REGRESSION = 0.97;

const value = (rows, workload, impl) => rows.find((r) => r.workload === workload && r.impl === impl)?.gflops ?? null;
const div = (a, b) => (a === null || b === null || !b ? null : a / b);

/** Efficiency of the GEMM 1024³: GFLOP/s ÷ (threads × the same build's one-core ceiling). */
export function efficiency(rows, peak) {
  const out = {};
  for (const [impl, o] of Object.entries(OURS)) {
    const gflops = value(rows, 'W4-1024', impl);
    const ceiling = peak[o.build]?.gflops ?? null;
    if (gflops === null && ceiling === null) continue;
    out[impl] = { workload: 'W4-1024', build: o.build, threads: o.threads, gflops, peak: ceiling, efficiency: div(gflops, ceiling === null ? null : ceiling * o.threads) };
  }
  return out;
}

/** 2 threads ÷ 1 thread of the same build, per workload. */
export function scaling(rows) {
  const out = {};
  for (const [impl, o] of Object.entries(OURS)) {
    if (o.threads === 1) continue;
    for (const w of SCALED) {
      const r = div(value(rows, w, impl), value(rows, w, o.base));
      if (r !== null) (out[o.build] ??= {})[w] = r;
    }
  }
  return out;
}

/**
 * The targets of issue 17. `zen4`: whether this CPU is the one the PyTorch targets are stated for;
 * elsewhere those rows are reported (`zen4Only`) with the limit that stands in the way.
 */
export function issueTargets(rows, { eff, scale, ratios, zen4 }) {
  const t = [];
  const add = (target, workload, pair, min, ratio, extra = {}) => t.push({ target, workload, pair, min, ratio, met: ratio === null ? null : ratio >= min, issue: 17, ...extra });
  add('GEMM 1024³ ≥ 85 % of the ceiling, baseline SIMD, 1 thread', 'W4-1024', 'trainlens/peak', 0.85, eff.trainlens?.efficiency ?? null);
  add('GEMM 1024³ ≥ 80 % of the ceiling, relaxed SIMD, 1 thread', 'W4-1024', 'trainlens-relaxed/peak', 0.8, eff['trainlens-relaxed']?.efficiency ?? null);
  for (const build of ['simd', 'relaxed']) {
    const id = build === 'simd' ? 'trainlens' : 'trainlens-relaxed';
    for (const w of ['W4-1024', 'W1', 'W2']) add(`${w === 'W4-1024' ? 'GEMM 1024³' : w} 2 threads ≥ 1.7× 1 thread`, w, `${id}-2t/${id}`, 1.7, scale[build]?.[w] ?? null);
    add(`W3 2 threads does not regress (≥ ${NO_REGRESSION}×)`, 'W3', `${id}-2t/${id}`, NO_REGRESSION, scale[build]?.W3 ?? null);
  }
  for (const [w, min] of [['W1', 1.4], ['W2', 1.0]]) {
    for (const id of ['trainlens-2t', 'trainlens-relaxed-2t']) {
      add(`${w} ≥ ${min.toFixed(1)}× PyTorch 1 thread (on Zen 4)`, w, `${id}/pytorch`, min, ratios[w]?.[`${id}/pytorch`] ?? null, { zen4Only: !zen4 });
    }
  }
  return t;
}

/**
 * Why the PyTorch targets cannot be judged on this CPU as on Zen 4: OpenBLAS's one-thread GEMM
 * against the 128-bit ceiling, both measured here. Null when there is nothing to say.
 */
export function pytorchLimit(rows, peak, zen4) {
  if (zen4) return null;
  const blas = Math.max(value(rows, 'W4-1024', 'numpy') ?? 0, value(rows, 'W4-1024', 'pytorch') ?? 0);
  const ceiling = Math.max(peak.simd?.gflops ?? 0, peak.relaxed?.gflops ?? 0);
  if (!blas || !ceiling) return null;
  return { openblas: blas, wasmCeiling: ceiling, ratio: blas / ceiling };
}

/** Reads this CPU from /proc/cpuinfo's text: vendor, family, model and whether it has AVX-512; `zen4` for AMD family 25 with AVX-512. */
export function cpuKind(cpuinfo) {
  const field = (name) => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? null;
  const vendor = field('vendor_id');
  const family = Number(field('cpu family'));
  const model = Number(field('model'));
  const avx512 = /\bavx512f\b/.test(field('flags') ?? '');
  return { vendor, family, model, avx512, zen4: vendor === 'AuthenticAMD' && family === 25 && avx512 };
}
