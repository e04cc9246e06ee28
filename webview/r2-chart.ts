/**
 * For regression, where accuracy would be: R² of the training and held-out sets per epoch (top
 * pane, up to 1) and the held-out RMSE, in the target's units (bottom pane).
 */
import * as l10n from '@vscode/l10n';
import { LineChart, type Series } from './charts';
import { r2AxisMin } from './fit-data';
import { linearScale, logScale } from './scales';
import type { RunStore } from './store';
import { paletteColor, withAlpha } from './theme';
import { PREVIOUS_ALPHA, PREVIOUS_DASH, waiting } from './views';
import { bandSeries } from './seeds';

function overlaySeries(store: RunStore, t: Parameters<typeof paletteColor>[0]): Series[] {
  // Held-out R² where there is a held-out set, else the training R²; the held-out RMSE below it.
  if (store.seedGroups.length > 0) {
    return store.seedGroups.flatMap((g, k) => [
      ...bandSeries(g.label, g.r2, paletteColor(t, k), { dots: g.r2.mean.length <= 40 }),
      ...bandSeries(g.label, g.rmse, paletteColor(t, k), { width: 1.5, dots: g.rmse.mean.length <= 40, yAxisID: 'rmse' }),
    ]);
  }
  return store.overlays.flatMap((o, k): Series[] => {
    const few = Math.max(o.valR2.length, o.trainR2.length) <= 40;
    const color = paletteColor(t, k);
    return [
      { label: o.label, data: () => (o.valR2.length > 0 ? o.valR2 : o.trainR2), color, width: 2, dots: few, own: true },
      { label: o.label, data: () => o.valRmse, color, width: 1.5, dots: few, own: true, yAxisID: 'rmse' },
    ];
  });
}

export function r2Chart(store: RunStore): LineChart {
  const version = (): number => store.version;
  return new LineChart({
    canvas: document.getElementById('chart-r2') as HTMLCanvasElement,
    xTitle: l10n.t('epoch'), yTitle: 'R²', version,
    stamp: () => `${store.trainR2.length}/${store.valR2.length}/${store.version}`,
    empty: waiting(store, 'epoch'),
    // Stacked panes: Chart.js lays the first scale of a stack at the bottom.
    y: (t) => ({
      // RMSE falls like the loss: on a log axis its late, small values stay readable.
      rmse: logScale(t, l10n.t('val RMSE (log)'), { stack: 'fit', stackWeight: 2, position: 'left', offset: true }),
      y: linearScale(t, 'R²', {
        stack: 'fit', stackWeight: 3, position: 'left', max: 1,
        afterDataLimits: (scale: { min: number }) => {
          scale.min = r2AxisMin(scale.min);
        },
      }),
    }),
    series: (t) => {
      if (store.overlays.length > 0) return overlaySeries(store, t);
      const [blue, orange] = t.series;
      const few = (store.run?.info.epochs ?? 0) <= 40;
      // The held-out R² first: Chart.js draws the first series on top, and the two often coincide.
      const s: Series[] = [
        { label: l10n.t('val R²'), data: () => store.valR2, color: orange, width: 2, dots: few },
        { label: l10n.t('train R²'), data: () => store.trainR2, color: blue, width: 2, dots: few },
        { label: l10n.t('val RMSE'), data: () => store.valRmse, color: orange, width: 1.5, dots: few, dash: [5, 3], yAxisID: 'rmse' },
      ];
      const p = store.previous;
      if (p) {
        s.push({ label: p.label, data: () => p.trainR2, color: withAlpha(blue, PREVIOUS_ALPHA), dash: PREVIOUS_DASH, own: false });
        s.push({ label: p.label, data: () => p.valR2, color: withAlpha(orange, PREVIOUS_ALPHA), dash: PREVIOUS_DASH, own: false });
      }
      return s;
    },
  });
}
