import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileSurface } from '../../../src/engine/surface/surface';
import { noiseSequence, SurfaceRun } from '../../../src/engine/surface/run';
import { OPTIMIZER_DEFAULTS, type OptimizerSpec, type SurfacePreset } from '../../../src/model/spec';
import { runPython } from '../python';

/**
 * Each update rule's path on each surface against torch.optim in float64 (the project's defaults
 * for momentum, ε, decay and β): the same start, steps, learning rate and, in the noisy cases, the
 * same noise added to the gradient before each step. One Python process computes every case.
 * The error at a step is |engine − torch| / max(1, |torch|) per coordinate (the coordinates are of
 * order 1, so this is the relative error; it stays absolute for a coordinate that reaches 0).
 */

const STEPS = 300;
/** Float64 rounding, grown over 300 steps (measured: see the report line each run prints). */
const TOLERANCE = 1e-9;

type Rule = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
const RULES: readonly Rule[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

interface SurfaceCase {
  preset: SurfacePreset | null;
  expression: string;
  /** The same f written in Python over torch tensors x and y (an independent transcription). */
  python: string;
  start: [number, number];
  /** A learning rate per rule that keeps the path finite and moving for STEPS steps. */
  lr: Record<Rule, number>;
}

const SURFACES: SurfaceCase[] = [
  { preset: 'rosenbrock', expression: '', python: '(1 - x)**2 + 100 * (y - x**2)**2', start: [-1.5, 2],
    lr: { sgd: 5e-4, momentum: 1e-4, nesterov: 1e-4, adagrad: 0.5, rmsprop: 1e-2, adam: 0.02 } },
  { preset: 'beale', expression: '', python: '(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2', start: [1, 1.5],
    lr: { sgd: 1e-3, momentum: 1e-4, nesterov: 1e-4, adagrad: 0.5, rmsprop: 1e-2, adam: 0.02 } },
  { preset: 'himmelblau', expression: '', python: '(x**2 + y - 11)**2 + (x + y**2 - 7)**2', start: [0, 0],
    lr: { sgd: 1e-2, momentum: 2e-3, nesterov: 2e-3, adagrad: 0.5, rmsprop: 1e-2, adam: 0.05 } },
  { preset: 'saddle', expression: '', python: 'x**2 - y**2', start: [-1, 0.01],
    lr: { sgd: 1e-2, momentum: 1e-3, nesterov: 1e-3, adagrad: 0.1, rmsprop: 1e-2, adam: 0.02 } },
  { preset: 'ravine', expression: '', python: '0.5 * x**2 + 50 * y**2', start: [-4, 1],
    lr: { sgd: 1.5e-2, momentum: 1e-3, nesterov: 1e-3, adagrad: 0.5, rmsprop: 1e-2, adam: 0.05 } },
  { preset: null, expression: 'log(1 + x^2) + 2*tanh(y)^2 + 0.1*x*y', python: 'torch.log(1 + x**2) + 2 * torch.tanh(y)**2 + 0.1 * x * y', start: [2, 1],
    lr: { sgd: 0.1, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, rmsprop: 1e-2, adam: 0.05 } },
];

interface Case { label: string; surface: SurfaceCase; optimizer: OptimizerSpec; noise: number; seed: number }

const cases: Case[] = [];
for (const surface of SURFACES) {
  for (const rule of RULES) {
    cases.push({ label: `${surface.preset ?? 'expression'} ${rule}`, surface, optimizer: { ...OPTIMIZER_DEFAULTS[rule], lr: surface.lr[rule] }, noise: 0, seed: 1 });
  }
}
// Noisy gradients: the engine's noise sequence, handed to Python.
cases.push({ label: 'himmelblau adam, noise 2', surface: SURFACES[2], optimizer: { ...OPTIMIZER_DEFAULTS.adam, lr: 0.05 }, noise: 2, seed: 7 });
cases.push({ label: 'saddle sgd, noise 0.1', surface: SURFACES[3], optimizer: { ...OPTIMIZER_DEFAULTS.sgd, lr: 1e-2 }, noise: 0.1, seed: 3 });

const SCRIPT = String.raw`
import json, sys, torch
torch.set_default_dtype(torch.float64)
cases = json.load(open(sys.argv[1]))
def make(o, p):
    t = o['type']
    if t == 'sgd': return torch.optim.SGD([p], lr=o['lr'])
    if t == 'momentum': return torch.optim.SGD([p], lr=o['lr'], momentum=o['momentum'], dampening=0)
    if t == 'nesterov': return torch.optim.SGD([p], lr=o['lr'], momentum=o['momentum'], dampening=0, nesterov=True)
    if t == 'adagrad': return torch.optim.Adagrad([p], lr=o['lr'], eps=o['eps'], lr_decay=0, initial_accumulator_value=0)
    if t == 'rmsprop': return torch.optim.RMSprop([p], lr=o['lr'], alpha=o['decay'], eps=o['eps'])
    if t == 'adam': return torch.optim.Adam([p], lr=o['lr'], betas=(o['beta1'], o['beta2']), eps=o['eps'])
    raise ValueError(t)
out = []
for c in cases:
    p = torch.tensor(c['start'], dtype=torch.float64, requires_grad=True)
    opt = make(c['optimizer'], p)
    noise = torch.tensor(c['noise'], dtype=torch.float64).reshape(-1, 2)
    path = []
    for k in range(c['steps']):
        opt.zero_grad()
        x, y = p[0], p[1]
        f = eval(c['f'])
        f.backward()
        with torch.no_grad():
            p.grad.add_(c['sigma'] * noise[k])
        opt.step()
        path.extend(p.detach().tolist())
    out.append(path)
print(json.dumps(out))
`;

const dir = mkdtempSync(path.join(tmpdir(), 'trainlens-surface-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The engine's path: x, y after each step. */
function enginePath(c: Case): Float64Array {
  const s = c.surface;
  const run = new SurfaceRun(compileSurface(s), { preset: s.preset, expression: s.expression, start: s.start, steps: STEPS, noise: c.noise }, c.optimizer, c.seed);
  const out = new Float64Array(2 * STEPS);
  for (let k = 0; k < STEPS; k++) {
    const p = run.advance();
    if ('diverged' in p) assert.fail(`${c.label}: ${p.diverged}`);
    out[2 * k] = p.x;
    out[2 * k + 1] = p.y;
  }
  return out;
}

test('every rule follows torch.optim on every surface, with and without gradient noise', async (t) => {
  const input = cases.map((c) => ({
    f: c.surface.python, start: c.surface.start, optimizer: c.optimizer, steps: STEPS, sigma: c.noise,
    noise: Array.from(noiseSequence(c.seed, STEPS)),
  }));
  const file = path.join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(input));
  const torchPaths = JSON.parse(await runPython(['-c', SCRIPT, file])) as number[][];
  assert.equal(torchPaths.length, cases.length);
  const worst = new Map<string, number>();
  cases.forEach((c, i) => {
    const ours = enginePath(c);
    const theirs = torchPaths[i];
    assert.equal(theirs.length, ours.length, c.label);
    let err = 0;
    for (let k = 0; k < ours.length; k++) err = Math.max(err, Math.abs(ours[k] - theirs[k]) / Math.max(1, Math.abs(theirs[k])));
    // The case means something only if the path moved: from the start by more than the bound.
    const moved = Math.hypot(ours[ours.length - 2] - c.surface.start[0], ours[ours.length - 1] - c.surface.start[1]);
    assert.ok(moved > 0.05, `${c.label}: the path moved only ${moved}`);
    assert.ok(err <= TOLERANCE, `${c.label}: max error ${err} against torch`);
    worst.set(c.optimizer.type, Math.max(worst.get(c.optimizer.type) ?? 0, err));
  });
  t.diagnostic(`max error per rule: ${[...worst].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
});
