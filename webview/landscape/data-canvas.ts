/** A hand-drawn canvas of the Landscape tab: redrawn when its data changes (set) or its box is resized. */
import { CanvasView } from '../canvas-view';
import type { ChartTheme } from '../theme';

export abstract class DataCanvas<T> extends CanvasView {
  protected data: T | null = null;

  constructor(canvas: HTMLCanvasElement, protected readonly theme: () => ChartTheme) {
    super(canvas);
  }

  set(data: T | null): void {
    this.data = data;
    this.draw();
  }

  protected key(): unknown {
    return this.data;
  }

  /** The width the canvas's box offers now (0: in a hidden tab), kept as the width drawn for. */
  protected available(): number {
    this.width = (this.canvas.parentElement ?? this.canvas).clientWidth;
    return this.width;
  }
}
