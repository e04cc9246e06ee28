/**
 * The 2-D landscape: the loss on the plane θ* + a·d₁ + b·d₂ as the surface card draws a surface
 * (muted viridis of log loss, contour lines: webview/surface), and the run's path projected onto
 * it, from ○ the initial weights to ● the trained ones.
 */
import type { LandscapeSurface } from '../../src/engine/landscape/types';
import { DataCanvas } from './data-canvas';
import type { ChartTheme } from '../theme';
import { insideBox, plotBox, toPixel, type PlotBox } from '../surface/geometry';
import { paintMark, paintPaths, paintSurface } from '../surface/render';
import { linearTicks, paintAxes } from '../surface/axes';
import { axisNames, pathPoints, planeFrame } from './data';
import * as l10n from '@vscode/l10n';

export class PlaneChart extends DataCanvas<LandscapeSurface> {
  protected paint(): void {
    const s = this.data;
    if (!s || this.available() <= 0) return;
    const frame = planeFrame(s);
    const { box, width, height } = plotBox(frame, this.width);
    const ctx = this.resize(width, height);
    if (!ctx) return;
    const t = this.theme();
    const segments = paintSurface(ctx, frame, box, t);
    const [xName, yName] = axisNames(s);
    paintAxes(ctx, box, { ticks: linearTicks(s.aMin, s.aMax, 6), name: xName }, { ticks: linearTicks(s.bMin, s.bMax, 6), name: yName }, t);
    const points = pathPoints(s);
    if (points.length > 0) {
      const color = t.series[1];
      paintPaths(ctx, [{ label: '', color, points, upTo: points.length - 1 }], box, t);
      const start = toPixel(box, points[0].x, points[0].y);
      const end = toPixel(box, points[points.length - 1].x, points[points.length - 1].y);
      paintMark(ctx, 'start', start[0], start[1], t);
      if (insideBox(box, ...end)) paintTrained(ctx, end, t);
      // Names above their points; when the points are close (a random plane: the path's projection is short), the start's below.
      const close = Math.hypot(start[0] - end[0], start[1] - end[1]) < 48;
      label(ctx, box, end, l10n.t('trained'), t, false);
      label(ctx, box, start, l10n.t('initial'), t, close);
    }
    this.drawn = points.length;
    Object.assign(this.canvas.dataset, { points: String(points.length), contours: String(segments), cells: String(s.values.length), axes: `${xName} | ${yName}` });
  }
}

/** ● the trained weights, as the line chart marks α = 1 (over the path's own end dot). */
function paintTrained(ctx: CanvasRenderingContext2D, [px, py]: [number, number], t: ChartTheme): void {
  ctx.beginPath();
  ctx.arc(px, py, 5, 0, 2 * Math.PI);
  ctx.fillStyle = t.foreground;
  ctx.fill();
  ctx.strokeStyle = t.background;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/** A point's name beside it (above, or below), on a halo of the background; a point outside the plot is not named. */
function label(ctx: CanvasRenderingContext2D, box: PlotBox, [px, py]: [number, number], text: string, t: ChartTheme, below: boolean): void {
  if (!insideBox(box, px, py)) return;
  ctx.font = `${t.fontSize - 1}px ${t.font}`;
  const right = px + 10 + ctx.measureText(text).width > box.left + box.width;
  ctx.textAlign = right ? 'right' : 'left';
  ctx.textBaseline = below ? 'top' : 'bottom';
  const tx = right ? px - 9 : px + 9;
  const ty = below ? py + 7 : py - 7;
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3;
  ctx.strokeStyle = t.background;
  ctx.strokeText(text, tx, ty);
  ctx.fillStyle = t.foreground;
  ctx.fillText(text, tx, ty);
}
