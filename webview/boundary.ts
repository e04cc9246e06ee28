/**
 * For 2-D data: the class the network predicts over the plane, as a coloured grid of cells
 * (ImageData, one pixel per cell, scaled up without smoothing), with the training points on top.
 */
import type { BoundaryFrame, BoundaryGrid } from '../src/training/protocol';
import { BOTTOM, drawPlaneAxes, LEFT, LEGEND, MAX_SIDE, PlaneView } from './plane';
import { isClassesFrame } from './fit-data';
import { mix, paletteColor, parseColor, readTheme, type ChartTheme } from './theme';
import * as l10n from '@vscode/l10n';
import type { RunStore } from './store';
import { pickPoints, ringPoints, type DrawnPoints } from './mistakes/boundary-marks';

const TOP = 6;
const RIGHT = 8;

export class BoundaryView extends PlaneView {
  /** The points as last drawn: a click near one inspects its training sample. */
  private marks: DrawnPoints | null = null;

  constructor(canvas: HTMLCanvasElement, store: RunStore) {
    super(canvas, store);
    pickPoints(canvas, () => this.marks);
  }

  protected paint(): void {
    const frame = this.store.run?.info.boundary ?? null;
    this.drawn = 0;
    this.marks = null;
    if (!isClassesFrame(frame)) {
      this.canvas.dataset.points = '0';
      return;
    }
    const t = readTheme();
    const box = this.canvas.parentElement ?? this.canvas;
    this.width = box.clientWidth;
    const side = Math.max(160, Math.min(MAX_SIDE, box.clientWidth) - LEFT - RIGHT);
    const width = side + LEFT + RIGHT;
    const height = side + TOP + BOTTOM + LEGEND;
    const ctx = this.resize(width, height);
    if (!ctx) return;
    const grid = this.store.run?.boundary ?? null;
    const colors = Array.from({ length: Math.max(1, frame.classes) }, (_, c) => paletteColor(t, c));

    if (grid && grid.classes.length === frame.resolution * frame.resolution) this.paintCells(ctx, frame, grid, colors, t, side);
    ctx.strokeStyle = t.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(LEFT - 0.5, TOP - 0.5, side + 1, side + 1);

    const sx = side / (frame.xMax - frame.xMin || 1);
    const sy = side / (frame.yMax - frame.yMin || 1);
    const n = Math.min(frame.labels.length, Math.floor(frame.points.length / 2));
    const r = n > 500 ? 2.5 : 3.2;
    ctx.lineWidth = 1;
    ctx.strokeStyle = t.foreground;
    for (let i = 0; i < n; i++) {
      const px = LEFT + (frame.points[2 * i] - frame.xMin) * sx;
      const py = TOP + (frame.yMax - frame.points[2 * i + 1]) * sy;
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fillStyle = colors[frame.labels[i]] ?? t.muted;
      ctx.fill();
      ctx.stroke();
    }
    this.drawn = n;
    // The points the grid's weights misclassify, ringed.
    this.marks = { geometry: { left: LEFT, top: TOP, side, xMin: frame.xMin, xMax: frame.xMax, yMin: frame.yMin, yMax: frame.yMax }, frame, count: n, trainSize: this.store.run?.info.trainSize ?? n };
    this.canvas.dataset.wrong = String(ringPoints(ctx, this.marks, grid?.wrong, r, t.highContrast ? t.foreground : t.error));

    drawPlaneAxes(ctx, t, frame, LEFT, TOP, side);

    this.legend(ctx, t, colors, LEFT, TOP + side + BOTTOM + LEGEND / 2, side, grid, frame.labelNames);
    this.canvas.dataset.points = String(n);
    this.canvas.dataset.step = grid ? String(grid.step) : '';
  }

  private legend(ctx: CanvasRenderingContext2D, t: ChartTheme, colors: string[], x0: number, y: number, w: number, grid: BoundaryGrid | null, names?: readonly string[]): void {
    ctx.font = `${t.fontSize - 1}px ${t.font}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    let x = x0;
    colors.forEach((c, i) => {
      const label = names?.[i] ?? l10n.t('class {0}', i);
      const lw = ctx.measureText(label).width;
      if (x + lw + 18 > x0 + w - 150) return;
      ctx.beginPath();
      ctx.arc(x + 5, y, 4, 0, 2 * Math.PI);
      ctx.fillStyle = c;
      ctx.fill();
      ctx.strokeStyle = t.foreground;
      ctx.stroke();
      ctx.fillStyle = t.foreground;
      ctx.fillText(label, x + 13, y);
      x += lw + 26;
    });
    ctx.textAlign = 'right';
    ctx.fillStyle = t.muted;
    const ringed = Number(this.canvas.dataset.wrong ?? 0);
    const step = grid ? l10n.t('step {0}', grid.step) : l10n.t('no prediction grid yet');
    const text = ringed > 0 ? `${l10n.t('{0} wrong', ringed)} · ${step}` : step;
    ctx.fillText(text, x0 + w, y);
    // The ring as the plot draws it around a misclassified point.
    if (ringed > 0) {
      ctx.beginPath();
      ctx.arc(x0 + w - ctx.measureText(text).width - 9, y, 5, 0, 2 * Math.PI);
      ctx.strokeStyle = t.highContrast ? t.foreground : t.error;
      ctx.lineWidth = 1.6;
      ctx.stroke();
    }
  }

  /** The cells: the class colour laid faintly over the background. */
  private paintCells(ctx: CanvasRenderingContext2D, frame: BoundaryFrame, grid: BoundaryGrid, colors: string[], t: ChartTheme, side: number): void {
    const strength = t.highContrast ? 0.5 : t.dark ? 0.38 : 0.3;
    const rgb = colors.map((c) => parseColor(mix(t.background, c, strength)) ?? [128, 128, 128]);
    const bg = parseColor(t.background) ?? [0, 0, 0];
    this.drawCells(ctx, frame.resolution, (i) => rgb[grid.classes[i]] ?? bg, LEFT, TOP, side);
  }
}
