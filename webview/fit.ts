/** The Fit card: the 1-D curve or the 2-D heatmap, whichever the run's data has, and the card shown only then. */
import * as l10n from '@vscode/l10n';
import { FitCurveChart } from './fit-curve';
import { FitMapView } from './fit-map';
import type { RunStore } from './store';

export class FitView {
  private readonly curve: FitCurveChart;
  private readonly map: FitMapView;

  constructor(curveCanvas: HTMLCanvasElement, mapCanvas: HTMLCanvasElement, private readonly store: RunStore) {
    this.curve = new FitCurveChart(curveCanvas, store);
    this.map = new FitMapView(mapCanvas, store);
  }

  private get kind(): string | undefined {
    return this.store.run?.info.boundary?.kind;
  }

  /** The canvas on show (for a PNG). */
  get canvas(): HTMLCanvasElement {
    return this.kind === 'regression2d' ? this.map.canvas : this.curve.canvas;
  }

  get points(): number {
    return this.kind === 'regression2d' ? this.map.points : this.curve.points;
  }

  /** The card's note: the step of the prediction, and which output it is when there are several. */
  note(): string {
    const run = this.store.run;
    const frame = run?.info.boundary;
    if (!run?.boundary || !frame) return '';
    const step = l10n.t('step {0}', run.boundary.step);
    return (frame.outputs ?? 1) > 1 ? `${l10n.t('output 1 of {0}', frame.outputs!)}${frame.target ? ` (${frame.target})` : ''} · ${step}` : step;
  }

  draw(force = false): void {
    const kind = this.kind;
    const on = kind === 'regression1d' || kind === 'regression2d';
    document.getElementById('group-fit')!.hidden = !on;
    document.getElementById('card-fit')!.hidden = !on;
    document.getElementById('box-fit-curve')!.hidden = kind !== 'regression1d';
    document.getElementById('box-fit-map')!.hidden = kind !== 'regression2d';
    if (kind === 'regression1d') this.curve.draw(force);
    if (kind === 'regression2d') this.map.draw(force);
  }
}
