import { Trainer } from '../engine/trainer';
import type { Dataset } from '../engine/data/dataset';
import { kernels } from '../engine/wasm/kernels';
import type { ModelSpec } from '../model/spec';

/** The kernel build a process trains with; float32 results are bit-identical within one build only (they round differently). */
export type KernelBuild = 'relaxed-simd' | 'simd' | 'typescript';

/** The build this process loaded: relaxed SIMD (fused multiply-add) or baseline SIMD WebAssembly, or the TypeScript fallback. */
export function kernelBuild(): KernelBuild {
  const k = kernels();
  return !k ? 'typescript' : k.variant === 'relaxed' ? 'relaxed-simd' : 'simd';
}

export interface BenchResult {
  type: 'bench';
  /** The kernels that ran. */
  kernels: KernelBuild;
  batch: number;
  parameters: number;
  /** Training FLOPs per sample: forward, backward to the weights and to each layer's input but the first. */
  flopsPerSample: number;
  /** Samples per second of each round. */
  rounds: number[];
  /** The median round. */
  samplesPerSec: number;
  stepsPerSec: number;
  msPerStep: number;
  gflops: number;
  /** Set when a step went non-finite: the rounds cover the steps before it. */
  divergedAtStep?: number;
}

/** Training FLOPs per sample of a trainer's network (as the benchmarks count them). */
export function trainingFlops(t: Trainer): number {
  let macs = 0;
  let first = true;
  for (const l of t.network.layers) {
    if (l.params.length === 0) continue;
    // Forward, the weight gradient, and the input gradient (which the first layer skips).
    macs += l.macsPerSample * (first ? 2 : 3);
    first = false;
  }
  return 2 * macs;
}

/**
 * Times training steps of a model as the worker runs them (its data, batch size and update rule;
 * no statistics): a warm-up, then `rounds` timed rounds of `seconds / rounds` each. Epochs never
 * run out (the count is raised), so a short model is timed as long as a long one.
 */
export function benchModel(spec: ModelSpec, data: Dataset, seconds = 5, rounds = 5, now = (): number => performance.now()): BenchResult {
  const t = new Trainer({ ...spec, train: { ...spec.train, epochs: 1_000_000 } }, 'float32', data, { ownData: true });
  let diverged: number | undefined;
  const steps = (ms: number): { samples: number; steps: number; ms: number } => {
    const t0 = now();
    let samples = 0;
    let n = 0;
    while (now() - t0 < ms && diverged === undefined && !t.done) {
      const r = t.trainStep();
      if (r.divergence) diverged = r.divergence.step;
      samples += r.batchSize;
      n++;
    }
    return { samples, steps: n, ms: now() - t0 };
  };
  steps(Math.min(1000, (seconds * 1000) / 10)); // warm-up: the JIT, the kernels' buffers
  const timed = Array.from({ length: rounds }, () => steps((seconds * 1000) / rounds)).filter((r) => r.steps > 0);
  const rates = timed.map((r) => (r.samples / r.ms) * 1000);
  const order = rates.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  const mid = order[Math.floor(order.length / 2)];
  const median = mid ? timed[mid[1]] : { samples: 0, steps: 0, ms: 0 };
  const samplesPerSec = mid ? mid[0] : 0;
  const flopsPerSample = trainingFlops(t);
  return {
    type: 'bench', kernels: kernelBuild(), batch: t.batchSize, parameters: t.network.parameterCount, flopsPerSample,
    rounds: rates, samplesPerSec,
    stepsPerSec: median.ms > 0 ? (median.steps / median.ms) * 1000 : 0,
    msPerStep: median.steps > 0 ? median.ms / median.steps : 0,
    gflops: (samplesPerSec * flopsPerSample) / 1e9,
    ...(diverged !== undefined ? { divergedAtStep: diverged } : {}),
  };
}
