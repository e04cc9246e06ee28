/**
 * For image data: the first layer's weights as images, one per unit (dense) or filter (conv), each
 * scaled to its own range, in a grid, scaled up without smoothing so single weights stay visible.
 */
import type { FilterImages } from '../src/training/protocol';
import { CanvasView } from './canvas-view';
import { short } from './format';
import type { RunStore } from './store';
import { readTheme } from './theme';
import * as l10n from '@vscode/l10n';

/** Each image is drawn about this many CSS pixels wide (a whole multiple of its size). */
const TARGET_CELL = 56;
const MAX_CELL = 84;
const GAP = 4;
/** Two lines of caption under the grid. */
const CAPTION = 36;

/** Bytes of a base64 string. */
function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export class WeightsView extends CanvasView {
  private readonly image = document.createElement('canvas');

  constructor(canvas: HTMLCanvasElement, private readonly store: RunStore) {
    super(canvas);
  }

  protected key(): unknown {
    return this.store.run?.filters ?? null;
  }

  protected paint(): void {
    const f: FilterImages | null = this.store.run?.filters ?? null;
    this.drawn = 0;
    const box = this.canvas.parentElement ?? this.canvas;
    this.width = box.clientWidth;
    if (!f || f.count === 0) {
      this.canvas.dataset.points = '0';
      return;
    }
    const t = readTheme();
    const scale = Math.max(1, Math.min(Math.floor(MAX_CELL / f.width), Math.round(TARGET_CELL / f.width)));
    const cw = f.width * scale;
    const ch = f.height * scale;
    // As many columns as fit, then evened out so the last row is not left nearly empty (64 in 8 × 8).
    const fit = Math.max(1, Math.min(f.count, Math.floor((Math.max(cw, box.clientWidth) + GAP) / (cw + GAP))));
    const rows = Math.ceil(f.count / fit);
    const columns = Math.ceil(f.count / rows);
    const width = Math.max(columns * (cw + GAP) - GAP, 200);
    const height = rows * (ch + GAP) - GAP + CAPTION;
    const ctx = this.resize(width, height);
    if (!ctx) return;
    const bytes = decode(f.pixels);
    const size = f.width * f.height * f.channels;
    this.image.width = f.width;
    this.image.height = f.height;
    const ictx = this.image.getContext('2d');
    if (!ictx) return;
    const data = ictx.createImageData(f.width, f.height);
    ctx.imageSmoothingEnabled = false;
    for (let k = 0; k < f.count && (k + 1) * size <= bytes.length; k++) {
      for (let p = 0; p < f.width * f.height; p++) {
        const at = k * size + p * f.channels;
        data.data[4 * p] = bytes[at];
        data.data[4 * p + 1] = bytes[at + (f.channels === 3 ? 1 : 0)];
        data.data[4 * p + 2] = bytes[at + (f.channels === 3 ? 2 : 0)];
        data.data[4 * p + 3] = 255;
      }
      ictx.putImageData(data, 0, 0);
      const x = (k % columns) * (cw + GAP);
      const y = Math.floor(k / columns) * (ch + GAP);
      ctx.drawImage(this.image, x, y, cw, ch);
      this.drawn++;
    }
    ctx.fillStyle = t.muted;
    ctx.font = `${t.fontSize - 2}px ${t.font}`;
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    const shown = f.count < f.total
      ? (f.kind === 'dense' ? l10n.t('first {0} of {1} units', f.count, f.total) : l10n.t('first {0} of {1} filters', f.count, f.total))
      : (f.kind === 'dense' ? l10n.t('{0} units', f.total) : l10n.t('{0} filters', f.total));
    ctx.fillText(`${f.layer} · ${shown}`, 0, height - CAPTION / 2);
    ctx.fillText(l10n.t('weights {0} to {1}, each image scaled to its own range', short(f.min), short(f.max)), 0, height);
    this.canvas.dataset.points = String(this.drawn);
    this.canvas.dataset.step = String(f.step);
  }
}
