/**
 * Contour lines of a function sampled on a grid (marching squares), and their drawing on a canvas.
 * Shared by the surface card and the loss landscape: give it the grid, the levels and the box.
 */

/** Values on an nx × ny grid, row-major from the bottom left: values[j·nx + i] at column i, row j (row 0 at the bottom). */
export interface ContourGrid {
  values: ArrayLike<number>;
  nx: number;
  ny: number;
}

/** A segment of a contour line in grid coordinates (column, row; fractional). */
export type Segment = [number, number, number, number];

/** Where the grid is drawn: the pixel rectangle its corner samples span (row 0 at the bottom edge). */
export interface ContourBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How a level's line is stroked. */
export interface ContourStroke {
  color: string;
  width: number;
  dash?: number[];
}

type Corner = [number, number];

/** Where `level` crosses between a (at t = 0) and b (at t = 1). */
const cross = (a: number, b: number, level: number): number => (a === b ? 0.5 : (level - a) / (b - a));

/**
 * The segments where the sampled function crosses `level`. A cell whose corners are not all
 * finite has none; a saddle cell (two opposite corners above) is resolved by its centre's mean.
 */
export function contourSegments(grid: ContourGrid, level: number): Segment[] {
  const { values: v, nx, ny } = grid;
  const out: Segment[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = v[j * nx + i]; // bottom left
      const b = v[j * nx + i + 1]; // bottom right
      const c = v[(j + 1) * nx + i + 1]; // top right
      const d = v[(j + 1) * nx + i]; // top left
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) continue;
      const [ua, ub, uc, ud] = [a >= level, b >= level, c >= level, d >= level];
      const mask = (ua ? 1 : 0) | (ub ? 2 : 0) | (uc ? 4 : 0) | (ud ? 8 : 0);
      if (mask === 0 || mask === 15) continue;
      // The crossing on each edge that has one: bottom, right, top, left.
      const bottom: Corner | null = ua !== ub ? [i + cross(a, b, level), j] : null;
      const right: Corner | null = ub !== uc ? [i + 1, j + cross(b, c, level)] : null;
      const top: Corner | null = ud !== uc ? [i + cross(d, c, level), j + 1] : null;
      const left: Corner | null = ua !== ud ? [i, j + cross(a, d, level)] : null;
      const seg = (p: Corner | null, q: Corner | null): void => {
        if (p && q) out.push([p[0], p[1], q[0], q[1]]);
      };
      if (mask === 5 || mask === 10) {
        const centreAbove = (a + b + c + d) / 4 >= level;
        // Cut off the two corners on the other side from the centre.
        if ((mask === 5) === centreAbove) {
          seg(bottom, right);
          seg(top, left);
        } else {
          seg(left, bottom);
          seg(right, top);
        }
      } else {
        const ends = [bottom, right, top, left].filter((p): p is Corner => p !== null);
        seg(ends[0], ends[1]);
      }
    }
  }
  return out;
}

/** Pixel position of grid coordinates (column, row) in the box. */
export function gridToBox(grid: Pick<ContourGrid, 'nx' | 'ny'>, box: ContourBox, i: number, j: number): [number, number] {
  return [box.left + (i / Math.max(1, grid.nx - 1)) * box.width, box.top + box.height - (j / Math.max(1, grid.ny - 1)) * box.height];
}

/**
 * Draws the contour lines of every level into the box, each level's segments as one path stroked
 * as `stroke(k)` says (k: the level's place in `levels`). Returns how many segments were drawn.
 */
export function drawContours(ctx: CanvasRenderingContext2D, grid: ContourGrid, levels: readonly number[], box: ContourBox, stroke: (k: number) => ContourStroke): number {
  let drawn = 0;
  levels.forEach((level, k) => {
    const segments = contourSegments(grid, level);
    if (segments.length === 0) return;
    const s = stroke(k);
    ctx.beginPath();
    for (const [i0, j0, i1, j1] of segments) {
      const [x0, y0] = gridToBox(grid, box, i0, j0);
      const [x1, y1] = gridToBox(grid, box, i1, j1);
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width;
    ctx.setLineDash(s.dash ?? []);
    ctx.stroke();
    drawn += segments.length;
  });
  ctx.setLineDash([]);
  return drawn;
}
