/**
 * The frame, ticks and axis names of a hand-drawn plot: the surface card's and the Landscape tab's
 * two plots (the ticks come placed, so an axis may be log, as the landscape's line loss is).
 */
import { scaleTicks } from '../colorscale';
import { short } from '../format';
import type { ChartTheme } from '../theme';

/** A plot's rectangle in CSS pixels. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A tick: its label and its place along the axis, 0 at the left/bottom to 1 at the right/top. */
export interface Tick {
  at: number;
  label: string;
}

/** An axis as drawn: its ticks and its name. */
export interface Axis {
  ticks: readonly Tick[];
  name: string;
}

/** Ticks at the given values (from scaleTicks or logTicks, placed by `place`); those outside the axis left out. */
export function ticksOf(values: readonly number[], place: (v: number) => number): Tick[] {
  return values.map((v) => ({ at: place(v), label: short(v) })).filter((t) => t.at >= -1e-9 && t.at <= 1 + 1e-9);
}

/** About `count` round ticks of the linear range lo..hi. */
export function linearTicks(lo: number, hi: number, count: number): Tick[] {
  return ticksOf(scaleTicks({ lo, hi }, count), (v) => (v - lo) / (hi - lo || 1));
}

/**
 * Draws the frame, the ticks with their labels, and the axis names: x below, y up the left side.
 * Names in words (the default) are set upright with y's turned up the side; `symbols` (one-letter
 * variables, the surface card's x and y) are set in italic, y's not turned.
 */
export function paintAxes(ctx: CanvasRenderingContext2D, r: Rect, x: Axis, y: Axis, t: ChartTheme, names: 'words' | 'symbols' = 'words'): void {
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(r.left - 0.5, r.top - 0.5, r.width + 1, r.height + 1);
  ctx.font = `${t.fontSize - 2}px ${t.font}`;
  ctx.fillStyle = t.muted;
  ctx.strokeStyle = t.muted;
  const bottom = r.top + r.height;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const k of x.ticks) {
    const px = r.left + k.at * r.width;
    ctx.beginPath();
    ctx.moveTo(px, bottom);
    ctx.lineTo(px, bottom + 4);
    ctx.stroke();
    ctx.fillText(k.label, px, bottom + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const k of y.ticks) {
    const py = bottom - k.at * r.height;
    ctx.beginPath();
    ctx.moveTo(r.left - 4, py);
    ctx.lineTo(r.left, py);
    ctx.stroke();
    ctx.fillText(k.label, r.left - 6, py);
  }
  ctx.font = `${names === 'symbols' ? 'italic ' : ''}${t.fontSize - 1}px ${t.font}`;
  ctx.fillStyle = t.foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(x.name, r.left + r.width / 2, bottom + 36);
  if (names === 'symbols') {
    ctx.textBaseline = 'middle';
    ctx.fillText(y.name, 12, r.top + r.height / 2);
    return;
  }
  ctx.save();
  ctx.translate(13, r.top + r.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(y.name, 0, 0);
  ctx.restore();
}
