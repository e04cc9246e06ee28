/**
 * The surface card (Overview tab, a surface run only): the surface as muted colours with its
 * contour lines, critical points and start; the run's path (or each overlaid run's) growing as
 * steps arrive; a slider back through the steps; the point or the surface under the pointer.
 */
import * as l10n from '@vscode/l10n';
import { card, el } from '../dom';
import { sizeCanvas } from '../canvas-view';
import { readTheme, type ChartTheme } from '../theme';
import type { RunStore } from '../store';
import type { SurfaceFrame } from '../../src/engine/surface/types';
import { fromPixel, insideBox, plotBox, surfaceAt, toPixel, type PlotBox } from './geometry';
import { indexAtStep, lastStep, pickPoint } from './path-data';
import { paintMarks, paintPaths, paintSurface, type DrawnPath } from './render';
import { linearTicks, paintAxes } from './axes';
import { pathSources, surfaceFrame, type PathSource } from './runs';
import { renderLegend } from './legend';
import { markText, pointText, sliderText, surfaceText } from './text';

/** How near (CSS pixels) the pointer must be to a path's point to name it. */
const PICK_RADIUS = 10;
/** How near to a critical point's mark. */
const MARK_RADIUS = 8;
const sub = ([x, y]: [number, number], px: number, py: number): [number, number] => [x - px, y - py];

export class SurfaceView {
  readonly canvas = el('canvas');
  readonly card: HTMLElement;
  private readonly box = el('div', undefined, 'surface-box');
  private readonly slider = el('input', undefined, 'surface-slider');
  private readonly stepText = el('span', '', 'surface-step');
  private readonly legend = el('ul', undefined, 'surface-legend');
  private readonly tip = el('div', undefined, 'surface-tip');
  /** The slider's step; null: the newest, following the run. */
  private at: number | null = null;
  /** The runs drawn (their ids), to tell a new run from the same one growing. */
  private runs = '';
  private drawnKey = '';
  private background: { key: string; image: HTMLCanvasElement; segments: number } | null = null;
  private plot: PlotBox | null = null;
  private paths: DrawnPath[] = [];
  private theme: ChartTheme = readTheme();

  constructor(slot: HTMLElement, private readonly store: RunStore) {
    this.canvas.id = 'chart-surface';
    this.canvas.dataset.points = '0';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', l10n.t('The surface f(x, y) as contour lines, with each run\'s path of steps'));
    this.box.append(this.canvas);
    this.slider.type = 'range';
    this.slider.id = 'surface-slider';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', l10n.t('Step shown on the surface'));
    this.slider.addEventListener('input', () => {
      const k = Number(this.slider.value);
      this.at = k >= Number(this.slider.max) ? null : k;
      this.draw();
    });
    this.stepText.id = 'surface-step';
    this.legend.id = 'surface-legend';
    this.tip.id = 'surface-tip';
    this.tip.hidden = true;
    this.tip.setAttribute('role', 'tooltip');
    const bar = el('div', undefined, 'surface-slider-row');
    bar.append(this.slider, this.stepText);
    this.card = card('surface', l10n.t('Surface'), l10n.t('Each step moves the point downhill by the update rule; the lines join points of equal f, log-spaced toward the minimum. ★ minimum, ✕ saddle point, ▲ maximum, ○ start. Drag the slider to go back through the steps; hover a point for its step, position, f and ‖∇f‖.'), this.box, bar, this.legend);
    this.card.hidden = true;
    slot.append(this.card);
    document.body.append(this.tip);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
    });
    new ResizeObserver(() => {
      if (this.box.clientWidth > 0) this.draw();
    }).observe(this.box);
  }

  /** A theme change: the surface is painted again in the new colours. */
  retheme(): void {
    this.theme = readTheme();
    this.background = null;
    this.drawnKey = '';
  }

  /** Shows the card for a surface run and draws what changed since the last time. */
  draw(): void {
    const frame = surfaceFrame(this.store);
    this.card.hidden = frame === null;
    if (!frame || this.box.clientWidth === 0) return;
    // Another run or set of runs: the slider follows the newest step again.
    const runs = this.store.overlays.length > 0 ? this.store.overlays.map((o) => o.id).join() : this.store.run?.info.runId ?? '';
    if (runs !== this.runs) {
      this.runs = runs;
      this.at = null;
    }
    const sources = pathSources(this.store, this.theme);
    const last = lastStep(sources.map((s) => s.points));
    const step = this.at === null ? last : Math.min(this.at, last);
    const key = [frame.expression, this.box.clientWidth, step, ...sources.map((s) => `${s.color}:${s.label}:${s.running}:${s.points.length}:${s.points.at(-1)?.step}`)].join('|');
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.updateSlider(step, last);
    this.paint(frame, sources, step);
    renderLegend(this.legend, sources, this.theme, frame);
  }

  private updateSlider(step: number, last: number): void {
    this.slider.max = String(last);
    this.slider.value = String(step);
    this.slider.disabled = last === 0;
    const text = sliderText(step, last);
    this.stepText.textContent = text;
    this.slider.setAttribute('aria-valuetext', text);
  }

  private paint(frame: SurfaceFrame, sources: PathSource[], step: number): void {
    const t = this.theme;
    const { box, width, height } = plotBox(frame, this.box.clientWidth);
    this.plot = box;
    const dpr = window.devicePixelRatio || 1;
    const ctx = sizeCanvas(this.canvas, width, height, dpr);
    if (!ctx) return;
    // The cached surface at device pixels, then the marks and paths in CSS pixels.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.surfaceImage(frame, box, width, height, dpr), 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paintMarks(ctx, frame, box, t);
    this.paths = sources.map((s) => ({ label: s.label, color: s.color, points: s.points, upTo: indexAtStep(s.points, step) }));
    const dots = paintPaths(ctx, this.paths, box, t);
    // Test hooks: the points drawn, the slider's step, the first path's dot (CSS pixels in the canvas).
    this.canvas.dataset.points = String(this.paths.reduce((n, p) => n + p.upTo + 1, 0));
    this.canvas.dataset.step = String(step);
    this.canvas.dataset.paths = String(this.paths.length);
    this.canvas.dataset.dot = dots[0] ? `${dots[0][0].toFixed(1)},${dots[0][1].toFixed(1)}` : '';
    this.canvas.dataset.contours = String(this.background?.segments ?? 0);
  }

  /** The surface and its axes, painted once per frame, size and theme (the paths change far more often). */
  private surfaceImage(frame: SurfaceFrame, box: PlotBox, width: number, height: number, dpr: number): HTMLCanvasElement {
    const key = `${frame.expression}|${frame.xMin},${frame.xMax},${frame.yMin},${frame.yMax}|${frame.values.length}|${width}x${height}@${dpr}`;
    if (this.background?.key === key) return this.background.image;
    const image = document.createElement('canvas');
    image.width = Math.round(width * dpr);
    image.height = Math.round(height * dpr);
    const ctx = image.getContext('2d');
    let segments = 0;
    if (ctx) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      segments = paintSurface(ctx, frame, box, this.theme);
      paintAxes(ctx, box, { ticks: linearTicks(box.xMin, box.xMax, 6), name: 'x' }, { ticks: linearTicks(box.yMin, box.yMax, 6), name: 'y' }, this.theme, 'symbols');
    }
    this.background = { key, image, segments };
    return image;
  }

  /** The tooltip: the drawn point nearest the pointer (its run's name when several are drawn), else f of the surface there. */
  private hover(e: MouseEvent): void {
    const frame = surfaceFrame(this.store);
    const box = this.plot;
    if (!frame || !box) return;
    const r = this.canvas.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const picked = pickPoint(this.paths.map((p) => p.points), this.paths.map((p) => p.upTo), (x, y) => toPixel(box, x, y), px, py, PICK_RADIUS);
    let text: string | null = null;
    const mark = picked ? undefined : frame.critical.find((c) => Math.hypot(...sub(toPixel(box, c.x, c.y), px, py)) <= MARK_RADIUS);
    if (picked) text = pointText(picked.point, this.paths.length > 1 ? this.paths[picked.path].label : null);
    else if (mark) text = markText(mark);
    else if (insideBox(box, px, py)) {
      const [x, y] = fromPixel(box, px, py);
      text = surfaceText(x, y, surfaceAt(frame, x, y));
    }
    this.tip.hidden = text === null;
    if (text === null) return;
    this.tip.textContent = text;
    this.tip.dataset.step = picked ? String(picked.point.step) : '';
    this.tip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - this.tip.offsetWidth - 4)}px`;
    this.tip.style.top = `${e.clientY + 16}px`;
  }
}
