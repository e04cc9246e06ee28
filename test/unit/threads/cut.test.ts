// ops.ts cut(): how a kernel call's rows, columns, samples or planes are shared between parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cut, GEMM_COL_UNIT, GEMM_ROW_UNIT, LANE_UNIT } from '../../../src/engine/wasm/ops';

const UNITS = [1, 2, LANE_UNIT, GEMM_ROW_UNIT, GEMM_COL_UNIT, 3];

test('the parts cover [0, total) exactly, in order, each starting at a multiple of the unit', () => {
  let cases = 0;
  for (const unit of UNITS) {
    for (let total = 0; total <= 300; total++) {
      for (let parts = 1; parts <= 17; parts++) {
        const at = Array.from({ length: parts + 1 }, (_, p) => cut(total, p, parts, unit));
        const label = `total ${total}, ${parts} parts of unit ${unit}`;
        assert.equal(at[0], 0, `${label}: starts at 0`);
        assert.equal(at[parts], total, `${label}: ends at total`);
        for (let p = 0; p < parts; p++) {
          assert.ok(at[p] <= at[p + 1], `${label}: part ${p} is not reversed`);
          if (at[p] < total) assert.equal(at[p] % unit, 0, `${label}: part ${p} starts on a unit`);
        }
        // Covered exactly once: the lengths add up (parts are contiguous by construction above).
        assert.equal(at.slice(1).reduce((s, v, p) => s + v - at[p], 0), total, label);
        cases++;
      }
    }
  }
  assert.equal(cases, UNITS.length * 301 * 17);
});

test('the parts are even to within one unit when there are enough units, and none is empty then', () => {
  for (const unit of UNITS) {
    for (let total = 1; total <= 400; total += 7) {
      const units = Math.ceil(total / unit);
      for (let parts = 1; parts <= Math.min(units, 16); parts++) {
        const lengths = Array.from({ length: parts }, (_, p) => cut(total, p + 1, parts, unit) - cut(total, p, parts, unit));
        const label = `total ${total}, ${parts} parts of unit ${unit}: ${lengths.join(' ')}`;
        assert.ok(lengths.every((l) => l > 0), `${label}: no empty part`);
        // The last part may hold the ragged end (less than a unit); the others are whole units.
        const whole = lengths.slice(0, -1);
        assert.ok(whole.every((l) => l % unit === 0), `${label}: whole units`);
        const inUnits = lengths.map((l) => Math.ceil(l / unit));
        assert.ok(Math.max(...inUnits) - Math.min(...inUnits) <= 1, `${label}: even`);
      }
    }
  }
});

test('a part index at or past the count gives the total, and large totals do not lose precision', () => {
  assert.equal(cut(100, 5, 5, 8), 100);
  assert.equal(cut(100, 9, 5, 8), 100);
  const big = 2 ** 28 + 3;
  assert.equal(cut(big, 1, 2, 8), 2 ** 27);
  assert.equal(cut(big, 2, 2, 8), big);
  assert.equal(cut(1024, 1, 3, GEMM_COL_UNIT), 336);
  assert.equal(cut(1024, 2, 3, GEMM_COL_UNIT), 680);
});
