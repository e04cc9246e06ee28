/**
 * The 2-D landscape: the loss on the plane θ* + a·d₁ + b·d₂ as the surface card draws a surface
 * (muted viridis of log loss, contour lines: webview/surface), and the run's path projected onto
 * it, from ○ the initial weights to ● the trained ones.
 */
import type { LandscapeSurface } from '../../src/engine/landscape/types';
import { CanvasView } from '../canvas-view';
import type { ChartTheme } from '../theme';
import { scaleTicks } from '../colorscale';
import { plotBox, toPixel, type PlotBox } from '../surface/geometry';
import { paintMark, paintPaths, paintSurface } from '../surface/render';
import { paintAxes, ticksOf } from './axes';
import { axisNames, pathPoints, planeFrame } from './data';
import * as l10n from '@vscode/l10n';

export class PlaneChart extends CanvasView {
  private surface: LandscapeSurface | null = null;

  constructor(canvas: HTMLCanvasElement, private theme: () => ChartTheme) {
    super(canvas);
  }

  set(surface: LandscapeSurface | null): void {
    this.surface = surface;
    this.draw();
  }

  protected key(): unknown {
    return this.surface;
  }

  protected paint(): void {
    const s = this.surface;
    const holder = this.canvas.parentElement ?? this.canvas;
    this.width = holder.clientWidth;
    if (!s || this.width <= 0) return;
    const frame = planeFrame(s);
    const { box, width, height } = plotBox(frame, this.width);
    const ctx = this.resize(width, height);
    if (!ctx) return;
    const t = this.theme();
    const segments = paintSurface(ctx, frame, box, t);
    const [xName, yName] = axisNames(s);
    const along = (lo: number, hi: number) => ticksOf(scaleTicks({ lo, hi }, 6), (v) => (v - lo) / (hi - lo || 1));
    paintAxes(ctx, box, { ticks: along(s.aMin, s.aMax), name: xName }, { ticks: along(s.bMin, s.bMax), name: yName }, t);
    const points = pathPoints(s);
    if (points.length > 0) {
      const color = t.series[1];
      paintPaths(ctx, [{ label: '', color, points, upTo: points.length - 1 }], box, t);
      const [sx, sy] = toPixel(box, points[0].x, points[0].y);
      paintMark(ctx, 'start', sx, sy, t);
      label(ctx, box, points[0].x, points[0].y, l10n.t('initial'), t);
      const end = points[points.length - 1];
      label(ctx, box, end.x, end.y, l10n.t('trained'), t);
    }
    this.drawn = points.length;
    Object.assign(this.canvas.dataset, { points: String(points.length), contours: String(segments), cells: String(s.values.length) });
  }
}

/** A point's name beside it, on a halo of the background (inside the plot; a point outside it is not named). */
function label(ctx: CanvasRenderingContext2D, box: PlotBox, x: number, y: number, text: string, t: ChartTheme): void {
  const [px, py] = toPixel(box, x, y);
  if (px < box.left || px > box.left + box.width || py < box.top || py > box.top + box.height) return;
  ctx.font = `${t.fontSize - 1}px ${t.font}`;
  const right = px + 10 + ctx.measureText(text).width > box.left + box.width;
  ctx.textAlign = right ? 'right' : 'left';
  ctx.textBaseline = 'bottom';
  const tx = right ? px - 9 : px + 9;
  ctx.lineWidth = 3;
  ctx.strokeStyle = t.background;
  ctx.strokeText(text, tx, py - 6);
  ctx.fillStyle = t.foreground;
  ctx.fillText(text, tx, py - 6);
}
