import type { FloatArray } from './tensor';

/**
 * softmax_loss: mean cross-entropy of softmax(scores) against integer labels.
 *   scores: (N, C)   labels: (N)   → loss, and dscores: (N, C) = (softmax − onehot) / N
 * Subtracts each row's max before exponentiating, so large scores cannot overflow.
 * Also counts the rows whose arg-max is the label.
 */
export function softmaxLoss(
  scores: FloatArray, labels: Int32Array, labelOffset: number, n: number, c: number,
  dscores: FloatArray | undefined,
): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const y = labels[labelOffset + i];
    let max = scores[o];
    let argmax = 0;
    for (let j = 1; j < c; j++) {
      if (scores[o + j] > max) {
        max = scores[o + j];
        argmax = j;
      }
    }
    if (argmax === y) correct++;
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(scores[o + j] - max);
    const logSum = Math.log(sum);
    loss += logSum - (scores[o + y] - max);
    if (dscores) {
      for (let j = 0; j < c; j++) {
        const p = Math.exp(scores[o + j] - max - logSum);
        dscores[o + j] = (p - (j === y ? 1 : 0)) / n;
      }
    }
  }
  return { loss: loss / n, correct };
}
