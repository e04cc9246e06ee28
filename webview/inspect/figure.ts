/**
 * One drawn row of the Inspect tab: a layer's values as a strip of cells, or as feature maps (one
 * small image per channel), on a canvas sized at the screen's pixel ratio (crisp on HiDPI), with
 * the exact value under the pointer in a tooltip. set() repaints in place (a followed sample's new
 * result replaces the old without flicker).
 */
import type { ValueScale } from '../colorscale';
import { num, short } from '../format';
import { mapCellAt, mapLayout, MAX_MAPS, stripCellAt, stripLayout, TARGET_TILE, type MapLayout, type StripLayout } from './layout';
import { colorOf, extent } from './scale';
import { hideTip, showTip } from './tip';

/** What a figure draws: values laid out as `shape`, as a strip or as maps; `pixels` overrides the colours (images). */
export interface FigureData {
  values: ArrayLike<number>;
  /** [n] for a strip; [c, h, w] for maps. */
  shape: number[];
  maps: boolean;
  scale: ValueScale;
  /** What a value is called in the tooltip, e.g. "out" or "∂L/∂out". */
  name: string;
  /** Pre-coloured RGBA pixels for a single map (the input image, a saliency map), drawn larger. */
  rgba?: Uint8ClampedArray;
  /** The faint line around each cell of a strip whose cells are large enough (a 0 is the background's colour). */
  edge?: string;
}

export class Figure {
  readonly canvas = document.createElement('canvas');
  private readonly tile = document.createElement('canvas');
  private data: FigureData | null = null;
  private layout: StripLayout | MapLayout | null = null;

  constructor(className = 'insp-fig') {
    this.canvas.className = className;
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', hideTip);
  }

  /** Draws the values in `width` CSS pixels. */
  set(d: FigureData, width: number): void {
    this.data = d;
    const c = this.canvas;
    const { min, max } = extent(d.values);
    Object.assign(c.dataset, { cells: String(d.values.length), min: String(min), max: String(max) });
    if (d.maps) this.paintMaps(d, width);
    else this.paintStrip(d, width);
  }

  private context(width: number, height: number): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    const w = Math.max(1, Math.round(width * dpr));
    const h = Math.max(1, Math.round(height * dpr));
    // Resizing clears the canvas; a same-size repaint only draws over it (no blank frame).
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    c.style.width = `${width}px`;
    c.style.height = `${height}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return ctx;
  }

  private paintStrip(d: FigureData, width: number): void {
    const l = stripLayout(d.values.length, width);
    this.layout = l;
    const ctx = this.context(l.width, l.height);
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const edged = d.edge !== undefined && l.cell >= 10;
    if (edged) ctx.strokeStyle = d.edge as string;
    ctx.lineWidth = 1;
    for (let i = 0; i < l.n; i++) {
      const [r, g, b] = colorOf(d.scale, d.values[i]);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      // Whole device pixels, so neighbouring cells neither overlap nor leave hairlines.
      const x = Math.round(((i % l.columns) * l.cell) * dpr) / dpr;
      const y = Math.round((Math.floor(i / l.columns) * l.cell) * dpr) / dpr;
      const x2 = Math.round((((i % l.columns) + 1) * l.cell) * dpr) / dpr;
      const y2 = Math.round(((Math.floor(i / l.columns) + 1) * l.cell) * dpr) / dpr;
      ctx.fillRect(x, y, x2 - x, y2 - y);
      if (edged) ctx.strokeRect(x + 0.5, y + 0.5, x2 - x - 1, y2 - y - 1);
    }
  }

  private paintMaps(d: FigureData, width: number): void {
    const [c, h, w] = d.shape;
    // A single picture (the input, the saliency map) is drawn about twice as large as a layer's maps.
    const l = mapLayout(d.rgba ? 1 : c, h, w, width, MAX_MAPS, d.rgba ? 2 * TARGET_TILE : TARGET_TILE);
    this.layout = l;
    const ctx = this.context(l.width, l.height);
    const tctx = (this.tile.width = w, this.tile.height = h, this.tile.getContext('2d'));
    if (!ctx || !tctx) return;
    const image = tctx.createImageData(w, h);
    ctx.imageSmoothingEnabled = false;
    for (let ch = 0; ch < l.shown; ch++) {
      if (d.rgba) {
        image.data.set(d.rgba.subarray(0, 4 * w * h));
      } else {
        for (let p = 0; p < w * h; p++) {
          const [r, g, b] = colorOf(d.scale, d.values[ch * w * h + p]);
          image.data.set([r, g, b, 255], 4 * p);
        }
      }
      tctx.putImageData(image, 0, 0);
      const x = (ch % l.columns) * (w * l.scale + l.gap);
      const y = Math.floor(ch / l.columns) * (h * l.scale + l.gap);
      ctx.drawImage(this.tile, x, y, w * l.scale, h * l.scale);
    }
  }

  private hover(e: MouseEvent): void {
    const d = this.data;
    const l = this.layout;
    if (!d || !l) return;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let text: string | null = null;
    if ('cell' in l) {
      const i = stripCellAt(l, x, y);
      if (i !== null) text = `${d.name}[${i}] = ${num(d.values[i])}`;
    } else {
      const at = mapCellAt(l, x, y);
      if (at && d.rgba) text = `(${at.row}, ${at.col}) = ${short(d.values[at.row * l.w + at.col])}`;
      else if (at) text = `${d.name}[${at.channel}][${at.row}][${at.col}] = ${num(d.values[at.index])}`;
    }
    if (text === null) hideTip();
    else showTip(e.clientX, e.clientY, text);
  }
}
