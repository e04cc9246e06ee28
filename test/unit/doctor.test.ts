import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, Doctor, type DoctorInput, type DoctorLayer, type DoctorStats, type Finding, type FindingCode } from '../../src/training/doctor';
import { Ema, SMOOTHING } from '../../src/training/history';
import { initialLossVerdict } from '../../src/engine/sanity';
import type { Dataset } from '../../src/engine/data/dataset';
import type { ModelSpec } from '../../src/model/spec';
import { SPIRAL } from './fixtures';

// Synthetic histories, one rule at a time, each just past and just short of its threshold.

const RELU_NET: DoctorLayer[] = [
  { index: 0, kind: 'dense', activation: 'relu', units: 100 },
  { index: 1, kind: 'dense', activation: 'linear', units: 3 },
];

/** A history from a loss curve (one value per step, from step 1), smoothed as the doctor smooths it. */
function history(curve: (k: number) => number, steps: number, over: Partial<DoctorInput> = {}): DoctorInput {
  const ema = new Ema(SMOOTHING);
  const raw = Array.from({ length: steps }, (_, k) => curve(k));
  return {
    loss: { step: raw.map((_, k) => k + 1), raw, smooth: raw.map((x) => ema.push(x)) },
    start: curve(0), steps, totalSteps: steps, epochs: [], stats: [], statsLayers: [0, 1], layers: RELU_NET,
    initial: null, divergence: null, regression: false, lr: 0.01, l2: 0, init: 'he', ended: true, ...over,
  };
}

const codes = (i: DoctorInput): FindingCode[] => diagnose(i).map((f) => f.code);
const find = (i: DoctorInput, code: FindingCode): Finding | undefined => diagnose(i).find((f) => f.code === code);
/** Flat at 1, then (from step `at`) `then`; held for the last 60 steps so the smoothing settles. */
const steps = (at: number, then: number) => (k: number): number => (k < at ? 1 : then);

test('lr-too-high: the smoothed loss ends above 1.2 × its start (1.25 fires, 1.15 does not)', () => {
  const f = find(history(steps(100, 1.25), 200), 'lr-too-high');
  assert.ok(f && f.fixes[0].kind === 'lr' && f.fixes[0].factor === 0.1 && f.target.key === 'lr' && f.severity === 'warning');
  assert.ok(Math.abs(f.measured - 1.25) < 0.01, String(f.measured));
  assert.ok(!codes(history(steps(100, 1.15), 200)).includes('lr-too-high'));
});

test('lr-too-high: a blow-up above 2 × the start that the run came back from (5 fires, 1.5 does not)', () => {
  const spike = (h: number) => (k: number): number => (k === 0 ? 1 : k < 5 ? h : 0.5);
  const f = find(history(spike(5), 200), 'lr-too-high');
  assert.ok(f && f.step <= 6 && f.measured > 2, JSON.stringify(f));
  assert.ok(!codes(history(spike(1.5), 200)).includes('lr-too-high'));
});

test('lr-too-high: the loss gives back half its progress (55 % fires, 45 % does not)', () => {
  const curve = (back: number) => (k: number): number => (k < 100 ? 1 - 0.6 * (k / 100) : k < 150 ? 0.4 + 0.6 * back * ((k - 100) / 50) : 0.4 + 0.6 * back);
  const f = find(history(curve(0.55), 250), 'lr-too-high');
  assert.ok(f && f.measured >= 0.5 && f.measured < 0.6, JSON.stringify(f?.measured));
  assert.ok(!codes(history(curve(0.45), 250)).includes('lr-too-high'));
  // The same shape within the noise (a drop of 10 % of the start, under 20 %) is no finding.
  const small = (k: number): number => (k < 100 ? 1 - 0.1 * (k / 100) : 0.9 + 0.1 * 0.8 * Math.min(1, (k - 100) / 50));
  assert.ok(!codes(history(small, 250)).includes('lr-too-high'));
});

test('lr-too-high: mini-batch losses jumping back above the start in the last quarter (12 % fires, 8 % does not)', () => {
  const spiky = (every: number) => (k: number): number => (k === 0 ? 1 : k >= 300 && k % every === 0 ? 1.5 : 0.3);
  assert.ok(codes(history(spiky(8), 400)).includes('lr-too-high')); // 1 in 8: 12.5 %
  assert.ok(!codes(history(spiky(13), 400)).includes('lr-too-high')); // 1 in 13: 7.7 %
});

test('lr-too-high: a divergence, at its step', () => {
  const f = find(history(() => 1, 10, { divergence: { step: 7, lr: 3 } }), 'lr-too-high');
  assert.equal(f?.step, 7);
  assert.ok(f!.message.includes('7'));
});

test('lr-too-low: barely moves (a 4 % drop fires, 6 % does not), not before 100 steps, not when the weights move fast', () => {
  const settle = (drop: number) => (k: number): number => 1 - drop * (1 - Math.exp(-k / 5));
  const f = find(history(settle(0.04), 200), 'lr-too-low');
  assert.ok(f && f.fixes[0].kind === 'lr' && f.fixes[0].factor === 10 && f.severity === 'hint');
  assert.ok(!codes(history(settle(0.06), 200)).includes('lr-too-low'));
  // A run that just started: 50 steps, or 100 of 1,000 while training.
  assert.ok(!codes(history(() => 1, 50)).includes('lr-too-low'));
  assert.ok(!codes(history(() => 1, 100, { totalSteps: 1000, ended: false })).includes('lr-too-low'));
  assert.ok(codes(history(() => 1, 200, { totalSteps: 1000, ended: false })).includes('lr-too-low'));
  // The weights move at 2e-3 of their norm per step: the flat loss is not the lr's fault.
  const stats: DoctorStats[] = Array.from({ length: 10 }, (_, k) => ({ step: 20 * k, dead: [0, null], saturated: [null, null], updateRatio: [2e-3, 2e-3] }));
  assert.ok(!codes(history(() => 1, 200, { stats })).includes('lr-too-low'));
});

test('lr-too-low: almost linear (second half 0.7 × the first fires, 0.5 × does not)', () => {
  // 1 − 0.3·(k/N)^p: the second half falls (1 − 0.5^p)/0.5^p × what the first did.
  const curve = (ratio: number) => {
    const p = Math.log(1 / (1 + ratio)) / Math.log(0.5);
    return (k: number): number => 1 - 0.3 * Math.pow(k / 400, p);
  };
  const f = find(history(curve(0.7), 400), 'lr-too-low');
  assert.ok(f && f.measured > 0.6 && f.measured < 0.8, JSON.stringify(f?.measured));
  assert.equal(f.fixes[0].kind === 'lr' && f.fixes[0].factor, 3);
  assert.ok(!codes(history(curve(0.5), 400)).includes('lr-too-low'));
});

test('plateau: flat for 100 steps then a drop fires; flat for 40 does not; still flat under init small fires instead of lr-too-low', () => {
  const plateauThenDrop = (flat: number) => (k: number): number => (k < flat ? 1 : Math.max(0.5, 1 - 0.025 * (k - flat)));
  const f = find(history(plateauThenDrop(100), 300), 'plateau');
  assert.ok(f && f.step > 100 && f.step < 115 && f.target.key === 'init', JSON.stringify(f));
  assert.deepEqual(f.fixes.map((x) => x.kind), []); // init: he already suits ReLU
  assert.ok(!codes(history(plateauThenDrop(40), 300)).includes('plateau'));
  const small = history(() => 1, 300, { init: 'small' });
  assert.deepEqual(codes(small), ['plateau']);
  assert.deepEqual(find(small, 'plateau')!.fixes, [{ kind: 'init', scheme: 'he', title: 'Use init: he' }]);
  assert.deepEqual(codes(history(() => 1, 300, { init: 'he' })), ['lr-too-low']);
});

/** Epochs whose train and validation scores follow the two functions of the epoch (1…n). */
function epochs(n: number, train: (e: number) => number, val: (e: number) => number | null): DoctorInput['epochs'] {
  return Array.from({ length: n }, (_, k) => ({ epoch: k + 1, step: 8 * (k + 1), train: train(k + 1), val: val(k + 1) }));
}
const falling = (k: number): number => Math.exp(-k / 50);

test('overfitting: a train–validation gap that grew to 0.15 fires, to 0.08 does not; a gap that did not grow does not', () => {
  const grow = (gap: number) => epochs(12, (e) => 0.6 + 0.4 * (e / 12), (e) => 0.6 + 0.4 * (e / 12) - gap * (e / 12));
  const f = find(history(falling, 400, { epochs: grow(0.16) }), 'overfitting');
  assert.ok(f && f.measured >= 0.1 && f.target.key === 'l2', JSON.stringify(f));
  assert.deepEqual(f.fixes.map((x) => x.kind), ['l2', 'dropout']);
  assert.ok(!codes(history(falling, 400, { epochs: grow(0.08) })).includes('overfitting'));
  const steady = epochs(12, () => 0.9, () => 0.75);
  assert.ok(!codes(history(falling, 400, { epochs: steady })).includes('overfitting'));
});

test('underfitting: train accuracy 0.5 and flat fires (on the narrowest hidden layer); 0.85 does not; rising does not', () => {
  const flat = (acc: number) => epochs(12, () => acc, () => acc);
  const f = find(history(falling, 400, { epochs: flat(0.5) }), 'underfitting');
  assert.ok(f && f.layer === 0 && f.target.layer === 0);
  assert.deepEqual(f.fixes.map((x) => x.kind), ['widen']);
  assert.ok(!codes(history(falling, 400, { epochs: flat(0.85) })).includes('underfitting'));
  const rising = epochs(12, (e) => 0.3 + 0.04 * e, (e) => 0.3 + 0.04 * e);
  assert.ok(!codes(history(falling, 400, { epochs: rising })).includes('underfitting'));
  // While training, not before 30 % of the run.
  assert.ok(!codes(history(falling, 400, { epochs: flat(0.5), totalSteps: 2000, ended: false })).includes('underfitting'));
});

/** Stats samples every 20 steps with the given figures for layer 0 (and nothing for layer 1). */
function stats(n: number, f: Partial<{ dead: number; saturated: number; ratio: number }>): DoctorStats[] {
  return Array.from({ length: n }, (_, k) => ({
    step: 20 * k, dead: [f.dead ?? null, null], saturated: [f.saturated ?? null, null], updateRatio: [f.ratio ?? 1e-3, 1e-3],
  }));
}

test('dead-relu: more than half the units dead (0.6 fires, 0.4 does not), on the layer; from step 0 it points at the init', () => {
  const f = find(history(falling, 400, { stats: stats(10, { dead: 0.6 }) }), 'dead-relu');
  assert.ok(f && f.layer === 0 && f.target.key === 'layers' && f.target.layer === 0 && f.step === 0);
  assert.ok(!codes(history(falling, 400, { stats: stats(10, { dead: 0.4 }) })).includes('dead-relu'));
  const late = stats(10, { dead: 0.05 }).map((s, k) => (k >= 4 ? { ...s, dead: [0.7, null] } : s));
  const g = find(history(falling, 400, { stats: late }), 'dead-relu');
  assert.ok(g && g.step === 80 && g.fixes[0].kind === 'lr' && g.fixes[0].factor === 0.1, JSON.stringify(g));
});

test('saturated: more than half the tanh outputs at ±1 (0.55 fires, 0.45 does not)', () => {
  const tanh: DoctorLayer[] = [{ index: 0, kind: 'dense', activation: 'tanh', units: 50 }, RELU_NET[1]];
  const f = find(history(falling, 400, { layers: tanh, init: 'normal', stats: stats(10, { saturated: 0.55 }) }), 'saturated');
  assert.ok(f && f.layer === 0 && f.fixes[0].kind === 'init' && f.fixes[0].scheme === 'xavier');
  assert.ok(!codes(history(falling, 400, { layers: tanh, stats: stats(10, { saturated: 0.45 }) })).includes('saturated'));
});

test('update-ratio-high / -low: a layer outside [1e-4, 1e-2] (2e-2 and 5e-5 fire; 8e-3 and 2e-4 do not; 0 and a learned loss do not)', () => {
  const at = (ratio: number, curve = (k: number) => 1 - 0.5 * falling(k) * 0) => diagnose(history(curve, 400, { stats: stats(10, { ratio }) }));
  const high = at(2e-2).find((f) => f.code === 'update-ratio-high');
  assert.ok(high && high.layer === 0 && high.fixes[0].kind === 'lr' && high.fixes[0].factor === 0.1, JSON.stringify(high));
  assert.ok(!at(8e-3).some((f) => f.code === 'update-ratio-high'));
  const low = at(5e-5).find((f) => f.code === 'update-ratio-low');
  assert.ok(low && low.fixes[0].kind === 'lr' && low.fixes[0].factor === 10, JSON.stringify(low));
  assert.ok(!at(2e-4).some((f) => f.code === 'update-ratio-low'));
  assert.ok(!at(0).some((f) => f.code === 'update-ratio-low'));
  // Once the loss is under 0.2 × its start, small steps are expected.
  assert.ok(!at(5e-5, (k) => (k < 10 ? 1 : 0.1)).some((f) => f.code === 'update-ratio-low'));
});

test('initial-loss: the sanity check\'s verdict (2.1 × ln C fires, 1.9 × does not), with an init fix', () => {
  const rows = { classes: 3 } as Dataset;
  const spec: ModelSpec = { ...SPIRAL, init: { type: 'normal', std: 1 } };
  const fail = initialLossVerdict(spec, rows, 2.1 * Math.log(3));
  const f = find(history(falling, 400, { initial: fail, init: 'normal' }), 'initial-loss');
  assert.ok(f && f.step === 0 && f.target.key === 'init' && f.fixes[0].kind === 'init' && f.fixes[0].scheme === 'he');
  assert.equal(f.message, fail.advice);
  assert.ok(!codes(history(falling, 400, { initial: initialLossVerdict(spec, rows, 1.9 * Math.log(3)) })).includes('initial-loss'));
});

test('the Doctor keeps one finding per code and layer, updated; sticky while training; the end drops what no longer shows', () => {
  const spec: ModelSpec = { ...SPIRAL, train: { ...SPIRAL.train, epochs: 10 } };
  const d = new Doctor(spec, { totalSteps: 1000, statsLayers: [0, 1], regression: false });
  const push = (dead: number, n: number): void => {
    for (let k = 0; k < n; k++) {
      if (d.steps % 20 === 0) {
        d.pushStats({ step: d.steps, loss: 1, params: [], layers: [0, 1].map((g) => ({
          name: `layers[${g}]`, kind: 'dense', mean: 0, std: 1, hist: { edges: [], counts: [] }, dead: g === 0 ? dead : null, saturated: null, gradNorm: 1, updateRatio: 1e-3,
        })) });
      }
      d.pushLoss(Math.exp(-d.steps / 100));
    }
  };
  push(0.8, 200);
  const first = d.evaluate(false);
  assert.deepEqual(first?.map((f) => f.code), ['dead-relu']);
  assert.equal(d.evaluate(false), null); // nothing changed: nothing to post
  push(0.9, 100);
  const updated = d.evaluate(false)!;
  assert.equal(updated.length, 1);
  assert.ok(updated[0].message.includes('90.0 %'), updated[0].message);
  push(0, 200);
  // No longer dead, but kept while training (no flicker)…
  assert.equal(d.evaluate(false), null);
  assert.deepEqual(d.findings().map((f) => f.code), ['dead-relu']);
  // …and dropped at the end, whose diagnosis is final.
  d.evaluate(true);
  assert.deepEqual(d.findings(), []);
});
