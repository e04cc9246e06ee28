/**
 * Vertical placement within a column: each element wants a y (its neighbours'), the column's order
 * is fixed and neighbours keep a minimum distance. The least-squares answer is an isotonic
 * regression (pool adjacent violators) on the wanted positions shifted by the cumulative gaps.
 */

/**
 * Positions y[i] nearest to `want` in the least-squares sense with y[i] − y[i−1] ≥ gap[i]
 * (gap[0] unused). Exact: pool adjacent violators.
 */
export function placeInOrder(want: readonly number[], gap: readonly number[]): number[] {
  const n = want.length;
  const offset = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) offset[i] = offset[i - 1] + gap[i];
  const blocks: Array<{ sum: number; count: number }> = [];
  for (let i = 0; i < n; i++) {
    blocks.push({ sum: want[i] - offset[i], count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const prev = blocks[blocks.length - 2];
      if (prev.sum / prev.count <= last.sum / last.count) break;
      prev.sum += last.sum;
      prev.count += last.count;
      blocks.pop();
    }
  }
  const y: number[] = [];
  for (const b of blocks) {
    for (let k = 0; k < b.count; k++) y.push(b.sum / b.count + offset[y.length]);
  }
  return y;
}
