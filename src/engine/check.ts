import { Rng } from './rng';
import { Trainer } from './trainer';
import { relativeErrorOfNorms, verdict, type Verdict } from './gradcheck';
import type { ModelSpec } from '../model/spec';
import type { Network } from './network';
import type { Dataset } from './data/dataset';

export interface ParamCheck {
  name: string;
  /** ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over the checked entries away from kinks. */
  relError: number;
  verdict: Verdict;
  /** Entries compared (all of a small parameter, a seeded sample of a large one). */
  checked: number;
  size: number;
  /** Entries skipped because every step size tried crossed a kink (ReLU at 0, a max switching). */
  kinks: number;
}

export interface ModelCheck {
  maxRelError: number;
  params: ParamCheck[];
  batch: number;
}

export interface CheckOptions {
  /** Training samples in the batch the loss is taken over. */
  batch?: number;
  /** Entries sampled per parameter. */
  entries?: number;
  /** Centered-difference step; divided by 10, up to twice, when a step crosses a kink. */
  h?: number;
  /** The data, when it comes from files (loaded by the caller). */
  data?: Dataset;
  /** The data is the check's to reorder in place (the caller lets it go): no copy is made. */
  ownData?: boolean;
}

/** A hash of every piecewise choice the network and its loss made in the last forward pass. */
function decisions(net: Network, n: number): number {
  let h = 0;
  for (const l of net.layers) if (l.decisionChecksum) h = (Math.imul(h, 1_000_003) + l.decisionChecksum(n)) | 0;
  return h;
}

/**
 * Gradient check of a whole model in float64: the loss (data + regularization, in training mode
 * with dropout masks held fixed) over a small batch, every parameter's backward gradient against
 * centered differences (f(θ + h) − f(θ − h)) / 2h. Entries whose ± steps change a piecewise
 * decision are retried with smaller steps, then skipped as kinks, so the figure is taken at smooth
 * points.
 */
export function gradcheckModel(spec: ModelSpec, o: CheckOptions = {}): ModelCheck {
  const trainer = new Trainer(spec, 'float64', o.data, { ownData: o.ownData });
  const net = trainer.network;
  const data = trainer.trainSet;
  const n = Math.min(o.batch ?? 8, data.n);
  const f = data.features;
  const x = new Float64Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = data.x[i];
  const y = data.y.subarray(0, n);
  const reg = trainer.reg;
  const lossAt = (): number => net.loss(x, y, 0, n, reg, false, true).loss;

  net.loss(x, y, 0, n, reg, true, true);
  net.setFrozen(true);
  net.loss(x, y, 0, n, reg, true, true);
  const base = decisions(net, n);
  const analytic = net.params.map((p) => Float64Array.from(p.grad));
  const rng = new Rng(0x9e3779b9);
  const entries = o.entries ?? 64;
  const h0 = o.h ?? 1e-5;

  const params = net.params.map((p, pi): ParamCheck => {
    const size = p.value.length;
    const picks = size <= entries ? Array.from({ length: size }, (_, i) => i) : sample(size, entries, rng);
    const a: number[] = [];
    const num: number[] = [];
    let kinks = 0;
    for (const i of picks) {
      const old = p.value[i];
      let g: number | undefined;
      for (let h = h0; h >= h0 / 100 && g === undefined; h /= 10) {
        p.value[i] = old + h;
        const plus = lossAt();
        const plusOk = decisions(net, n) === base;
        p.value[i] = old - h;
        const minus = lossAt();
        const minusOk = decisions(net, n) === base;
        if (plusOk && minusOk) g = (plus - minus) / (2 * h);
      }
      p.value[i] = old;
      if (g === undefined) {
        kinks++;
        continue;
      }
      a.push(analytic[pi][i]);
      num.push(g);
    }
    const relError = relativeErrorOfNorms(a, num);
    return { name: p.name, relError, verdict: verdict(relError), checked: a.length, size, kinks };
  });
  net.setFrozen(false);
  return { maxRelError: params.reduce((m, p) => Math.max(m, p.relError), 0), params, batch: n };
}

/** k distinct indices below size, seeded. */
function sample(size: number, k: number, rng: Rng): number[] {
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(rng.int(size));
  return [...chosen].sort((a, b) => a - b);
}
