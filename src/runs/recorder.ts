import type { RunManager, RunsEvent } from '../training/runs';
import { interruptedMessage, type HistoryLine, type RunStore } from './store';

/**
 * Keeps every run of a RunManager in a RunStore as it happens: the record when it is created, the
 * history as progress arrives, status, final metrics and weights when it ends. The writes are
 * queued in the store, in order; a failure to write is logged and never stops training.
 */
export class RunRecorder {
  private readonly subscription: { dispose(): void };
  /** Runs being recorded that have not ended. */
  private readonly live = new Set<string>();

  constructor(manager: RunManager, private readonly store: RunStore, private readonly onChange: () => void = () => {}) {
    this.subscription = manager.onEvent((e) => {
      try {
        this.record(e);
      } catch (err) {
        console.error('TrainLens: could not keep a run', err);
      }
    });
  }

  private record(e: RunsEvent): void {
    switch (e.type) {
      case 'created': {
        const s = e.session;
        this.store.create({
          runId: s.runId, source: s.info.source, title: s.info.title, created: Date.now(),
          seed: s.spec.train.seed, spec: s.spec, info: null,
        });
        this.live.add(s.runId);
        this.onChange();
        break;
      }
      case 'started':
        void this.store.update(e.session.runId, { info: { ...e.session.info } });
        break;
      case 'progress': {
        // What the session's bounded history kept; when it thinned, the file is rewritten whole.
        const s = e.session;
        if (e.thinned) {
          void this.store.replaceHistory(s.runId, {
            t: 'state', loss: s.loss.series.state(), epochs: s.epochs.state(), stats: s.stats.state(), markers: s.markers.slice(),
            ...(s.spec.surface ? { path: s.path.state() } : {}),
          });
        } else {
          const { loss, epochs, stats, markers } = e.progress;
          const lines: HistoryLine[] = [{ t: 'delta', loss, epochs, stats, ...(e.path ? { path: e.path } : {}) }];
          for (const v of markers) lines.push({ t: 'marker', v });
          this.store.append(s.runId, lines);
        }
        break;
      }
      case 'status': {
        const s = e.session;
        if (s.running) break;
        this.live.delete(s.runId);
        this.store.flush();
        void this.store.update(s.runId, { status: s.status, final: s.final, error: s.error, info: { ...s.info } });
        if (s.finalWeights) {
          void this.store.saveWeights(s.runId, s.finalWeights);
        }
        this.onChange();
        break;
      }
      case 'gradcheck':
        break;
    }
  }

  /**
   * Stops recording. Runs still training (VS Code is closing or reloading) are kept as
   * interrupted, with their history up to now (written once the store is flushed()).
   */
  dispose(): void {
    this.subscription.dispose();
    this.store.flush();
    for (const runId of this.live) {
      void this.store.update(runId, { status: 'interrupted', error: interruptedMessage() });
    }
    this.live.clear();
  }
}
