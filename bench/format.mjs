// The text report of bench/run.mjs (stdout): versions, the anchor, the ceilings, the table of
// medians with ratios, efficiency, scaling, TrainLens against PyTorch, and the targets.
import { cpus, totalmem } from 'node:os';
import { WORKLOADS } from './workloads.mjs';
import { OURS, SCALED } from './report.mjs';

const fmt = (x, digits = 0) => (x === null || x === undefined ? '–' : x >= 100 || digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
export const fmtG = (x) => (x === null || x === undefined ? '–' : x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));
export const fmtR = (x) => (x === null || x === undefined ? '–' : x >= 10 ? `${x.toFixed(1)}×` : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toFixed(3)}×`);
const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(0)} %`);
const mark = (met) => (met === null ? '?' : met ? '✓' : '✗');
const OUR_IDS = Object.keys(OURS);
const SHORT = { trainlens: 'TL ÷', 'trainlens-2t': 'TL-2t ÷', 'trainlens-relaxed': 'relaxed ÷', 'trainlens-relaxed-2t': 'relaxed-2t ÷' };

function anchorLines(anchor) {
  const out = [];
  for (const [id, a] of Object.entries(anchor)) {
    if (a.absent) { out.push(`  ${id}: absent (${a.absent})`); continue; }
    const cands = a.candidates.map((c) => `${c.coretype ?? 'unset'} ${c.skipped ? '(skipped)' : c.error ? `(${c.error})` : `${c.corename ?? '?'} ${fmtG(c.gflops)}${c.ok ? '' : ' WRONG'}`}`);
    out.push(`  ${id}: ${a.coretype ? `OPENBLAS_CORETYPE=${a.coretype}` : 'OPENBLAS_CORETYPE unset'} → ${a.corename ?? '?'} kernel; candidates (512³ GFLOP/s): ${cands.join(', ')}`);
  }
  return out;
}

function table(rows, ratios) {
  const header = ['workload', 'implementation', 'threads', 'samples/s', 'GFLOP/s', 'spread (min–max)', 'rounds', ...OUR_IDS.map((id) => SHORT[id])];
  const body = rows.map((r) => {
    const gemm = WORKLOADS[r.workload].kind === 'gemm';
    const spread = r.spread ? `${gemm ? fmtG(r.spread[0]) : fmt(r.spread[0])}–${gemm ? fmtG(r.spread[1]) : fmt(r.spread[1])}` : '';
    return [r.workload, r.impl, String(r.threads), r.unsupported ? `unsupported: ${r.unsupported}` : gemm ? '' : fmt(r.samplesPerSec), fmtG(r.gflops), spread, String(r.rounds ?? ''),
      ...OUR_IDS.map((id) => (OUR_IDS.includes(r.impl) ? '' : fmtR(ratios[r.workload]?.[`${id}/${r.impl}`])))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.filter((t) => !t[3].startsWith('unsupported')).map((t) => t[i].length)));
  const line = (cols) => (cols[3].startsWith('unsupported') ? cols.slice(0, 4) : cols).map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.startsWith('unsupported') ? c : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  ')];
  let last = '';
  for (const t of body) {
    if (last && t[0] !== last) out.push('');
    last = t[0];
    out.push(line(t));
  }
  return out;
}

function derivedLines({ rows, ratios, peak, eff, scale }) {
  const out = [];
  out.push('Ceiling of one core, register-only f32x4 multiply-adds (8 FLOP each; bench/peak.mjs):');
  for (const [build, p] of Object.entries(peak)) {
    out.push(`  ${build.padEnd(8)} ${fmtG(p.gflops)} GFLOP/s (${fmtG(p.spread[0])}–${fmtG(p.spread[1])}); loops: ${Object.entries(p.forms).map(([k, v]) => `${k} ${fmtG(v)}`).join(', ')}`);
  }
  out.push('', 'GEMM 1024³ efficiency = GFLOP/s ÷ (threads × ceiling of the same build):');
  for (const [id, e] of Object.entries(eff)) out.push(`  ${id.padEnd(21)} ${e.build.padEnd(8)} ${e.threads} thread${e.threads > 1 ? 's' : ' '}  ${fmtG(e.gflops)} GFLOP/s  ${pct(e.efficiency)}`);
  out.push('', 'Scaling, 2 threads ÷ 1 thread (same build):');
  for (const [build, s] of Object.entries(scale)) out.push(`  ${build.padEnd(8)} ${SCALED.filter((w) => s[w] !== undefined).map((w) => `${w} ${fmtR(s[w])}`).join('   ')}`);
  const trainW = ['W1', 'W2', 'W3'].filter((w) => rows.some((r) => r.workload === w));
  if (trainW.length) {
    out.push('', 'TrainLens ÷ PyTorch (samples/s):');
    for (const id of OUR_IDS) {
      const cols = trainW.map((w) => `${w} ${fmtR(ratios[w]?.[`${id}/pytorch`])} / ${fmtR(ratios[w]?.[`${id}/pytorch-2t`])}`);
      out.push(`  ${id.padEnd(21)} ÷ PyTorch 1T / 2T:  ${cols.join('   ')}`);
    }
  }
  return out;
}

function targetLines(targets, limit, kind) {
  const out = ['', 'Targets (../shared/notes/performance.md, issue 17):'];
  for (const t of targets) {
    const here = t.zen4Only ? ' (a Zen 4 target; this CPU is not Zen 4: the ratio is informative)' : '';
    const shown = t.pair.endsWith('/peak') ? pct(t.ratio) : fmtR(t.ratio);
    out.push(`  ${t.zen4Only ? '·' : mark(t.met)} ${t.target.padEnd(58)} ${t.pair.padEnd(40)} ${shown}${here}`);
  }
  if (limit) {
    out.push(`  Limit here (${kind.vendor ?? '?'} family ${kind.family} model ${kind.model}, ${kind.avx512 ? 'AVX-512' : 'no AVX-512'}): OpenBLAS on 1 thread ${fmtG(limit.openblas)} GFLOP/s =` +
      ` ${fmtR(limit.ratio)} the 128-bit WebAssembly ceiling (${fmtG(limit.wasmCeiling)}): its ${kind.avx512 ? 'AVX-512' : 'AVX2'} FMA kernels are ${kind.avx512 ? '512' : '256'}-bit, wasm SIMD is 128-bit.`);
  }
  return out;
}

/** The whole text report. */
export function formatReport(o) {
  const cpu = cpus();
  const out = [];
  out.push(`TrainLens benchmark — ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  out.push(`${o.rounds} interleaved rounds, warm-up ${o.warmupMs} ms + window ${o.windowMs} ms each; median (min–max); ratio = that TrainLens row ÷ this row, same run.`);
  out.push('Builds: trainlens* on Node 20 = baseline SIMD (what the CLI runs); trainlens-relaxed* = relaxed SIMD (what VS Code runs).');
  for (const impl of o.impls) if (impl.version) out.push(`  ${impl.id}: ${impl.version}`);
  if (Object.keys(o.anchor).length) out.push('Anchor (OpenBLAS kernel for the Python rows, fastest correct):', ...anchorLines(o.anchor));
  out.push('', ...table(o.rows, o.ratios), '', ...derivedLines(o));
  if (o.targets.length) out.push(...targetLines(o.targets, o.limit, o.kind));
  for (const n of o.notes) out.push(`Note: ${n}`);
  out.push(`Whole run: ${o.seconds.toFixed(0)} s.`);
  return out.join('\n');
}
