/**
 * What a surface run shows (the optimizer lesson's pictures): the surface on a grid for the contour
 * plot, its critical points, and each step's point. Pure data: crosses worker, host and webview.
 */

/** A point where ∇f = 0, classified by the Hessian's eigenvalues. */
export interface CriticalPoint {
  x: number;
  y: number;
  f: number;
  kind: 'minimum' | 'saddle' | 'maximum';
}

/** The surface as the contour plot draws it. */
export interface SurfaceFrame {
  /** 'rosenbrock' …, or null for an expression. */
  preset: string | null;
  /** The expression in the circuit language (a preset's formula for a preset). */
  expression: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Grid points per side. */
  resolution: number;
  /** f at grid point (i, j), row-major from (xMin, yMin): values[j·resolution + i], x = xMin + i·(xMax−xMin)/(resolution−1). */
  values: number[];
  /** Contour levels, ascending, log-spaced above the grid's minimum. */
  levels: number[];
  /** Known (presets) or found (expressions) critical points inside the frame. */
  critical: CriticalPoint[];
  /** The start, as the file gives it. */
  start: [number, number];
}

/** One step of a surface run: the point after the update, f there and ‖∇f‖ there (step 0: the start). */
export interface SurfacePoint {
  step: number;
  x: number;
  y: number;
  f: number;
  /** ‖∇f‖ at (x, y), without noise. */
  grad: number;
}
