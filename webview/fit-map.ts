/**
 * For 2-D regression: the network's prediction over the plane as a heatmap (ImageData, one pixel
 * per cell, scaled up without smoothing), the training (circles) and validation (squares) points
 * coloured by their target on the same scale, and a colour bar giving the values.
 */
import * as l10n from '@vscode/l10n';
import type { BoundaryFrame } from '../src/training/protocol';
import { cssColor, scaleColor, scalePosition, scaleTicks, valueScale, type ValueScale } from './colorscale';
import { gridFits } from './fit-data';
import { short } from './format';
import { BOTTOM, drawPlaneAxes, LEFT, LEGEND, MAX_SIDE, PlaneView } from './plane';
import { readTheme, withAlpha, type ChartTheme } from './theme';

const TOP = 8;
/** The colour bar: a gap, the bar, its labels. */
const BAR_GAP = 14;
const BAR = 12;
const RIGHT = BAR_GAP + BAR + 48;

export class FitMapView extends PlaneView {
  protected paint(): void {
    const frame = this.store.run?.info.boundary ?? null;
    this.drawn = 0;
    if (!frame || frame.kind !== 'regression2d') {
      this.canvas.dataset.points = '0';
      return;
    }
    const t = readTheme();
    const box = this.canvas.parentElement ?? this.canvas;
    this.width = box.clientWidth;
    const side = Math.max(160, Math.min(MAX_SIDE, box.clientWidth - LEFT - RIGHT));
    const ctx = this.resize(side + LEFT + RIGHT, side + TOP + BOTTOM + LEGEND);
    if (!ctx) return;
    const scale = valueScale(frame.valueMin ?? 0, frame.valueMax ?? 0, { negative: t.series[0], positive: t.series[1], background: t.background });
    const grid = this.store.run?.boundary ?? null;
    let cells = 0;
    if (gridFits(frame, grid)) {
      const values = grid.values;
      cells = values.length;
      this.drawCells(ctx, frame.resolution, (i) => scaleColor(scale, values[i]), LEFT, TOP, side, true);
    }
    ctx.strokeStyle = t.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(LEFT - 0.5, TOP - 0.5, side + 1, side + 1);
    const n = this.paintPoints(ctx, t, frame, scale, side);
    drawPlaneAxes(ctx, t, frame, LEFT, TOP, side);
    this.colorBar(ctx, t, scale, LEFT + side + BAR_GAP, side);
    // What the colours are: the target's name (a CSV column), else y.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(frame.target ?? 'y', LEFT + side + BAR_GAP + BAR / 2, TOP + side + 4);
    this.legend(ctx, t, side, grid?.step ?? null, (frame.valPoints?.length ?? 0) > 0);
    this.drawn = n + cells;
    this.canvas.dataset.points = String(this.drawn);
    this.canvas.dataset.step = grid ? String(grid.step) : '';
  }

  /** The points, filled with their target's colour: a point that stands out from the surface is one the net misses. */
  private paintPoints(ctx: CanvasRenderingContext2D, t: ChartTheme, f: BoundaryFrame, scale: ValueScale, side: number): number {
    const sx = side / (f.xMax - f.xMin || 1);
    const sy = side / (f.yMax - f.yMin || 1);
    const sets = [{ p: f.points, v: f.targets ?? [], square: false }, { p: f.valPoints ?? [], v: f.valTargets ?? [], square: true }];
    let drawn = 0;
    ctx.lineWidth = 1;
    // A light outline: on a good fit the points melt into the surface, and their outlines should not crowd it.
    ctx.strokeStyle = withAlpha(t.foreground, t.highContrast ? 1 : 0.45);
    for (const { p, v, square } of sets) {
      const n = Math.min(v.length, Math.floor(p.length / 2));
      const r = n > 200 ? 2.6 : 3.2;
      for (let i = 0; i < n; i++) {
        const px = LEFT + (p[2 * i] - f.xMin) * sx;
        const py = TOP + (f.yMax - p[2 * i + 1]) * sy;
        ctx.beginPath();
        if (square) ctx.rect(px - r, py - r, 2 * r, 2 * r);
        else ctx.arc(px, py, r, 0, 2 * Math.PI);
        ctx.fillStyle = cssColor(scaleColor(scale, v[i]));
        ctx.fill();
        ctx.stroke();
      }
      drawn += n;
    }
    return drawn;
  }

  /** A vertical bar from the scale's low end (bottom) to its high end (top), labelled at round values. */
  private colorBar(ctx: CanvasRenderingContext2D, t: ChartTheme, scale: ValueScale, x: number, side: number): void {
    const steps = 64;
    for (let k = 0; k < steps; k++) {
      const v = scale.lo + ((k + 0.5) / steps) * (scale.hi - scale.lo);
      ctx.fillStyle = cssColor(scaleColor(scale, v));
      const y0 = TOP + side - ((k + 1) / steps) * side;
      ctx.fillRect(x, Math.floor(y0), BAR, Math.ceil(side / steps) + 1);
    }
    ctx.strokeStyle = t.grid;
    ctx.strokeRect(x - 0.5, TOP - 0.5, BAR + 1, side + 1);
    ctx.fillStyle = t.muted;
    ctx.strokeStyle = t.muted;
    ctx.font = `${t.fontSize - 2}px ${t.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const v of scaleTicks(scale)) {
      const y = Math.round(TOP + side - scalePosition(scale, v) * side) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x + BAR, y);
      ctx.lineTo(x + BAR + 4, y);
      ctx.stroke();
      ctx.fillText(short(v), x + BAR + 7, y);
    }
  }

  private legend(ctx: CanvasRenderingContext2D, t: ChartTheme, side: number, step: number | null, validation: boolean): void {
    const y = TOP + side + BOTTOM + LEGEND / 2;
    ctx.font = `${t.fontSize - 1}px ${t.font}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.strokeStyle = t.foreground;
    ctx.fillStyle = t.muted;
    let x = LEFT;
    const items: Array<[string, boolean]> = [[l10n.t('training'), false]];
    if (validation) items.push([l10n.t('validation'), true]);
    for (const [label, square] of items) {
      ctx.beginPath();
      if (square) ctx.rect(x + 1.5, y - 3.5, 7, 7);
      else ctx.arc(x + 5, y, 4, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.fillStyle = t.foreground;
      ctx.fillText(label, x + 14, y);
      x += ctx.measureText(label).width + 30;
    }
    ctx.textAlign = 'right';
    ctx.fillStyle = t.muted;
    ctx.fillText(step !== null ? l10n.t('step {0}', step) : l10n.t('no prediction grid yet'), LEFT + side, y);
  }
}
