/**
 * The surface as the contour plot draws it: a box around what matters (the start, the critical
 * points, a path's extent), f on a grid over it, log-spaced levels and the critical points inside.
 * Cost: resolution² evaluations plus criticalPoints' bounded search.
 */
import type { SurfacePreset, SurfaceSetup } from '../../model/spec';
import { criticalPoints, type Box } from './critical';
import type { Surface } from './surface';
import type { CriticalPoint, SurfaceFrame } from './types';

export interface FrameOptions {
  /** Grid points per side (default DEFAULT_RESOLUTION, clamped to [MIN_RESOLUTION, MAX_RESOLUTION]). */
  resolution?: number;
  /** Points the box must also show, e.g. a path's extent. */
  include?: Array<[number, number]>;
}

export const DEFAULT_RESOLUTION = 120;
export const MIN_RESOLUTION = 8;
export const MAX_RESOLUTION = 400;
/** Contour levels on a surface that is not flat. */
export const LEVELS = 20;
/**
 * The lowest level sits this fraction of the grid's range above its minimum, the others geometric
 * from there: deep into a basin when the box holds a minimum (Rosenbrock's valley floor is 10⁻⁴ of
 * its range), spread over the range when it does not (a saddle's lowest values are its corners).
 */
export const LOWEST_LEVEL = { basin: 1e-6, open: 10 ** -1.5 };
/** The box never grows past this many times its starting size per side (a diverged path does not shrink the picture to a dot). */
const MAX_GROWTH = 20;
const MARGIN = 0.1;

/** Where each preset's interesting part lies (saddle and ravine: centred at their critical point, sized by the start). */
const PRESET_BOXES: Partial<Record<SurfacePreset, Box>> = {
  rosenbrock: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
  beale: { xMin: -4.5, xMax: 4.5, yMin: -4.5, yMax: 4.5 },
  himmelblau: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
};

/** The box before the start and `include` points widen it. */
function startingBox(setup: Pick<SurfaceSetup, 'preset' | 'start'>): Box {
  const known = setup.preset !== null ? PRESET_BOXES[setup.preset] : undefined;
  if (known) return { ...known };
  const [sx, sy] = setup.start;
  if (setup.preset !== null) {
    const half = Math.max(1, 1.25 * Math.max(Math.abs(sx), Math.abs(sy)));
    return { xMin: -half, xMax: half, yMin: -half, yMax: half };
  }
  // An expression: the start and its neighbourhood, as wide as the start is far from the origin.
  const half = Math.max(2, Math.abs(sx), Math.abs(sy));
  return { xMin: sx - half, xMax: sx + half, yMin: sy - half, yMax: sy + half };
}

/**
 * `box` widened to hold the points (each clamped to MAX_GROWTH times the box), each at least a
 * margin of MARGIN times the span inside the edges, so a minimum or a path's end is never cut at
 * the border.
 */
function widened(box: Box, points: ReadonlyArray<readonly [number, number]>): Box {
  const w = box.xMax - box.xMin;
  const h = box.yMax - box.yMin;
  const cx = (box.xMin + box.xMax) / 2;
  const cy = (box.yMin + box.yMax) / 2;
  const held = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const px = Math.min(cx + (MAX_GROWTH * w) / 2, Math.max(cx - (MAX_GROWTH * w) / 2, x));
    const py = Math.min(cy + (MAX_GROWTH * h) / 2, Math.max(cy - (MAX_GROWTH * h) / 2, y));
    held.xMin = Math.min(held.xMin, px);
    held.xMax = Math.max(held.xMax, px);
    held.yMin = Math.min(held.yMin, py);
    held.yMax = Math.max(held.yMax, py);
  }
  if (held.xMin > held.xMax) return { ...box };
  const mx = MARGIN * (Math.max(box.xMax, held.xMax) - Math.min(box.xMin, held.xMin));
  const my = MARGIN * (Math.max(box.yMax, held.yMax) - Math.min(box.yMin, held.yMin));
  return {
    xMin: Math.min(box.xMin, held.xMin - mx), xMax: Math.max(box.xMax, held.xMax + mx),
    yMin: Math.min(box.yMin, held.yMin - my), yMax: Math.max(box.yMax, held.yMax + my),
  };
}

/**
 * Contour levels over the finite values: LEVELS values fmin + (fmax − fmin)·q^k, geometric from
 * `lowest` of the range up to `lowest`^(1/LEVELS) of it, so the valleys get most of the lines. Empty
 * when no value is finite or the surface is flat over the grid (nothing to draw).
 */
export function contourLevels(values: ArrayLike<number>, lowest = LOWEST_LEVEL.basin): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  if (!(range > 0) || !Number.isFinite(range)) return [];
  const levels: number[] = [];
  for (let k = 0; k < LEVELS; k++) {
    const level = lo + range * Math.pow(lowest, 1 - k / LEVELS);
    if (level > (levels.length > 0 ? levels[levels.length - 1] : lo)) levels.push(level);
  }
  return levels;
}

/** `box` scaled by `k` about its centre. */
function scaled(box: Box, k: number): Box {
  const hw = (k * (box.xMax - box.xMin)) / 2;
  const hh = (k * (box.yMax - box.yMin)) / 2;
  const cx = (box.xMin + box.xMax) / 2;
  const cy = (box.yMin + box.yMax) / 2;
  return { xMin: cx - hw, xMax: cx + hw, yMin: cy - hh, yMax: cy + hh };
}

function inside(box: Box, c: CriticalPoint): boolean {
  return c.x >= box.xMin && c.x <= box.xMax && c.y >= box.yMin && c.y <= box.yMax;
}

/**
 * The frame for a surface run: a preset's box (or one around an expression's start and the minima
 * found near it), widened to show the start and `include`, f on a resolution² grid (a value that
 * is not finite — log of a negative, an overflow — is NaN there and left out of the levels), the
 * levels (deeper when a minimum is inside: LOWEST_LEVEL) and the non-degenerate critical points inside.
 */
export function surfaceFrame(surface: Surface, setup: Pick<SurfaceSetup, 'preset' | 'expression' | 'start'>, opts: FrameOptions = {}): SurfaceFrame {
  const resolution = Math.round(Math.min(MAX_RESOLUTION, Math.max(MIN_RESOLUTION, opts.resolution ?? DEFAULT_RESOLUTION)));
  let box = widened(startingBox(setup), [setup.start, ...(opts.include ?? [])]);
  let critical: CriticalPoint[];
  if (setup.preset === null) {
    // An expression's minima near the box (within its own size around it) belong in the picture: where the optimizers head.
    critical = criticalPoints(surface, scaled(box, 3));
    box = widened(box, critical.filter((c) => c.kind === 'minimum').map((c) => [c.x, c.y] as const));
  } else {
    critical = criticalPoints(surface, box);
  }
  const values = new Array<number>(resolution * resolution);
  const dx = (box.xMax - box.xMin) / (resolution - 1);
  const dy = (box.yMax - box.yMin) / (resolution - 1);
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const f = surface.value(box.xMin + i * dx, box.yMin + j * dy);
      values[j * resolution + i] = Number.isFinite(f) ? f : NaN;
    }
  }
  const shown = critical.filter((c) => inside(box, c));
  const lowest = shown.some((c) => c.kind === 'minimum') ? LOWEST_LEVEL.basin : LOWEST_LEVEL.open;
  return {
    preset: setup.preset, expression: surface.expression, ...box, resolution, values,
    levels: contourLevels(values, lowest), critical: shown, start: [setup.start[0], setup.start[1]],
  };
}
