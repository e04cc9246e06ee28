/**
 * Samples as small images (SampleImages: the held-out gallery, the mistakes), as clickable tiles:
 * each a canvas at the image's own size, scaled up by CSS without smoothing (image-rendering:
 * pixelated: crisp at any pixel ratio), with a caption under it.
 */
import type { SampleImages } from '../../src/training/protocol';
import { el } from '../dom';

/** Bytes of a base64 string. */
export function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Image `at` of the set as RGBA (grey repeated into r, g, b); null past the bytes sent. */
export function sampleRgba(imgs: Pick<SampleImages, 'width' | 'height' | 'channels'>, bytes: Uint8Array, at: number): Uint8ClampedArray | null {
  const n = imgs.width * imgs.height;
  const size = n * imgs.channels;
  if (at < 0 || (at + 1) * size > bytes.length) return null;
  const out = new Uint8ClampedArray(4 * n);
  for (let p = 0; p < n; p++) {
    const o = at * size + p * imgs.channels;
    out[4 * p] = bytes[o];
    out[4 * p + 1] = bytes[o + (imgs.channels === 3 ? 1 : 0)];
    out[4 * p + 2] = bytes[o + (imgs.channels === 3 ? 2 : 0)];
    out[4 * p + 3] = 255;
  }
  return out;
}

/** A tile: which image of the set (its place), the sample it is, what it says under it and on hover. */
export interface Tile {
  at: number;
  sample: number;
  caption: string;
  title: string;
}

/** The CSS size of a tile's image: about 56 px, a whole multiple of the image. */
export function tileScale(width: number): number {
  return Math.max(1, Math.min(4, Math.round(56 / Math.max(1, width))));
}

/** Fills `box` with the tiles (each image `scale` times its size); clicking one (or Enter on it) calls onPick with its sample. */
export function renderTiles(box: HTMLElement, imgs: SampleImages, tiles: readonly Tile[], onPick: (sample: number) => void, scale = tileScale(imgs.width)): void {
  const bytes = decodeBase64(imgs.pixels);
  const grid = el('div', undefined, scale < tileScale(imgs.width) ? 'mist-tiles mist-tiles-small' : 'mist-tiles');
  for (const t of tiles) {
    const rgba = sampleRgba(imgs, bytes, t.at);
    if (!rgba) continue;
    const tile = el('button', undefined, 'mist-tile');
    tile.type = 'button';
    tile.title = t.title;
    tile.dataset.sample = String(t.sample);
    const c = el('canvas');
    c.width = imgs.width;
    c.height = imgs.height;
    c.style.width = `${imgs.width * scale}px`;
    c.style.height = `${imgs.height * scale}px`;
    const ctx = c.getContext('2d');
    const image = ctx?.createImageData(imgs.width, imgs.height);
    if (ctx && image) {
      image.data.set(rgba);
      ctx.putImageData(image, 0, 0);
    }
    tile.append(c, el('span', t.caption, 'mist-caption'));
    tile.addEventListener('click', () => onPick(t.sample));
    grid.append(tile);
  }
  box.replaceChildren(grid);
}
