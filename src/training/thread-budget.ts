/**
 * The cores, divided between the runs that train at once (two files, Compare's variants, Tune's
 * trials) rather than oversubscribed: `total` threads (the trainlens.threads setting, by default
 * the number of cores) shared as evenly as whole threads allow, the earlier runs taking the
 * remainder, every run at least one. A run's share changes as runs start and end; the kernels give
 * the same results on any number of threads, so only the speed changes.
 */

/** A run that takes a share: told its new share when the division changes. */
export interface ThreadClient {
  setThreads(count: number): void;
}

export class ThreadBudget {
  private readonly clients: ThreadClient[] = [];

  constructor(private total: number) {
    this.total = Math.max(1, Math.floor(total));
  }

  /** Threads to divide. */
  get threads(): number {
    return this.total;
  }

  /** Changes the threads to divide (the setting changed) and tells every run its new share. */
  setTotal(total: number): void {
    this.total = Math.max(1, Math.floor(total));
    this.rebalance(undefined);
  }

  /** Adds a run; returns its share and tells the others theirs. */
  join(client: ThreadClient): number {
    if (!this.clients.includes(client)) this.clients.push(client);
    this.rebalance(client);
    return this.shareOf(this.clients.indexOf(client));
  }

  /** Removes a run (it ended) and gives its threads to the others. */
  leave(client: ThreadClient): void {
    const i = this.clients.indexOf(client);
    if (i < 0) return;
    this.clients.splice(i, 1);
    this.rebalance(undefined);
  }

  /** The share of the i-th run of those training now. */
  shareOf(i: number): number {
    const k = this.clients.length;
    if (k === 0) return this.total;
    return Math.max(1, Math.floor(this.total / k) + (i < this.total % k ? 1 : 0));
  }

  private rebalance(except: ThreadClient | undefined): void {
    this.clients.forEach((c, i) => {
      if (c !== except) c.setThreads(this.shareOf(i));
    });
  }
}
