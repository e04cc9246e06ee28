/**
 * The Inspect tab's colour scales and pixel maths (pure): a diverging scale centred at 0 for a
 * layer's values (and a second one for its gradients), the extent of a layer, the input as an
 * image, and the saliency map max_c |∂L/∂input|.
 */
import { scaleColor, type Rgb, type ValueScale } from '../colorscale';
import { parseColor } from '../theme';

/** The colours of a centred scale: below 0, at 0 (the background), above 0. */
export interface CentredColors {
  negative: string;
  zero: string;
  positive: string;
}

const GREY: Rgb = [128, 128, 128];
const rgb = (c: string): Rgb => parseColor(c) ?? GREY;

/** The smallest and largest finite value (both 0 when there is none). */
export function extent(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/**
 * A scale from −m to m, m the largest magnitude among the values (1 when all are 0), so 0 always
 * takes the background's colour and a value and its negation are equally strong.
 */
export function centredScale(values: ArrayLike<number>, c: CentredColors): ValueScale {
  const { min, max } = extent(values);
  const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
  return { kind: 'diverging', lo: -m, hi: m, low: rgb(c.negative), mid: rgb(c.zero), high: rgb(c.positive) };
}

/** The colour of v on a scale, as RGB. */
export const colorOf = (s: ValueScale, v: number): Rgb => scaleColor(s, v);

/**
 * The saliency map of an image input [c, h, w]: per pixel, the largest |∂L/∂input| over the
 * channels (cs231n's saliency maps), h·w values row by row.
 */
export function saliency(dinput: ArrayLike<number>, shape: readonly number[]): number[] {
  const [c, h, w] = shape;
  const n = h * w;
  const out = new Array<number>(n).fill(0);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < n; p++) {
      const a = Math.abs(dinput[ch * n + p] ?? 0);
      if (a > out[p]) out[p] = a;
    }
  }
  return out;
}

/**
 * An input image [c, h, w] as RGBA bytes (h·w·4): 3 channels as RGB, else the first channel as
 * grey; values stretched from the image's own min (black) to its max (white), since the network
 * sees them normalized.
 */
export function imageRgba(values: ArrayLike<number>, shape: readonly number[]): Uint8ClampedArray {
  const [c, h, w] = shape;
  const n = h * w;
  const { min, max } = extent(values);
  const span = max - min || 1;
  const byte = (v: number): number => Math.round((255 * ((Number.isFinite(v) ? v : min) - min)) / span);
  const out = new Uint8ClampedArray(4 * n);
  for (let p = 0; p < n; p++) {
    const r = byte(values[p]);
    out[4 * p] = r;
    out[4 * p + 1] = c === 3 ? byte(values[n + p]) : r;
    out[4 * p + 2] = c === 3 ? byte(values[2 * n + p]) : r;
    out[4 * p + 3] = 255;
  }
  return out;
}

/**
 * A map of non-negative values (a saliency map) as RGBA: 0 is the background, the largest value
 * the colour `hot`.
 */
export function heatRgba(values: ArrayLike<number>, background: string, hot: string): Uint8ClampedArray {
  const { max } = extent(values);
  const s: ValueScale = { kind: 'sequential', lo: 0, hi: max || 1, low: rgb(background), mid: mixRgb(rgb(background), rgb(hot)), high: rgb(hot) };
  const out = new Uint8ClampedArray(4 * values.length);
  for (let p = 0; p < values.length; p++) {
    const [r, g, b] = scaleColor(s, values[p]);
    out.set([r, g, b, 255], 4 * p);
  }
  return out;
}

function mixRgb(a: Rgb, b: Rgb): Rgb {
  return [Math.round((a[0] + b[0]) / 2), Math.round((a[1] + b[1]) / 2), Math.round((a[2] + b[2]) / 2)];
}
