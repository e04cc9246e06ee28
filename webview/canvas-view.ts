/**
 * Sizes a canvas to width×height CSS pixels at pixel ratio `dpr` (the screen's unless given); its
 * context, with whatever transform it had (null: none to be had).
 */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number, dpr = window.devicePixelRatio || 1): CanvasRenderingContext2D | null {
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  return canvas.getContext('2d');
}

/** A hand-drawn canvas that redraws when what it shows changes, or when its box is resized. */
export abstract class CanvasView {
  /** Data points drawn last time (the test hook `data-points`). */
  protected drawn = 0;
  /** The box width drawn for. */
  protected width = 0;
  private drawnFor: unknown = null;

  constructor(readonly canvas: HTMLCanvasElement) {
    const box = canvas.parentElement ?? canvas;
    new ResizeObserver(() => {
      // A box with no width is in a hidden tab: it is drawn when it shows again.
      if (box.clientWidth > 0 && box.clientWidth !== this.width) this.draw(true);
    }).observe(box);
  }

  get points(): number {
    return this.drawn;
  }

  /** What the view shows: it is redrawn only when this changes. */
  protected abstract key(): unknown;

  protected abstract paint(): void;

  /** Sizes the canvas to width×height CSS pixels at the screen's pixel ratio; a cleared context. */
  protected resize(width: number, height: number): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    const ctx = sizeCanvas(this.canvas, width, height, dpr);
    if (!ctx) return null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return ctx;
  }

  /** Redraws for new data (or with force: a resize, a theme change). */
  draw(force = false): void {
    const key = this.key();
    if (!force && key === this.drawnFor && this.width > 0) return;
    this.drawnFor = key;
    this.paint();
  }
}
