/**
 * The Landscape tab's figures, without the DOM: the line chart's y scale (log when the losses span
 * a decade or more), the α = 0 and α = 1 marks, the plane's axis names, the plane as the surface
 * card's frame (so its renderer draws it), the projected path, and the caption's numbers.
 */
import * as l10n from '@vscode/l10n';
import type { LandscapeState } from '../../src/training/protocol';
import type { LandscapeLine, LandscapeOptions, LandscapeResult, LandscapeSurface } from '../../src/engine/landscape/types';
import type { SurfaceFrame, SurfacePoint } from '../../src/engine/surface/types';
import { scaleTicks } from '../colorscale';
import { logTicks } from '../scales';
import { int, num, seconds } from '../format';

/** The line chart's y axis: log when every loss is positive and the largest is at least ten times the smallest. */
export interface LossScale {
  log: boolean;
  lo: number;
  hi: number;
  ticks: number[];
}

/** A decade or more between the smallest and the largest loss draws the y axis in log. */
export const LOG_RATIO = 10;

export function lossScale(losses: readonly number[]): LossScale {
  const finite = losses.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { log: false, lo: 0, hi: 1, ticks: [0, 1] };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min > 0 && max / min >= LOG_RATIO) {
    // Padded by a twentieth of the span in log, so the curve's ends do not touch the frame.
    const pad = Math.pow(max / min, 0.05);
    const lo = min / pad;
    const hi = max * pad;
    return { log: true, lo, hi, ticks: logTicks(lo, hi) };
  }
  const span = max - min || Math.abs(max) || 1;
  const lo = Math.max(min >= 0 ? 0 : -Infinity, min - 0.08 * span);
  const hi = max + 0.08 * span;
  return { log: false, lo, hi, ticks: scaleTicks({ lo, hi }, 5) };
}

/** Where v sits on the scale: 0 at lo, 1 at hi (log or linear); non-finite v above the top. */
export function scalePlace(s: LossScale, v: number): number {
  if (!Number.isFinite(v)) return 1.05;
  if (s.log) return v > 0 ? (Math.log(v) - Math.log(s.lo)) / (Math.log(s.hi) - Math.log(s.lo)) : -0.05;
  return (v - s.lo) / (s.hi - s.lo || 1);
}

/** A marked point of the line: α = 0 (the initial weights) or α = 1 (the trained ones). */
export interface AlphaMark {
  alpha: 0 | 1;
  name: string;
  loss: number;
  /** Its index in line.alphas. */
  index: number;
}

/** The line's α = 0 and α = 1, with their losses (the run's initial and final losses); absent when the line lacks one. */
export function alphaMarks(line: LandscapeLine): AlphaMark[] {
  const marks: AlphaMark[] = [];
  for (const [alpha, name] of [[0, l10n.t('initial')], [1, l10n.t('trained')]] as const) {
    const index = line.alphas.indexOf(alpha);
    if (index >= 0) marks.push({ alpha, name, loss: line.losses[index], index });
  }
  return marks;
}

/** "α = 0 (initial): loss 1.099": as the tab writes a mark. */
export const markText = (m: AlphaMark): string => l10n.t('α = {0} ({1}): loss {2}', m.alpha, m.name, num(m.loss));

/** The plane's axis names: d₁ and d₂ for random directions, PC1 and PC2 with the trajectory's variance along each for PCA. */
export function axisNames(s: Pick<LandscapeSurface, 'plane' | 'explained'>): [string, string] {
  if (s.plane === 'pca' && s.explained) {
    return [l10n.t('PC1 ({0} of the path\'s variance)', percent(s.explained[0])), l10n.t('PC2 ({0})', percent(s.explained[1]))];
  }
  return s.plane === 'pca' ? ['PC1', 'PC2'] : ['d₁', 'd₂'];
}

const percent = (x: number): string => `${(x * 100).toFixed(x >= 0.995 || x < 0.001 ? 2 : 1)}%`;

/** The plane as the surface card draws a surface: a (the first direction) across, b up. */
export function planeFrame(s: LandscapeSurface): SurfaceFrame {
  return {
    preset: null, expression: '', xMin: s.aMin, xMax: s.aMax, yMin: s.bMin, yMax: s.bMax,
    resolution: s.resolution, values: s.values, levels: s.levels, critical: [], start: s.path[0] ?? [0, 0],
  };
}

/** The projected path as points to draw (f and ‖∇f‖ are not known off the grid). */
export function pathPoints(s: Pick<LandscapeSurface, 'path' | 'pathSteps'>): SurfacePoint[] {
  return s.path.map(([x, y], k) => ({ step: s.pathSteps[k] ?? k, x, y, f: NaN, grad: NaN }));
}

/** The caption's figures: what the pictures show, how they were sampled and what they cannot show. */
export function captionText(r: LandscapeResult, options: Pick<LandscapeOptions, 'seed'>, parameters: number | null): string[] {
  const s = r.surface;
  const n = parameters === null ? l10n.t('all of the network\'s parameters') : l10n.t('{0} parameters', int(parameters));
  const plane = s.plane === 'pca'
    ? l10n.t('The plane is spanned by the first two principal directions of the {0} weight snapshots the run kept; together they hold {1} of the path\'s variance, so the path is drawn nearly as it went, but the plane need not follow the loss\'s valleys.', s.path.length, percent((s.explained?.[0] ?? 0) + (s.explained?.[1] ?? 0)))
    : l10n.t('The plane is spanned by two random directions, each filter-normalized (scaled per filter to the weights\' own size, Li et al. 2018); they are one draw (seed {0}): another draw shows another slice. The path is the run\'s {1} weight snapshots projected onto the plane; random directions in a space this large are nearly orthogonal to it, so the projection shows little of the way it went (the principal plane shows more of it: Compute again…).', options.seed, s.path.length);
  const lowered = r.requestedResolution !== undefined
    ? l10n.t(' (lowered from {0} × {0} to keep the work bounded)', r.requestedResolution) : '';
  return [
    l10n.t('The line is the training loss on the straight path from the initial weights (α = 0) to the trained ones (α = 1), and beyond (Goodfellow et al., 2015). The contour is the loss on a 2-D slice through a space of {0}, centred on the {1} weights.', n,
      s.centre === 'initial' ? l10n.t('initial') : l10n.t('trained')),
    plane,
    l10n.t('Each point is one evaluation of the whole training set ({0} samples, data loss plus regularization, eval mode): {1} evaluations, {2} × {2} on the plane{3}, in {4}.', int(r.samples), int(r.evaluations), s.resolution, lowered, seconds(r.seconds)),
    l10n.t('What they cannot show: the loss off this line and this plane (a minimum here can be a saddle in the dimensions left out), the held-out loss, or what the optimizer\'s noise and momentum did between snapshots.'),
  ];
}

/** The tab's status line: computing (with its progress), failed (why), of an earlier run than the panel's (earlier), or nothing. */
export function statusText(s: LandscapeState | null, earlier = false): string {
  if (!s) return l10n.t('No loss landscape yet: train the model (to the end, or stop it), then run Show Loss Landscape.');
  if (s.state === 'failed') return s.error ?? l10n.t('The loss landscape could not be computed.');
  if (s.state === 'running') return l10n.t('Computing the loss landscape: {0} of {1} loss evaluations…', int(s.done), int(s.total));
  return earlier ? l10n.t('This is the landscape of an earlier run of the file: once the newer run has ended, Compute again… for its own.') : '';
}
