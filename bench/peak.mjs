// The ceiling of one core for 128-bit WebAssembly SIMD: bench/peak.as.ts compiled at bench time (in
// memory, never into the product) for the baseline SIMD or the relaxed SIMD build, and run as a
// register-only loop of independent f32x4 multiply-adds. 8 FLOP per f32x4 multiply-add.
//
//   node bench/peak.mjs [simd|relaxed] [--ms 1000]     (relaxed on Node 20: node --experimental-wasm-relaxed-simd …)
//
// Used by bench/impl-js.mjs for the `peak` pseudo-workload of the trainlens children, so each build's
// ceiling is measured in the same process setup (flags) as its GEMM.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The loops of bench/peak.as.ts: multiply-adds an iteration and the arguments after (iterations, seed). */
const FORMS = [
  { name: 'chain', export: 'peakChain', madds: 12, args: [0.5, 0.5] },
  { name: 'split', export: 'peakSplit', madds: 6, args: [1] },
];

/** Compiles bench/peak.as.ts for one build (AssemblyScript's asc, -O3) and returns the wasm bytes. */
export async function compilePeak(variant) {
  const asc = (await import('assemblyscript/asc')).default;
  const source = readFileSync(join(here, 'peak.as.ts'), 'utf8');
  const enable = variant === 'relaxed' ? ['simd', 'relaxed-simd'] : ['simd'];
  const r = await asc.compileString({ 'peak.ts': source }, { enable, runtime: 'stub', optimizeLevel: 3, shrinkLevel: 0, noAssert: true, use: ['abort='] });
  if (r.error) throw new Error(`peak (${variant}): ${r.error.message}\n${r.stderr.toString()}`);
  return r.binary;
}

/**
 * Instantiates the peak loops of one build. `measure(warmupMs, ms)` runs each form for half the
 * window after a warm-up (TurboFan has to tier up first) and returns the faster one's GFLOP/s.
 */
export async function createPeak(variant) {
  const bytes = await compilePeak(variant);
  if (!WebAssembly.validate(bytes)) throw new Error(`this Node cannot run the ${variant} build (relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20)`);
  const { instance } = await WebAssembly.instantiate(bytes, {});
  let sink = 0;
  const forms = FORMS.map((f) => {
    const fn = instance.exports[f.export];
    let iterations = 1000;
    let seed = 0;
    /** Calls the loop until `ms` have passed, each call ~5 ms; returns GFLOP/s. */
    const run = (ms) => {
      let done = 0;
      const t0 = performance.now();
      let t = t0;
      do {
        const c0 = performance.now();
        sink += fn(iterations, seed++ % 7, ...f.args);
        t = performance.now();
        done += iterations;
        if (t - c0 < 2) iterations = Math.min(iterations * 2, 1 << 26);
      } while (t - t0 < ms);
      return (done * f.madds * 8) / ((t - t0) / 1000) / 1e9;
    };
    return { name: f.name, run };
  });
  return {
    variant,
    measure(warmupMs, ms) {
      for (const f of forms) f.run(Math.max(50, warmupMs / forms.length));
      const byForm = Object.fromEntries(forms.map((f) => [f.name, f.run(ms / forms.length)]));
      const best = Object.entries(byForm).reduce((a, b) => (b[1] > a[1] ? b : a));
      if (!Number.isFinite(sink)) throw new Error('peak: the accumulators overflowed');
      return { gflops: best[1], form: best[0], forms: byForm };
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const variant = process.argv[2] ?? 'simd';
  const msIndex = process.argv.indexOf('--ms');
  const ms = msIndex > 0 ? Number(process.argv[msIndex + 1]) : 1000;
  const peak = await createPeak(variant);
  for (let round = 0; round < 3; round++) {
    const r = peak.measure(300, ms);
    console.log(`${variant}: ${r.gflops.toFixed(1)} GFLOP/s (${Object.entries(r.forms).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})`);
  }
}
