/**
 * A network's weights as one flat vector θ, in a given order (a trajectory's: networkArrays's
 * names and shapes), read from and written into the network's own arrays in place. Binding the
 * arrays once means a snapshot, a loss evaluation at a point of a line or plane, and restoring the
 * trained weights each cost one copy of θ and no allocation.
 */
import type { Network } from '../network';
import { BatchNormLayer } from '../layers/batchnorm';
import type { FloatArray } from '../tensor';

/** An array of θ, by name and shape, e.g. { name: 'layers[0].W', shape: [2, 100] }. */
export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * The units a filter-normalized direction is rescaled by (Li et al., 2018): `count` filters of
 * `size` values each, filter f's value k at offset + f·filterStride + k·valueStride of θ.
 */
export interface FilterGroup {
  offset: number;
  count: number;
  size: number;
  filterStride: number;
  valueStride: number;
}

interface Bound {
  entry: WeightEntry;
  target: FloatArray;
  offset: number;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class WeightVector {
  /** Values in θ. */
  readonly length: number;
  private readonly bound: Bound[] = [];

  /** Throws when an entry names no array of the network or its size differs, or an array of the network is not named. */
  constructor(network: Network, entries: readonly WeightEntry[]) {
    const arrays = new Map<string, FloatArray>(network.params.map((p) => [p.name, p.value]));
    for (const l of network.layers) {
      if (!(l instanceof BatchNormLayer)) continue;
      arrays.set(`layers[${l.sourceIndex}].running_mean`, l.runningMean);
      arrays.set(`layers[${l.sourceIndex}].running_var`, l.runningVar);
    }
    let offset = 0;
    for (const entry of entries) {
      const target = arrays.get(entry.name);
      const n = sizeOf(entry.shape);
      if (!target) throw new Error(`${entry.name}: the network has no array by that name`);
      if (target.length !== n) throw new Error(`${entry.name}: ${n} values given, the network has ${target.length}`);
      this.bound.push({ entry, target, offset });
      arrays.delete(entry.name);
      offset += n;
    }
    if (arrays.size > 0) throw new Error(`not in the weights: ${[...arrays.keys()].join(', ')}`);
    this.length = offset;
  }

  /** The arrays, in θ's order. */
  get entries(): WeightEntry[] {
    return this.bound.map((b) => b.entry);
  }

  /** Copies the network's current weights into `into` (length this.length). */
  read(into: Float32Array): void {
    for (const b of this.bound) into.set(b.target, b.offset);
  }

  /** Loads θ into the network. */
  write(from: Float32Array): void {
    this.checkLength(from.length);
    for (const b of this.bound) b.target.set(from.subarray(b.offset, b.offset + b.target.length));
  }

  /** θ from named arrays (a run's weights, as networkArrays names them); throws naming an array that is missing or of another size. */
  gather(arrays: ReadonlyArray<{ name: string; values: ArrayLike<number> }>): Float32Array {
    const given = new Map(arrays.map((a) => [a.name, a.values]));
    const theta = new Float32Array(this.length);
    for (const { entry, target, offset } of this.bound) {
      const v = given.get(entry.name);
      if (!v) throw new Error(`${entry.name}: not given`);
      if (v.length !== target.length) throw new Error(`${entry.name}: ${v.length} values given, the network has ${target.length}`);
      theta.set(v, offset);
    }
    return theta;
  }

  checkLength(n: number): void {
    if (n !== this.length) throw new Error(`a weight vector of ${n} values, the network has ${this.length}`);
  }

  /**
   * The filters of θ's weight matrices: a dense or maxout layer's W (in, units) has one filter per
   * output column (a unit's incoming weights), a conv layer's W (F, C, K, K) one per filter (its
   * C·K·K values). Biases and batchnorm's γ, β and running statistics are in no filter.
   */
  filters(): FilterGroup[] {
    const out: FilterGroup[] = [];
    for (const { entry, offset } of this.bound) {
      if (!entry.name.endsWith('.W')) continue;
      const s = entry.shape;
      if (s.length === 2) out.push({ offset, count: s[1], size: s[0], filterStride: 1, valueStride: s[1] });
      else out.push({ offset, count: s[0], size: sizeOf(s.slice(1)), filterStride: sizeOf(s.slice(1)), valueStride: 1 });
    }
    return out;
  }
}
