/**
 * Crossing reduction for the layered circuit (Sugiyama's second phase): elements in columns, each
 * linked to its neighbours in the next column; a few barycenter sweeps, left to right and back,
 * keeping the order with the fewest crossings. Pure; the layout calls it.
 */

/** An element of a column: a node, or a point a long wire passes through. */
export interface Elem {
  col: number;
  /** Links into the next column; `frac` places the link among the target's ports (−0.5 … 0.5, top to bottom). */
  next: Array<{ to: Elem; frac: number }>;
  /** Links from the previous column. */
  prev: Elem[];
}

/** Crossings between two adjacent columns in their current order. */
export function crossingsBetween(left: readonly Elem[], right: readonly Elem[]): number {
  const at = new Map(right.map((e, i) => [e, i]));
  const links: Array<[number, number]> = [];
  left.forEach((e, i) => {
    for (const l of e.next) {
      const j = at.get(l.to);
      if (j !== undefined) links.push([i, j + l.frac]);
    }
  });
  let count = 0;
  for (let a = 0; a < links.length; a++) {
    for (let b = a + 1; b < links.length; b++) {
      if ((links[a][0] - links[b][0]) * (links[a][1] - links[b][1]) < 0) count++;
    }
  }
  return count;
}

export function totalCrossings(columns: readonly Elem[][]): number {
  let sum = 0;
  for (let c = 0; c + 1 < columns.length; c++) sum += crossingsBetween(columns[c], columns[c + 1]);
  return sum;
}

/** Sorts a column by each element's barycenter among its neighbours (elements without any keep their place). */
function sortByBarycenter(column: Elem[], center: (e: Elem) => number | null): void {
  const keyed = column.map((e, i) => ({ e, key: center(e) ?? i, i }));
  keyed.sort((a, b) => a.key - b.key || a.i - b.i);
  keyed.forEach((k, i) => {
    column[i] = k.e;
  });
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/**
 * Reorders the columns in place: `sweeps` rounds of a left-to-right pass (by the positions of each
 * element's inputs) and a right-to-left one (by its consumers' ports), the best order seen kept.
 */
export function reduceCrossings(columns: Elem[][], sweeps = 4): number {
  let best = columns.map((c) => [...c]);
  let bestCount = totalCrossings(columns);
  for (let s = 0; s < sweeps && bestCount > 0; s++) {
    for (let c = 1; c < columns.length; c++) {
      const at = new Map(columns[c - 1].map((e, i) => [e, i]));
      sortByBarycenter(columns[c], (e) => mean(e.prev.flatMap((p) => (at.has(p) ? [at.get(p) as number] : []))));
    }
    for (let c = columns.length - 2; c >= 0; c--) {
      const at = new Map(columns[c + 1].map((e, i) => [e, i]));
      sortByBarycenter(columns[c], (e) => mean(e.next.flatMap((l) => (at.has(l.to) ? [(at.get(l.to) as number) + l.frac] : []))));
    }
    const count = totalCrossings(columns);
    if (count < bestCount) {
      bestCount = count;
      best = columns.map((c) => [...c]);
    }
  }
  best.forEach((c, i) => {
    columns[i].splice(0, columns[i].length, ...c);
  });
  return bestCount;
}
