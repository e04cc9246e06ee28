/** Which paths the surface card draws: the run's own, or the overlaid runs' (a comparison, kept runs) in their loss-chart colours. */
import * as l10n from '@vscode/l10n';
import type { SurfaceFrame, SurfacePoint } from '../../src/engine/surface/types';
import type { RunStore } from '../store';
import { paletteColor, type ChartTheme } from '../theme';

export interface PathSource {
  label: string;
  color: string;
  points: readonly SurfacePoint[];
  running: boolean;
}

/** The surface on show (null: not a surface run): the overlaid runs' when there are some, else the run's. */
export function surfaceFrame(store: RunStore): SurfaceFrame | null {
  if (store.overlays.length > 0) return store.overlaySurface ?? null;
  return store.run?.info.surface ?? null;
}

/** The optimizer in use: after a swap, the marker's "from → to". */
export function ruleOf(store: RunStore): string {
  const run = store.run;
  if (!run) return '';
  const swaps = run.markers.filter((m) => m.kind === 'optimizer');
  const last = swaps[swaps.length - 1];
  return last ? last.label.split('→').pop()!.trim() : run.info.optimizer;
}

/** The paths to draw: with overlays, each overlaid run's (as the loss chart colours it); else the run's own, in the loss chart's colour. */
export function pathSources(store: RunStore, t: ChartTheme): PathSource[] {
  if (store.overlays.length > 0) {
    return store.overlays.map((o) => ({
      label: o.seed !== undefined ? l10n.t('{0} (seed {1})', o.group ?? o.label, o.seed) : o.label,
      color: paletteColor(t, o.colorIndex), points: o.path ?? [], running: o.status === 'running',
    }));
  }
  const run = store.run;
  if (!run) return [];
  return [{ label: ruleOf(store), color: t.series[0], points: store.path, running: run.status === 'running' && !store.stale }];
}
