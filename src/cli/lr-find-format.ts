import { BLOW_UP_FACTOR, LR_FIND_SMOOTHING, type LrFindResult, type LrPoint } from '../training/lr-find';

/** `trainlens lr-find --json`: one "lr" line per step, then the "suggestion" line. */
export function lrFindJsonLines(r: LrFindResult): string[] {
  const lines = r.points.map((p, k) => JSON.stringify({
    type: 'lr', step: p.step, lr: p.lr, loss: finite(p.loss), smoothed: finite(p.smoothed), centred: k < r.centred.length ? finite(r.centred[k]) : null,
  }));
  const s = r.suggestion;
  lines.push(JSON.stringify({
    type: 'suggestion', lr: s?.lr ?? null, loss: s?.loss ?? null, step: s?.step ?? null, slope: s?.slope ?? null,
    stoppedAt: r.stoppedAt, stopReason: r.stopReason,
  }));
  return lines;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The smoothed loss as a one-line chart, left (lrMin) to right: ▁ its lowest value, █ its starting
 * value or above, ↑ a point that stopped the run (above BLOW_UP_FACTOR × the lowest, or not finite).
 */
export function sparkline(points: readonly LrPoint[]): string {
  const values = points.map((p) => p.smoothed);
  const lo = Math.min(...values.filter(Number.isFinite));
  const hi = Math.max(values[0], lo);
  return values.map((v) => {
    if (!Number.isFinite(v) || v > BLOW_UP_FACTOR * lo) return '↑';
    const f = hi > lo ? (Math.min(v, hi) - lo) / (hi - lo) : 0;
    return BARS[Math.min(BARS.length - 1, Math.floor(f * BARS.length))];
  }).join('');
}

/** Text mode: a sparkline, every tenth point as a table row, the stop and the suggestion. */
export function lrFindText(file: string, r: LrFindResult): string {
  const e = (x: number, d = 2): string => (Number.isFinite(x) ? x.toExponential(d) : String(x));
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  const out: string[] = [];
  out.push(`${file}: learning-rate range test, lr ${e(r.lrMin)} → ${e(r.lrMax)} over ${r.steps} steps (exponential),`);
  out.push(`  training loss per mini-batch, smoothed by a debiased EMA of weight ${LR_FIND_SMOOTHING} (live), and centred:`);
  out.push('  the same EMA run forwards and then backwards, which cancels its lag');
  out.push(`  smoothed loss: ${sparkline(r.points)}  (▁ lowest, █ starting value or above, ↑ stop)`);
  out.push(`  ${'step'.padStart(5)}  ${'lr'.padStart(9)}  ${'loss'.padStart(9)}  ${'smoothed'.padStart(9)}  ${'centred'.padStart(9)}`);
  const every = Math.max(1, Math.round(r.points.length / 10));
  r.points.forEach((p, i) => {
    if (i % every === 0 || i === r.points.length - 1 || p.step === r.suggestion?.step) {
      const mark = p.step === r.suggestion?.step ? '  ← suggested' : '';
      const centred = i < r.centred.length ? f(r.centred[i]) : '–';
      out.push(`  ${String(p.step).padStart(5)}  ${e(p.lr).padStart(9)}  ${f(p.loss).padStart(9)}  ${f(p.smoothed).padStart(9)}  ${centred.padStart(9)}${mark}`);
    }
  });
  if (r.stopReason === 'blow-up') out.push(`  stopped at step ${r.stoppedAt}: the smoothed loss passed ${BLOW_UP_FACTOR}× its lowest value`);
  if (r.stopReason === 'non-finite') out.push(`  stopped at step ${r.stoppedAt}: the step went non-finite (loss, gradient or update)`);
  const s = r.suggestion;
  if (!s) {
    out.push('  no suggestion: the smoothed loss did not fall anywhere in the range; try a wider --min/--max or more --steps');
  } else {
    out.push(`  suggested lr ${e(s.lr)}: the steepest descent of the centred loss against log10 lr (step ${s.step}, centred loss ${f(s.loss)}, slope ${s.slope.toFixed(3)} per decade)`);
    out.push(`  to use it, set the optimizer's lr in the model file: lr: ${Number(s.lr.toPrecision(2))}`);
  }
  return out.join('\n') + '\n';
}
