import type { OverlayRun } from '../training/protocol';
import type { TrainingSession } from '../training/session';
import type { RunStore, StoredRun } from '../runs/store';

/** A live run (a variant of a comparison) as an overlay. */
export function overlayOfSession(s: TrainingSession, label: string): OverlayRun {
  return {
    id: s.runId, label, status: s.status,
    losses: s.losses.slice(), epochs: s.epochs.slice(), stats: s.stats.slice(), markers: s.markers.slice(),
    final: s.final, error: s.error,
  };
}

/** A kept run as an overlay, its history read back from the store. */
export function overlayOfStored(store: RunStore, run: StoredRun, label: string): OverlayRun {
  const h = store.history(run.runId);
  // A history with holes (a torn line lost a batch) draws what is there.
  const losses = Array.from(h.losses, (v) => (v === undefined ? NaN : v));
  return { id: run.runId, label, status: run.status, losses, epochs: h.epochs, stats: h.stats, markers: h.markers, final: run.final, error: run.error };
}
