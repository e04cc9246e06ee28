/** What the square plots of the input plane share (decision boundary, regression heatmap): the grid's cells, the axes. */
import type { BoundaryFrame } from '../src/training/protocol';
import { CanvasView } from './canvas-view';
import { short } from './format';
import type { RunStore } from './store';
import type { ChartTheme } from './theme';

/** The layout both plane views share: the square's largest side, the room for the x₂ labels (left), the x₁ labels (below), the legend line. */
export const MAX_SIDE = 460;
export const LEFT = 44;
export const BOTTOM = 22;
export const LEGEND = 24;

/** A view of the plane, redrawn when a new prediction grid arrives. */
export abstract class PlaneView extends CanvasView {
  private readonly cells = document.createElement('canvas');

  constructor(canvas: HTMLCanvasElement, protected readonly store: RunStore) {
    super(canvas);
  }

  protected key(): unknown {
    return this.store.run?.boundary ?? this.store.run;
  }

  /**
   * res × res cells, row by row from the top left, one opaque pixel each, scaled up into the square
   * at (left, top): without smoothing (crisp cells, for classes) or with (a continuous surface).
   */
  protected drawCells(ctx: CanvasRenderingContext2D, res: number, colorOf: (i: number) => readonly number[], left: number, top: number, side: number, smooth = false): void {
    this.cells.width = res;
    this.cells.height = res;
    const cells = this.cells.getContext('2d');
    if (!cells) return;
    const image = cells.createImageData(res, res);
    const d = image.data;
    for (let i = 0; i < res * res; i++) {
      const c = colorOf(i);
      d[4 * i] = c[0];
      d[4 * i + 1] = c[1];
      d[4 * i + 2] = c[2];
      d[4 * i + 3] = 255;
    }
    cells.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = smooth;
    ctx.drawImage(this.cells, left, top, side, side);
    ctx.imageSmoothingEnabled = true;
  }
}

/** The x₁ range under the square at (left, top) of `side`, the x₂ range left of it. */
export function drawPlaneAxes(ctx: CanvasRenderingContext2D, t: ChartTheme, f: BoundaryFrame, left: number, top: number, side: number): void {
  ctx.fillStyle = t.muted;
  ctx.font = `${t.fontSize - 2}px ${t.font}`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(short(f.xMin), left, top + side + 4);
  ctx.textAlign = 'right';
  ctx.fillText(short(f.xMax), left + side, top + side + 4);
  ctx.textAlign = 'center';
  ctx.fillText('x₁', left + side / 2, top + side + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(short(f.yMax), left - 4, top);
  ctx.textBaseline = 'bottom';
  ctx.fillText(short(f.yMin), left - 4, top + side);
  ctx.textBaseline = 'middle';
  ctx.fillText('x₂', left - 6, top + side / 2);
}
