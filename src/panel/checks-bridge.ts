import * as vscode from 'vscode';
import type { CheckRuns } from '../training/check-runs';
import type { ChartsPanels } from './panels';

/**
 * Sends each model file's sanity checks and range test to its panel: every new state as it comes
 * (the panel then shows its checks tab), and the latest ones again when the panel (re)loads.
 */
export class ChecksBridge implements vscode.Disposable {
  /** Panels opened to show checks: they show the checks tab once loaded. */
  private readonly revealOnReady = new Set<string>();
  private readonly subscriptions: Array<{ dispose(): void }>;

  constructor(private readonly charts: ChartsPanels, private readonly checks: CheckRuns) {
    this.subscriptions = [
      checks.onEvent((e) => {
        if (e.type === 'sanity') charts.post(e.source, { type: 'sanity', reveal: true, ...e.state });
        else if (e.type === 'lrFind') charts.post(e.source, { type: 'lrFind', reveal: true, ...e.state });
      }),
      charts.onReady((source) => this.send(source, this.revealOnReady.delete(source))),
    ];
  }

  /** Opens (or reveals) a model file's panel on its checks tab. */
  show(source: string): void {
    if (!this.charts.has(source)) this.revealOnReady.add(source);
    this.charts.show(source);
    this.send(source, true);
  }

  private send(source: string, reveal: boolean): void {
    const sanity = this.checks.sanityState(source);
    const lr = this.checks.lrFindState(source);
    if (sanity) this.charts.post(source, { type: 'sanity', reveal, ...sanity });
    if (lr) this.charts.post(source, { type: 'lrFind', reveal, ...lr });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
