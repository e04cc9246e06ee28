import * as l10n from '@vscode/l10n';
import type { DoctorFix, DoctorLayer } from './doctor-types';

/** The value a doctor fix writes, and its title; pure, shared by the worker (titles) and the editor (edits). */

/** The l2 "more L2" adds when the file has none (cs231n's case study uses 1e-3). */
export const ADDED_L2 = 0.001;

/** A value written with 3 significant digits and no float noise (0.1 / 3 → 0.0333). */
export function rounded(x: number): number {
  return Number(x.toPrecision(3));
}

/** The learning rate a fix of `factor` writes in place of `lr`. */
export function scaledLr(lr: number, factor: number): number {
  return rounded(lr * factor);
}

/** The l2 "more L2" writes: ten times the file's, or ADDED_L2 when it has none. */
export function moreL2(l2: number): number {
  return l2 > 0 ? rounded(l2 * 10) : ADDED_L2;
}

/** What a fix does, with the values it would write given the run's lr, l2 and layers. */
export function fixTitle(fix: DoctorFix, now: { lr: number; l2: number; layers: DoctorLayer[] }): string {
  switch (fix.kind) {
    case 'lr': {
      const to = scaledLr(now.lr, fix.factor);
      return fix.factor < 1
        ? l10n.t('Divide the learning rate by {0} ({1} → {2})', Math.round(1 / fix.factor), now.lr, to)
        : l10n.t('Multiply the learning rate by {0} ({1} → {2})', fix.factor, now.lr, to);
    }
    case 'l2':
      return now.l2 > 0 ? l10n.t('Raise l2 tenfold ({0} → {1})', now.l2, moreL2(now.l2)) : l10n.t('Add l2: {0}', ADDED_L2);
    case 'dropout':
      return l10n.t('Add dropout: {0} after layers[{1}]', fix.p, fix.layer);
    case 'init':
      return l10n.t('Use init: {0}', fix.scheme);
    case 'widen': {
      const units = now.layers.find((l) => l.index === fix.layer)?.units;
      return units ? l10n.t('Widen layers[{0}] ({1} → {2} units)', fix.layer, units, 2 * units) : l10n.t('Widen layers[{0}] (units × 2)', fix.layer);
    }
  }
}
