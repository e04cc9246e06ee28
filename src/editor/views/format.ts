import * as vscode from 'vscode';
import type { FinalMetrics, RunStatus } from '../../training/protocol';
import type { TrainingSession } from '../../training/session';

/** Compact figures for the status bar and CodeLens: 0.5321, 98.3%, 244k samples/s. */
export function formatLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
}

export function formatPercent(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)}%`;
}

export function formatRate(samplesPerSec: number): string {
  const n = samplesPerSec >= 1e6 ? `${(samplesPerSec / 1e6).toFixed(2)}M`
    : samplesPerSec >= 1e4 ? `${Math.round(samplesPerSec / 1e3)}k`
      : String(Math.round(samplesPerSec));
  return vscode.l10n.t('{0} samples/s', n);
}

/** A run's status in the user's words ("finished", "stopped", …). */
export function statusText(status: RunStatus): string {
  switch (status) {
    case 'running': return vscode.l10n.t('running');
    case 'finished': return vscode.l10n.t('finished');
    case 'stopped': return vscode.l10n.t('stopped');
    case 'failed': return vscode.l10n.t('failed');
  }
}

/** "epoch 12/300 · loss 0.5321 · 244k samples/s" while running; final figures after. */
export function describeRun(s: TrainingSession): string {
  if (s.status === 'running') {
    const epoch = vscode.l10n.t('epoch {0}/{1}', s.epoch, s.info.epochs);
    const loss = s.lastLoss !== null ? ` · ${vscode.l10n.t('loss {0}', formatLoss(s.lastLoss))}` : '';
    return `${epoch}${loss} · ${formatRate(s.samplesPerSec)}`;
  }
  if (s.status === 'failed') return vscode.l10n.t('failed: {0}', s.error ?? vscode.l10n.t('unknown error'));
  const f = s.final;
  if (!f) return statusText(s.status);
  return `${statusText(s.status)} · ${vscode.l10n.t('loss {0}', formatLoss(f.loss))} · ${finalScores(f)} · ${formatRate(f.samplesPerSec)}`;
}

/** R² with three decimals, four when three would round it up to a perfect 1. */
export function formatR2(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return x < 1 && x.toFixed(3) === '1.000' ? x.toFixed(4) : x.toFixed(3);
}

/** "train 98.0% · val 95.1%"; for regression "train R² 0.991 · val R² 0.987 · val RMSE 0.1032". */
export function finalScores(f: FinalMetrics): string {
  if (f.trainR2 !== null && f.trainR2 !== undefined) {
    const parts = [vscode.l10n.t('train R² {0}', formatR2(f.trainR2))];
    if (f.valR2 !== null && f.valR2 !== undefined) parts.push(vscode.l10n.t('val R² {0}', formatR2(f.valR2)));
    if (f.valRmse !== null && f.valRmse !== undefined) parts.push(vscode.l10n.t('val RMSE {0}', formatLoss(f.valRmse)));
    return parts.join(' · ');
  }
  const val = f.valAcc === null ? '' : ` · ${vscode.l10n.t('val {0}', formatPercent(f.valAcc))}`;
  return `${vscode.l10n.t('train {0}', formatPercent(f.trainAcc))}${val}`;
}
