/**
 * A run's history, kept bounded however fast it trains. The extension host keeps it, sends it
 * whole to a panel that opens, and forwards only what it kept as training goes on; the panel
 * mirrors it with the same rule, so both always hold the same points.
 *
 * The rule: of the items pushed (numbered 0, 1, 2, … as they arrive), those whose number is a
 * multiple of `stride` are kept. When `cap` are kept, every other one is dropped and the stride
 * doubles. A long run is therefore drawn from evenly spaced items, at most `cap` of them.
 */
import { MAX_PATH_POINTS } from './protocol';

/** A decimated series, as it travels in messages. */
export interface SeriesState<T> {
  /** Items pushed so far (kept or not). */
  count: number;
  /** Items number 0, stride, 2·stride, … are the ones kept. */
  stride: number;
  items: T[];
}

/**
 * What a batch of pushes kept, to mirror elsewhere. Which arrival number each kept item had
 * follows from the rule: the first multiple of the stride at or after the count so far.
 */
export interface SeriesDelta<T> {
  /** Items pushed before the batch: a mirror that has seen a different number has missed one. */
  from: number;
  /** The items that entered the series, in order. */
  items: T[];
  /** Items pushed in all, after the batch. */
  count: number;
}

export class Decimated<T> {
  count = 0;
  stride = 1;
  items: T[] = [];

  constructor(readonly cap: number, state?: SeriesState<T>) {
    if (!(cap >= 2)) throw new Error(`a decimated series needs a cap of at least 2 (got ${cap})`);
    if (state) {
      this.count = state.count;
      this.stride = state.stride;
      this.items = state.items.slice();
      while (this.items.length >= cap) this.thin();
    }
  }

  /**
   * Adds the next item; true when it entered the series (a mirror must replay exactly those, in
   * order, to thin at the same moments), even if the thinning it caused dropped it at once.
   */
  push(item: T): boolean {
    const n = this.count++;
    if (n % this.stride !== 0) return false;
    this.items.push(item);
    if (this.items.length >= this.cap) this.thin();
    return true;
  }

  /**
   * Replays what another series with the same cap kept (see SeriesDelta). Returns whether it
   * thinned, or null when the delta does not follow on from what is here (nothing is changed:
   * ask for the whole series again).
   */
  apply(delta: SeriesDelta<T>): boolean | null {
    if (delta.from !== this.count) return null;
    const stride = this.stride;
    for (const item of delta.items) {
      // Skipped pushes up to the next number the rule keeps, then that one.
      this.count = Math.ceil(this.count / this.stride) * this.stride;
      this.push(item);
    }
    this.count = Math.max(this.count, delta.count);
    return this.stride !== stride;
  }

  /**
   * What pushing `items` would keep, without pushing them: push's rule replayed on the count,
   * stride and length alone. apply() with the result then keeps exactly these, here or in a mirror.
   */
  keptOf(items: readonly T[]): SeriesDelta<T> {
    let count = this.count;
    let stride = this.stride;
    let length = this.items.length;
    const kept: T[] = [];
    for (const item of items) {
      const n = count++;
      if (n % stride !== 0) continue;
      kept.push(item);
      // thin() keeps items 0, 2, 4, …
      if (++length >= this.cap) {
        stride *= 2;
        length = Math.ceil(length / 2);
      }
    }
    return { from: this.count, items: kept, count };
  }

  /** The arrival number of the item kept at index i. */
  numberAt(i: number): number {
    return i * this.stride;
  }

  state(): SeriesState<T> {
    return { count: this.count, stride: this.stride, items: this.items.slice() };
  }

  private thin(): void {
    this.stride *= 2;
    let k = 0;
    for (let i = 0; i < this.items.length; i += 2) this.items[k++] = this.items[i];
    this.items.length = k;
  }
}

/** The same series with fewer items: every 2^k-th, so that fewer than `cap` remain. */
export function thinnedTo<T>(s: SeriesState<T>, cap: number): SeriesState<T> {
  return new Decimated(cap, s).state();
}

/**
 * Exponential moving average as TensorBoard draws it: debiased, so the first points are not
 * pulled toward zero. weight 0 is no smoothing. A non-finite value passes through and is not
 * averaged in.
 */
export class Ema {
  private last = 0;
  private n = 0;
  constructor(private readonly weight: number) {}

  push(y: number): number {
    if (!Number.isFinite(y)) return y;
    this.last = this.last * this.weight + (1 - this.weight) * y;
    this.n++;
    return this.last / (1 - Math.pow(this.weight, this.n));
  }
}

/** How strongly the loss curve is smoothed (TensorBoard's default). */
export const SMOOTHING = 0.9;
/**
 * The per-step loss keeps at most this many points: a run at ~30,000 steps/s makes millions,
 * which no panel can redraw live, and a late-opened panel would wait for all of them. A chart is
 * about a thousand pixels wide, so this is still some twenty points per pixel (~1.3 MB as JSON).
 */
export const MAX_LOSS_POINTS = 20_000;
/** Epoch metrics: a full-batch run ends an epoch every step. */
export const MAX_EPOCH_POINTS = 5_000;
/** Statistics points (per layer, six figures each). */
export const MAX_STATS_POINTS = 4_000;
/** Overlaid runs are re-sent whole while they train, so they carry fewer points. */
export const OVERLAY_CAPS = { loss: 4_000, epochs: 2_000, stats: 2_000 } as const;

/** One kept step of the loss: the batch's loss and the smoothed curve there (over every step). */
export type LossPoint = [loss: number, smoothed: number];

/** The training loss of every step, kept bounded, with a smoothed curve that averages every step. */
export class LossHistory {
  readonly series: Decimated<LossPoint>;
  private readonly ema = new Ema(SMOOTHING);

  constructor(cap = MAX_LOSS_POINTS) {
    this.series = new Decimated<LossPoint>(cap);
  }

  /** Steps seen. */
  get steps(): number {
    return this.series.count;
  }

  /** The kept losses: every step's while the stride is 1. */
  values(): number[] {
    return this.series.items.map((p) => p[0]);
  }

  /**
   * What a batch of losses adds to the series, each with the smoothed curve there (the smoothing
   * takes in every loss): a delta to apply to this series and to its mirrors. Call it once per
   * batch, in order, and apply the result before the next.
   */
  keep(losses: readonly number[]): SeriesDelta<LossPoint> {
    return this.series.keptOf(losses.map((l): LossPoint => [l, this.ema.push(l)]));
  }

  /** Keeps a batch and returns what entered the series, for mirroring. */
  pushAll(losses: readonly number[]): SeriesDelta<LossPoint> {
    const delta = this.keep(losses);
    this.series.apply(delta);
    return delta;
  }
}

/** Pushes a batch into a series and returns what entered it, for mirroring. */
export function pushAll<T>(series: Decimated<T>, items: readonly T[]): SeriesDelta<T> {
  const delta = series.keptOf(items);
  series.apply(delta);
  return delta;
}

/**
 * A surface run's path keeps every point of a run of up to MAX_PATH_POINTS steps (its MAX_PATH_POINTS + 1
 * points, the start included) and is thinned evenly past that: the Decimated rule with this cap.
 */
export const PATH_CAP = MAX_PATH_POINTS + 2;

/**
 * Mirrors a Decimated series from the items it kept alone (a snapshot's path, then each progress
 * message's): appends them and, whenever `cap` are held, keeps items 0, 2, 4, … — the moments and
 * the rule of Decimated, which thins on the number of items kept, not on their numbers. Returns
 * whether it thinned.
 */
export function appendKept<T>(items: T[], kept: readonly T[], cap: number): boolean {
  let thinned = false;
  for (const item of kept) {
    items.push(item);
    if (items.length >= cap) {
      let k = 0;
      for (let i = 0; i < items.length; i += 2) items[k++] = items[i];
      items.length = k;
      thinned = true;
    }
  }
  return thinned;
}
