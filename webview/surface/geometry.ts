/** Where the surface is drawn: the plot's rectangle and its mapping between (x, y) and pixels, and f between grid points. */
import type { SurfaceFrame } from '../../src/training/protocol';

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Room around the plot: the y ticks and title on the left, the x ticks and title below. */
export const MARGIN = { left: 52, right: 14, top: 10, bottom: 38 };
/** The plot's widest side, in CSS pixels. */
export const MAX_PLOT = 560;

/** The canvas size and plot box for a frame in a box `available` pixels wide: x and y at the same scale where the panel allows. */
export function plotBox(frame: Pick<SurfaceFrame, 'xMin' | 'xMax' | 'yMin' | 'yMax'>, available: number): { box: PlotBox; width: number; height: number } {
  const width = Math.max(200, Math.min(available, MAX_PLOT + MARGIN.left + MARGIN.right));
  const w = width - MARGIN.left - MARGIN.right;
  const aspect = (frame.yMax - frame.yMin) / (frame.xMax - frame.xMin || 1);
  const h = Math.round(w * Math.min(1.2, Math.max(0.5, Number.isFinite(aspect) ? aspect : 1)));
  const box: PlotBox = { left: MARGIN.left, top: MARGIN.top, width: w, height: h, xMin: frame.xMin, xMax: frame.xMax, yMin: frame.yMin, yMax: frame.yMax };
  return { box, width, height: h + MARGIN.top + MARGIN.bottom };
}

export function toPixel(b: PlotBox, x: number, y: number): [number, number] {
  return [b.left + ((x - b.xMin) / (b.xMax - b.xMin || 1)) * b.width, b.top + ((b.yMax - y) / (b.yMax - b.yMin || 1)) * b.height];
}

export function fromPixel(b: PlotBox, px: number, py: number): [number, number] {
  return [b.xMin + ((px - b.left) / b.width) * (b.xMax - b.xMin), b.yMax - ((py - b.top) / b.height) * (b.yMax - b.yMin)];
}

export function insideBox(b: PlotBox, px: number, py: number): boolean {
  return px >= b.left && px <= b.left + b.width && py >= b.top && py <= b.top + b.height;
}

/** f at (x, y) from the frame's grid, bilinear between its four nearest points; NaN outside the frame. */
export function surfaceAt(frame: Pick<SurfaceFrame, 'xMin' | 'xMax' | 'yMin' | 'yMax' | 'resolution' | 'values'>, x: number, y: number): number {
  const n = frame.resolution;
  const u = ((x - frame.xMin) / (frame.xMax - frame.xMin)) * (n - 1);
  const v = ((y - frame.yMin) / (frame.yMax - frame.yMin)) * (n - 1);
  if (!(u >= 0 && u <= n - 1 && v >= 0 && v <= n - 1)) return NaN;
  const i = Math.min(n - 2, Math.floor(u));
  const j = Math.min(n - 2, Math.floor(v));
  const s = u - i;
  const t = v - j;
  const at = (di: number, dj: number): number => frame.values[(j + dj) * n + i + di];
  return (1 - s) * (1 - t) * at(0, 0) + s * (1 - t) * at(1, 0) + (1 - s) * t * at(0, 1) + s * t * at(1, 1);
}
