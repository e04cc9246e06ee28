/**
 * The cores, divided between the runs that train at once (two files, Compare's variants, Tune's
 * trials) rather than oversubscribed: `total` threads (the trainlens.threads setting, by default
 * the number of cores) shared as evenly as whole threads allow, the earlier runs taking the
 * remainder, every run at least one. A run that cannot use more than some number of threads (a
 * model too small to spread) is capped there and the others share what it leaves. A run's share
 * changes as runs start and end; the kernels give the same results on any number of threads, so
 * only the speed changes.
 */

/** A run that takes a share: told its new share when the division changes. */
export interface ThreadClient {
  setThreads(count: number): void;
}

export class ThreadBudget {
  private readonly clients: ThreadClient[] = [];
  private readonly caps = new Map<ThreadClient, number>();
  private shares: number[] = [];

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
    this.caps.delete(client);
    this.rebalance(undefined);
  }

  /** A run uses at most `cap` threads from now on: the others share the rest. */
  cap(client: ThreadClient, cap: number): void {
    if (!this.clients.includes(client) || this.caps.get(client) === cap) return;
    this.caps.set(client, Math.max(1, Math.floor(cap)));
    this.rebalance(undefined);
  }

  /** The share of the i-th run of those training now. */
  shareOf(i: number): number {
    return this.shares[i] ?? this.total;
  }

  /**
   * Divides the threads: capped runs take their cap while it is below an even share, the rest
   * divide what is left evenly, earlier runs taking the remainder; every run at least one.
   */
  private divide(): number[] {
    const n = this.clients.length;
    const share = new Array<number>(n).fill(0);
    let open = this.clients.map((_, i) => i);
    let left = this.total;
    for (let changed = true; changed && open.length > 0;) {
      changed = false;
      const even = Math.floor(left / open.length);
      for (const i of open) {
        const cap = this.caps.get(this.clients[i]);
        if (cap !== undefined && cap <= even) {
          share[i] = cap;
          left -= cap;
          changed = true;
        }
      }
      open = open.filter((i) => share[i] === 0);
    }
    open.forEach((i, j) => (share[i] = Math.floor(left / open.length) + (j < left % open.length ? 1 : 0)));
    return share.map((s) => Math.max(1, s));
  }

  private rebalance(except: ThreadClient | undefined): void {
    const before = new Map(this.clients.map((c, i) => [c, this.shares[i]] as const));
    this.shares = this.divide();
    this.clients.forEach((c, i) => {
      if (c !== except && before.get(c) !== this.shares[i]) c.setThreads(this.shares[i]);
    });
  }
}
