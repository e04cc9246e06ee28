import type { OverlayRun, OverlaySet, SurfaceFrame } from '../training/protocol';
import { OVERLAY_CAPS, thinnedTo } from '../training/history';
import type { TrainingSession } from '../training/session';
import type { RunStore, StoredRun } from '../runs/store';

/** A live run (a variant of a comparison) as an overlay; a seed of a variant names its group and seed; a surface run carries its path. */
export function overlayOfSession(s: TrainingSession, label: string): OverlayRun {
  const v = s.info.variant;
  return {
    id: s.runId, label, status: s.status,
    loss: thinnedTo(s.loss.series.state(), OVERLAY_CAPS.loss), epochs: thinnedTo(s.epochs.state(), OVERLAY_CAPS.epochs),
    stats: thinnedTo(s.stats.state(), OVERLAY_CAPS.stats), markers: s.markers.slice(),
    final: s.final, error: s.error,
    ...(v?.group !== undefined ? { group: v.group, seed: v.seed } : {}),
    ...(s.spec.surface ? { path: s.path.items.slice() } : {}),
  };
}

/** A kept run as an overlay, its history read back from the store; a seed of a variant names its group and seed; a surface run carries its path. */
export async function overlayOfStored(store: RunStore, run: StoredRun, label: string): Promise<OverlayRun> {
  const h = await store.history(run.runId);
  const v = run.info?.variant;
  // A history with holes (a torn line lost a batch) draws what is there.
  return {
    id: run.runId, label, status: run.status,
    loss: thinnedTo(h.loss, OVERLAY_CAPS.loss), epochs: thinnedTo(h.epochs, OVERLAY_CAPS.epochs), stats: thinnedTo(h.stats, OVERLAY_CAPS.stats),
    markers: h.markers, final: run.final, error: run.error,
    ...(v?.group !== undefined ? { group: v.group, seed: v.seed } : {}),
    ...(run.spec.surface ? { path: h.path ?? [] } : {}),
  };
}

/** The surface a set of surface runs is drawn on: the first one's frame that is known (null: none, or not surface runs). */
export function surfaceOf(frames: ReadonlyArray<SurfaceFrame | null | undefined>): SurfaceFrame | null {
  return frames.find((f): f is SurfaceFrame => !!f) ?? null;
}

/**
 * Kept runs as overlays. When they are all seeds of one comparison over seeds, they are drawn as
 * that comparison was (mean and band per variant, mean ± std): `seeds` is the most runs any of its
 * variants has among them. Surface runs bring the surface they ran on.
 */
export async function overlaysOfStored(store: RunStore, picked: readonly StoredRun[], label: (r: StoredRun) => string): Promise<Pick<OverlaySet, 'runs' | 'seeds' | 'surface'>> {
  const runs = await Promise.all(picked.map((r) => overlayOfStored(store, r, label(r))));
  const surface = surfaceOf(picked.map((r) => r.info?.surface));
  const withSurface = surface ? { surface } : {};
  const ids = new Set(picked.map((r) => (r.info?.variant?.group !== undefined ? r.info.variant.comparison : undefined)));
  if (ids.size !== 1 || ids.has(undefined)) return { runs, ...withSurface };
  const perGroup = new Map<string, number>();
  for (const r of runs) perGroup.set(r.group!, (perGroup.get(r.group!) ?? 0) + 1);
  const seeds = Math.max(...perGroup.values());
  return seeds > 1 ? { runs, seeds, ...withSurface } : { runs, ...withSurface };
}
