/**
 * Where the Inspect tab's cells go (pure): a layer's values as a strip of square cells that wraps
 * onto more rows when it is long, and a conv layer's channels as a grid of small feature maps; and
 * back from a pointer position to the value under it (the hover's exact value).
 */

/** A strip of n cells wrapped into rows of `columns`, each cell `cell` CSS pixels square. */
export interface StripLayout {
  n: number;
  cell: number;
  columns: number;
  rows: number;
  width: number;
  height: number;
}

/** Cells are at least this wide (a long layer wraps), at most this wide (a short one does not sprawl). */
export const MIN_CELL = 6;
export const MAX_CELL = 26;

/** n cells in `width` CSS pixels: as large as fit on one line (between MIN_CELL and MAX_CELL), wrapped when they do not. */
export function stripLayout(n: number, width: number): StripLayout {
  const count = Math.max(0, Math.floor(n));
  const w = Math.max(MIN_CELL, Math.floor(width));
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(w / Math.max(1, count))));
  const columns = Math.max(1, Math.min(count, Math.floor(w / cell)));
  const rows = count === 0 ? 0 : Math.ceil(count / columns);
  return { n: count, cell, columns, rows, width: columns * cell, height: rows * cell };
}

/** The index of the cell at (x, y) CSS pixels, or null off the cells. */
export function stripCellAt(l: StripLayout, x: number, y: number): number | null {
  if (x < 0 || y < 0 || x >= l.width || y >= l.height) return null;
  const i = Math.floor(y / l.cell) * l.columns + Math.floor(x / l.cell);
  return i < l.n ? i : null;
}

/** Feature maps: the first `shown` of `channels` maps of h × w, each scaled up `scale` times, in a grid. */
export interface MapLayout {
  channels: number;
  shown: number;
  h: number;
  w: number;
  scale: number;
  columns: number;
  rows: number;
  gap: number;
  width: number;
  height: number;
}

/** At most this many feature maps of a layer are drawn. */
export const MAX_MAPS = 32;
/** A map is drawn about this wide (a whole multiple of its size). */
export const TARGET_TILE = 56;
const GAP = 4;

/** The maps of a [channels, h, w] output in `width` CSS pixels. */
export function mapLayout(channels: number, h: number, w: number, width: number, maxShown = MAX_MAPS, target = TARGET_TILE): MapLayout {
  const shown = Math.max(0, Math.min(channels, maxShown));
  const side = Math.max(1, h, w);
  // At most 1.7 times the target: a 3 × 3 map is not blown up to 96 px.
  const scale = Math.max(1, Math.min(Math.floor((1.7 * target) / side), Math.round(target / side)));
  const tw = w * scale;
  const columns = Math.max(1, Math.min(shown, Math.floor((Math.max(tw, width) + GAP) / (tw + GAP))));
  const rows = shown === 0 ? 0 : Math.ceil(shown / columns);
  return {
    channels, shown, h, w, scale, columns, rows, gap: GAP,
    width: columns * (tw + GAP) - GAP, height: rows === 0 ? 0 : rows * (h * scale + GAP) - GAP,
  };
}

/** The channel and pixel at (x, y) CSS pixels, and its index in the [c, h, w] layout; null between maps. */
export function mapCellAt(l: MapLayout, x: number, y: number): { channel: number; row: number; col: number; index: number } | null {
  const tw = l.w * l.scale;
  const th = l.h * l.scale;
  const cx = Math.floor(x / (tw + l.gap));
  const cy = Math.floor(y / (th + l.gap));
  if (x < 0 || y < 0 || cx >= l.columns || cy >= l.rows) return null;
  const px = x - cx * (tw + l.gap);
  const py = y - cy * (th + l.gap);
  if (px >= tw || py >= th) return null;
  const channel = cy * l.columns + cx;
  if (channel >= l.shown) return null;
  const row = Math.floor(py / l.scale);
  const col = Math.floor(px / l.scale);
  return { channel, row, col, index: (channel * l.h + row) * l.w + col };
}

/** Whether a layer's output of this shape is drawn as feature maps ([c, h, w]) rather than a strip. */
export function isMapShape(shape: readonly number[]): boolean {
  return shape.length === 3 && shape[1] > 1 && shape[2] > 1;
}
