/** Draws the surface card's plot: the muted surface with its contours (cached), critical points and start, then the paths (the axes: ./axes). */
import type { CriticalPoint, SurfaceFrame, SurfacePoint } from '../../src/engine/surface/types';
import type { ChartTheme } from '../theme';
import { drawContours } from './contour';
import { toPixel, type PlotBox } from './geometry';
import { contourColor, logTone, mutedRamp, tonePosition } from './scale';

/** A path as drawn: its colour, its points, and the place of the last one shown (the slider's step). */
export interface DrawnPath {
  label: string;
  color: string;
  points: readonly SurfacePoint[];
  upTo: number;
}

/**
 * The surface's fill and contour lines on a canvas of the box's size (drawn once per frame, size
 * and theme: the paths are drawn over a copy of it). Returns the contour segments drawn.
 */
export function paintSurface(ctx: CanvasRenderingContext2D, frame: SurfaceFrame, box: PlotBox, theme: ChartTheme): number {
  const n = frame.resolution;
  const tone = logTone(frame);
  const ramp = mutedRamp(theme);
  const cells = document.createElement('canvas');
  cells.width = n;
  cells.height = n;
  const c = cells.getContext('2d');
  if (c) {
    const image = c.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const rgb = ramp[Math.round(tonePosition(tone, frame.values[j * n + i]) * 255)];
        const o = 4 * ((n - 1 - j) * n + i); // image rows from the top, grid rows from the bottom
        image.data[o] = rgb[0];
        image.data[o + 1] = rgb[1];
        image.data[o + 2] = rgb[2];
        image.data[o + 3] = 255;
      }
    }
    c.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, box.left, box.top, box.width, box.height);
  }
  return drawContours(ctx, { values: frame.values, nx: n, ny: n }, frame.levels, box, (k) => ({ color: contourColor(theme, k, frame.levels.length), width: 1 }));
}

/** A critical point's mark: ★ minimum, ✕ saddle, ▲ maximum; in the foreground, ringed by the background. */
export function paintMark(ctx: CanvasRenderingContext2D, kind: CriticalPoint['kind'] | 'start', px: number, py: number, t: ChartTheme): void {
  ctx.beginPath();
  if (kind === 'minimum') {
    for (let k = 0; k < 10; k++) {
      const r = k % 2 === 0 ? 7 : 3;
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      ctx.lineTo(px + r * Math.cos(a), py + r * Math.sin(a));
    }
    ctx.closePath();
  } else if (kind === 'maximum') {
    ctx.moveTo(px, py - 6);
    ctx.lineTo(px + 6, py + 4.5);
    ctx.lineTo(px - 6, py + 4.5);
    ctx.closePath();
  } else if (kind === 'saddle') {
    ctx.moveTo(px - 5, py - 5);
    ctx.lineTo(px + 5, py + 5);
    ctx.moveTo(px + 5, py - 5);
    ctx.lineTo(px - 5, py + 5);
  } else {
    ctx.arc(px, py, 5, 0, 2 * Math.PI);
  }
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.strokeStyle = t.background;
  ctx.lineWidth = kind === 'saddle' ? 5 : 3;
  ctx.stroke();
  ctx.strokeStyle = t.foreground;
  ctx.fillStyle = t.foreground;
  ctx.lineWidth = 2;
  if (kind === 'saddle' || kind === 'start') ctx.stroke();
  else ctx.fill();
}

/** The critical points inside the box and the start. */
export function paintMarks(ctx: CanvasRenderingContext2D, frame: SurfaceFrame, box: PlotBox, t: ChartTheme): void {
  for (const c of frame.critical) {
    if (c.x < box.xMin || c.x > box.xMax || c.y < box.yMin || c.y > box.yMax) continue;
    const [px, py] = toPixel(box, c.x, c.y);
    paintMark(ctx, c.kind, px, py, t);
  }
  const [sx, sy] = toPixel(box, frame.start[0], frame.start[1]);
  paintMark(ctx, 'start', sx, sy, t);
}

/**
 * Each path up to its slider point, with a dot there; clipped to the plot (a diverging run leaves
 * it). Returns the dots' pixel positions (null: nothing drawn yet).
 */
export function paintPaths(ctx: CanvasRenderingContext2D, paths: readonly DrawnPath[], box: PlotBox, t: ChartTheme): Array<[number, number] | null> {
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  const dots = paths.map((p) => {
    if (p.upTo < 0) return null;
    ctx.beginPath();
    for (let i = 0; i <= p.upTo; i++) {
      const [x, y] = toPixel(box, p.points[i].x, p.points[i].y);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.strokeStyle = p.color;
    ctx.lineWidth = 2;
    ctx.stroke();
    return toPixel(box, p.points[p.upTo].x, p.points[p.upTo].y);
  });
  // The dots on top of every line.
  dots.forEach((d, k) => {
    if (!d) return;
    ctx.beginPath();
    ctx.arc(d[0], d[1], 5, 0, 2 * Math.PI);
    ctx.fillStyle = paths[k].color;
    ctx.fill();
    ctx.strokeStyle = t.background;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  });
  ctx.restore();
  return dots;
}
