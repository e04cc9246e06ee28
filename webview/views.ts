/** The step- and epoch-based charts of the panel, defined over the run store. */
import type { Point } from 'chart.js';
import type { Marker } from '../src/training/protocol';
import { LineChart, type Series } from './charts';
import { linearScale, logScale, tickFont } from './scales';
import { shortLayerName } from './format';
import type { LayerSeries } from './series';
import type { RunStore } from './store';
import { SMOOTHING } from '../src/training/history';
import * as l10n from '@vscode/l10n';
import { paletteColor, withAlpha, type ChartTheme } from './theme';
import { bandSeries } from './seeds';

export const PREVIOUS_ALPHA = 0.45;
export const PREVIOUS_DASH = [6, 4];
const none: Point[] = [];

function $canvas(id: string): HTMLCanvasElement {
  return document.getElementById(id) as HTMLCanvasElement;
}

/** The x range every step-based chart shares, so markers and curves line up down the panel. */
function stepRange(store: RunStore): { min: number; max: number } {
  if (store.overlays.length > 0) return { min: 0, max: Math.max(1, ...store.overlays.map((o) => o.lastStep)) };
  const run = store.run;
  return { min: 0, max: Math.max(1, run?.step ?? 0, store.lastStatsStep, store.steps) };
}

/** Layers of an overlay are told apart by their dash; the overlay by its colour. */
const LAYER_DASHES: Array<number[] | undefined> = [undefined, [6, 3], [2, 3], [8, 3, 2, 3], [12, 4]];

/**
 * With overlays, a layer figure is drawn per overlay and per layer: the overlay's colour, the
 * layer's dash, one legend entry per overlay (clicking it hides all its lines).
 */
function perOverlay(store: RunStore, theme: ChartTheme, pick: (l: LayerSeries) => Point[][], o: Partial<Series> = {}): Series[] {
  const layers = store.overlayLayers();
  // Over seeds, every seed's run in its variant's colour under the variant's name: statistics are
  // taken at steps that differ from run to run (time allowing), so no mean is taken here.
  return store.overlays.flatMap((ov) => Array.from({ length: layers }, (_, i): Series => ({
    label: ov.group ?? ov.label, data: () => pick(ov.layers)[i] ?? none, color: paletteColor(theme, ov.colorIndex),
    width: ov.group !== undefined ? 1 : 1.5, dash: LAYER_DASHES[i % LAYER_DASHES.length], own: true, yAxisID: o.yAxisID,
  })));
}

/** What an empty chart says: no run yet, or what it waits for. */
export function waiting(store: RunStore, what: 'statistics' | 'steps' | 'epoch' = 'statistics'): () => string | null {
  return () => {
    if (store.overlays.length > 0) return what === 'epoch' ? l10n.t('waiting for the first epoch…') : l10n.t('waiting for the first steps…');
    if (!store.run) return l10n.t('no run yet');
    if (what === 'steps') return l10n.t('waiting for the first steps…');
    if (what === 'epoch') return l10n.t('waiting for the first epoch…');
    return l10n.t('waiting for statistics…');
  };
}

/** One series per layer of a figure: the layer's colour, its short name. */
function perLayer(store: RunStore, theme: ChartTheme, pick: (l: LayerSeries) => Point[][], o: Partial<Series> & { previous?: boolean } = {}): Series[] {
  if (store.overlays.length > 0) return o.previous ? [] : perOverlay(store, theme, pick, o);
  const names = store.layerNames();
  const prev = store.previous;
  return names.map((name, i) => ({
    label: o.previous && prev ? prev.label : shortLayerName(name),
    data: () => pick(o.previous ? prev?.layers ?? store.layers : store.layers)[i] ?? none,
    color: o.previous ? withAlpha(paletteColor(theme, i), PREVIOUS_ALPHA) : paletteColor(theme, i),
    width: 1.5,
    dash: o.previous ? PREVIOUS_DASH : undefined,
    own: !o.previous,
    yAxisID: o.yAxisID,
  }));
}

export interface Views {
  loss: LineChart;
  accuracy: LineChart;
  gradFlow: LineChart;
  actStd: LineChart;
  actHealth: LineChart;
  updates: LineChart;
}

/** What the step-axis charts share: the store's version, the run's markers and the step range. */
interface StepAxis {
  version: () => number;
  markers: () => readonly Marker[];
  xRange: () => { min: number; max: number };
  marks: () => number;
}

export function createViews(store: RunStore): Views {
  const axis: StepAxis = {
    version: () => store.version,
    markers: () => (store.overlays.length > 0 ? [] : store.run?.markers ?? []),
    xRange: () => stepRange(store),
    marks: () => store.run?.markers.length ?? 0,
  };
  return { loss: lossChart(store, axis), accuracy: accuracyChart(store), ...layerCharts(store, axis) };
}

function lossChart(store: RunStore, { version, markers, xRange, marks }: StepAxis): LineChart {
  return new LineChart({
    // A surface run's loss is f at each step's point.
    canvas: $canvas('loss-chart'), xTitle: l10n.t('step'), yTitle: l10n.t('loss'), version, markers, xRange,
    y: (t) => ({ y: linearScale(t, store.run?.info.surface ? 'f(x, y)' : l10n.t('loss')) }),
    stamp: () => `${store.raw.length}/${store.valLoss.length}/${marks()}/${store.run?.step ?? 0}/${store.version}`,
    empty: waiting(store, 'steps'),
    series: (t) => {
      if (store.seedGroups.length > 0) return store.seedGroups.flatMap((g, k) => bandSeries(g.label, g.loss, paletteColor(t, k)));
      if (store.overlays.length > 0) {
        return store.overlays.map((o, k): Series => ({ label: o.label, data: () => o.smooth, color: paletteColor(t, k), width: 2, own: true }));
      }
      const [blue, orange] = t.series;
      if (store.run?.info.surface) return [{ label: 'f(x, y)', data: () => store.raw, color: blue, width: 2 }];
      const s: Series[] = [
        { label: l10n.t('train (smoothed {0})', SMOOTHING), data: () => store.smooth, color: blue, width: 2, own: false },
        { label: l10n.t('validation (per epoch)'), data: () => store.valLoss, color: orange, width: 2, dots: (store.run?.info.epochs ?? 0) <= 40, own: false },
        { label: l10n.t('train (per step)'), data: () => store.raw, color: withAlpha(blue, t.highContrast ? 0.6 : 0.3), width: 1 },
      ];
      const p = store.previous;
      if (p) s.push({ label: p.label, data: () => p.smooth, color: withAlpha(blue, PREVIOUS_ALPHA), dash: PREVIOUS_DASH, own: false });
      return s;
    },
  });
}

function accuracyChart(store: RunStore): LineChart {
  const version = (): number => store.version;
  return new LineChart({
    canvas: $canvas('chart-accuracy'), xTitle: l10n.t('epoch'), yTitle: l10n.t('accuracy'), version, stamp: () => `${store.trainAcc.length}/${store.version}`,
    empty: waiting(store, 'epoch'),
    y: (t) => ({ y: linearScale(t, l10n.t('accuracy'), { min: 0, max: 1, ticks: { color: t.muted, font: tickFont(t), callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } }) }),
    series: (t) => {
      if (store.seedGroups.length > 0) {
        return store.seedGroups.flatMap((g, k) => bandSeries(g.label, g.acc, paletteColor(t, k), { dots: g.acc.mean.length <= 40 }));
      }
      if (store.overlays.length > 0) {
        // Validation accuracy where there is a held-out set, else training accuracy.
        return store.overlays.map((o, k): Series => ({
          label: o.label, data: () => (o.valAcc.length > 0 ? o.valAcc : o.trainAcc), color: paletteColor(t, k), width: 2,
          dots: Math.max(o.valAcc.length, o.trainAcc.length) <= 40, own: true,
        }));
      }
      const [blue, orange] = t.series;
      const few = (store.run?.info.epochs ?? 0) <= 40;
      const s: Series[] = [
        { label: l10n.t('train (eval mode, ≤1,000 samples)'), data: () => store.trainAcc, color: blue, width: 2, dots: few },
        { label: l10n.t('validation'), data: () => store.valAcc, color: orange, width: 2, dots: few, own: false },
        // The in-training figure, faint and dashed: dropout on and the weights moving within the epoch.
        { label: l10n.t('train, running (training mode)'), data: () => store.runningAcc, color: withAlpha(blue, t.highContrast ? 0.6 : 0.45), width: 1, dash: [4, 3], own: false },
      ];
      const p = store.previous;
      if (p) {
        s.push({ label: p.label, data: () => p.trainAcc, color: withAlpha(blue, PREVIOUS_ALPHA), dash: PREVIOUS_DASH, own: false });
        s.push({ label: p.label, data: () => p.valAcc, color: withAlpha(orange, PREVIOUS_ALPHA), dash: PREVIOUS_DASH, own: false });
      }
      return s;
    },
  });
}

/** The per-layer charts over steps; they change only when statistics (or markers) arrive. */
function layerCharts(store: RunStore, { version, markers, xRange, marks }: StepAxis): Pick<Views, 'gradFlow' | 'actStd' | 'actHealth' | 'updates'> {
  const statsStamp = (): string => `${store.statsCount}/${marks()}/${store.version}`;
  const gradFlow = new LineChart({
    canvas: $canvas('chart-grad-flow'), stamp: statsStamp, xTitle: l10n.t('step'), yTitle: '‖∂L/∂W‖', y: 'log', version, markers, xRange,
    empty: waiting(store), series: (t) => perLayer(store, t, (l) => l.gradNorm),
  });

  const actStd = new LineChart({
    // Its legend stays on top: two stacked axes on the left leave a right legend too little room.
    canvas: $canvas('chart-act-std'), stamp: statsStamp, xTitle: l10n.t('step'), yTitle: 'σ', version, markers, xRange, tooltip: 'nearest',
    empty: waiting(store),
    // Stacked panes: Chart.js lays the first scale of a stack at the bottom.
    y: (t) => ({
      mean: linearScale(t, l10n.t('mean μ'), { stack: 'act', stackWeight: 1, position: 'left', offset: true }),
      y: logScale(t, l10n.t('std σ (log)'), { stack: 'act', stackWeight: 2, position: 'left' }),
    }),
    series: (t) => {
      const s = [
        ...perLayer(store, t, (l) => l.std, { width: 1.5 }),
        ...perLayer(store, t, (l) => l.mean, { yAxisID: 'mean' }),
      ];
      if (store.previous) {
        s.push(...perLayer(store, t, (l) => l.std, { previous: true }), ...perLayer(store, t, (l) => l.mean, { previous: true, yAxisID: 'mean' }));
      }
      return s;
    },
  });

  const actHealth = new LineChart({
    canvas: $canvas('chart-act-health'), stamp: statsStamp, xTitle: l10n.t('step'), yTitle: l10n.t('dead ReLU / saturated units'), y: 'percent', version, markers, xRange,
    empty: () => {
      if (!store.run || store.statsCount === 0) return waiting(store)();
      return l10n.t('no ReLU, tanh or sigmoid layer');
    },
    series: (t) => [
      // A layer has one or the other (its activation is in its name): one legend entry per layer.
      ...perLayer(store, t, (l) => l.dead),
      ...perLayer(store, t, (l) => l.saturated),
    ],
  });

  const updates = new LineChart({
    canvas: $canvas('chart-updates'), stamp: statsStamp, xTitle: l10n.t('step'), yTitle: '‖ΔW‖ / ‖W‖', y: 'log', version, markers, xRange,
    band: true, suggested: { min: 1e-4, max: 1e-2 },
    empty: waiting(store), series: (t) => perLayer(store, t, (l) => l.updateRatio),
  });

  return { gradFlow, actStd, actHealth, updates };
}
