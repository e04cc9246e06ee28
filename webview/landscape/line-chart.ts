/**
 * The 1-D landscape: the training loss against α on the line θ₀ + α(θ₁ − θ₀), α from −0.5 to 1.5,
 * with α = 0 (initial) and α = 1 (trained) marked and named; y in log when the losses span a decade.
 */
import * as l10n from '@vscode/l10n';
import type { LandscapeLine } from '../../src/engine/landscape/types';
import { DataCanvas } from './data-canvas';
import type { ChartTheme } from '../theme';
import { withAlpha } from '../theme';
import { linearTicks, paintAxes, ticksOf, type Rect } from '../surface/axes';
import { alphaMarks, lossScale, scalePlace, type AlphaMark } from './data';

const MARGIN = { left: 56, right: 16, top: 22, bottom: 40 };
const HEIGHT = 240;
const MAX_WIDTH = 640;

export class LineChart extends DataCanvas<LandscapeLine> {
  protected paint(): void {
    const line = this.data;
    if (!line || this.available() <= 0) return;
    const width = Math.max(240, Math.min(this.width, MAX_WIDTH));
    const ctx = this.resize(width, HEIGHT);
    if (!ctx) return;
    const t = this.theme();
    const r: Rect = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
    const y = lossScale(line.losses);
    const a0 = line.alphas[0];
    const a1 = line.alphas[line.alphas.length - 1];
    const px = (a: number): number => r.left + ((a - a0) / (a1 - a0 || 1)) * r.width;
    const py = (v: number): number => r.top + r.height - Math.min(1.05, Math.max(-0.05, scalePlace(y, v))) * r.height;
    paintAxes(ctx, r,
      { ticks: linearTicks(a0, a1, 5), name: 'α' },
      { ticks: ticksOf(y.ticks, (v) => scalePlace(y, v)), name: y.log ? l10n.t('training loss (log)') : l10n.t('training loss') }, t);
    const marks = alphaMarks(line);
    for (const m of marks) paintMarkLine(ctx, px(m.alpha), r, t);
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.left, r.top - 4, r.width, r.height + 8);
    ctx.clip();
    ctx.beginPath();
    line.alphas.forEach((a, i) => (i === 0 ? ctx.moveTo(px(a), py(line.losses[i])) : ctx.lineTo(px(a), py(line.losses[i]))));
    ctx.strokeStyle = t.series[0];
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.stroke();
    ctx.restore();
    for (const m of marks) paintMarkPoint(ctx, m, px(m.alpha), py(m.loss), t);
    this.drawn = line.alphas.length;
    this.canvas.dataset.points = String(this.drawn);
    this.canvas.dataset.log = String(y.log);
  }
}

/** A dashed vertical line at a marked α. */
function paintMarkLine(ctx: CanvasRenderingContext2D, x: number, r: Rect, t: ChartTheme): void {
  ctx.beginPath();
  ctx.moveTo(x, r.top);
  ctx.lineTo(x, r.top + r.height);
  ctx.strokeStyle = withAlpha(t.foreground, 0.35);
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** The marked point (○ initial, ● trained) and its name above the plot. */
function paintMarkPoint(ctx: CanvasRenderingContext2D, m: AlphaMark, x: number, y: number, t: ChartTheme): void {
  ctx.beginPath();
  ctx.arc(x, y, 5, 0, 2 * Math.PI);
  ctx.fillStyle = m.alpha === 1 ? t.foreground : t.background;
  ctx.fill();
  ctx.strokeStyle = t.foreground;
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.font = `${t.fontSize - 1}px ${t.font}`;
  ctx.fillStyle = t.foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(`${m.name} (α = ${m.alpha})`, x, MARGIN.top - 4);
}
