/**
 * The Landscape tab (#slot-landscape): the loss landscape of the file's ended run for the latest
 * LandscapeState — its progress while the worker computes, then the 1-D line (initial → trained)
 * and the 2-D plane with the projected path, and a caption of what they show and cannot show.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import * as l10n from '@vscode/l10n';
import type { LandscapeState, WebviewToHost } from '../../src/training/protocol';
import { card, el } from '../dom';
import { onThemeChange, readTheme, type ChartTheme } from '../theme';
import { alphaMarks, captionText, markText, statusText } from './data';
import { LineChart } from './line-chart';
import { PlaneChart } from './plane-chart';

/** The tab the view is on (webview/tabs.ts's calls for its id). */
export interface TabHooks {
  isShown(): boolean;
  onShown(cb: () => void): void;
}

export class LandscapeView {
  private state: LandscapeState | null = null;
  private theme: ChartTheme = readTheme();
  private readonly status = el('div', '', 'land-status');
  private readonly progress = el('vscode-progress-bar', undefined, 'land-progress') as HTMLElement & { value?: number; max: number };
  private readonly again = el('vscode-button', l10n.t('Compute again…'), 'land-again');
  private readonly result = el('div', undefined, 'land-result');
  private readonly marks = el('div', '', 'land-marks');
  private readonly caption = el('div', undefined, 'land-caption');
  private readonly line: LineChart;
  private readonly plane: PlaneChart;
  /** The panel's run the status was written for. */
  private shownFor: string | null = null;

  /**
   * tab: whether the Landscape tab is on show, and a call when it is shown; panelRun: the run the
   * panel shows (its id and number of parameters; null: none).
   */
  constructor(
    slot: HTMLElement, post: (m: WebviewToHost) => void, private readonly tab: TabHooks,
    private readonly panelRun: () => { runId: string; parameters: number } | null = () => null,
  ) {
    this.status.id = 'landscape-status';
    this.progress.id = 'landscape-progress';
    this.again.id = 'landscape-again';
    this.again.setAttribute('secondary', '');
    this.again.setAttribute('icon', 'refresh');
    this.again.title = l10n.t('Choose the plane (random or principal directions) and the resolution, and compute the landscape of the latest run');
    this.again.addEventListener('click', () => post({ type: 'action', action: 'landscape' }));
    const lineCanvas = el('canvas');
    lineCanvas.id = 'chart-landscape-line';
    lineCanvas.setAttribute('role', 'img');
    lineCanvas.setAttribute('aria-label', l10n.t('The training loss along the line from the initial to the trained weights'));
    const planeCanvas = el('canvas');
    planeCanvas.id = 'chart-landscape-plane';
    planeCanvas.setAttribute('role', 'img');
    planeCanvas.setAttribute('aria-label', l10n.t('The training loss on a plane through the trained weights, as contour lines, with the run\'s path projected onto it'));
    this.line = new LineChart(lineCanvas, () => this.theme);
    this.plane = new PlaneChart(planeCanvas, () => this.theme);
    this.marks.id = 'landscape-marks';
    this.caption.id = 'landscape-caption';
    const head = el('div', undefined, 'land-head');
    head.append(this.status, this.again);
    this.result.append(
      card('landscape-line', l10n.t('Loss along the line from initial to trained'), l10n.t('θ(α) = θ₀ + α·(θ₁ − θ₀): α = 0 is the initial weights, α = 1 the trained ones, and the line goes on half as far on each side. A curve that falls without a bump means nothing stood between the start and the end on this straight way.'), boxed(lineCanvas), this.marks),
      card('landscape-plane', l10n.t('Loss on a plane through the trained weights'), l10n.t('The lines join weights of equal training loss, log-spaced toward the lowest; the path is the run\'s weights projected onto the plane, from ○ the initial weights to ● the trained ones.'), boxed(planeCanvas)),
      card('landscape-caption', l10n.t('What these pictures show, and what they cannot'), '', this.caption),
    );
    this.result.hidden = true;
    slot.append(head, this.progress, this.result);
    this.show();
    tab.onShown(() => this.paint(true));
    onThemeChange(() => {
      this.theme = readTheme();
      this.paint(true);
    });
  }

  /** The newest state from the host. */
  set(s: LandscapeState): void {
    this.state = s;
    this.show();
    this.paint(false);
  }

  /** The panel's run changed (a new run of the file): the status says whether the landscape is of an earlier one. */
  refresh(): void {
    const run = this.panelRun()?.runId ?? null;
    if (run === this.shownFor) return;
    this.show();
  }

  private show(): void {
    const s = this.state;
    const run = this.panelRun();
    this.shownFor = run?.runId ?? null;
    const text = statusText(s, s !== null && run !== null && run.runId !== s.runId);
    this.status.textContent = text;
    this.status.classList.toggle('land-error', s?.state === 'failed');
    this.status.hidden = text === '';
    this.status.dataset.state = s?.state ?? 'none';
    this.progress.hidden = s?.state !== 'running';
    if (s?.state === 'running') {
      this.progress.max = Math.max(1, s.total);
      this.progress.value = s.done;
    }
    this.again.textContent = s ? l10n.t('Compute again…') : l10n.t('Show Loss Landscape…');
    this.again.toggleAttribute('disabled', s?.state === 'running');
  }

  /** Draws the result when the tab is on show (a hidden tab has no width: drawn when shown). */
  private paint(force: boolean): void {
    const s = this.state;
    const r = s?.state === 'done' ? s.result : null;
    this.result.hidden = r === null;
    if (!s || !r || !this.tab.isShown()) return;
    this.line.set(r.line);
    this.plane.set(r.surface);
    if (force) {
      this.line.draw(true);
      this.plane.draw(true);
    }
    this.marks.replaceChildren(...alphaMarks(r.line).map((m) => {
      const e = el('span', markText(m), 'land-mark');
      e.id = m.alpha === 0 ? 'landscape-initial' : 'landscape-trained';
      e.dataset.loss = String(m.loss);
      return e;
    }));
    this.caption.replaceChildren(...captionText(r, s.options, this.panelRun()?.runId === s.runId ? this.panelRun()!.parameters : null).map((p) => el('p', p)));
  }
}

/** A canvas in a box the chart sizes itself to. */
function boxed(canvas: HTMLCanvasElement): HTMLElement {
  const box = el('div', undefined, 'land-box');
  box.append(canvas);
  return box;
}
