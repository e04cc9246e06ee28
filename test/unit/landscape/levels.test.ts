import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANDSCAPE_LOWEST_LEVEL, logLevels } from '../../../src/engine/landscape/grid';
import { LEVELS } from '../../../src/engine/surface/frame';

test('landscape levels: the surface card\'s log spacing, three decades deep below the plane\'s range', () => {
  // A loss plane from 0.2 to 5.2 (range 5).
  const values = [0.2, 0.7, 1.4, 2.9, 5.2];
  const levels = logLevels(values);
  assert.equal(levels.length, LEVELS);
  assert.equal(LANDSCAPE_LOWEST_LEVEL, 1e-3);
  // The lowest 10⁻³ of the range above the minimum, the rest geometric above the minimum up to 10^(−3/LEVELS) of it.
  for (const [k, l] of levels.entries()) {
    const expected = 0.2 + 5 * 10 ** (-3 * (1 - k / LEVELS));
    assert.ok(Math.abs(l - expected) < 1e-12, `level ${k}: ${l} vs ${expected}`);
  }
  assert.ok(levels.every((l, i) => l > 0.2 && l < 5.2 && (i === 0 || l > levels[i - 1])));
  // Non-finite losses (a diverged corner) are left out; a flat plane has nothing to draw.
  assert.deepEqual(logLevels([NaN, ...values, Infinity]), levels);
  assert.deepEqual(logLevels([3, 3, 3]), []);
});
