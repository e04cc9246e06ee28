/**
 * The colour scale of a regression heatmap: diverging around 0 (blue below, orange above, the
 * background at 0) when the values take both signs, else sequential from near the background to
 * blue. Colours come from the theme; values outside the scale take the colour of its nearer end.
 */
import { mix, parseColor } from './theme';

export type Rgb = [number, number, number];

export interface ValueScale {
  kind: 'diverging' | 'sequential';
  /** The values at the scale's two ends (diverging: −m and m, m the larger magnitude). */
  lo: number;
  hi: number;
  /** Colours at lo, halfway (diverging: at 0) and hi. */
  low: Rgb;
  mid: Rgb;
  high: Rgb;
}

export interface ScaleColors {
  /** The colour of negative values (diverging) or of the whole scale (sequential). */
  negative: string;
  positive: string;
  background: string;
}

const GREY: Rgb = [128, 128, 128];
const rgb = (c: string): Rgb => parseColor(c) ?? GREY;

/** The scale for values from min to max (the targets' range). */
export function valueScale(min: number, max: number, c: ScaleColors): ValueScale {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 0;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    return { kind: 'diverging', lo: -m, hi: m, low: rgb(c.negative), mid: rgb(c.background), high: rgb(c.positive) };
  }
  if (hi - lo <= Math.max(Math.abs(hi), 1) * 1e-9) {
    // One value: a scale of width 1 around it, so it sits in the middle.
    lo -= 0.5;
    hi += 0.5;
  }
  const start = mix(c.background, c.negative, 0.12);
  return { kind: 'sequential', lo, hi, low: rgb(start), mid: rgb(mix(start, c.negative, 0.5)), high: rgb(c.negative) };
}

/** Where v sits on the scale, 0 at lo and 1 at hi, clamped. */
export function scalePosition(s: ValueScale, v: number): number {
  if (Number.isNaN(v)) return 0.5;
  const t = (v - s.lo) / (s.hi - s.lo);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

function lerp(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/** The colour of value v. */
export function scaleColor(s: ValueScale, v: number): Rgb {
  const t = scalePosition(s, v);
  return t <= 0.5 ? lerp(s.low, s.mid, t * 2) : lerp(s.mid, s.high, (t - 0.5) * 2);
}

export const cssColor = (c: Rgb): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/**
 * Round values to label the scale with: multiples of 1, 2 or 5 × 10^k from lo to hi, about `count`
 * of them; 0 among them when the scale crosses it.
 */
export function scaleTicks(s: Pick<ValueScale, 'lo' | 'hi'>, count = 5): number[] {
  const span = s.hi - s.lo;
  if (!(span > 0) || !Number.isFinite(span)) return [s.lo];
  // The smallest round step of at least ¾ of span / (count − 1).
  const want = (0.75 * span) / Math.max(1, count - 1);
  const p = Math.pow(10, Math.floor(Math.log10(want)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((x) => x >= want * (1 - 1e-9)) ?? 10 * p;
  const out: number[] = [];
  for (let k = Math.ceil(s.lo / step - 1e-9); k * step <= s.hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}
