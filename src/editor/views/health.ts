import * as vscode from 'vscode';
import type { LayerStats } from '../../training/protocol';

/** cs231n's rules of thumb, as a traffic light. */
export type Health = 'good' | 'warn' | 'bad';

const RANK: Record<Health, number> = { good: 0, warn: 1, bad: 2 };
const worst = (...hs: Health[]): Health => hs.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'good');

/** ‖ΔW‖/‖W‖ should be around 1e-3 (lecture 6): far below, learning is too slow; far above, too fast. */
export function updateRatioHealth(r: number | null): Health {
  if (r === null || !Number.isFinite(r)) return r === null ? 'good' : 'bad';
  if (r >= 1e-4 && r <= 1e-2) return 'good';
  if (r >= 1e-5 && r <= 1e-1) return 'warn';
  return 'bad';
}

/** Dead ReLUs or saturated tanh/sigmoid units pass no gradient. */
export function fractionHealth(f: number | null): Health {
  if (f === null) return 'good';
  return f < 0.1 ? 'good' : f < 0.5 ? 'warn' : 'bad';
}

/** Activations that have collapsed toward 0 (a too-small init in a deep net). */
export function spreadHealth(std: number): Health {
  if (!Number.isFinite(std)) return 'bad';
  return std >= 1e-2 ? 'good' : std >= 1e-3 ? 'warn' : 'bad';
}

/** Vanishing (or exploding) weight gradients. */
export function gradientHealth(g: number | null): Health {
  if (g === null) return 'good';
  if (!Number.isFinite(g) || g > 1e3) return 'bad';
  return g >= 1e-6 ? 'good' : g >= 1e-8 ? 'warn' : 'bad';
}

export function layerHealth(l: LayerStats): Health {
  return worst(updateRatioHealth(l.updateRatio), fractionHealth(l.dead), fractionHealth(l.saturated), spreadHealth(l.std), gradientHealth(l.gradNorm));
}

export function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-2 && a < 1e3 ? x.toPrecision(2).replace(/\.?0+$/, '') : x.toExponential(1);
}

const pct = (f: number): string => `${Math.round(f * 100)}%`;

/** The one-line note at the end of a layer's line. */
export function healthNote(l: LayerStats): string {
  const parts = [`μ ${fmt(l.mean)} σ ${fmt(l.std)}`];
  if (l.dead !== null) parts.push(vscode.l10n.t('dead {0}', pct(l.dead)));
  if (l.saturated !== null) parts.push(vscode.l10n.t('saturated {0}', pct(l.saturated)));
  if (l.gradNorm !== null) parts.push(`‖∇W‖ ${fmt(l.gradNorm)}`);
  if (l.updateRatio !== null) parts.push(`ΔW/W ${fmt(l.updateRatio)}`);
  return parts.join(' · ');
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';

/** A histogram as a row of block characters, tallest bin full height. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(...counts, 1);
  return counts.map((c) => BLOCKS[c === 0 ? 0 : Math.max(1, Math.round((c / max) * 8))]).join('');
}

/** What each part of the note means, and what is off, for the hover. */
export function healthAdvice(l: LayerStats): string[] {
  const advice: string[] = [];
  if (spreadHealth(l.std) !== 'good') advice.push(vscode.l10n.t('Activations have collapsed toward 0: the init is too small for this depth (try xavier for tanh, he for ReLU).'));
  if (fractionHealth(l.dead) !== 'good') advice.push(vscode.l10n.t('{0} of the ReLUs never fire on the probe samples: they pass no gradient (lower the learning rate, or try he init / leaky_relu).', pct(l.dead ?? 0)));
  if (fractionHealth(l.saturated) !== 'good') advice.push(vscode.l10n.t('{0} of the outputs are saturated: their gradient is ~0 (the init is too large).', pct(l.saturated ?? 0)));
  if (gradientHealth(l.gradNorm) !== 'good') advice.push(vscode.l10n.t('The weight gradient has vanished (or exploded).'));
  const u = updateRatioHealth(l.updateRatio);
  if (u !== 'good' && l.updateRatio !== null) {
    advice.push(l.updateRatio < 1e-4
      ? vscode.l10n.t('Updates are tiny next to the weights: the learning rate may be too low.')
      : vscode.l10n.t('Updates are large next to the weights: the learning rate may be too high.'));
  }
  return advice;
}
