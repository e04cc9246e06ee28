/**
 * The panel's charts, tab by tab: each view over the run store, what each draws into (for Save
 * PNG), and one draw of the whole panel. Only the tab on show draws: a tab's charts are created
 * the first time it shows and then draw the whole run at once.
 */
import * as l10n from '@vscode/l10n';
import { CHART_IDS, type ChartId } from '../src/training/protocol';
import { TAB_IDS } from '../src/panel/tabs';
import { BoundaryView } from './boundary';
import { FitView } from './fit';
import { r2Chart } from './r2-chart';
import { WeightsView } from './weights';
import { GradBars } from './bars';
import { renderGradcheck } from './gradcheck';
import { renderHeader } from './header';
import { Histograms } from './histograms';
import { isClassesFrame } from './fit-data';
import type { RunStore } from './store';
import { isTabShown, showTabHeader, type TabId } from './tabs';
import { createViews, type Views } from './views';
import type { LineChart } from './charts';
import { SurfaceView } from './surface/view';
import { applySurfaceLayout } from './surface/layout';
import { surfaceFrame } from './surface/runs';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export class PanelCharts {
  private readonly views: Views;
  private readonly r2: LineChart;
  private readonly bars: GradBars;
  private readonly histograms: Histograms;
  private readonly boundary: BoundaryView;
  private readonly fit: FitView;
  private readonly weights: WeightsView;
  /** The surface card of a surface run (Overview tab). */
  private readonly surface: SurfaceView;
  private readonly lossCanvas = $<HTMLCanvasElement>('loss-chart');
  /** Tabs whose charts redraw in full when next on show (a theme change): the charts skip what has not changed. */
  private readonly staleTabs = new Set<TabId>();

  /** What each chart draws into, for the PNG and the data-points count. */
  readonly surfaces: Record<ChartId, { canvas: HTMLCanvasElement; readonly points: number }>;

  constructor(private readonly store: RunStore) {
    const v = (this.views = createViews(store));
    this.r2 = r2Chart(store);
    this.bars = new GradBars($('chart-grad-bars'), store);
    this.histograms = new Histograms($('chart-histograms'), store);
    this.boundary = new BoundaryView($('chart-boundary'), store);
    this.fit = new FitView($('chart-fit'), $('chart-fit-map'), store);
    this.weights = new WeightsView($('chart-weights'), store);
    const surface = (this.surface = new SurfaceView($('slot-surface'), store));
    addSaveButton(surface.card, 'surface');
    this.surfaces = {
      loss: v.loss, accuracy: v.accuracy, r2: this.r2, 'grad-flow': v.gradFlow, 'grad-bars': this.bars, histograms: this.histograms,
      'act-std': v.actStd, 'act-health': v.actHealth, updates: v.updates, boundary: this.boundary, fit: this.fit, weights: this.weights,
      surface: { canvas: surface.canvas, get points() { return Number(surface.canvas.dataset.points); } },
    };
  }

  /** A theme change: every chart takes the new colours when it next draws (the tabs not on show when they show). */
  retheme(): void {
    const v = this.views;
    for (const c of [v.loss, v.accuracy, this.r2, v.gradFlow, v.actStd, v.actHealth, v.updates]) c.retheme();
    this.surface.retheme();
    for (const id of TAB_IDS) this.staleTabs.add(id);
  }

  /**
   * Draws a tab's charts if it is on show: the charts of a tab never shown are never created, and
   * those of a hidden tab are left as they were until it shows again (then they catch up at once).
   */
  private drawTab(id: TabId, draw: (force: boolean) => void): void {
    if (!isTabShown(id)) return;
    draw(this.staleTabs.delete(id));
  }

  /** Draws the tab on show, the header, the gradient check, the cards' notes and the test hooks. */
  draw(): void {
    const { store, views, fit } = this;
    const run = store.run;
    const hasBoundary = isClassesFrame(run?.info.boundary);
    $('group-boundary').hidden = !hasBoundary;
    $('card-boundary').hidden = !hasBoundary;
    const hasWeights = Boolean(run?.filters);
    $('group-weights').hidden = !hasWeights;
    $('card-weights').hidden = !hasWeights;
    showTabHeader('weights', hasWeights);
    // R² and RMSE where accuracy would be, for regression.
    $('card-accuracy').hidden = store.regression;
    $('card-r2').hidden = !store.regression;
    // A surface run: what it does not produce hidden (after the lines above, which would show it again).
    applySurfaceLayout(surfaceFrame(store) !== null);
    this.drawTab('overview', (force) => {
      for (const v of [views.loss, views.accuracy, this.r2]) v.draw(force);
      fit.draw(force);
      if (hasBoundary) this.boundary.draw(force);
      this.surface.draw();
    });
    this.drawTab('gradients', (force) => {
      views.gradFlow.draw(force);
      this.bars.draw(force);
      views.updates.draw(force);
    });
    this.drawTab('activations', (force) => {
      this.histograms.draw(force);
      views.actStd.draw(force);
      views.actHealth.draw(force);
    });
    this.drawTab('weights', (force) => {
      if (hasWeights) this.weights.draw(force);
    });
    renderHeader(store);
    renderGradcheck(store.gradcheck);
    this.notes();
    this.hooks();
    for (const id of CHART_IDS) {
      const save = document.getElementById(`save-${id}`) as HTMLButtonElement | null;
      if (save) save.disabled = this.surfaces[id].points === 0;
    }
  }

  /** What the cards say beside their titles: the step they show, the loss chart's markers. */
  private notes(): void {
    const run = this.store.run;
    $('note-weights').textContent = run?.filters ? l10n.t('step {0}', run.filters.step) : '';
    const statsStep = run?.latestStats ? l10n.t('step {0}', run.latestStats.step) : '';
    $('note-grad-bars').textContent = statsStep;
    $('note-histograms').textContent = statsStep;
    $('note-boundary').textContent = run?.boundary ? l10n.t('step {0}', run.boundary.step) : '';
    $('note-fit').textContent = this.fit.note();
    const markers = run?.markers.length ?? 0;
    $('note-loss').textContent = markers === 0 ? '' : markers === 1 ? l10n.t('1 marker') : l10n.t('{0} markers', markers);
  }

  /** The loss chart's attributes: the panel's status, which tests and the host read whichever tab shows. */
  private hooks(): void {
    const { store, lossCanvas } = this;
    const run = store.run;
    // The loss points the panel holds.
    lossCanvas.dataset.points = String(store.raw.length);
    // When (Date.now()) the run's first loss point was drawn (its tab on show): the browser test's first-point latency.
    if (store.raw.length === 0) delete lossCanvas.dataset.firstPointAt;
    else if (isTabShown('overview')) lossCanvas.dataset.firstPointAt ||= String(Date.now());
    lossCanvas.dataset.state = run ? run.status : 'idle';
    lossCanvas.dataset.markers = String(run?.markers.length ?? 0);
    // Overlaid runs, and how many of them have ended (for tests and screenshots).
    lossCanvas.dataset.overlays = String(store.overlays.length);
    lossCanvas.dataset.overlaysDone = String(store.overlays.filter((o) => o.status !== 'running' && o.smooth.length > 0).length);
  }
}

/** A Save PNG button for a card the panel builds itself (the host's cards carry theirs, src/panel/cards.ts), and the title id the save names the image by. */
function addSaveButton(card: HTMLElement, id: ChartId): void {
  const head = card.querySelector('.card-head');
  const title = head?.querySelector('h3');
  if (!head || !title) return;
  title.id = `title-${id}`;
  const save = document.createElement('button');
  save.type = 'button';
  save.className = 'save';
  save.id = `save-${id}`;
  save.dataset.chart = id;
  save.title = l10n.t('Save this chart as a PNG image');
  save.textContent = l10n.t('Save PNG');
  save.disabled = true;
  head.append(save);
}
