/** What the Sanity card writes for each check: its title, and its expected and measured figures. No DOM. */
import * as l10n from '@vscode/l10n';
import type { SanityCheck, SanityName } from '../src/engine/sanity-types';
import { exp, num, pct } from './format';

export function checkTitle(name: SanityName): string {
  switch (name) {
    case 'initial-loss': return l10n.t('Loss at step 0');
    case 'reg-raises-loss': return l10n.t('Regularization raises the loss');
    case 'overfit-small': return l10n.t('Overfit a small subset');
    case 'gradient': return l10n.t('Gradient check');
    case 'update-ratio': return l10n.t('Update / weight ratio');
  }
}

/**
 * The expected and measured cells of a check. Each check's `expected` means something of its own
 * (src/engine/sanity.ts): the loss of scores near 0; the loss without regularization (measured
 * must be above it); 100 % train accuracy, or an R² bound below 1 for regression; the largest
 * relative error allowed; cs231n's 1e-3 (each layer's median must be in the band the advice names).
 */
export function checkFigures(c: Pick<SanityCheck, 'name' | 'expected' | 'measured'>): { expected: string; measured: string } {
  switch (c.name) {
    case 'initial-loss': return { expected: `≈ ${num(c.expected)}`, measured: num(c.measured) };
    case 'reg-raises-loss': return { expected: `> ${num(c.expected)}`, measured: num(c.measured) };
    case 'overfit-small':
      // Regression's bound is an R² below 1; classification's is 100 % accuracy.
      return c.expected < 1
        ? { expected: `R² ≥ ${c.expected}`, measured: `R² ${c.measured.toFixed(4)}` }
        : { expected: pct(c.expected, 0), measured: pct(c.measured, 0) };
    case 'gradient': return { expected: `≤ ${exp(c.expected, 0)}`, measured: exp(c.measured) };
    case 'update-ratio': return { expected: `≈ ${exp(c.expected, 0)}`, measured: exp(c.measured) };
  }
}

/** "4 of 5 passed" or "all 5 passed". */
export function sanitySummary(checks: readonly Pick<SanityCheck, 'pass'>[]): string {
  const passed = checks.filter((c) => c.pass).length;
  return passed === checks.length ? l10n.t('All {0} checks passed.', checks.length) : l10n.t('{0} of {1} checks passed.', passed, checks.length);
}
