import type { TrainingSession } from '../training/session';

/** Compact figures for the status bar and CodeLens: 0.5321, 98.3%, 244k samples/s. */
export function formatLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
}

export function formatPercent(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)}%`;
}

export function formatRate(samplesPerSec: number): string {
  if (samplesPerSec >= 1e6) return `${(samplesPerSec / 1e6).toFixed(2)}M samples/s`;
  if (samplesPerSec >= 1e4) return `${Math.round(samplesPerSec / 1e3)}k samples/s`;
  return `${Math.round(samplesPerSec)} samples/s`;
}

/** "epoch 12/300 · loss 0.5321 · 244k samples/s" while running; final figures after. */
export function describeRun(s: TrainingSession): string {
  if (s.status === 'running') {
    const loss = s.losses.length > 0 ? ` · loss ${formatLoss(s.losses[s.losses.length - 1])}` : '';
    return `epoch ${s.epoch}/${s.info.epochs}${loss} · ${formatRate(s.samplesPerSec)}`;
  }
  if (s.status === 'failed') return `failed: ${s.error ?? 'unknown error'}`;
  const f = s.final;
  if (!f) return s.status;
  const val = f.valAcc === null ? '' : ` · val ${formatPercent(f.valAcc)}`;
  return `${s.status} · loss ${formatLoss(f.loss)} · train ${formatPercent(f.trainAcc)}${val} · ${formatRate(f.samplesPerSec)}`;
}
