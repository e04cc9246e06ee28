/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan
 * §8.5): accurate to rounding for the k ≤ 41 of a trajectory's Gram matrix.
 */

/** a: k×k symmetric, row-major (left alone). values[e], and the e-th eigenvector in column e of vectors (k×k row-major). */
export function symmetricEigen(a: Float64Array, k: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < k; i++) {
      diag += m[i * k + i] * m[i * k + i];
      for (let j = i + 1; j < k; j++) off += m[i * k + j] * m[i * k + j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) rotate(m, v, k, p, q);
  }
  return { values: Array.from({ length: k }, (_, i) => m[i * k + i]), vectors: v };
}

/** One Jacobi rotation zeroing m[p][q], accumulated into v. */
function rotate(m: Float64Array, v: Float64Array, k: number, p: number, q: number): void {
  const apq = m[p * k + q];
  if (apq === 0) return;
  const theta = (m[q * k + q] - m[p * k + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let r = 0; r < k; r++) {
    const mrp = m[r * k + p];
    const mrq = m[r * k + q];
    m[r * k + p] = c * mrp - s * mrq;
    m[r * k + q] = s * mrp + c * mrq;
  }
  for (let r = 0; r < k; r++) {
    const mpr = m[p * k + r];
    const mqr = m[q * k + r];
    m[p * k + r] = c * mpr - s * mqr;
    m[q * k + r] = s * mpr + c * mqr;
  }
  for (let r = 0; r < k; r++) {
    const vrp = v[r * k + p];
    const vrq = v[r * k + q];
    v[r * k + p] = c * vrp - s * vrq;
    v[r * k + q] = s * vrp + c * vrq;
  }
}
