/**
 * The run on screen: the host's snapshot, kept up to date with progress, plus the series the charts
 * draw, derived once and appended to as steps arrive (never rebuilt per frame).
 */
import type { Point } from 'chart.js';
import {
  toStatsPoint, type EpochMetrics, type FinalMetrics, type HostToWebview, type ModelCheck, type OverlaySet, type PreviousRun,
  type RunSnapshot, type RunStatus, type StatsPoint,
} from '../src/training/protocol';
import { Ema } from './smoothing';
import * as l10n from '@vscode/l10n';

export const SMOOTHING = 0.9;
/**
 * The per-step loss series keep at most this many points: a run at ~30,000 steps/s makes
 * millions, which the panel (and the workbench beside it) cannot redraw live. Past it every other
 * point is dropped and the stride doubles, so a long run is drawn from evenly spaced steps (the
 * smoothed curve still averages every step).
 */
export const MAX_LOSS_POINTS = 100_000;

type ProgressMessage = Extract<HostToWebview, { type: 'progress' }>;
type LayerFigure = 'gradNorm' | 'updateRatio' | 'mean' | 'std' | 'dead' | 'saturated';
const FIGURES: LayerFigure[] = ['gradNorm', 'updateRatio', 'mean', 'std', 'dead', 'saturated'];
/** Figures drawn on a log axis: values ≤ 0 cannot be placed and are left out. */
const LOG_FIGURES = new Set<LayerFigure>(['gradNorm', 'updateRatio', 'std']);

/** Per layer, one series per figure over the stats steps. */
export type LayerSeries = Record<LayerFigure, Point[][]>;

export interface PreviousSeries {
  label: string;
  loss: Point[];
  trainAcc: Point[];
  valAcc: Point[];
  layers: LayerSeries;
}

/** A run overlaid in a colour of its own (a comparison's variant, a kept run). */
export interface OverlaySeries {
  id: string;
  label: string;
  status: string;
  loss: Point[];
  trainAcc: Point[];
  valAcc: Point[];
  layers: LayerSeries;
  /** The last step it has reached. */
  lastStep: number;
  final: FinalMetrics | null;
  error: string | null;
}

export interface GradcheckState {
  state: 'running' | 'done' | 'failed';
  result: ModelCheck | null;
  error: string | null;
}

function emptyLayers(): LayerSeries {
  return { gradNorm: [], updateRatio: [], mean: [], std: [], dead: [], saturated: [] };
}

function addStats(series: LayerSeries, points: StatsPoint[]): void {
  for (const p of points) {
    p.layers.forEach((l, i) => {
      for (const f of FIGURES) {
        const v = l[f];
        if (v === null || v === undefined || !Number.isFinite(v) || (LOG_FIGURES.has(f) && v <= 0)) continue;
        (series[f][i] ??= []).push({ x: p.step, y: f === 'dead' || f === 'saturated' ? v * 100 : v });
      }
    });
  }
}

function smoothed(losses: number[], firstStep = 1): Point[] {
  const ema = new Ema(SMOOTHING);
  return losses.map((y, i) => ({ x: firstStep + i, y: ema.push(y) }));
}

/** The smoothed loss of a kept run, skipping steps whose loss is missing (a torn history line). */
function smoothedFinite(losses: number[]): Point[] {
  const ema = new Ema(SMOOTHING);
  const out: Point[] = [];
  losses.forEach((y, i) => {
    if (Number.isFinite(y)) out.push({ x: i + 1, y: ema.push(y) });
  });
  return out;
}

export function previousLabel(p: PreviousRun): string {
  // The host names it "previous (xavier)": the part in brackets is the init, as the file writes it.
  const m = /^previous \((.*)\)$/i.exec(p.label);
  if (m) return l10n.t('previous ({0})', m[1]);
  return /^previous\b/i.test(p.label) ? p.label : l10n.t('previous ({0})', p.label);
}

export class RunStore {
  run: RunSnapshot | null = null;
  /** Shown from the webview's saved state: the host no longer knows this run. */
  stale = false;
  gradcheck: GradcheckState | null = null;
  /** Bumped when the set of series changes (new run): charts rebuild their datasets. */
  version = 0;

  readonly raw: Point[] = [];
  readonly smooth: Point[] = [];
  readonly valLoss: Point[] = [];
  readonly trainAcc: Point[] = [];
  readonly valAcc: Point[] = [];
  layers: LayerSeries = emptyLayers();
  previous: PreviousSeries | null = null;
  /** Runs overlaid instead of the file's own run; empty when there are none. */
  overlays: OverlaySeries[] = [];
  overlayTitle: string | null = null;
  private ema = new Ema(SMOOTHING);
  /** Every how many steps the per-step loss series keep a point (1 until a run gets very long). */
  private stride = 1;

  /** Replaces the overlays (the host re-sends them whole as they grow). */
  setOverlays(set: OverlaySet | null): void {
    this.overlayTitle = set?.title ?? null;
    this.overlays = (set?.runs ?? []).map((r) => {
      const layers = emptyLayers();
      addStats(layers, r.stats);
      return {
        id: r.id, label: r.label, status: r.status, final: r.final, error: r.error,
        loss: smoothedFinite(r.losses),
        trainAcc: r.epochs.map((e) => ({ x: e.epoch, y: e.trainAcc })),
        valAcc: r.epochs.filter((e) => e.valAcc !== null).map((e) => ({ x: e.epoch, y: e.valAcc as number })),
        layers,
        lastStep: Math.max(r.losses.length, r.stats[r.stats.length - 1]?.step ?? 0),
      };
    });
    this.version++;
  }

  /** Layer names of the overlays (the first one's statistics), for their legends. */
  overlayLayers(): number {
    return Math.max(0, ...this.overlays.map((o) => Math.max(...Object.values(o.layers).map((f: Point[][]) => f.length))));
  }

  load(snapshot: RunSnapshot, stale = false): void {
    this.run = {
      ...snapshot,
      losses: snapshot.losses.slice(), epochs: snapshot.epochs.slice(), stats: snapshot.stats.slice(),
      markers: snapshot.markers.slice(),
    };
    this.stale = stale;
    // A check still running keeps its card; otherwise the snapshot's last result (if any) is shown.
    if (snapshot.gradcheck) this.gradcheck = { state: 'done', result: snapshot.gradcheck, error: null };
    else if (this.gradcheck?.state !== 'running') this.gradcheck = null;
    this.raw.length = this.smooth.length = this.valLoss.length = this.trainAcc.length = this.valAcc.length = 0;
    this.stride = 1;
    this.ema = new Ema(SMOOTHING);
    this.layers = emptyLayers();
    this.pushLosses(1, snapshot.losses);
    this.pushEpochs(snapshot.epochs);
    addStats(this.layers, snapshot.stats);
    const p = snapshot.previous;
    if (p) {
      const prevLayers = emptyLayers();
      addStats(prevLayers, p.stats);
      this.previous = {
        label: previousLabel(p), loss: smoothed(p.losses),
        trainAcc: p.epochs.map((e) => ({ x: e.epoch, y: e.trainAcc })),
        valAcc: p.epochs.filter((e) => e.valAcc !== null).map((e) => ({ x: e.epoch, y: e.valAcc as number })),
        layers: prevLayers,
      };
    } else {
      this.previous = null;
    }
    this.version++;
  }

  /** Appends a progress message; false when it is not for this run or does not follow on (ask again). */
  addProgress(m: ProgressMessage): boolean {
    const run = this.run;
    if (!run || m.runId !== run.info.runId) return false;
    if (m.firstStep !== run.losses.length + 1 && m.losses.length > 0) return false;
    for (const l of m.losses) run.losses.push(l);
    for (const e of m.epochs) run.epochs.push(e);
    const points = m.stats.map(toStatsPoint);
    for (const p of points) run.stats.push(p);
    if (m.stats.length > 0) run.latestStats = m.stats[m.stats.length - 1];
    for (const k of m.markers) run.markers.push(k);
    if (m.boundary) run.boundary = m.boundary;
    run.step = m.step;
    run.paused = m.paused;
    run.samplesPerSec = m.samplesPerSec;
    this.pushLosses(m.firstStep, m.losses);
    this.pushEpochs(m.epochs);
    addStats(this.layers, points);
    return true;
  }

  setStatus(status: RunStatus, final: FinalMetrics | null, error: string | null): void {
    if (!this.run) return;
    this.run.status = status;
    this.run.final = final;
    this.run.error = error;
    if (status !== 'running') this.run.paused = false;
  }

  setGradcheck(g: GradcheckState): void {
    this.gradcheck = g;
    if (this.run && g.state === 'done') this.run.gradcheck = g.result;
  }

  /** Layer names, from the run's shape, else from the statistics. */
  layerNames(): string[] {
    const run = this.run;
    if (!run) return [];
    const fromStats = run.latestStats?.layers.map((l) => l.name) ?? [];
    const n = Math.max(run.info.layers?.length ?? 0, fromStats.length, run.stats[0]?.layers.length ?? 0);
    return Array.from({ length: n }, (_, i) => run.info.layers?.[i]?.name ?? fromStats[i] ?? `layers[${i}]`);
  }

  /** The latest smoothed training loss. */
  get lastSmoothed(): number | undefined {
    return this.smooth[this.smooth.length - 1]?.y ?? undefined;
  }

  private pushLosses(firstStep: number, losses: number[]): void {
    losses.forEach((y, i) => {
      const x = firstStep + i;
      // The smoothing sees every step; the series keep every `stride`-th (see MAX_LOSS_POINTS).
      const smoothed = this.ema.push(y);
      if ((x - 1) % this.stride !== 0) return;
      this.raw.push({ x, y });
      this.smooth.push({ x, y: smoothed });
      if (this.raw.length >= MAX_LOSS_POINTS) this.thin();
    });
  }

  /** Halves the per-step series (every other kept point) and doubles the stride from now on. */
  private thin(): void {
    this.stride *= 2;
    for (const series of [this.raw, this.smooth]) {
      let k = 0;
      for (const p of series) if (((p.x as number) - 1) % this.stride === 0) series[k++] = p;
      series.length = k;
    }
  }

  private pushEpochs(epochs: EpochMetrics[]): void {
    for (const e of epochs) {
      if (e.valLoss !== null) this.valLoss.push({ x: e.step, y: e.valLoss });
      this.trainAcc.push({ x: e.epoch, y: e.trainAcc });
      if (e.valAcc !== null) this.valAcc.push({ x: e.epoch, y: e.valAcc });
    }
  }
}
