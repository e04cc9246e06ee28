// The engine's side of bench/web.mjs: bundled twice by esbuild from this one file — an iife for a
// Chromium Web Worker (the web build's engine) and a CommonJS file for a Node worker thread (the
// desktop's) — so both time the same code on W1–W3: a Trainer on bench/workloads.mjs's random data,
// trainStep() without statistics, as bench/impl-js.mjs times it.
// A request {workload, warmupMs, ms, yieldEach} is answered with {workload, samplesPerSec, steps,
// seconds, kernels}. yieldEach: after every step, wait for one round of the thread's message queue,
// as a run does when Stop cannot go through shared memory (a browser without cross-origin isolation:
// src/web/worker.ts yields through a MessageChannel; Node's entry through setImmediate).
import { Trainer } from '../src/engine/trainer';
import { kernels } from '../src/engine/wasm/kernels';
import { helperInit, setThreads, threadsInUse } from '../src/engine/wasm/threads';
import { WORKLOADS, randomData, trainSpec } from './workloads.mjs';

const trainers = new Map();

function trainer(name) {
  if (!trainers.has(name)) {
    const data = randomData(name);
    trainers.set(name, new Trainer(trainSpec(name, data), 'float32', data));
  }
  return trainers.get(name);
}

/** Steps for `ms` after `warmupMs` of warm-up; with yieldNow, one yield after each step (counted in the time). */
export async function measure(req, yieldNow) {
  const t = trainer(req.workload);
  const step = () => t.trainStep(false);
  const warmEnd = performance.now() + req.warmupMs;
  do step(); while (performance.now() < warmEnd);
  const t0 = performance.now();
  let steps = 0;
  let now = t0;
  do {
    step();
    steps++;
    if (req.yieldEach) await yieldNow();
    now = performance.now();
  } while (now - t0 < req.ms);
  const seconds = (now - t0) / 1000;
  const k = kernels();
  return {
    workload: req.workload, yieldEach: Boolean(req.yieldEach), steps, seconds,
    samplesPerSec: (steps * WORKLOADS[req.workload].batch) / seconds,
    kernels: k ? k.variant : 'none (TypeScript)',
    threads: threadsInUse(),
  };
}

const helpers = [];

/**
 * Uses `n` threads from now on: starts the helpers still missing with `start(init)` (a Web Worker or
 * a Node worker thread on the kernel helper entry) and waits, at most 10 s, until they are ready.
 */
export async function useThreads(n, start) {
  if (n > 1) trainer('W3'); // the kernels exist before their helpers are invited
  for (let i = helpers.length + 1; i < n; i++) {
    const init = helperInit(i);
    if (!init) throw new Error('no shared memory here: kernel helper threads cannot start');
    helpers.push(start(init));
  }
  const until = performance.now() + 10_000;
  while (setThreads(n).threads < n) {
    if (performance.now() > until) throw new Error(`${n - 1} helper threads did not get ready in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A yield through a MessageChannel (the web worker's), or setImmediate where it exists (Node's). */
export function queueYield() {
  if (typeof setImmediate === 'function') return () => new Promise((resolve) => setImmediate(resolve));
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
