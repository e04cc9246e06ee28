/** What the surface card says: the hover's text, the legend's, the slider's, and the marks' names. */
import * as l10n from '@vscode/l10n';
import type { CriticalPoint, SurfacePoint } from '../../src/engine/surface/types';
import { int, num } from '../format';

/** "(x, y) = (0.9512, 0.9046)" */
export const positionText = (x: number, y: number): string => `(x, y) = (${num(x)}, ${num(y)})`;

/** A path's point under the pointer: its run (when several are drawn), step, position, f and ‖∇f‖. */
export function pointText(p: SurfacePoint, run: string | null): string {
  const parts = [l10n.t('step {0}', int(p.step)), positionText(p.x, p.y), `f = ${num(p.f)}`, `‖∇f‖ = ${num(p.grad)}`];
  return (run ? `${run} · ` : '') + parts.join(' · ');
}

/** The surface under the pointer, away from the paths: f read off the grid. */
export function surfaceText(x: number, y: number, f: number): string {
  return `${positionText(x, y)} · f ≈ ${num(f)}`;
}

/** The slider's reading: "step 120 of 2,000". */
export function sliderText(step: number, last: number): string {
  return l10n.t('step {0} of {1}', int(step), int(last));
}

/** A path's legend entry: its label and the f it ended at (or has reached). */
export function legendText(label: string, last: SurfacePoint | undefined, running: boolean): string {
  if (!last) return label;
  return running ? l10n.t('{0}: f = {1} at step {2}', label, num(last.f), int(last.step)) : l10n.t('{0}: final f = {1}', label, num(last.f));
}

/** A critical point's kind in words. */
export function kindText(kind: CriticalPoint['kind']): string {
  switch (kind) {
    case 'minimum': return l10n.t('minimum');
    case 'saddle': return l10n.t('saddle point');
    case 'maximum': return l10n.t('maximum');
  }
}

/** A critical point named on hover: "minimum (x, y) = (3.000, 2.000) · f = 0". */
export function markText(c: CriticalPoint): string {
  return `${kindText(c.kind)} ${positionText(c.x, c.y)} · f = ${num(c.f)}`;
}
