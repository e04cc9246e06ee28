// The ceiling of one core for 128-bit WebAssembly SIMD (bench/peak.mjs compiles this at bench time,
// in memory, once per build; it is not part of the product).
//
// Two register-only loops of independent f32x4 multiply-adds; the ceiling of a build is the faster:
//  - `peakChain`: 12 accumulators, each a = a·x + y an iteration: f32x4.mul then f32x4.add in the
//    baseline build, f32x4.relaxed_madd (one fused multiply-add where the CPU has FMA) in the
//    relaxed one (ASC_FEATURE_RELAXED_SIMD picks at compile time). The multiply is on each chain, so
//    a chain takes mul + add latency (~6 cycles on Zen): 12 chains are just enough for 2 mul + 2 add
//    a cycle, and more do not fit in V8's 15 allocatable xmm registers (13 spill and collapse).
//  - `peakSplit`: 6 pairs, m = m·x (x = 1) then a = a + m: every product is added, as in a GEMM,
//    but the multiplies and the adds each form their own 3-cycle chains (mul and add, never fused).
// Nothing but registers: x, y, m and the accumulators stay in xmm registers, no loads or stores in the
// loop. The operands come from parameters and each chain's own previous value, so neither Binaryen
// nor TurboFan can fold or hoist a product out of the loop, and the caller gets the sum of the
// accumulators back, so the loop cannot be removed. Values stay near 1 (chain: y / (1 − x) with
// x = y = 0.5; split: a grows by m until a + m rounds to a): no overflow, no denormals.

/** One multiply-add of a chain (Binaryen inlines it). */
function step(a: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, x, y);
  return f32x4.add(f32x4.mul(a, x), y);
}

/** Runs `iterations` × 12 multiply-adds of f32x4 (96 FLOP an iteration) and returns their sum (call with scale 0.5, shift 0.5). */
export function peakChain(iterations: i32, seed: f32, scale: f32, shift: f32): f32 {
  // From parameters, not constants: a v128.const could be rematerialized inside the loop.
  const x = f32x4.splat(scale);
  const y = f32x4.splat(shift);
  let a0 = f32x4.splat(seed);
  let a1 = f32x4.splat(seed + 1);
  let a2 = f32x4.splat(seed + 2);
  let a3 = f32x4.splat(seed + 3);
  let a4 = f32x4.splat(seed + 4);
  let a5 = f32x4.splat(seed + 5);
  let a6 = f32x4.splat(seed + 6);
  let a7 = f32x4.splat(seed + 7);
  let a8 = f32x4.splat(seed + 8);
  let a9 = f32x4.splat(seed + 9);
  let a10 = f32x4.splat(seed + 10);
  let a11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iterations; i++) {
    a0 = step(a0, x, y);
    a1 = step(a1, x, y);
    a2 = step(a2, x, y);
    a3 = step(a3, x, y);
    a4 = step(a4, x, y);
    a5 = step(a5, x, y);
    a6 = step(a6, x, y);
    a7 = step(a7, x, y);
    a8 = step(a8, x, y);
    a9 = step(a9, x, y);
    a10 = step(a10, x, y);
    a11 = step(a11, x, y);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** Runs `iterations` × 6 multiply-adds of f32x4 (48 FLOP an iteration), multiplies and adds on separate chains (call with scale 1). */
export function peakSplit(iterations: i32, seed: f32, scale: f32): f32 {
  const x = f32x4.splat(scale);
  let m0 = f32x4.splat(seed + 1);
  let m1 = f32x4.splat(seed + 2);
  let m2 = f32x4.splat(seed + 3);
  let m3 = f32x4.splat(seed + 4);
  let m4 = f32x4.splat(seed + 5);
  let m5 = f32x4.splat(seed + 6);
  let a0 = f32x4.splat(seed);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  for (let i = 0; i < iterations; i++) {
    m0 = f32x4.mul(m0, x);
    a0 = f32x4.add(a0, m0);
    m1 = f32x4.mul(m1, x);
    a1 = f32x4.add(a1, m1);
    m2 = f32x4.mul(m2, x);
    a2 = f32x4.add(a2, m2);
    m3 = f32x4.mul(m3, x);
    a3 = f32x4.add(a3, m3);
    m4 = f32x4.mul(m4, x);
    a4 = f32x4.add(a4, m4);
    m5 = f32x4.mul(m5, x);
    a5 = f32x4.add(a5, m5);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(m0, m5)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
