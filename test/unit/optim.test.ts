import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adagradUpdate, adamUpdate, createOptimizer, momentumUpdate, nesterovUpdate, rmspropUpdate, sgdUpdate,
  weightDecayUpdate,
} from '../../src/engine/optim';
import { learningRate } from '../../src/engine/schedule';
import { makeParam, type Dtype, type FloatArray, type Param, type ParamRole } from '../../src/engine/tensor';
import { OPTIMIZER_DEFAULTS, OPTIMIZERS, type OptimizerName, type OptimizerSpec } from '../../src/model/spec';

function param(role: ParamRole, values: readonly number[], dtype: Dtype = 'float64'): Param {
  const p = makeParam(0, role, values.length, dtype);
  p.value.set(values);
  return p;
}

/** |actual − expected| within tol, relative to the size of expected (absolute below 1). */
function assertClose(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function specFor(name: OptimizerName, lr: number): OptimizerSpec {
  return { ...OPTIMIZER_DEFAULTS[name], lr } as OptimizerSpec;
}

// ─── the formulas, one scalar at a time, written independently of the engine ───────────────────

interface Constants { momentum: number; eps: number; decay: number; beta1: number; beta2: number; weightDecay: number }

function adamOracle(w: number, g: number, s: Record<string, number>, t: number, lr: number, c: Constants): number {
  s.m = c.beta1 * (s.m ?? 0) + (1 - c.beta1) * g;
  s.v = c.beta2 * (s.v ?? 0) + (1 - c.beta2) * g * g;
  const mHat = s.m / (1 - c.beta1 ** t);
  const vHat = s.v / (1 - c.beta2 ** t);
  return w - (lr * mHat) / (Math.sqrt(vHat) + c.eps);
}

/** One element's step: returns the new weight and keeps the element's state in s (starting empty). */
type Oracle = (w: number, g: number, s: Record<string, number>, t: number, lr: number, c: Constants, regularize: boolean) => number;

const ORACLES: Record<OptimizerName, Oracle> = {
  sgd: (w, g, _s, _t, lr) => w - lr * g,
  momentum: (w, g, s, _t, lr, c) => {
    s.v = c.momentum * (s.v ?? 0) - lr * g;
    return w + s.v;
  },
  nesterov: (w, g, s, _t, lr, c) => {
    const vPrev = s.v ?? 0;
    s.v = c.momentum * vPrev - lr * g;
    return w - c.momentum * vPrev + (1 + c.momentum) * s.v;
  },
  adagrad: (w, g, s, _t, lr, c) => {
    s.cache = (s.cache ?? 0) + g * g;
    return w - (lr * g) / (Math.sqrt(s.cache) + c.eps);
  },
  rmsprop: (w, g, s, _t, lr, c) => {
    s.cache = c.decay * (s.cache ?? 0) + (1 - c.decay) * g * g;
    return w - (lr * g) / (Math.sqrt(s.cache) + c.eps);
  },
  adam: (w, g, s, t, lr, c) => adamOracle(w, g, s, t, lr, c),
  // PyTorch's order: decay the weight, then take the Adam step from the decayed weight.
  adamw: (w, g, s, t, lr, c, regularize) => adamOracle(regularize ? w - lr * c.weightDecay * w : w, g, s, t, lr, c),
};

/** The exported free function of each rule, called directly on one parameter's arrays. */
const DIRECT: Record<OptimizerName, (p: Param, s: FloatArray[], lr: number, t: number, c: Constants) => void> = {
  sgd: (p, _s, lr) => sgdUpdate(p.value, p.grad, lr),
  momentum: (p, s, lr, _t, c) => momentumUpdate(p.value, p.grad, s[0], lr, c.momentum),
  nesterov: (p, s, lr, _t, c) => nesterovUpdate(p.value, p.grad, s[0], lr, c.momentum),
  adagrad: (p, s, lr, _t, c) => adagradUpdate(p.value, p.grad, s[0], lr, c.eps),
  rmsprop: (p, s, lr, _t, c) => rmspropUpdate(p.value, p.grad, s[0], lr, c.decay, c.eps),
  adam: (p, s, lr, t, c) => adamUpdate(p.value, p.grad, s[0], s[1], lr, t, c),
  adamw: (p, s, lr, t, c) => {
    if (p.regularize) weightDecayUpdate(p.value, lr, c.weightDecay);
    adamUpdate(p.value, p.grad, s[0], s[1], lr, t, c);
  },
};

test('the test oracles agree with values worked by hand', () => {
  const c = { momentum: 0.9, eps: 1e-8, decay: 0.99, beta1: 0.9, beta2: 0.999, weightDecay: 0.5 };
  const run = (name: OptimizerName, steps: number, g = 1, regularize = true): number[] => {
    const s = {};
    let w = 1;
    const ws: number[] = [];
    for (let t = 1; t <= steps; t++) ws.push(w = ORACLES[name](w, g, s, t, 0.1, c, regularize));
    return ws;
  };
  const near = (a: number[], b: number[], tol: number) => a.forEach((x, i) => assertClose(x, b[i], tol, `step ${i + 1}`));
  near(run('sgd', 2), [0.9, 0.8], 1e-15);
  near(run('momentum', 2), [0.9, 0.71], 1e-15); // v = −0.1, then −0.19
  near(run('nesterov', 2), [0.81, 0.539], 1e-15); // w += 1.9·(−0.1); then w += 0.09 + 1.9·(−0.19)
  near(run('adagrad', 2), [0.9, 0.9 - 0.1 / Math.SQRT2], 1e-7); // cache 1, then 2
  near(run('rmsprop', 1), [0], 1e-7); // cache = 0.01, so the step is 0.1·1/0.1
  near(run('adam', 3), [0.9, 0.8, 0.7], 1e-7); // constant gradient: m̂ = g, v̂ = g², every step is lr
  near(run('adamw', 1), [0.95 - 0.1], 1e-7); // decay 1 → 0.95, then the Adam step
  near(run('adamw', 1, 1, false), [0.9], 1e-7);
});

// ─── each rule against its formula ────────────────────────────────────────────────────────────────

/** Mixed-sign gradients, different at each step and element, with an occasional zero. */
function gradient(step: number, i: number, scale: number): number {
  return ((((i * 7 + step * 3) % 11) - 5) / 4) * scale;
}

for (const name of OPTIMIZERS) {
  test(`${name} follows its formula step by step, for the optimizer and the free function`, () => {
    const lr = name.startsWith('ada') || name === 'rmsprop' ? 0.05 : 0.1;
    const spec = specFor(name, lr);
    const c = { momentum: 0.9, eps: 1e-8, decay: 0.99, beta1: 0.9, beta2: 0.999, weightDecay: 0.01, ...spec } as Constants;
    const w0 = [0.5, -1.2, 2.0, -0.3];
    const b0 = [0.1, -0.05];
    const params = [param('W', w0), param('b', b0)];
    const direct = [param('W', w0), param('b', b0)];
    const directState = direct.map((p) => [new Float64Array(p.value.length), new Float64Array(p.value.length)]);
    const expected = [[...w0], [...b0]];
    const oracleState = expected.map((ws) => ws.map(() => ({})));
    const optimizer = createOptimizer(spec);
    for (let t = 1; t <= 6; t++) {
      params.forEach((p, k) => {
        for (let i = 0; i < p.grad.length; i++) p.grad[i] = direct[k].grad[i] = gradient(t, i + 4 * k, k === 0 ? 1 : 0.3);
      });
      optimizer.update(params, lr);
      direct.forEach((p, k) => DIRECT[name](p, directState[k], lr, t, c));
      params.forEach((p, k) => {
        for (let i = 0; i < p.value.length; i++) {
          expected[k][i] = ORACLES[name](expected[k][i], p.grad[i], oracleState[k][i], t, lr, c, p.regularize);
          assertClose(p.value[i], expected[k][i], 1e-15, `step ${t}, ${p.name}[${i}]`);
          assertClose(direct[k].value[i], expected[k][i], 1e-15, `free function, step ${t}, ${p.name}[${i}]`);
        }
      });
    }
    assert.equal(optimizer.steps, 6);
  });
}

test('nesterov in the notes form is the lookahead form in the variable w + μ·v', () => {
  // Lookahead form on f(x) = ½·a·x²: v = μ·v − lr·∇f(x + μ·v); x += v. The notes track w = x + μ·v.
  const a = 3, lr = 0.1, mu = 0.9;
  let x = 2, vx = 0;
  const w = new Float64Array([x]);
  const v = new Float64Array(1);
  for (let t = 1; t <= 20; t++) {
    vx = mu * vx - lr * a * (x + mu * vx);
    x += vx;
    nesterovUpdate(w, new Float64Array([a * w[0]]), v, lr, mu);
    assertClose(v[0], vx, 1e-12, `v at step ${t}`);
    assertClose(w[0], x + mu * vx, 1e-12, `w at step ${t}`);
  }
});

test('adam with a constant gradient moves by ≈ lr every step (bias correction, not just the first step)', () => {
  const p = param('W', [0, 0, 0]);
  p.grad.set([1e-3, -50, 2]);
  const optimizer = createOptimizer(specFor('adam', 0.01));
  for (let t = 1; t <= 10; t++) {
    const before = [...p.value];
    optimizer.update([p], 0.01);
    p.value.forEach((w, i) => assertClose(w - before[i], -0.01 * Math.sign(p.grad[i]), 1e-5, `step ${t}[${i}]`));
  }
});

// ─── state ─────────────────────────────────────────────────────────────────────

test('cs231n defaults (AdamW weight decay as PyTorch)', () => {
  assert.deepEqual(OPTIMIZER_DEFAULTS, {
    sgd: { type: 'sgd', lr: 1e-2 },
    momentum: { type: 'momentum', lr: 1e-2, momentum: 0.9 },
    nesterov: { type: 'nesterov', lr: 1e-2, momentum: 0.9 },
    adagrad: { type: 'adagrad', lr: 1e-2, eps: 1e-8 },
    rmsprop: { type: 'rmsprop', lr: 1e-2, decay: 0.99, eps: 1e-8 },
    adam: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    adamw: { type: 'adamw', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 },
  });
  assert.deepEqual(Object.keys(OPTIMIZER_DEFAULTS), [...OPTIMIZERS]);
});

test('a fresh optimizer starts from fresh state: the weights stay, the moments and t restart', () => {
  const p = param('W', [0.3, -0.7]);
  p.grad.set([2, -0.01]);
  const first = createOptimizer(specFor('adam', 0.1));
  for (let t = 0; t < 3; t++) first.update([p], 0.1);
  const kept = [...p.value];
  const swapped = createOptimizer(specFor('adam', 0.1));
  assert.equal(swapped.steps, 0);
  assert.equal(swapped.state.length, 0);
  swapped.update([p], 0.1);
  assert.equal(swapped.steps, 1);
  assert.equal(first.steps, 3);
  // Adam's first step moves each weight by ≈ lr against its gradient, whatever the gradient's size.
  assertClose(p.value[0], kept[0] - 0.1, 1e-7, 'w[0]');
  assertClose(p.value[1], kept[1] + 0.1, 1e-5, 'w[1]');
  // Momentum's first step is plain sgd (v starts at zero).
  const momentum = createOptimizer(specFor('momentum', 0.1));
  const before = [...p.value];
  momentum.update([p], 0.1);
  assert.deepEqual([...p.value], [before[0] - 0.1 * 2, before[1] + 0.1 * 0.01]);
});

test('adamw decays weights, not biases', () => {
  const lr = 0.1;
  const spec = { ...OPTIMIZER_DEFAULTS.adamw, lr, weightDecay: 0.5 };
  const W = param('W', [1, -2, 4]);
  const b = param('b', [1, -2]);
  const optimizer = createOptimizer(spec);
  // Zero gradients: the Adam step is exactly 0, what remains is the decay.
  for (let t = 1; t <= 3; t++) {
    optimizer.update([W, b], lr);
    const keep = (1 - lr * 0.5) ** t;
    [1, -2, 4].forEach((w0, i) => assertClose(W.value[i], w0 * keep, 1e-15, `step ${t}, W[${i}]`));
    assert.deepEqual([...b.value], [1, -2]);
  }
  // Plain adam does not decay.
  const W2 = param('W', [1, -2, 4]);
  createOptimizer(specFor('adam', lr)).update([W2], lr);
  assert.deepEqual([...W2.value], [1, -2, 4]);
});

test("adagrad's effective step shrinks over time (≈ lr/√t for a constant gradient)", () => {
  const p = param('W', [0]);
  p.grad[0] = 3;
  const optimizer = createOptimizer(specFor('adagrad', 0.1));
  let previous = Infinity;
  for (let t = 1; t <= 10; t++) {
    const before = p.value[0];
    optimizer.update([p], 0.1);
    const step = before - p.value[0];
    assert.ok(step < previous, `step ${t} (${step}) is smaller than step ${t - 1} (${previous})`);
    assertClose(step, 0.1 / Math.sqrt(t), 1e-8, `step ${t}`);
    previous = step;
  }
});

test('state is per parameter: two parameters do not share a cache', () => {
  const a = param('W', [0, 0]);
  const b = param('W', [0, 0]);
  a.grad.set([1, -2]);
  b.grad.set([3, 0.5]);
  const optimizer = createOptimizer(specFor('adagrad', 0.1));
  optimizer.update([a, b], 0.1);
  optimizer.update([a, b], 0.1);
  assert.deepEqual(optimizer.stateNames, ['cache']);
  assert.notEqual(optimizer.state[0][0], optimizer.state[1][0]);
  assert.deepEqual([...optimizer.state[0][0]], [2, 8]);
  assert.deepEqual([...optimizer.state[1][0]], [18, 0.5]);
  // Each took the step of its own gradient history, as if alone.
  const alone = param('W', [0, 0]);
  alone.grad.set([3, 0.5]);
  const solo = createOptimizer(specFor('adagrad', 0.1));
  solo.update([alone], 0.1);
  solo.update([alone], 0.1);
  assert.deepEqual([...b.value], [...alone.value]);
});

test('the optimizer allocates its state once, on the first update, in the parameters\' dtype', () => {
  for (const name of OPTIMIZERS) {
    for (const dtype of ['float32', 'float64'] as const) {
      const params = [param('W', [0.1, -0.2, 0.3], dtype), param('b', [0.5], dtype)];
      params.forEach((p) => p.grad.fill(0.25));
      const optimizer = createOptimizer(specFor(name, 0.01));
      assert.equal(optimizer.state.length, 0, `${name}: no state before the first update`);
      optimizer.update(params, 0.01);
      const first = optimizer.state.map((arrays) => [...arrays]);
      assert.equal(first.length, params.length);
      first.forEach((arrays, i) => {
        assert.equal(arrays.length, optimizer.stateNames.length);
        for (const s of arrays) {
          assert.equal(s.constructor, params[i].value.constructor, `${name}: state dtype`);
          assert.equal(s.length, params[i].value.length);
        }
      });
      for (let t = 0; t < 50; t++) optimizer.update(params, 0.01);
      optimizer.state.forEach((arrays, i) => arrays.forEach((s, k) => assert.equal(s, first[i][k], `${name}: same array after 51 steps`)));
    }
  }
  assert.deepEqual(createOptimizer(specFor('sgd', 0.1)).stateNames, []);
  assert.deepEqual(createOptimizer(specFor('nesterov', 0.1)).stateNames, ['velocity']);
  assert.deepEqual(createOptimizer(specFor('adamw', 0.1)).stateNames, ['m', 'v']);
});

test('an optimizer refuses a parameter list other than the one its state was made for', () => {
  const optimizer = createOptimizer(specFor('momentum', 0.1));
  const p = param('W', [1]);
  optimizer.update([p], 0.1);
  assert.throws(() => optimizer.update([param('W', [1])], 0.1), /not the parameter/);
  assert.throws(() => optimizer.update([p, param('b', [0])], 0.1), /2 parameters/);
});

test('float32 parameters train like float64 ones, to float32 precision', () => {
  for (const name of OPTIMIZERS) {
    const values = [0.5, -1.25, 2, -0.375];
    const p32 = param('W', values, 'float32');
    const p64 = param('W', values, 'float64');
    const o32 = createOptimizer(specFor(name, 0.01));
    const o64 = createOptimizer(specFor(name, 0.01));
    for (let t = 1; t <= 20; t++) {
      for (let i = 0; i < values.length; i++) p32.grad[i] = p64.grad[i] = gradient(t, i, 0.5);
      o32.update([p32], 0.01);
      o64.update([p64], 0.01);
    }
    assert.ok(p32.value instanceof Float32Array);
    p32.value.forEach((w, i) => assertClose(w, p64.value[i], 1e-5, `${name}[${i}]`));
  }
});

// ─── schedules ───────────────────────────────────────────────────────────────

test('no schedule: the base learning rate throughout', () => {
  for (const epoch of [0, 0.5, 7, 100]) assert.equal(learningRate(0.1, undefined, epoch, 10), 0.1);
});

test('step schedule: lr·gamma^⌊epoch/every⌋', () => {
  const s = { type: 'step', every: 10, gamma: 0.5 } as const;
  assert.equal(learningRate(0.1, s, 0, 40), 0.1);
  assert.equal(learningRate(0.1, s, 9.99, 40), 0.1);
  assert.equal(learningRate(0.1, s, 10, 40), 0.05);
  assert.equal(learningRate(0.1, s, 25.5, 40), 0.025);
  assert.equal(learningRate(0.1, s, 39.9, 40), 0.0125);
});

test('exp schedule: lr·gamma^⌊epoch⌋, per completed epoch', () => {
  const s = { type: 'exp', gamma: 0.9 } as const;
  assert.equal(learningRate(0.1, s, 0, 10), 0.1);
  assert.equal(learningRate(0.1, s, 0.99, 10), 0.1);
  assertClose(learningRate(0.1, s, 1, 10), 0.09, 1e-15, 'epoch 1');
  assertClose(learningRate(0.1, s, 3.7, 10), 0.0729, 1e-15, 'epoch 3.7');
});

test('cosine schedule: lr at 0, min at the end, the half-cosine between, by fractional epoch', () => {
  const s = { type: 'cosine', min: 0.001 } as const;
  assert.equal(learningRate(0.1, s, 0, 20), 0.1);
  assert.equal(learningRate(0.1, s, 20, 20), 0.001);
  assertClose(learningRate(0.1, s, 10, 20), 0.0505, 1e-15, 'halfway');
  assertClose(learningRate(0.1, s, 5, 20), 0.001 + 0.0495 * (1 + Math.SQRT1_2), 1e-15, 'a quarter');
  assertClose(learningRate(0.1, s, 2.5, 20), 0.001 + 0.0495 * (1 + Math.cos(Math.PI / 8)), 1e-15, 'fractional epoch');
  assert.ok(learningRate(0.1, s, 2.5, 20) < learningRate(0.1, s, 2, 20), 'moves within an epoch');
  assert.equal(learningRate(0.1, s, 25, 20), 0.001, 'stays at min past the end');
});
