/**
 * The decision boundary's part in the Mistakes and Inspect tabs: the points the newest grid's
 * weights misclassify (BoundaryGrid.wrong) ringed, and a click on a point (within 6 CSS pixels)
 * inspecting its training sample, with a pointer cursor over points. The boundary view calls these.
 */
import { boundaryPointRow, type BoundaryFrame } from '../../src/training/protocol';
import { pointAt, pointPixel, type PlaneGeometry } from './pick';

/** The event the boundary's canvas sends up when a point is clicked (webview/main.ts posts it to the host). */
export const INSPECT_POINT_EVENT = 'trainlens-inspect-point';
export interface InspectPointDetail {
  split: 'train';
  sample: number;
}

/** What the pointer can hit: the plot as last drawn. */
export interface DrawnPoints {
  geometry: PlaneGeometry;
  frame: Pick<BoundaryFrame, 'points'>;
  count: number;
  trainSize: number;
}

/** Rings the points `wrong` (indices into the frame's points) drawn with radius r. */
export function ringPoints(ctx: CanvasRenderingContext2D, d: DrawnPoints, wrong: readonly number[] | undefined, r: number, color: string): number {
  if (!wrong || wrong.length === 0) return 0;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.6;
  let n = 0;
  for (const k of wrong) {
    if (!(k >= 0 && k < d.count)) continue;
    const [x, y] = pointPixel(d.geometry, d.frame.points, k);
    ctx.beginPath();
    ctx.arc(x, y, r + 3, 0, 2 * Math.PI);
    ctx.stroke();
    n++;
  }
  ctx.restore();
  return n;
}

/** The training sample under the pointer, or null. */
function sampleAt(canvas: HTMLCanvasElement, e: MouseEvent, d: DrawnPoints | null): number | null {
  if (!d) return null;
  const rect = canvas.getBoundingClientRect();
  const k = pointAt(d.geometry, d.frame.points, d.count, e.clientX - rect.left, e.clientY - rect.top, 6);
  return k === null ? null : boundaryPointRow(k, d.trainSize, Math.floor(d.frame.points.length / 2));
}

/** Listens on the canvas: a pointer cursor over points, and a click on one sends INSPECT_POINT_EVENT. */
export function pickPoints(canvas: HTMLCanvasElement, drawn: () => DrawnPoints | null): void {
  canvas.addEventListener('mousemove', (e) => {
    const sample = sampleAt(canvas, e, drawn());
    canvas.style.cursor = sample === null ? '' : 'pointer';
    // The training sample under the pointer (the browser test reads it before it clicks).
    canvas.dataset.hover = sample === null ? '' : String(sample);
  });
  canvas.addEventListener('click', (e) => {
    const sample = sampleAt(canvas, e, drawn());
    if (sample === null) return;
    const detail: InspectPointDetail = { split: 'train', sample };
    canvas.dispatchEvent(new CustomEvent(INSPECT_POINT_EVENT, { bubbles: true, detail }));
  });
}
