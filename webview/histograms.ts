/**
 * Every layer's activation histogram now, as small multiples on one hand-drawn canvas, in the style
 * of cs231n's weight-init figure: a small bar chart per layer, titled with the layer and μ, σ, over
 * the layer's own bin edges (tanh and sigmoid layers: their whole output range).
 */
import type { LayerStats } from '../src/training/protocol';
import { pct, short, shortLayerName } from './format';
import type { RunStore } from './store';
import { paletteColor, readTheme, withAlpha, type ChartTheme } from './theme';
import { CanvasView } from './canvas-view';
import * as l10n from '@vscode/l10n';

const CELL_MIN_WIDTH = 150;
const CELL_HEIGHT = 120;
const PAD = 8;

function ellipsize(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(s + '…').width > width) s = s.slice(0, -1);
  return s + '…';
}

export class Histograms extends CanvasView {

  constructor(canvas: HTMLCanvasElement, private readonly store: RunStore) {
    super(canvas);
  }

  protected key(): unknown {
    return this.store.run?.latestStats ?? this.store.run;
  }

  protected paint(): void {
    const t = readTheme();
    const layers = this.store.run?.latestStats?.layers ?? [];
    const names = this.store.layerNames();
    const box = this.canvas.parentElement ?? this.canvas;
    const width = Math.max(200, box.clientWidth);
    this.width = box.clientWidth;
    const cols = Math.max(1, Math.min(layers.length || 1, Math.floor(width / CELL_MIN_WIDTH), 6));
    const rows = Math.max(1, Math.ceil(layers.length / cols));
    const cellH = cols <= 2 ? CELL_HEIGHT + 30 : CELL_HEIGHT;
    const height = layers.length ? rows * cellH : 60;
    const ctx = this.resize(width, height);
    if (!ctx) return;
    this.drawn = 0;
    if (layers.length === 0) {
      ctx.font = `${t.fontSize - 1}px ${t.font}`;
      ctx.fillStyle = t.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.store.run ? l10n.t('waiting for statistics…') : l10n.t('no run yet'), width / 2, height / 2);
    }
    const cw = width / cols;
    layers.forEach((l, i) => {
      const x = (i % cols) * cw;
      const y = Math.floor(i / cols) * cellH;
      this.drawn += this.cell(ctx, t, l, names[i] ?? l.name, i, x, y, cw, cellH);
    });
    this.canvas.dataset.points = String(this.drawn);
  }

  /** One layer's small histogram; returns the bins drawn. */
  private cell(ctx: CanvasRenderingContext2D, t: ChartTheme, l: LayerStats, name: string, index: number, x0: number, y0: number, w: number, h: number): number {
    const { edges, counts } = l.hist;
    const left = x0 + PAD;
    const right = x0 + w - PAD;
    const small = t.fontSize - 2;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.font = `600 ${t.fontSize - 1}px ${t.font}`;
    ctx.fillStyle = t.foreground;
    ctx.fillText(ellipsize(ctx, shortLayerName(name), right - left), left, y0 + t.fontSize + 1);
    ctx.font = `${small}px ${t.font}`;
    ctx.fillStyle = t.muted;
    const extra = l.dead !== null ? ` · ${l10n.t('dead {0}', pct(l.dead, 0))}` : l.saturated !== null ? ` · ${l10n.t('sat {0}', pct(l.saturated, 0))}` : '';
    ctx.fillText(ellipsize(ctx, `μ ${short(l.mean)}  σ ${short(l.std)}${extra}`, right - left), left, y0 + t.fontSize + small + 4);

    const top = y0 + t.fontSize + small + 10;
    const bottom = y0 + h - small - 8;
    const plotH = bottom - top;
    const n = counts.length;
    const max = Math.max(1, ...counts);
    const color = paletteColor(t, index);
    const lo = edges[0];
    const hi = edges[edges.length - 1];
    const px = (v: number): number => left + ((v - lo) / (hi - lo || 1)) * (right - left);

    ctx.fillStyle = withAlpha(t.foreground, t.highContrast ? 0.12 : 0.04);
    ctx.fillRect(left, top, right - left, plotH);
    if (lo < 0 && hi > 0) {
      ctx.strokeStyle = withAlpha(t.foreground, 0.25);
      ctx.setLineDash([2, 2]);
      ctx.beginPath();
      ctx.moveTo(Math.round(px(0)) + 0.5, top);
      ctx.lineTo(Math.round(px(0)) + 0.5, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = withAlpha(color, 0.85);
    for (let b = 0; b < n; b++) {
      if (counts[b] === 0) continue;
      const bx = px(edges[b]);
      const bw = Math.max(1, px(edges[b + 1]) - bx - (n <= 60 ? 1 : 0));
      const bh = Math.max(1, (counts[b] / max) * plotH);
      ctx.fillRect(bx, bottom - bh, bw, bh);
    }
    ctx.strokeStyle = t.highContrast ? t.foreground : withAlpha(t.foreground, 0.4);
    ctx.beginPath();
    ctx.moveTo(left, bottom + 0.5);
    ctx.lineTo(right, bottom + 0.5);
    ctx.stroke();

    ctx.font = `${small}px ${t.font}`;
    ctx.fillStyle = t.muted;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(short(lo), left, bottom + 3);
    ctx.textAlign = 'right';
    ctx.fillText(short(hi), right, bottom + 3);
    if (lo < 0 && hi > 0 && px(0) - left > 24 && right - px(0) > 24) {
      ctx.textAlign = 'center';
      ctx.fillText('0', px(0), bottom + 3);
    }
    return n;
  }
}
