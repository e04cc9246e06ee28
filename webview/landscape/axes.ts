/** The frame, ticks and axis names of the Landscape tab's two plots (the line's y axis may be log: the ticks come placed). */
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

/** Evenly placed ticks of a linear range (values from scaleTicks or logTicks, placed by `place`). */
export function ticksOf(values: readonly number[], place: (v: number) => number): Tick[] {
  return values.map((v) => ({ at: place(v), label: short(v) })).filter((t) => t.at >= -1e-9 && t.at <= 1 + 1e-9);
}

/** Draws the frame, the ticks with their labels, and the axis names (x below, y turned up the left side). */
export function paintAxes(ctx: CanvasRenderingContext2D, r: Rect, x: { ticks: Tick[]; name: string }, y: { ticks: Tick[]; name: string }, t: ChartTheme): void {
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
  ctx.font = `${t.fontSize - 1}px ${t.font}`;
  ctx.fillStyle = t.foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(x.name, r.left + r.width / 2, bottom + 36);
  ctx.save();
  ctx.translate(13, r.top + r.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(y.name, 0, 0);
  ctx.restore();
}
