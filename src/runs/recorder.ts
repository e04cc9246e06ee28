import { toStatsPoint } from '../training/protocol';
import type { RunManager, RunsEvent } from '../training/runs';
import type { HistoryLine, RunStore } from './store';

/**
 * Keeps every run of a RunManager in a RunStore as it happens: the record when it is created, the
 * history as progress arrives, status, final metrics and weights when it ends. A failure to write
 * is logged and never stops training.
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
        this.store.update(e.session.runId, { info: { ...e.session.info } });
        break;
      case 'progress': {
        const lines: HistoryLine[] = [];
        if (e.losses.length > 0) lines.push({ t: 'losses', first: e.firstStep, v: e.losses });
        for (const v of e.epochs) lines.push({ t: 'epoch', v });
        for (const s of e.stats) lines.push({ t: 'stats', v: toStatsPoint(s) });
        for (const v of e.markers) lines.push({ t: 'marker', v });
        this.store.append(e.session.runId, lines);
        break;
      }
      case 'status': {
        const s = e.session;
        if (s.running) break;
        this.live.delete(s.runId);
        this.store.flush();
        this.store.update(s.runId, { status: s.status, final: s.final, error: s.error, info: { ...s.info } });
        if (s.finalWeights) {
          this.store.saveWeights(s.runId, s.finalWeights);
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
   * interrupted, with their history up to now.
   */
  dispose(): void {
    this.subscription.dispose();
    this.store.flush();
    for (const runId of this.live) {
      this.store.update(runId, { status: 'interrupted', error: 'Training was interrupted: VS Code closed or reloaded while it ran.' });
    }
    this.live.clear();
  }
}
