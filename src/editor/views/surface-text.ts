import * as vscode from 'vscode';
import type { TrainingSession } from '../../training/session';
import { statusText } from './format';

/** f as the surface views write it: 3 significant digits, in exponent form when very small or large ("1.2e-5"). */
export function formatF(f: number): string {
  if (!Number.isFinite(f)) return String(f);
  if (f === 0) return '0';
  const a = Math.abs(f);
  return a < 1e-3 || a >= 1e5 ? f.toExponential(1) : String(Number(f.toPrecision(3)));
}

/** "adam · f = 1.2e-5 · 300 steps": a surface run by its rule (the last one after a swap), where it ended and how far it went. */
export function surfaceSummary(optimizer: string, f: number | null, steps: number): string {
  const parts = [optimizer];
  if (f !== null) parts.push(`f = ${formatF(f)}`);
  parts.push(steps === 1 ? vscode.l10n.t('1 step') : vscode.l10n.t('{0} steps', steps));
  return parts.join(' · ');
}

/** A surface session for the status bar and CodeLens: "step 120/300 · f = 0.532" while it runs, "finished · adam · f = 1.2e-5 · 300 steps" after. */
export function describeSurfaceRun(s: TrainingSession): string {
  if (s.status === 'running') {
    const f = s.lastLoss !== null ? ` · f = ${formatF(s.lastLoss)}` : '';
    return `${vscode.l10n.t('step {0}/{1}', s.step, s.info.totalSteps || (s.spec.surface?.steps ?? 0))}${f}`;
  }
  if (s.status === 'failed') return vscode.l10n.t('failed: {0}', s.error ?? vscode.l10n.t('unknown error'));
  return `${statusText(s.status)} · ${surfaceSummary(s.info.optimizer, s.final?.loss ?? s.lastLoss, s.final?.steps ?? s.step)}`;
}
