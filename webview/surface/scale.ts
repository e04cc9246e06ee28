/**
 * The surface's colours: a perceptual scale (viridis) of log(f − fmin + ε), laid faintly over the
 * theme's background so the paths on top read; the contour lines in the foreground's colour.
 */
import type { SurfaceFrame } from '../../src/training/protocol';
import { mix, parseColor, withAlpha, type ChartTheme } from '../theme';

export type Rgb = [number, number, number];

/** Viridis at nine even stops (matplotlib's), dark purple at the minimum to yellow at the top. */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** How f maps to [0, 1]: log(f − min + eps), from log(eps) at the minimum to log(max − min + eps). */
export interface LogTone {
  min: number;
  max: number;
  eps: number;
}

/** The tone of a frame: eps is the first level's height above the minimum (where the first contour sits), else 1e-3 of the range. */
export function logTone(frame: Pick<SurfaceFrame, 'values' | 'levels'>): LogTone {
  let min = Infinity;
  let max = -Infinity;
  for (const v of frame.values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1, eps: 1e-3 };
  const range = max - min;
  const first = frame.levels.find((l) => l > min);
  const eps = first !== undefined && first - min < range ? first - min : Math.max(range * 1e-3, 1e-12);
  return { min, max, eps };
}

/** Where f sits on the scale, 0 at the minimum and 1 at the maximum, clamped (NaN: 1). */
export function tonePosition(s: LogTone, f: number): number {
  if (Number.isNaN(f)) return 1;
  const lo = Math.log(s.eps);
  const hi = Math.log(s.max - s.min + s.eps);
  if (!(hi > lo)) return 0;
  const t = (Math.log(Math.max(0, f - s.min) + s.eps) - lo) / (hi - lo);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** The scale's colour at t in [0, 1]. */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const a = parseColor(VIRIDIS[k])!;
  const b = parseColor(VIRIDIS[k + 1])!;
  const u = x - k;
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * u)) as Rgb;
}

/** How strongly the scale shows through the background: enough to read the valleys, little enough for the paths. */
export function fillStrength(t: Pick<ChartTheme, 'dark' | 'highContrast'>): number {
  return t.highContrast ? 0.28 : t.dark ? 0.45 : 0.42;
}

/** A tone's colour muted toward the theme's background, as 256 precomputed steps. */
export function mutedRamp(theme: Pick<ChartTheme, 'background' | 'dark' | 'highContrast'>): Rgb[] {
  const strength = fillStrength(theme);
  return Array.from({ length: 256 }, (_, i) => {
    const [r, g, b] = viridis(i / 255);
    return parseColor(mix(theme.background, `rgb(${r}, ${g}, ${b})`, strength)) ?? [128, 128, 128];
  });
}

/** The colour of a contour line: the foreground, fainter for the higher levels (the valley's lines stand out). */
export function contourColor(theme: Pick<ChartTheme, 'foreground' | 'highContrast'>, k: number, count: number): string {
  if (theme.highContrast) return withAlpha(theme.foreground, 0.6);
  const t = count > 1 ? k / (count - 1) : 0;
  return withAlpha(theme.foreground, 0.42 - 0.2 * t);
}
