// The bench's derived figures (bench/report.mjs) and its choice of OpenBLAS kernel
// (bench/anchor.mjs pickCoretype): pure functions of measured rows, checked on made-up rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The repository root: the nearest folder above this file that has bench/report.mjs (out/ or another outDir). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bench', 'report.mjs'))) return dir;
  }
  return process.cwd();
}
const load = createRequire(__filename); // Node ≥ 20.19 requires ES modules
const root = repoRoot();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const report = load(path.join(root, 'bench', 'report.mjs')) as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const anchor = load(path.join(root, 'bench', 'anchor.mjs')) as any;

const row = (workload: string, impl: string, gflops: number | null) => ({ workload, impl, gflops });
const ROWS = [
  row('W4-1024', 'trainlens', 36), row('W4-1024', 'trainlens-2t', 64.8),
  row('W4-1024', 'trainlens-relaxed', 40), row('W4-1024', 'trainlens-relaxed-2t', 60),
  row('W1', 'trainlens', 10), row('W1', 'trainlens-2t', 18), row('W1', 'pytorch', 20),
  row('W3', 'trainlens', 4), row('W3', 'trainlens-2t', 3.8),
  row('W4-1024', 'numpy', 90),
];
const PEAK = { simd: { gflops: 40 }, relaxed: { gflops: 50 } };

test('efficiency divides the GEMM by threads × the same build’s ceiling', () => {
  const e = report.efficiency(ROWS, PEAK);
  assert.equal(e.trainlens.efficiency, 36 / 40);
  assert.equal(e['trainlens-2t'].efficiency, 64.8 / 80);
  assert.equal(e['trainlens-relaxed'].efficiency, 40 / 50);
  assert.equal(e['trainlens-relaxed-2t'].threads, 2);
  assert.equal(report.efficiency(ROWS, {}).trainlens.efficiency, null);
});

test('scaling is 2 threads ÷ 1 thread of the same build, only where both were measured', () => {
  const s = report.scaling(ROWS);
  assert.equal(s.simd['W4-1024'], 64.8 / 36);
  assert.equal(s.simd.W1, 1.8);
  assert.equal(s.relaxed['W4-1024'], 1.5);
  assert.equal(s.relaxed.W1, undefined);
});

test('issue 17 targets: ✓ at the bound, ✗ below it, PyTorch targets marked outside Zen 4', () => {
  const eff = report.efficiency(ROWS, PEAK);
  const scale = report.scaling(ROWS);
  const ratios = { W1: { 'trainlens-2t/pytorch': 0.9 } };
  const t = report.issueTargets(ROWS, { eff, scale, ratios, zen4: false });
  const find = (pair: string, workload: string) => t.find((x: { pair: string; workload: string }) => x.pair === pair && x.workload === workload);
  assert.equal(find('trainlens/peak', 'W4-1024').met, true); // 90 % ≥ 85 %
  assert.equal(find('trainlens-relaxed/peak', 'W4-1024').met, true); // exactly 80 %
  assert.equal(find('trainlens-2t/trainlens', 'W4-1024').met, true); // 1.8×
  assert.equal(find('trainlens-relaxed-2t/trainlens-relaxed', 'W4-1024').met, false); // 1.5×
  assert.equal(find('trainlens-2t/trainlens', 'W3').met, false); // 0.95 < 0.97
  assert.equal(find('trainlens-2t/trainlens', 'W2').met, null);
  const w1 = find('trainlens-2t/pytorch', 'W1');
  assert.equal(w1.met, false);
  assert.equal(w1.zen4Only, true);
  assert.equal(report.issueTargets(ROWS, { eff, scale, ratios, zen4: true }).some((x: { zen4Only: boolean }) => x.zen4Only), false);
});

test('the limit outside Zen 4 compares OpenBLAS with the faster wasm ceiling', () => {
  assert.deepEqual(report.pytorchLimit(ROWS, PEAK, false), { openblas: 90, wasmCeiling: 50, ratio: 1.8 });
  assert.equal(report.pytorchLimit(ROWS, PEAK, true), null);
});

test('cpuKind: Zen 4 is AMD family 25 with AVX-512; Zen 3 (family 25, no AVX-512) is not', () => {
  const info = (model: number, flags: string) => `vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: ${model}\nflags\t\t: fpu sse ${flags}\n`;
  assert.equal(report.cpuKind(info(17, 'avx2 avx512f avx512bw')).zen4, true);
  const zen3 = report.cpuKind(info(1, 'avx2 fma'));
  assert.equal(zen3.zen4, false);
  assert.equal(zen3.model, 1);
  assert.equal(report.cpuKind('vendor_id : GenuineIntel\ncpu family : 6\nflags : avx512f\n').zen4, false);
});

test('pickCoretype: fastest correct kernel; OpenBLAS’s own choice within 3 %; wrong products never', () => {
  const c = (coretype: string | null, corename: string, gflops: number, ok = true) => ({ coretype, corename, gflops, ok });
  // Same kernel under two names: noise, keep the unset one.
  assert.equal(anchor.pickCoretype([c(null, 'Haswell', 50), c('Haswell', 'Haswell', 70)]).coretype, null);
  // A generic fallback by default: the named kernel wins.
  assert.equal(anchor.pickCoretype([c(null, 'Prescott', 22), c('SkylakeX', 'SkylakeX', 106)]).coretype, 'SkylakeX');
  // Within the margin of the fastest kernel: the default stays.
  assert.equal(anchor.pickCoretype([c(null, 'Zen', 98), c('Haswell', 'Haswell', 100)]).coretype, null);
  // A fast but wrong product is never chosen.
  assert.equal(anchor.pickCoretype([c(null, 'Zen', 50), c('Cooperlake', 'Cooperlake', 120, false)]).coretype, null);
  assert.equal(anchor.pickCoretype([c(null, 'x', 1, false)]), null);
});
