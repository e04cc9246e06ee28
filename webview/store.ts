/**
 * The run on screen: the host's snapshot, kept up to date with progress, plus the series the charts
 * draw, derived once and appended to as steps arrive (never rebuilt per frame).
 */
import type { Point } from 'chart.js';
import {
  type EpochMetrics, type FinalMetrics, type HostToWebview, type ModelCheck, type OverlaySet, type PreviousRun,
  type RunHistory, type RunSnapshot, type RunStatus, type StatsPoint, type SurfaceFrame, type SurfacePoint,
} from '../src/training/protocol';
import {
  Decimated, MAX_EPOCH_POINTS, MAX_LOSS_POINTS, MAX_STATS_POINTS, type LossPoint, type SeriesState,
} from '../src/training/history';
import { addEpochs, addLoss, addStats, emptyLayers, seriesOf, type HistorySeries, type LayerSeries } from './series';
import { applyProgress } from '../src/training/progress';
import { groupRuns } from '../src/training/aggregate';
import { seedGroups, type SeedGroup } from './seeds';
import { appendPath } from './surface/path-data';
import * as l10n from '@vscode/l10n';

export { MAX_LOSS_POINTS };

type ProgressMessage = Extract<HostToWebview, { type: 'progress' }>;
export interface PreviousSeries extends HistorySeries {
  label: string;
}

/** A run overlaid in a colour of its own (a comparison's variant, a kept run). */
export interface OverlaySeries extends HistorySeries {
  id: string;
  label: string;
  status: string;
  /** The last step it has reached. */
  lastStep: number;
  final: FinalMetrics | null;
  error: string | null;
  /** A seed of a variant (compare over seeds): the variant's label, and the run's seed. */
  group?: string;
  seed?: number;
  /** Its colour: its variant's place among the overlays (with seeds, shared by the variant's runs). */
  colorIndex: number;
  /** A surface run: its path. */
  path?: SurfacePoint[];
}

export interface GradcheckState {
  state: 'running' | 'done' | 'failed';
  result: ModelCheck | null;
  error: string | null;
}

export function previousLabel(p: PreviousRun): string {
  // The host names it "previous (xavier)": the part in brackets is the init, as the file writes it.
  const m = /^previous \((.*)\)$/i.exec(p.label);
  if (m) return l10n.t('previous ({0})', m[1]);
  return /^previous\b/i.test(p.label) ? p.label : l10n.t('previous ({0})', p.label);
}

/** The host's bounded history, mirrored: the same caps, so it thins at the same moments. */
class HistoryMirror {
  readonly loss: Decimated<LossPoint>;
  readonly epochs: Decimated<EpochMetrics>;
  readonly stats: Decimated<StatsPoint>;

  constructor(h?: RunHistory) {
    this.loss = new Decimated(MAX_LOSS_POINTS, h?.loss);
    this.epochs = new Decimated(MAX_EPOCH_POINTS, h?.epochs);
    this.stats = new Decimated(MAX_STATS_POINTS, h?.stats);
  }

  state(): RunHistory {
    return { loss: this.loss.state(), epochs: this.epochs.state(), stats: this.stats.state() };
  }
}

/** A run as the store keeps it apart from its history. */
export type RunView = Omit<RunSnapshot, keyof RunHistory>;

export class RunStore {
  /** The run but its history, which the mirror below holds (see saved()). */
  run: RunView | null = null;
  /** Shown from the webview's saved state: the host no longer knows this run. */
  stale = false;
  gradcheck: GradcheckState | null = null;
  /** Bumped when the set of series changes (new run, thinned history): charts rebuild their datasets. */
  version = 0;

  /** The run's own series, derived from the mirrored history and appended to as steps arrive. */
  raw: Point[] = [];
  smooth: Point[] = [];
  valLoss: Point[] = [];
  trainAcc: Point[] = [];
  runningAcc: Point[] = [];
  valAcc: Point[] = [];
  trainR2: Point[] = [];
  valR2: Point[] = [];
  valRmse: Point[] = [];
  layers: LayerSeries = emptyLayers();
  previous: PreviousSeries | null = null;
  /** Runs overlaid instead of the file's own run; empty when there are none. */
  overlays: OverlaySeries[] = [];
  overlayTitle: string | null = null;
  /** The surface the overlaid runs' paths are drawn on (surface runs), else null. */
  overlaySurface: SurfaceFrame | null = null;
  /** A comparison over seeds: per variant, its seeds' mean and min–max curves and final figures; else empty. */
  seedGroups: SeedGroup[] = [];
  /** A surface run: its path so far (appended to as progress arrives). */
  path: SurfacePoint[] = [];
  private history = new HistoryMirror();

  /** Replaces the overlays (the host re-sends them whole as they grow). */
  setOverlays(set: OverlaySet | null): void {
    this.overlayTitle = set?.title ?? null;
    this.overlaySurface = set?.surface ?? null;
    const groups = (set?.seeds ?? 1) > 1 ? groupRuns(set?.runs ?? []).map((g) => g.label) : [];
    this.overlays = (set?.runs ?? []).map((r, k) => ({
      ...seriesOf(r),
      id: r.id, label: r.label, status: r.status, final: r.final, error: r.error,
      lastStep: Math.max(r.loss.count, r.stats.items[r.stats.items.length - 1]?.step ?? 0),
      ...(r.group !== undefined ? { group: r.group, seed: r.seed } : {}),
      colorIndex: groups.length > 0 ? groups.indexOf(r.group ?? r.label) : k,
      ...(r.path ? { path: r.path } : {}),
    }));
    this.seedGroups = groups.length > 0 ? seedGroups(this.overlays, set?.seeds ?? 1) : [];
    this.version++;
  }

  /** Layer names of the overlays (the first one's statistics), for their legends. */
  overlayLayers(): number {
    return Math.max(0, ...this.overlays.map((o) => Math.max(...Object.values(o.layers).map((f: Point[][]) => f.length))));
  }

  /** Whether R² and RMSE stand where accuracy would: the run is a regression, or an overlaid run reports R². */
  get regression(): boolean {
    const own = this.run?.info.regression === true;
    return own || this.overlays.some((o) => o.trainR2.length > 0 || (o.final?.trainR2 ?? null) !== null);
  }

  /** Steps of the run the history covers. */
  get steps(): number {
    return this.history.loss.count;
  }

  /** Statistics points received so far. */
  get statsCount(): number {
    return this.history.stats.count;
  }

  /** The step of the newest statistics (0 before any). */
  get lastStatsStep(): number {
    return this.history.stats.items.at(-1)?.step ?? 0;
  }

  /** Every epoch's metrics the history keeps (the Mistakes tab's confusion matrices), oldest first. */
  get epochItems(): readonly EpochMetrics[] {
    return this.history.epochs.items;
  }

  /** The newest epoch's metrics. */
  get lastEpoch(): EpochMetrics | undefined {
    const items = this.history.epochs.items;
    return items[items.length - 1];
  }

  /** The run as it stands, with its whole (bounded) history: what the webview saves. */
  saved(): RunSnapshot | null {
    return this.run ? { ...this.run, ...this.history.state(), ...(this.run.info.surface ? { path: this.path } : {}) } : null;
  }

  load(snapshot: RunSnapshot, stale = false): void {
    // The path is held apart (this.path), appended to as progress arrives.
    const { loss, epochs, stats, path, ...rest } = snapshot;
    this.run = { ...rest, markers: snapshot.markers.slice() };
    this.stale = stale;
    // A check still running keeps its card; otherwise the snapshot's last result (if any) is shown.
    if (snapshot.gradcheck) this.gradcheck = { state: 'done', result: snapshot.gradcheck, error: null };
    else if (this.gradcheck?.state !== 'running') this.gradcheck = null;
    this.history = new HistoryMirror({ loss, epochs, stats });
    this.path = path?.slice() ?? [];
    this.rebuild();
    const p = snapshot.previous;
    this.previous = p ? { ...seriesOf(p), label: previousLabel(p) } : null;
  }

  /** Appends a progress message; false when it is not for this run or does not follow on (ask again). */
  addProgress(m: ProgressMessage): boolean {
    const run = this.run;
    const h = this.history;
    if (!run || m.runId !== run.info.runId) return false;
    const lossFrom = h.loss.items.length;
    const epochsFrom = h.epochs.items.length;
    const statsFrom = h.stats.items.length;
    // The same function the host applied the message with to its own run.
    const thinned = applyProgress(h, run, m);
    if (thinned === null) return false;
    // The newest epoch's held-out mistakes (kept with the run, so the saved state has them too).
    if (m.mistakes) run.mistakes = m.mistakes;
    if (m.path) appendPath(this.path, m.path);
    if (thinned) {
      this.rebuild();
    } else {
      const series = this.ownSeries();
      addLoss(series, h.loss.items.slice(lossFrom), (i) => 1 + h.loss.numberAt(lossFrom + i));
      addEpochs(series, h.epochs.items.slice(epochsFrom));
      addStats(series.layers, h.stats.items.slice(statsFrom));
    }
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
    const n = Math.max(run.info.layers?.length ?? 0, fromStats.length, this.history.stats.items[0]?.layers.length ?? 0);
    return Array.from({ length: n }, (_, i) => run.info.layers?.[i]?.name ?? fromStats[i] ?? `layers[${i}]`);
  }

  /** The latest smoothed training loss. */
  get lastSmoothed(): number | undefined {
    return this.smooth[this.smooth.length - 1]?.y ?? undefined;
  }

  /** The series the run's own charts draw, as one object (their arrays are shared). */
  private ownSeries(): HistorySeries {
    return {
      raw: this.raw, smooth: this.smooth, valLoss: this.valLoss, trainAcc: this.trainAcc, runningAcc: this.runningAcc, valAcc: this.valAcc,
      trainR2: this.trainR2, valR2: this.valR2, valRmse: this.valRmse, layers: this.layers,
    };
  }

  /** Derives the run's series anew from the history (a new run, or after the history thinned). */
  private rebuild(): void {
    // Every series field at once: one added to HistorySeries cannot be left stale here.
    Object.assign(this, seriesOf(this.history.state()));
    this.version++;
  }
}

function isSeries(s: unknown): boolean {
  const o = s as SeriesState<unknown> | null;
  return typeof o === 'object' && o !== null && Number.isInteger(o.count) && Number.isInteger(o.stride) && o.stride >= 1 && Array.isArray(o.items);
}

/** Whether saved state holds a run in the current history format. */
export function isRunSnapshot(r: unknown): r is RunSnapshot {
  const o = r as RunSnapshot | null;
  if (typeof o !== 'object' || o === null || typeof o.info !== 'object' || o.info === null || !Array.isArray(o.markers)) return false;
  const histories: unknown[] = o.previous ? [o, o.previous] : [o];
  return histories.every((h) => {
    const x = h as RunHistory;
    return isSeries(x.loss) && isSeries(x.epochs) && isSeries(x.stats);
  });
}
